"""Full ranking: masking, ties, multi-target ranks, chunking invariance, NaN refusal."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.errors import PretrecError
from pretrec.eval.ranking import padded_targets, rank_all


def fixed_scores(table: np.ndarray):
    """A score function returning rows of a fixed (n_users, n_items) table."""
    tensor = torch.as_tensor(table, dtype=torch.float32)
    return lambda batch: tensor[torch.as_tensor(batch.users)]


def histories(pairs: list[tuple[int, int]], n_users: int, n_items: int) -> UserHistories:
    users, items = zip(*pairs, strict=True) if pairs else ((), ())
    return UserHistories.from_interactions(Interactions(np.array(users), np.array(items),
                                                        n_users, n_items))


def targets(pairs: list[tuple[int, int]], n_users: int, n_items: int) -> sp.csr_matrix:
    users, items = zip(*pairs, strict=True)
    return Interactions(np.array(users), np.array(items), n_users, n_items).csr


def test_history_is_masked_and_the_target_ranked_among_the_rest() -> None:
    # item scores 5 > 4 > 3 > 2 > 1 ; user 0 has seen items 0 and 1 -> target item 3 ranks 2nd
    scores = np.array([[5.0, 4.0, 3.0, 2.0, 1.0]])
    ranking = rank_all(fixed_scores(scores), histories([(0, 0), (0, 1)], 1, 5),
                       targets([(0, 3)], 1, 5), k_max=3)
    assert ranking.ranks.tolist() == [[2.0]]
    assert ranking.top_items.tolist() == [[2, 3, 4]]


def test_a_target_repeating_a_history_item_is_masked_and_a_miss() -> None:
    """The mask must not know the target: a repeated target is masked like any history item
    (and a miss even in a catalogue smaller than K); without the mask it is rankable."""
    scores = np.array([[5.0, 4.0, 3.0]])
    context, target = histories([(0, 0), (0, 1)], 1, 3), targets([(0, 0)], 1, 3)
    assert rank_all(fixed_scores(scores), context, target).ranks.tolist() == [[4.0]]  # n + 1
    unmasked = rank_all(fixed_scores(scores), context, target, mask_context=False)
    assert unmasked.ranks.tolist() == [[1.0]]


def test_ties_pessimistic_and_optimistic() -> None:
    scores = np.array([[1.0, 1.0, 1.0, 0.0]])  # target item 1 ties with items 0 and 2
    ctx, tgt = histories([], 1, 4), targets([(0, 1)], 1, 4)
    assert rank_all(fixed_scores(scores), ctx, tgt).ranks.tolist() == [[3.0]]
    assert rank_all(fixed_scores(scores), ctx, tgt, ties="optimistic").ranks.tolist() == [[1.0]]


def test_constant_scores_get_no_credit_under_pessimistic_ties() -> None:
    scores = np.zeros((3, 50))
    ranking = rank_all(fixed_scores(scores), histories([], 3, 50),
                       targets([(0, 1), (1, 2), (2, 3)], 3, 50))
    # pessimistically last of 50 ties: below the top k_max = 20, so a miss (rank n_items + 1)
    assert (ranking.ranks == 51).all()
    ranking = rank_all(fixed_scores(scores), histories([], 3, 50),
                       targets([(0, 1), (1, 2), (2, 3)], 3, 50), k_max=50)
    assert (ranking.ranks == 50).all()  # within the top k_max: the exact pessimistic rank


def test_multiple_targets_count_each_other() -> None:
    scores = np.array([[0.9, 0.8, 0.1, 0.7]])
    ranking = rank_all(fixed_scores(scores), histories([], 1, 4), targets([(0, 0), (0, 3)], 1, 4))
    assert sorted(ranking.ranks[0].tolist()) == [1.0, 3.0]


def test_users_without_targets_are_not_evaluated_and_padding_is_inf() -> None:
    scores = np.random.default_rng(0).random((4, 6))
    tgt = targets([(0, 1), (2, 1), (2, 2), (2, 3)], 4, 6)
    ranking = rank_all(fixed_scores(scores), histories([], 4, 6), tgt)
    assert ranking.users.tolist() == [0, 2]
    assert ranking.ranks.shape == (2, 3)
    assert np.isinf(ranking.ranks[0, 1:]).all()


def test_chunk_size_does_not_change_ranks() -> None:
    rng = np.random.default_rng(1)
    scores = rng.random((37, 25))
    ctx = histories([(u, i) for u in range(37) for i in rng.choice(25, 3, replace=False)], 37, 25)
    tgt = targets([(u, int(rng.integers(25))) for u in range(37)], 37, 25)
    whole = rank_all(fixed_scores(scores), ctx, tgt, chunk_size=1000)
    pieces = rank_all(fixed_scores(scores), ctx, tgt, chunk_size=4)
    assert np.array_equal(whole.ranks, pieces.ranks)
    assert np.array_equal(whole.top_items, pieces.top_items)


def test_ranks_agree_with_a_brute_force_oracle() -> None:
    rng = np.random.default_rng(2)
    n_users, n_items = 20, 15
    scores = rng.integers(0, 4, (n_users, n_items)).astype(float)  # many ties
    ctx_pairs = [(u, int(i)) for u in range(n_users) for i in rng.choice(n_items, 4, replace=False)]
    tgt_pairs = [(u, int(rng.integers(n_items))) for u in range(n_users)]
    ranking = rank_all(fixed_scores(scores), histories(ctx_pairs, n_users, n_items),
                       targets(tgt_pairs, n_users, n_items))
    for row, (user, target) in enumerate(tgt_pairs):
        seen = {i for u, i in ctx_pairs if u == user}
        candidates = [i for i in range(n_items) if i not in seen]
        expected = sum(scores[user, i] >= scores[user, target] for i in candidates)
        assert ranking.ranks[row, 0] == (n_items + 1 if target in seen else expected)


def test_non_finite_scores_are_refused() -> None:
    scores = np.array([[np.nan, 1.0, 2.0]])
    with pytest.raises(PretrecError, match="non-finite"):
        rank_all(fixed_scores(scores), histories([], 1, 3), targets([(0, 1)], 1, 3))


def test_padded_targets() -> None:
    matrix = sp.csr_matrix(np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
    assert padded_targets(matrix).tolist() == [[1, 2], [-1, -1], [0, -1]]
