"""Ranking metrics against hand-computed values, edge cases, a pure-Python oracle and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pretrec.eval.metrics import (
    RANKING_METRICS,
    MetricError,
    average_precision,
    consistent_ranks,
    hit_rate,
    mean_metrics,
    mrr,
    ndcg,
    precision,
    ranking_metrics,
    recall,
)

INF = math.inf
LOG2_3 = math.log2(3)


def values(ranks: list[list[float]], k: int) -> dict[str, float]:
    """Every metric of a single user as a float."""
    array = np.array(ranks, dtype=np.float64)
    return {name: float(fn(array, k)[0]) for name, fn in RANKING_METRICS.items()}


def test_two_targets_one_in_top_k():
    # ranks [1, 3], k=2: one hit out of two relevant items
    # ndcg = (1/log2(2)) / (1/log2(2) + 1/log2(3)) = 1 / (1 + 1/log2 3) = 0.6131
    # map = (1 relevant at or above rank 1) / 1 / min(2, 2) = 0.5
    got = values([[1, 3]], 2)
    assert got == pytest.approx(
        {
            "hr": 1.0,
            "recall": 0.5,
            "precision": 0.5,
            "mrr": 1.0,
            "map": 0.5,
            "ndcg": 1 / (1 + 1 / LOG2_3),
        }
    )
    assert got["ndcg"] == pytest.approx(0.6131471928)


def test_two_targets_both_in_top_k():
    # ranks [1, 3], k=3: ndcg = (1 + 1/log2(4)) / (1 + 1/log2(3)) = 1.5 / 1.6309 = 0.9197
    # map = (1/1 + 2/3) / min(2, 3) = 0.8333, precision = 2/3
    got = values([[1, 3]], 3)
    assert got == pytest.approx(
        {
            "hr": 1.0,
            "recall": 1.0,
            "precision": 2 / 3,
            "mrr": 1.0,
            "map": 5 / 6,
            "ndcg": 1.5 / (1 + 1 / LOG2_3),
        }
    )


def test_rank_exactly_at_k_counts():
    # rank 5, k=5: hit; ndcg = 1/log2(6) = 0.3869; mrr = 1/5; map = (1/5)/1; precision = 1/5
    got = values([[5]], 5)
    assert got == pytest.approx(
        {
            "hr": 1.0,
            "recall": 1.0,
            "precision": 0.2,
            "mrr": 0.2,
            "map": 0.2,
            "ndcg": 1 / math.log2(6),
        }
    )
    # k=4: rank 5 is outside the list, every metric is 0
    assert values([[5]], 4) == {name: 0.0 for name in RANKING_METRICS}


def test_pessimistic_ties_are_unchanged():
    # two targets tied at the top, pessimistic ranks [2, 2], k=2
    # ndcg = (2/log2(3)) / (1 + 1/log2(3)) = 1.2619 / 1.6309 = 0.7737; mrr = 1/2
    # map = (2 relevant at or above rank 2)/2 twice, / min(2, 2) = 1
    got = values([[2, 2]], 2)
    assert got == pytest.approx(
        {
            "hr": 1.0,
            "recall": 1.0,
            "precision": 1.0,
            "mrr": 0.5,
            "map": 1.0,
            "ndcg": (2 / LOG2_3) / (1 + 1 / LOG2_3),
        }
    )
    assert got["ndcg"] == pytest.approx(0.7737056144)


def test_optimistic_ties_are_made_consistent():
    # optimistic ranks [1, 1] cannot both be first: the 2nd smallest is raised to 2 -> [1, 2]
    assert values([[1, 1]], 1) == values([[1, 2]], 1)
    assert values([[1, 1]], 2) == pytest.approx({name: 1.0 for name in RANKING_METRICS})
    # precision@1 with [1, 1] would be 2 without the repair; it is 1
    assert precision(np.array([[1.0, 1.0]]), 1)[0] == 1.0
    ordered, n_relevant = consistent_ranks(np.array([[INF, 1.0, 1.0, 1.0]]))
    np.testing.assert_array_equal(ordered, [[1.0, 2.0, 3.0, INF]])
    np.testing.assert_array_equal(n_relevant, [3])


def test_fractional_ranks():
    # expected rank 2.5, k=2: 2.5 > 2 so no hit; k=3: ndcg = 1/log2(3.5) = 0.5533, mrr = 1/2.5
    assert values([[2.5]], 2) == {name: 0.0 for name in RANKING_METRICS}
    got = values([[2.5]], 3)
    assert got == pytest.approx(
        {
            "hr": 1.0,
            "recall": 1.0,
            "precision": 1 / 3,
            "mrr": 0.4,
            "map": 0.4,
            "ndcg": 1 / math.log2(3.5),
        }
    )
    # expected ranks [1.5, 1.5] of two tied targets -> consistent [1.5, 2], k=2:
    # ndcg = (1/log2(2.5) + 1/log2(3)) / (1 + 1/log2(3)) = (0.7565 + 0.6309) / 1.6309 = 0.8507
    # map = (1/1.5 + 2/2) / min(2, 2) = 0.8333
    got = values([[1.5, 1.5]], 2)
    assert got["ndcg"] == pytest.approx((1 / math.log2(2.5) + 1 / LOG2_3) / (1 + 1 / LOG2_3))
    assert got["ndcg"] == pytest.approx(0.8506808, abs=1e-6)
    assert got["map"] == pytest.approx(5 / 6)
    assert got["mrr"] == pytest.approx(1 / 1.5)


def test_map_with_several_relevant_items():
    ranks = np.array([[6.0, 1.0, 10.0, 3.0]])  # order inside a row does not matter
    # k=10: (1/1 + 2/3 + 3/6 + 4/10) / min(4, 10) = 2.5667 / 4 = 0.6417
    assert average_precision(ranks, 10)[0] == pytest.approx((1 + 2 / 3 + 3 / 6 + 4 / 10) / 4)
    # k=5: (1/1 + 2/3) / min(4, 5) = 0.4167
    assert average_precision(ranks, 5)[0] == pytest.approx((1 + 2 / 3) / 4)
    # k=2: (1/1) / min(4, 2) = 0.5
    assert average_precision(ranks, 2)[0] == pytest.approx(0.5)
    # more relevant items than k, all at the top: (1/1 + 2/2) / min(3, 2) = 1
    assert average_precision(np.array([[1.0, 2.0, 3.0]]), 2)[0] == pytest.approx(1.0)


def test_ndcg_idcg_uses_min_of_relevant_and_k():
    # ranks [1, 2, 3], k=2: dcg = 1 + 1/log2(3), idcg over min(3, 2) = 2 items -> 1
    assert ndcg(np.array([[1.0, 2.0, 3.0]]), 2)[0] == pytest.approx(1.0)
    # ranks [2, 7, 9], k=3: dcg = 1/log2(3); idcg = 1 + 1/log2(3) + 1/log2(4) = 2.1309
    assert ndcg(np.array([[2.0, 7.0, 9.0]]), 3)[0] == pytest.approx(
        (1 / LOG2_3) / (1.5 + 1 / LOG2_3)
    )


def test_k_larger_than_catalogue():
    # catalogue of 3 items, both targets at the top, k=50
    got = values([[1, 2]], 50)
    assert got == pytest.approx(
        {"hr": 1.0, "recall": 1.0, "precision": 2 / 50, "mrr": 1.0, "map": 1.0, "ndcg": 1.0}
    )


def test_user_without_relevant_items_is_nan_and_ignored_by_mean():
    ranks = np.array([[1.0, 3.0], [INF, INF], [4.0, INF]])
    for fn in RANKING_METRICS.values():
        per_user = fn(ranks, 3)
        assert per_user.shape == (3,) and per_user.dtype == np.float64
        assert np.isnan(per_user[1]) and not np.isnan(per_user[[0, 2]]).any()
    # recall@2: user 0 -> 1/2 (rank 3 missed), user 2 -> 0/1; mean over the two defined users 0.25
    means = mean_metrics(ranking_metrics(ranks, [2]))
    assert means["recall@2"] == pytest.approx(0.25)
    # hr@2: users 0 and 2 -> (1 + 0) / 2; the NaN user counted as 0 would give 1/3
    assert means["hr@2"] == pytest.approx(0.5)
    assert all(type(value) is float for value in means.values())


def test_no_targets_at_all():
    for ranks in (np.full((2, 3), INF), np.zeros((2, 0))):
        for fn in RANKING_METRICS.values():
            assert np.isnan(fn(ranks, 5)).all()
    assert math.isnan(mean_metrics({"ndcg@5": np.array([np.nan, np.nan])})["ndcg@5"])
    assert ranking_metrics(np.zeros((0, 4)), [5])["ndcg@5"].shape == (0,)


def test_ranking_metrics_keys_and_values():
    ranks = np.array([[1.0, 3.0], [2.0, INF]])
    result = ranking_metrics(ranks, [1, 10])
    assert list(result) == [f"{name}@{k}" for name in RANKING_METRICS for k in (1, 10)]
    for name, fn in RANKING_METRICS.items():
        for k in (1, 10):
            np.testing.assert_array_equal(result[f"{name}@{k}"], fn(ranks, k))
    assert list(ranking_metrics(ranks, [5], names=["NDCG", "hr"])) == ["ndcg@5", "hr@5"]
    with pytest.raises(MetricError, match="known"):
        ranking_metrics(ranks, [5], names=["auc"])


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "5"])
def test_invalid_k(k):
    with pytest.raises(ValueError, match="k must be"):
        ndcg(np.array([[1.0]]), k)
    with pytest.raises(ValueError):
        ranking_metrics(np.array([[1.0]]), [5, k])


def test_numpy_integer_k():
    assert hit_rate(np.array([[3.0]]), np.int64(3))[0] == 1.0


@pytest.mark.parametrize("bad", [[[0.5]], [[np.nan]], [[-INF]], [1.0, 2.0]])
def test_invalid_ranks(bad):
    with pytest.raises(ValueError):
        recall(np.array(bad), 5)


def test_inputs_are_not_modified():
    ranks = np.array([[3.0, 1.0, 1.0]])
    mrr(ranks, 5)
    np.testing.assert_array_equal(ranks, [[3.0, 1.0, 1.0]])


# ---- pure-Python reference (one user at a time, strict integer ranks) ----------------------------


def reference(user_ranks: list[int], k: int) -> dict[str, float]:
    """Textbook per-user formulas over distinct integer ranks, written with plain loops."""
    if not user_ranks:
        return {name: math.nan for name in RANKING_METRICS}
    ordered = sorted(user_ranks)
    hits = [r for r in ordered if r <= k]
    dcg = sum(1 / math.log2(r + 1) for r in hits)
    idcg = sum(1 / math.log2(i + 1) for i in range(1, min(len(ordered), k) + 1))
    ap = sum((j + 1) / r for j, r in enumerate(ordered) if r <= k) / min(len(ordered), k)
    return {
        "hr": float(bool(hits)),
        "recall": len(hits) / len(ordered),
        "precision": len(hits) / k,
        "ndcg": dcg / idcg,
        "mrr": 1 / ordered[0] if ordered[0] <= k else 0.0,
        "map": ap,
    }


users_strategy = st.lists(
    st.lists(st.integers(1, 40), unique=True, max_size=8), min_size=1, max_size=6
)


def pad(users: list[list[float]], extra: int = 0) -> np.ndarray:
    """inf-padded (n_users, max_len + extra) float64 array."""
    width = max(len(user) for user in users) + extra
    ranks = np.full((len(users), width), INF)
    for row, user in enumerate(users):
        ranks[row, : len(user)] = user
    return ranks


@settings(max_examples=200, deadline=None)
@given(users=users_strategy, k=st.integers(1, 45))
def test_matches_reference(users, k):
    ranks = pad(users)
    result = ranking_metrics(ranks, [k])
    for row, user in enumerate(users):
        expected = reference(user, k)
        for name in RANKING_METRICS:
            got = result[f"{name}@{k}"][row]
            if math.isnan(expected[name]):
                assert math.isnan(got)
            else:
                assert got == pytest.approx(expected[name], abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(users=users_strategy, k=st.integers(1, 45), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_order_and_padding(users, k, seed):
    ranks = pad(users)
    shuffled = np.random.default_rng(seed).permuted(pad(users, extra=3), axis=1)
    for fn in RANKING_METRICS.values():
        np.testing.assert_allclose(fn(ranks, k), fn(shuffled, k), rtol=1e-12)


ranks_any = st.lists(
    st.lists(st.one_of(st.floats(1.0, 60.0), st.integers(1, 60).map(float)), max_size=7),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(users=ranks_any, k=st.integers(1, 30))
def test_bounds_and_monotonicity_on_any_ranks(users, k):
    # arbitrary ranks >= 1, with ties, fractions and optimistic-style collisions
    ranks = pad(users)
    now = ranking_metrics(ranks, [k, k + 1])
    has_targets = np.array([len(user) > 0 for user in users])
    for name in RANKING_METRICS:
        value = now[f"{name}@{k}"]
        assert np.isnan(value[~has_targets]).all()
        defined = value[has_targets]
        assert ((defined >= 0) & (defined <= 1 + 1e-12)).all(), name
    hr, rec, mrr_k = (now[f"{name}@{k}"][has_targets] for name in ("hr", "recall", "mrr"))
    assert (hr >= rec - 1e-12).all()
    assert (hr >= mrr_k).all()
    # hit rate, recall and MRR never fall as k grows
    for name in ("hr", "recall", "mrr"):
        assert (now[f"{name}@{k + 1}"][has_targets] >= now[f"{name}@{k}"][has_targets]).all()
