"""Paired tests against scipy on hand-made vectors; report round trip."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pretrec.errors import PretrecError
from pretrec.eval.report import Report, load_per_user
from pretrec.eval.significance import compare_runs, paired_test


def test_paired_test_matches_scipy_and_drops_nan_users() -> None:
    a = np.array([0.0, 0.5, 1.0, 0.2, np.nan, 0.3])
    b = np.array([0.1, 0.7, 1.0, 0.6, 0.9, 0.2])
    result = paired_test(a, b, "ndcg@10")
    kept_a, kept_b = a[[0, 1, 2, 3, 5]], b[[0, 1, 2, 3, 5]]
    assert result.n_users == 5
    assert result.difference == pytest.approx((kept_b - kept_a).mean())  # (0.1+0.2+0+0.4-0.1)/5 = 0.12
    assert result.difference == pytest.approx(0.12)
    assert result.t_pvalue == pytest.approx(stats.ttest_rel(kept_b, kept_a).pvalue)


def test_identical_runs_have_p_value_one() -> None:
    values = np.array([0.1, 0.2, 0.3])
    assert paired_test(values, values).t_pvalue == 1.0


def write_run(folder, users, values) -> None:
    report = Report(model="m", metrics={"ndcg@10": float(np.mean(values))}, dataset={}, split={},
                    protocol={}, seed=0, config={})
    report.save(folder, np.asarray(users), {"ndcg@10": np.asarray(values, dtype=float)})


def test_compare_runs_aligns_users_and_refuses_different_splits(tmp_path) -> None:
    write_run(tmp_path / "a", [3, 1, 2], [0.3, 0.1, 0.2])
    write_run(tmp_path / "b", [1, 2, 3], [0.2, 0.3, 0.4])
    (comparison,) = compare_runs(tmp_path / "a", tmp_path / "b")
    assert comparison.difference == pytest.approx(0.1)
    write_run(tmp_path / "c", [1, 2], [0.2, 0.3])
    with pytest.raises(PretrecError, match="different users"):
        compare_runs(tmp_path / "a", tmp_path / "c")


def test_report_round_trip(tmp_path) -> None:
    write_run(tmp_path, [0, 1], [0.5, 1.0])
    loaded = Report.load(tmp_path)
    assert loaded.metrics == {"ndcg@10": 0.75} and loaded.config_hash
    users, per_user = load_per_user(tmp_path)
    assert users.tolist() == [0, 1] and per_user["ndcg@10"].tolist() == [0.5, 1.0]


def test_a_side_of_several_seeds_is_compared_on_its_per_user_mean(tmp_path) -> None:
    write_run(tmp_path / "a-s0", [1, 2, 3], [0.0, 0.2, 0.4])
    write_run(tmp_path / "a-s1", [3, 2, 1], [0.6, 0.4, 0.2])  # user 1: 0.2, 2: 0.4, 3: 0.6
    write_run(tmp_path / "b", [1, 2, 3], [0.3, 0.3, 0.9])
    (comparison,) = compare_runs([tmp_path / "a-s0", tmp_path / "a-s1"], tmp_path / "b")
    assert comparison.mean_a == pytest.approx(0.3)  # per user (0.1, 0.3, 0.5)
    assert comparison.difference == pytest.approx(0.2)  # (0.2 + 0.0 + 0.4) / 3
    assert comparison.t_pvalue == pytest.approx(stats.ttest_rel([0.3, 0.3, 0.9], [0.1, 0.3, 0.5]).pvalue)
    # a multi-seed output folder stands for its seed-N runs
    write_run(tmp_path / "multi" / "seed-0", [1, 2, 3], [0.0, 0.2, 0.4])
    write_run(tmp_path / "multi" / "seed-1", [1, 2, 3], [0.2, 0.4, 0.6])
    (multi,) = compare_runs(tmp_path / "multi", tmp_path / "b")
    assert multi.difference == pytest.approx(comparison.difference)
    write_run(tmp_path / "other", [1, 2, 4], [0.1, 0.1, 0.1])
    with pytest.raises(PretrecError, match="other users"):
        compare_runs([tmp_path / "a-s0", tmp_path / "other"], tmp_path / "b")
