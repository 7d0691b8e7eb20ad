"""Closed-form models against independent oracles: EASE against numpy's matrix inverse and a
two-item formula, item-KNN's shrunk cosine and neighbour pruning against hand-computed values.

The learned item-item weights are read through `score`: a history of the single item i scores
row i of the weights, whatever layout the model stores them in.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.models import MODELS
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch


def interactions(baskets: list[list[int]], n_items: int) -> Interactions:
    """One user per basket of items."""
    users = np.repeat(np.arange(len(baskets)), [len(b) for b in baskets])
    items = np.concatenate([np.asarray(b, dtype=np.int64) for b in baskets])
    return Interactions(users, items, len(baskets), n_items)


def fit(name: str, train: Interactions, **options: float | str) -> Recommender:
    """A registered model built from its config and fitted on `train`."""
    entry = MODELS.get(name)
    return entry.model(entry.config(**options), train.n_users, train.n_items).fit(train)


def score_histories(model: Recommender, baskets: list[list[int]], n_items: int) -> np.ndarray:
    """float (len(baskets), n_items) scores of users whose histories are `baskets`."""
    histories = UserHistories.from_interactions(interactions(baskets, n_items))
    return model.score(UserBatch(np.arange(len(baskets)), histories)).numpy()


def item_rows(model: Recommender, n_items: int) -> np.ndarray:
    """(n_items, n_items): row i = scores of a user whose history is item i alone."""
    return score_histories(model, [[i] for i in range(n_items)], n_items)


# ---------------------------------------------------------------- EASE

EASE_BASKETS = [[0, 1], [0, 1, 2], [1, 3], [2, 3], [0, 3]]


def test_ease_weights_equal_the_closed_form_computed_with_numpy_inverse() -> None:
    """B = I - P diag(1 / diag(P)), P = inverse(X^T X + l2 I): zero diagonal, and B[i, j] =
    -P[i, j] / P[j, j] off it."""
    l2 = 2.0
    train = interactions(EASE_BASKETS, 4)
    x = np.zeros((5, 4))
    for user, basket in enumerate(EASE_BASKETS):
        x[user, basket] = 1.0
    precision = np.linalg.inv(x.T @ x + l2 * np.eye(4))
    expected = np.eye(4) - precision @ np.diag(1 / np.diag(precision))
    weights = item_rows(fit("ease", train, l2=l2), 4)
    np.testing.assert_allclose(np.diag(weights), 0.0, atol=1e-7)
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)
    assert np.abs(weights).max() > 0.05  # not a trivially zero solution


def test_ease_in_float32_solves_the_same_weights() -> None:
    """The float32 solve (half the memory, for large catalogues) matches the float64 one."""
    rng = np.random.default_rng(0)
    baskets = [sorted(rng.choice(30, size=6, replace=False).tolist()) for _ in range(80)]
    train = interactions(baskets, 30)
    double = item_rows(fit("ease", train, l2=5.0), 30)
    single = item_rows(fit("ease", train, l2=5.0, precision="float32"), 30)
    np.testing.assert_allclose(single, double, rtol=1e-3, atol=1e-5)
    assert np.abs(double).max() > 0.01


def test_ease_two_items_by_hand() -> None:
    """With two items the inverse is explicit: B[0, 1] = c / (n_0 + l2), B[1, 0] = c / (n_1 + l2)
    for co-count c. Baskets {0, 1}, {0}, {0, 1}, l2 = 1: n_0 = 3, n_1 = 2, c = 2."""
    model = fit("ease", interactions([[0, 1], [0], [0, 1]], 2), l2=1.0)
    np.testing.assert_allclose(item_rows(model, 2), [[0.0, 2 / 4], [2 / 3, 0.0]], rtol=1e-6)


def test_ease_scores_a_history_as_the_sum_of_its_items_rows() -> None:
    """Scores are the binary history row times B: a two-item history sums two rows."""
    model = fit("ease", interactions(EASE_BASKETS, 4), l2=2.0)
    rows = item_rows(model, 4)
    (both,) = score_histories(model, [[0, 2]], 4)
    np.testing.assert_allclose(both, rows[0] + rows[2], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- item-KNN

# Counts: n_0 = 4, n_1 = 4, n_2 = 3, n_3 = 1; co-counts 0-1: 3, 0-2: 1, 1-2: 2, 2-3: 1, else 0.
KNN_BASKETS = [[0, 1], [0, 1], [0, 1, 2], [1, 2], [2, 3], [0]]
SHRINK = 2.0
S01 = 3 / (math.sqrt(4 * 4) + SHRINK)  # 0.5
S02 = 1 / (math.sqrt(4 * 3) + SHRINK)  # 0.1830
S12 = 2 / (math.sqrt(4 * 3) + SHRINK)  # 0.3660
S23 = 1 / (math.sqrt(3 * 1) + SHRINK)  # 0.2679


def test_itemknn_similarity_is_cosine_with_shrinkage_by_hand() -> None:
    """Keeping every neighbour, row i holds co_ij / (sqrt(n_i) sqrt(n_j) + shrink), with a zero
    diagonal (an item is not its own neighbour)."""
    model = fit("itemknn", interactions(KNN_BASKETS, 4), neighbours=0, shrink=SHRINK)
    expected = [
        [0.0, S01, S02, 0.0],
        [S01, 0.0, S12, 0.0],
        [S02, S12, 0.0, S23],
        [0.0, 0.0, S23, 0.0],
    ]
    np.testing.assert_allclose(item_rows(model, 4), expected, rtol=1e-5)


def test_itemknn_shrink_zero_is_plain_cosine() -> None:
    """shrink = 0: sim(0, 1) = 3 / sqrt(4 * 4) = 0.75, sim(2, 3) = 1 / sqrt(3)."""
    rows = item_rows(fit("itemknn", interactions(KNN_BASKETS, 4), neighbours=0, shrink=0.0), 4)
    assert rows[0, 1] == pytest.approx(0.75, rel=1e-5)
    assert rows[2, 3] == pytest.approx(1 / math.sqrt(3), rel=1e-5)


def test_itemknn_keeps_each_candidates_top_k_neighbours() -> None:
    """Each item j keeps its k most similar items; a history {i} scores j with sim(i, j) only if
    j kept i. Top-1: 0 keeps 1, 1 keeps 0, 2 keeps 1, 3 keeps 2; so history {2} scores only
    item 3 (item 2's own best neighbour, 1, kept 0 instead). Top-2: 0 keeps {1, 2}, 1 keeps
    {0, 2}, 2 keeps {1, 3}, 3 keeps 2 (its other similarities are 0)."""
    train = interactions(KNN_BASKETS, 4)
    top_1 = item_rows(fit("itemknn", train, neighbours=1, shrink=SHRINK), 4)
    expected_1 = [
        [0.0, S01, 0.0, 0.0],  # history {0}: only item 1 kept 0
        [S01, 0.0, S12, 0.0],  # history {1}: items 0 and 2 kept 1
        [0.0, 0.0, 0.0, S23],  # history {2}: only item 3 kept 2
        [0.0, 0.0, 0.0, 0.0],  # history {3}: nobody kept 3
    ]
    np.testing.assert_allclose(top_1, expected_1, rtol=1e-5)
    top_2 = item_rows(fit("itemknn", train, neighbours=2, shrink=SHRINK), 4)
    expected_2 = [
        [0.0, S01, 0.0, 0.0],  # item 2 keeps {1, 3}, not 0
        [S01, 0.0, S12, 0.0],
        [S02, S12, 0.0, S23],
        [0.0, 0.0, S23, 0.0],
    ]
    np.testing.assert_allclose(top_2, expected_2, rtol=1e-5)


def test_itemknn_scores_a_history_as_the_sum_of_its_items_similarities() -> None:
    """History {0, 2}, all neighbours: item 1 scores S01 + S12, item 3 scores S23."""
    model = fit("itemknn", interactions(KNN_BASKETS, 4), neighbours=0, shrink=SHRINK)
    (scores,) = score_histories(model, [[0, 2]], 4)
    np.testing.assert_allclose(scores, [S02, S01 + S12, S02, S23], rtol=1e-5)
