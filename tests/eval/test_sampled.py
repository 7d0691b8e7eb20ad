"""The sampled protocol ranks targets against sampled non-interacted items only, and says so."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
import torch

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.data.split import leave_one_out
from pretrec.eval.evaluate import evaluate
from pretrec.eval.protocol import Protocol
from pretrec.eval.ranking import Ranking, Ties
from pretrec.eval.sampled import rank_sampled
from pretrec.models.popularity import Popularity, PopularityConfig
from pretrec.sampling.batches import UserBatch

# Four users over six items, scores chosen so every rank is fixed whatever negatives are drawn:
# u0  history {0} (score 100, above its target), target 3 (5) above every other item (1)
# u1  history {1}; targets 2 (7) and 4 (9); every non-interacted item {0, 3, 5} scores 8
# u2  no history; target 5, and every item scores 0 (a tie with every negative)
# u3  no target: not ranked
N_ITEMS = 6
SCORES = torch.tensor([
    [100.0, 1.0, 1.0, 5.0, 1.0, 1.0],
    [8.0, 0.0, 7.0, 8.0, 9.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
])
N_NEGATIVES = 20


def rank_tiny(ties: Ties = "pessimistic", sampler: Literal["uniform", "popularity"] = "uniform",
              chunk_size: int = 1024) -> Ranking:
    """Sampled ranks of the tiny example above (seeded, `N_NEGATIVES` per user)."""
    context = UserHistories.from_interactions(
        Interactions(np.array([0, 1]), np.array([0, 1]), 4, N_ITEMS))
    targets = Interactions(np.array([0, 1, 1, 2]), np.array([3, 2, 4, 5]), 4, N_ITEMS).csr
    popularity = np.array([5.0, 1.0, 1.0, 1.0, 1.0, 1.0])

    def score(batch: UserBatch) -> torch.Tensor:
        return SCORES[torch.as_tensor(batch.users)]

    return rank_sampled(score, context, targets, popularity, n_negatives=N_NEGATIVES,
                        sampler=sampler, seed=5, ties=ties, chunk_size=chunk_size)


@pytest.mark.parametrize("sampler", ["uniform", "popularity"])
@pytest.mark.parametrize("chunk_size", [1, 1024])
def test_sampled_ranks_by_hand(sampler: Literal["uniform", "popularity"], chunk_size: int) -> None:
    """u0: its history item (100) is never a negative, so the target ranks 1st; u1: every
    negative (8) beats target 2 (7) -> 1 + 20, none beats target 4 (9) -> 1, and the other target
    is not a candidate; u2: pessimistic ties count all 20 tied negatives -> 21. Padding is inf."""
    ranking = rank_tiny(sampler=sampler, chunk_size=chunk_size)
    assert ranking.users.tolist() == [0, 1, 2]  # u3 has no target
    assert ranking.ranks.tolist() == [[1.0, np.inf], [21.0, 1.0], [21.0, np.inf]]
    assert ranking.top_items.shape == (3, 0)  # no top-K lists under the sampled protocol


def test_sampled_ranks_with_optimistic_ties_by_hand() -> None:
    """Optimistic ties: only strictly higher negatives count, so u2's all-tied target ranks 1st;
    strict orders (u0, u1) are unchanged."""
    ranking = rank_tiny(ties="optimistic")
    assert ranking.ranks.tolist() == [[1.0, np.inf], [21.0, 1.0], [1.0, np.inf]]


def test_sampled_protocol_is_labelled_and_inflates_popularity_scores(planted_dataset) -> None:
    """Popularity against 10 sampled negatives scores at least its full-ranking HR@10."""
    split = leave_one_out(planted_dataset.interactions)
    model = Popularity(PopularityConfig(), split.n_users, split.n_items).fit(split.train)
    full = evaluate(model.score, split, "test")
    sampled_protocol = Protocol(ranking="sampled", n_negatives=10)
    sampled = evaluate(model.score, split, "test", sampled_protocol)
    assert sampled_protocol.label == "sampled-10-uniform"
    assert sampled.metrics["hr@10"] >= full.metrics["hr@10"]
