"""Paired tests against hand-computed statistics and scipy on hand-made vectors; every error path
of `compare_runs`; report round trip."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from pretrec.errors import PretrecError
from pretrec.eval.report import Report, load_per_user
from pretrec.eval.significance import compare_runs, paired_test, run_folders

# ---------------------------------------------------------------- t-test


def test_t_test_p_value_by_hand_with_two_users() -> None:
    """Two users, differences (0.1, 0.3): mean 0.2, sd 0.1 * sqrt(2), se 0.1, t = 2 with one
    degree of freedom (a Cauchy law): two-sided p = 1 - (2 / pi) * arctan(2)."""
    a = np.array([0.2, 0.4])
    b = np.array([0.3, 0.7])
    result = paired_test(a, b, "ndcg@10")
    assert result.t_pvalue == pytest.approx(1 - 2 / math.pi * math.atan(2.0), rel=1e-9)  # 0.2952
    assert result.t_pvalue == pytest.approx(0.295167, abs=1e-6)
    assert (result.metric, result.n_users) == ("ndcg@10", 2)
    assert (result.mean_a, result.mean_b, result.difference) == pytest.approx((0.3, 0.5, 0.2))


def test_t_test_matches_a_hand_t_statistic_and_scipy_after_dropping_nan_users() -> None:
    """The NaN user is dropped; the five kept differences give t = mean / (sd / sqrt(n))."""
    a = np.array([0.0, 0.5, 1.0, 0.2, np.nan, 0.3])
    b = np.array([0.1, 0.7, 1.0, 0.6, 0.9, 0.2])
    result = paired_test(a, b, "ndcg@10")
    differences = [0.1, 0.2, 0.0, 0.4, -0.1]  # b - a on the kept users, by hand
    # mean 0.12; squared deviations 0.0004 + 0.0064 + 0.0144 + 0.0784 + 0.0484 = 0.148
    mean, sd = 0.12, math.sqrt(0.148 / 4)
    t = mean / (sd / math.sqrt(5))  # 1.3950
    assert t == pytest.approx(1.39497, abs=1e-5)
    assert result.n_users == 5
    assert result.difference == pytest.approx(mean)
    assert result.t_pvalue == pytest.approx(2 * stats.t.sf(t, df=4), rel=1e-9)
    kept_a, kept_b = a[[0, 1, 2, 3, 5]], b[[0, 1, 2, 3, 5]]
    assert result.t_pvalue == pytest.approx(stats.ttest_rel(kept_b, kept_a).pvalue, rel=1e-9)
    assert result.t_pvalue == pytest.approx(stats.ttest_1samp(differences, 0.0).pvalue, rel=1e-9)


def test_t_test_is_symmetric_in_its_two_runs() -> None:
    """Swapping the runs flips the sign of the difference, not the two-sided p-values."""
    a, b = np.array([0.1, 0.5, 0.2, 0.9]), np.array([0.3, 0.4, 0.6, 1.0])
    forward, backward = paired_test(a, b), paired_test(b, a)
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.t_pvalue == pytest.approx(backward.t_pvalue)
    assert forward.wilcoxon_pvalue == pytest.approx(backward.wilcoxon_pvalue)


def test_a_constant_non_zero_difference_has_t_p_value_zero() -> None:
    """Zero variance with a non-zero mean: t is infinite, so its p-value is 0 (not NaN)."""
    a = np.array([0.1, 0.2, 0.3])
    result = paired_test(a, a + 0.1)
    assert result.t_pvalue == 0.0
    assert result.difference == pytest.approx(0.1)
    # Wilcoxon: all three differences positive, W- = 0: exact two-sided p = 2 / 2^3
    assert result.wilcoxon_pvalue == pytest.approx(0.25)


# ---------------------------------------------------------------- Wilcoxon


def test_wilcoxon_exact_p_value_by_hand_when_every_user_improves() -> None:
    """Five positive differences: W- = 0, the exact two-sided p-value is 2 / 2^5 = 0.0625."""
    a = np.array([0.5, 0.5, 0.5, 0.5, 0.5])
    b = a + np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    result = paired_test(a, b)
    assert result.wilcoxon_pvalue == pytest.approx(2 / 32)
    assert result.wilcoxon_pvalue == pytest.approx(stats.wilcoxon(b - a).pvalue)


def test_wilcoxon_exact_p_value_by_hand_with_one_loss() -> None:
    """Differences (0.1, -0.2, 0.3, 0.4, 0.5): the loss has rank 2, so W- = 2. The subsets of
    ranks {1..5} summing to <= 2 are {}, {1}, {2}: p = 2 * 3 / 32 = 0.1875."""
    a = np.array([0.4, 0.4, 0.4, 0.4, 0.4])
    b = a + np.array([0.1, -0.2, 0.3, 0.4, 0.5])
    result = paired_test(a, b)
    assert result.wilcoxon_pvalue == pytest.approx(3 / 16)
    assert result.wilcoxon_pvalue == pytest.approx(stats.wilcoxon(b, a).pvalue)


def test_wilcoxon_drops_users_with_zero_difference() -> None:
    """zero_method 'wilcox': a user whose two values are equal is left out of the ranks, so adding
    one changes nothing (p stays 0.1875), while the t-test counts that user."""
    differences = np.array([0.0, 0.1, -0.2, 0.3, 0.4, 0.5])
    a = np.full(6, 0.4)
    result = paired_test(a, a + differences)
    assert result.n_users == 6
    assert result.wilcoxon_pvalue == pytest.approx(3 / 16)
    assert result.wilcoxon_pvalue == pytest.approx(
        stats.wilcoxon(differences, zero_method="wilcox").pvalue
    )
    assert result.t_pvalue == pytest.approx(stats.ttest_1samp(differences, 0.0).pvalue, rel=1e-6)


def test_identical_runs_have_both_p_values_one() -> None:
    """All differences zero: no evidence of a difference, both p-values are exactly 1."""
    values = np.array([0.1, 0.2, 0.3])
    result = paired_test(values, values.copy())
    assert (result.t_pvalue, result.wilcoxon_pvalue) == (1.0, 1.0)
    assert result.difference == 0.0


def test_differences_within_rounding_of_zero_count_as_identical_runs() -> None:
    """Float noise (1e-12) is not a difference: both p-values stay 1 instead of the 0.25 that
    three same-signed differences would give."""
    values = np.array([0.1, 0.2, 0.3])
    result = paired_test(values, values + 1e-12)
    assert (result.t_pvalue, result.wilcoxon_pvalue) == (1.0, 1.0)


# ---------------------------------------------------------------- errors of paired_test


def test_paired_test_refuses_fewer_than_two_users() -> None:
    """One user is not a sample."""
    with pytest.raises(PretrecError, match="at least two users"):
        paired_test(np.array([0.5]), np.array([0.7]))


def test_paired_test_refuses_fewer_than_two_users_left_after_dropping_nan() -> None:
    """Three users, but only one has a value in both runs."""
    a = np.array([0.1, np.nan, 0.3])
    b = np.array([0.2, 0.4, np.nan])
    with pytest.raises(PretrecError, match="at least two users"):
        paired_test(a, b)


# ---------------------------------------------------------------- run folders


def write_run(folder: Path, users: list[int], values: list[float],
              metric: str = "ndcg@10") -> None:
    """A saved report with per-user values of one metric."""
    report = Report(model="m", metrics={metric: float(np.mean(values))}, dataset={}, split={},
                    protocol={}, seed=0, config={})
    report.save(folder, np.asarray(users), {metric: np.asarray(values, dtype=float)})


def test_compare_runs_aligns_users_and_refuses_different_splits(tmp_path: Path) -> None:
    """Users are matched by id; a run over fewer users is refused."""
    write_run(tmp_path / "a", [3, 1, 2], [0.3, 0.1, 0.2])
    write_run(tmp_path / "b", [1, 2, 3], [0.2, 0.3, 0.4])
    (comparison,) = compare_runs(tmp_path / "a", tmp_path / "b")
    assert comparison.difference == pytest.approx(0.1)  # every user gains 0.1 once aligned
    assert comparison.t_pvalue == 0.0  # constant difference
    write_run(tmp_path / "c", [1, 2], [0.2, 0.3])
    with pytest.raises(PretrecError, match=r"different users \(3 vs 2, 2 shared\)"):
        compare_runs(tmp_path / "a", tmp_path / "c")


def test_compare_runs_refuses_as_many_users_with_other_ids(tmp_path: Path) -> None:
    """Same number of users but not the same users: still different splits."""
    write_run(tmp_path / "a", [1, 2, 3], [0.3, 0.1, 0.2])
    write_run(tmp_path / "b", [1, 2, 4], [0.2, 0.3, 0.4])
    with pytest.raises(PretrecError, match=r"different users \(3 vs 3, 2 shared\)"):
        compare_runs(tmp_path / "a", tmp_path / "b")


def test_compare_runs_tests_every_shared_metric_in_name_then_k_order(tmp_path: Path) -> None:
    """Metrics present in both runs are compared, sorted by name then numeric cut-off."""
    users = np.array([1, 2, 3])
    names = ["ndcg@20", "hr@10", "ndcg@5", "only_a@10"]
    per_user = {name: np.array([0.1, 0.2, 0.4]) for name in names}
    report = Report(model="m", metrics={}, dataset={}, split={}, protocol={}, seed=0, config={})
    report.save(tmp_path / "a", users, per_user)
    per_user_b = {name: v + 0.1 for name, v in per_user.items() if name != "only_a@10"}
    report.save(tmp_path / "b", users, per_user_b)
    comparisons = compare_runs(tmp_path / "a", tmp_path / "b")
    assert [c.metric for c in comparisons] == ["hr@10", "ndcg@5", "ndcg@20"]
    chosen = compare_runs(tmp_path / "a", tmp_path / "b", metrics=["ndcg@5"])
    assert [c.metric for c in chosen] == ["ndcg@5"]


def test_compare_runs_refuses_a_metric_absent_from_the_runs(tmp_path: Path) -> None:
    """Asking for a metric neither run saved is a user error with a clear message."""
    write_run(tmp_path / "a", [1, 2, 3], [0.1, 0.2, 0.3])
    write_run(tmp_path / "b", [1, 2, 3], [0.2, 0.3, 0.5])
    with pytest.raises(PretrecError, match="hr@5"):
        compare_runs(tmp_path / "a", tmp_path / "b", metrics=["hr@5"])


def test_run_folders_refuses_an_empty_side() -> None:
    """A side given as an empty list has nothing to compare."""
    with pytest.raises(PretrecError, match="no run folders to compare"):
        run_folders([])
    with pytest.raises(PretrecError, match="no run folders to compare"):
        compare_runs([], [])


def test_compare_runs_refuses_a_folder_without_per_user_values(tmp_path: Path) -> None:
    """A folder with a report but no per-user file is a user error naming the folder."""
    Report(model="m", metrics={"ndcg@10": 0.5}, dataset={}, split={}, protocol={}, seed=0,
           config={}).save(tmp_path / "a")  # no per-user values saved
    write_run(tmp_path / "b", [1, 2], [0.2, 0.3])
    with pytest.raises(PretrecError, match="per_user"):
        compare_runs(tmp_path / "a", tmp_path / "b")


def test_report_round_trip(tmp_path: Path) -> None:
    """A saved report and its per-user values load back unchanged."""
    write_run(tmp_path, [0, 1], [0.5, 1.0])
    loaded = Report.load(tmp_path)
    assert loaded.metrics == {"ndcg@10": 0.75} and loaded.config_hash
    users, per_user = load_per_user(tmp_path)
    assert users.tolist() == [0, 1] and per_user["ndcg@10"].tolist() == [0.5, 1.0]


def test_a_side_of_several_seeds_is_compared_on_its_per_user_mean(tmp_path: Path) -> None:
    """Seeds of one side are averaged per user (aligned by id) before the paired test."""
    write_run(tmp_path / "a-s0", [1, 2, 3], [0.0, 0.2, 0.4])
    write_run(tmp_path / "a-s1", [3, 2, 1], [0.6, 0.4, 0.2])  # user 1: 0.2, 2: 0.4, 3: 0.6
    write_run(tmp_path / "b", [1, 2, 3], [0.3, 0.3, 0.9])
    (comparison,) = compare_runs([tmp_path / "a-s0", tmp_path / "a-s1"], tmp_path / "b")
    assert comparison.mean_a == pytest.approx(0.3)  # per user (0.1, 0.3, 0.5)
    assert comparison.difference == pytest.approx(0.2)  # (0.2 + 0.0 + 0.4) / 3
    # differences (0.2, 0.0, 0.4): mean 0.2, sd 0.2, se 0.2 / sqrt(3), t = sqrt(3), 2 df
    expected_p = 2 * stats.t.sf(math.sqrt(3), df=2)
    assert comparison.t_pvalue == pytest.approx(expected_p, rel=1e-6)
    # a multi-seed output folder stands for its seed-N runs
    write_run(tmp_path / "multi" / "seed-0", [1, 2, 3], [0.0, 0.2, 0.4])
    write_run(tmp_path / "multi" / "seed-1", [1, 2, 3], [0.2, 0.4, 0.6])
    (multi,) = compare_runs(tmp_path / "multi", tmp_path / "b")
    assert multi.difference == pytest.approx(0.2)
    assert multi.t_pvalue == pytest.approx(expected_p, rel=1e-6)


def test_seeds_of_one_side_must_share_their_users(tmp_path: Path) -> None:
    """Two 'seeds' over different users are not seeds of one split."""
    write_run(tmp_path / "a-s0", [1, 2, 3], [0.0, 0.2, 0.4])
    write_run(tmp_path / "other", [1, 2, 4], [0.1, 0.1, 0.1])
    write_run(tmp_path / "b", [1, 2, 3], [0.3, 0.3, 0.9])
    with pytest.raises(PretrecError, match="evaluated other users than .*a-s0"):
        compare_runs([tmp_path / "a-s0", tmp_path / "other"], tmp_path / "b")
