"""The ranking metrics agree with an independent library, ranx, on random rankings (beside the
hand-computed values of test_metrics.py). Continuous random scores: no ties to break."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.eval.metrics import mean_metrics, ranking_metrics

ranx = pytest.importorskip("ranx")


def random_rankings(seed: int, n_users: int = 40, n_items: int = 60):
    """(ranks (n_users, 3) inf-padded, qrels dict, run dict) of random scores and 1-3 targets."""
    rng = np.random.default_rng(seed)
    ranks = np.full((n_users, 3), np.inf)
    qrels, run = {}, {}
    for user in range(n_users):
        scores = rng.random(n_items)
        targets = rng.choice(n_items, int(rng.integers(1, 4)), replace=False)
        order = np.argsort(-scores)
        position = np.empty(n_items, dtype=np.int64)
        position[order] = np.arange(1, n_items + 1)
        ranks[user, : len(targets)] = position[targets]
        qrels[f"u{user}"] = {f"i{t}": 1 for t in targets}
        run[f"u{user}"] = {f"i{i}": float(s) for i, s in enumerate(scores)}
    return ranks, ranx.Qrels(qrels), ranx.Run(run)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ndcg_recall_hit_rate_and_mrr_match_ranx(seed: int) -> None:
    ranks, qrels, run = random_rankings(seed)
    ours = mean_metrics(ranking_metrics(ranks, (5, 10, 20), ("ndcg", "recall", "hr", "mrr")))
    names = {f"{name}@{k}": f"{theirs}@{k}" for k in (5, 10, 20)
             for name, theirs in (("ndcg", "ndcg"), ("recall", "recall"), ("hr", "hit_rate"),
                                  ("mrr", "mrr"))}
    theirs = ranx.evaluate(qrels, run, list(names.values()))
    for ours_name, ranx_name in names.items():
        assert ours[ours_name] == pytest.approx(theirs[ranx_name], abs=1e-9), ours_name
