"""The sampled protocol ranks targets against sampled non-interacted items only, and says so."""

from __future__ import annotations

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.data.split import leave_one_out
from pretrec.eval.evaluate import evaluate
from pretrec.eval.protocol import Protocol
from pretrec.eval.sampled import rank_sampled
from pretrec.models.popularity import Popularity, PopularityConfig


def test_target_rank_counts_only_sampled_negatives_scoring_higher() -> None:
    n_items = 200
    # item i scores i: the target 150 is beaten exactly by the sampled negatives above 150
    scores = torch.arange(n_items, dtype=torch.float32)[None, :]
    context = UserHistories.from_interactions(Interactions(np.array([0]), np.array([199]), 1, n_items))
    targets = Interactions(np.array([0]), np.array([150]), 1, n_items).csr
    ranking = rank_sampled(lambda batch: scores, context, targets, np.ones(n_items), n_negatives=100, seed=5)
    rng = np.random.default_rng(5)
    # recompute the draw: 100 uniform items, redrawing the context item 199 and the target 150
    from pretrec.sampling.negatives import sample_negatives

    excluded = (context.csr() + targets).tocsr()
    negatives = sample_negatives(np.array([0]), 100, n_items, rng, excluded)
    assert 199 not in negatives and 150 not in negatives
    assert ranking.ranks[0, 0] == 1 + (negatives > 150).sum()


def test_sampled_protocol_is_labelled_and_inflates_popularity_scores(planted_dataset) -> None:
    split = leave_one_out(planted_dataset.interactions)
    model = Popularity(PopularityConfig(), split.n_users, split.n_items).fit(split.train)
    full = evaluate(model, split, "test")
    sampled_protocol = Protocol(ranking="sampled", n_negatives=10)
    sampled = evaluate(model, split, "test", sampled_protocol)
    assert sampled_protocol.label == "sampled-10-uniform"
    assert sampled.metrics["hr@10"] >= full.metrics["hr@10"]
