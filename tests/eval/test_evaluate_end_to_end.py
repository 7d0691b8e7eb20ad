"""Evaluator end to end on a hand-made split with fixed scores: what is masked for each part,
the pessimistic rank of every target, and NDCG / HR / MRR against hand-computed values.

Three users over six items (rows: train | valid | test, then the fixed scores of items 0..5):

    u0   {0, 1} | {2} | {3}    scores 9 8 6 7 5 4
    u1   {0}    | {1} | {0}    scores 2 9 8 3 1 0    (the test target repeats a train item)
    u2   {5}    | {4} | {2}    scores 0 0 1 1 7 7

Masking follows docs/evaluation.md: the context (train for valid, train + valid for test) is
masked, targets included, so a test target that repeats a context item is a miss; nothing else
is masked. The repeat-aware protocol (`Protocol(mask="none")`) masks nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from pretrec.data.interactions import Interactions
from pretrec.data.split import Split
from pretrec.eval.evaluate import Evaluator
from pretrec.eval.protocol import Protocol
from pretrec.sampling.batches import UserBatch

N_USERS, N_ITEMS = 3, 6
SCORES = torch.tensor([
    [9.0, 8.0, 6.0, 7.0, 5.0, 4.0],
    [2.0, 9.0, 8.0, 3.0, 1.0, 0.0],
    [0.0, 0.0, 1.0, 1.0, 7.0, 7.0],
])
PROTOCOL = Protocol(ks=(1, 2, 3))


def fixed_scores(batch: UserBatch) -> torch.Tensor:
    """A score function: the fixed rows of `SCORES` for the batch's users."""
    return SCORES[torch.as_tensor(batch.users)]  # (B, n_items)


def part(pairs: list[tuple[int, int]]) -> Interactions:
    """Interactions from (user, item) pairs over the 3 x 6 universe, rows in list order."""
    users, items = np.array(pairs).T
    return Interactions(users, items, N_USERS, N_ITEMS)


def hand_split() -> Split:
    """The split in the module docstring."""
    train = part([(0, 0), (0, 1), (1, 0), (2, 5)])
    valid = part([(0, 2), (1, 1), (2, 4)])
    test = part([(0, 3), (1, 0), (2, 2)])
    return Split(train, valid, test, protocol="hand-made")


def test_test_ranking_masks_train_and_valid_items_and_ranks_targets_pessimistically() -> None:
    """Test ranks by hand, candidates = all items minus train + valid, targets included:
    u0: {0, 1, 2} masked; target 3 (7) beats 4 (5), 5 (4) -> rank 1 (3 if unmasked).
    u1: {0, 1} masked; the target 0 repeats a train item, so it is masked too: a miss, ranked
        after every item (7) (rank 3 if the mask spared it: the leak this protocol closes).
    u2: {4, 5} masked; target 2 (1) ties with 3 (1), pessimistic -> rank 2 (4 if unmasked)."""
    evaluation = Evaluator(hand_split(), "test", PROTOCOL)(fixed_scores)
    assert evaluation.users.tolist() == [0, 1, 2]
    # per-user reciprocal rank at cut-off 3 reads each rank back: 1/1, miss, 1/2
    assert evaluation.per_user["mrr@3"].tolist() == pytest.approx([1.0, 0.0, 1 / 2])
    assert evaluation.per_user["hr@1"].tolist() == [1.0, 0.0, 0.0]
    assert evaluation.per_user["hr@2"].tolist() == [1.0, 0.0, 1.0]
    assert evaluation.per_user["hr@3"].tolist() == [1.0, 0.0, 1.0]


def test_the_repeat_aware_protocol_masks_nothing() -> None:
    """Nothing masked: u0's target 3 (7) is below 0 (9) and 1 (8) -> rank 3; u1's target 0 (2)
    is below 1 (9), 2 (8), 3 (3) -> rank 4; u2's target 2 (1) is below 4, 5 (7) and ties
    with 3 (1) -> rank 4."""
    protocol = Protocol(ks=(1, 2, 3, 4), mask="none")
    evaluation = Evaluator(hand_split(), "test", protocol)(fixed_scores)
    assert evaluation.per_user["mrr@4"].tolist() == pytest.approx([1 / 3, 1 / 4, 1 / 4])
    assert protocol.describe()["name"] == "full-ranking-repeat-aware"


def test_test_ndcg_and_hit_rate_equal_hand_computed_values() -> None:
    """Ranks (1, miss, 2), one target each: NDCG@k = mean of 1 / log2(rank + 1) over ranks
    <= k, HR@k = share of users with rank <= k."""
    metrics = Evaluator(hand_split(), "test", PROTOCOL)(fixed_scores).metrics
    assert metrics["hr@1"] == pytest.approx(1 / 3)
    assert metrics["hr@2"] == pytest.approx(2 / 3)
    assert metrics["hr@3"] == pytest.approx(2 / 3)
    assert metrics["ndcg@1"] == pytest.approx(1 / 3)
    assert metrics["ndcg@2"] == pytest.approx((1 + 1 / math.log2(3)) / 3)  # 0.5436
    assert metrics["ndcg@3"] == pytest.approx((1 + 1 / math.log2(3)) / 3)
    assert metrics["ndcg@3"] == pytest.approx(0.543643, abs=1e-6)
    assert metrics["mrr@3"] == pytest.approx((1 + 0 + 1 / 2) / 3)


def test_valid_ranking_masks_train_only() -> None:
    """Valid ranks by hand, candidates = all items minus train:
    u0: {0, 1} masked; u0's test item 3 (7) is not masked and beats target 2 (6) -> rank 2.
    u1: {0} masked; target 1 (9) is the best -> rank 1.
    u2: {5} masked; target 4 (7) would tie with 5 (7) -> rank 1, not 2."""
    evaluation = Evaluator(hand_split(), "valid", PROTOCOL)(fixed_scores)
    assert evaluation.per_user["mrr@3"].tolist() == pytest.approx([1 / 2, 1.0, 1.0])
    assert evaluation.metrics["hr@1"] == pytest.approx(2 / 3)
    assert evaluation.metrics["ndcg@3"] == pytest.approx((1 / math.log2(3) + 1 + 1) / 3)


def test_evaluation_counts_users_targets_and_targets_unseen_in_train() -> None:
    """Test part: 3 users, 3 targets, none without history; targets 3 (u0) and 2 (u2) never
    occur in train (train items are 0, 1, 5)."""
    evaluation = Evaluator(hand_split(), "test", PROTOCOL)(fixed_scores)
    assert evaluation.counts == {
        "users": 3,
        "targets": 3,
        "users_without_history": 0,
        "targets_on_items_unseen_in_train": 2,
        "targets_repeating_context": 1,  # u1's target 0 is a train item
    }


def test_masking_leaves_the_score_functions_tensor_untouched() -> None:
    """Masking works on a copy: the held scores are unchanged and a second call agrees."""
    held = SCORES.clone()

    def held_scores(batch: UserBatch) -> torch.Tensor:
        """Returns one held tensor itself (no copy), as a model caching its scores would."""
        assert batch.users.tolist() == [0, 1, 2]  # one chunk, every user in order
        return held

    evaluator = Evaluator(hand_split(), "test", PROTOCOL)
    first, second = evaluator(held_scores), evaluator(held_scores)
    assert torch.equal(held, SCORES)
    assert first.metrics == second.metrics
    assert first.per_user["mrr@3"].tolist() == pytest.approx([1.0, 0.0, 1 / 2])
