"""Recommendations from a saved run, in raw ids, for known users and for new histories."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pretrec.cli import main
from pretrec.errors import ConfigError, DataError
from pretrec.pipeline.recommend import Recommender


@pytest.fixture(scope="module")
def ease_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rec") / "ease"
    assert main(["run", "--model", "ease", "--dataset", "synthetic", "--quiet", "--set", "l2=50",
                 "--output", str(out)]) == 0
    return out


def test_a_known_users_list_is_the_masked_top_k_of_the_models_scores(ease_run: Path) -> None:
    recommender = Recommender.load(ease_run)
    user = int(recommender.users.lookup(["u7"])[0])
    history = recommender.histories.items[recommender.histories.offsets[user]:
                                          recommender.histories.offsets[user + 1]]
    # independent: EASE scores are the history row times its weights
    row = np.zeros(len(recommender.items), dtype=np.float32)
    row[history] = 1.0
    scores = row @ recommender.model.weights_.numpy()
    scores[history] = -np.inf
    expected = recommender.items.raw(np.argsort(-scores, kind="stable")[:5]).tolist()
    got = recommender.recommend(users=["u7"], k=5)[0]
    assert [item for item, _ in got] == expected
    assert not set(recommender.items.raw(history)) & {item for item, _ in got}
    with_seen = recommender.recommend(users=["u7"], k=len(recommender.items), exclude_seen=False)[0]
    assert len(with_seen) == len(recommender.items)


def test_a_history_of_raw_ids_scores_like_the_same_history_of_a_known_user(ease_run: Path) -> None:
    recommender = Recommender.load(ease_run)
    user = int(recommender.users.lookup(["u7"])[0])
    history = recommender.histories.items[recommender.histories.offsets[user]:
                                          recommender.histories.offsets[user + 1]]
    raw = recommender.items.raw(history).tolist()
    assert recommender.recommend(histories=[raw], k=5) == recommender.recommend(users=["u7"], k=5)


def test_unknown_ids_and_id_models_asked_for_a_history_are_clear_errors(ease_run: Path,
                                                                       tmp_path: Path) -> None:
    recommender = Recommender.load(ease_run)
    with pytest.raises(DataError, match="unknown user"):
        recommender.recommend(users=["nobody"])
    with pytest.raises(DataError, match="unknown item"):
        recommender.recommend(histories=[["i1", "zzz"]])
    with pytest.raises(ConfigError, match="users or histories"):
        recommender.recommend()
    out = tmp_path / "bpr"
    assert main(["run", "--model", "bprmf", "--dataset", "synthetic", "--quiet",
                 "--set", "epochs=1", "--output", str(out)]) == 0
    with pytest.raises(ConfigError, match="scores from the user id"):
        Recommender.load(out).recommend(histories=[["i1"]])


def test_the_recommend_command_prints_a_table_or_json(ease_run: Path, capsys) -> None:
    assert main(["recommend", str(ease_run), "--user", "u7", "-k", "3", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["u7"]
    assert len(listed) == 3 and {"item_id", "score"} <= set(listed[0])
    assert main(["recommend", str(ease_run), "--history", "i1", "i2", "-k", "2"]) == 0
    assert "history:" in capsys.readouterr().out
    assert main(["recommend", str(ease_run)]) == 2
