"""Ranking-accuracy metrics as pure, vectorised functions of target ranks.

Input: ``ranks`` float64 (n_users, max_targets), the 1-based rank of each of a user's relevant
(target) items in the full ranking over all candidates, padded with ``inf``; a row of all ``inf``
is a user with no relevant item. Every metric returns float64 (n_users,) per-user values, ``NaN``
for users without relevant items; :func:`mean_metrics` averages them ignoring the ``NaN`` users.

Ranks may be fractional (expected-rank tie policies) and may be larger than ``k`` or than the
catalogue. Before any metric is computed the ranks of a user are sorted and made *consistent*:
the j-th smallest rank is raised to at least j,

    r'_(j) = max(r_(j), j),

because two targets cannot both sit at position 1. Ranks from a strict order or from pessimistic
ties (a target counts every candidate scoring >= it) already satisfy this and are unchanged;
optimistic ties (two tied targets both ranked 1) and expected ranks of tied targets would
otherwise give precision, NDCG and MAP above 1. With consistent ranks every metric lies in [0, 1].

Formulas follow the usual definitions (e.g. RecBole's metrics); we differ from RecBole in taking
ranks instead of top-K hit matrices, so targets ranked beyond the top-K list are still counted in
``n_rel`` and tied or fractional ranks are handled without a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from pretrec.errors import PretrecError

MetricFn = Callable[[np.ndarray, int], np.ndarray]


class MetricError(PretrecError, ValueError):
    """Invalid input to a metric (bad ``k``, malformed ranks, labels or shapes)."""


def check_k(k: int) -> int:
    """Return ``k`` as an int; raise :class:`MetricError` unless it is an integer >= 1."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise MetricError(f"k must be an integer >= 1, got {k!r}")
    return int(k)


def consistent_ranks(ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate `ranks` and return (sorted consistent ranks (n, t), n_relevant int64 (n,)).

    Each row is sorted ascending and r'_(j) = max(r_(j), j) (1-based j) is applied to its finite
    entries; ``inf`` padding stays at the end. Raises :class:`MetricError` on a non-2-D array,
    NaN, -inf or a finite rank below 1.
    """
    ranks = np.asarray(ranks, dtype=np.float64)
    if ranks.ndim != 2:
        raise MetricError(f"ranks must be 2-D (n_users, max_targets), got shape {ranks.shape}")
    if np.isnan(ranks).any():
        raise MetricError("ranks contain NaN; pad missing targets with +inf")
    if (ranks < 1).any():
        raise MetricError(f"ranks must be >= 1 (1-based) or +inf, got minimum {ranks.min()}")
    ordered = np.sort(ranks, axis=1)
    position = np.arange(1, ranks.shape[1] + 1, dtype=np.float64)  # (t,) j = 1..t
    ordered = np.maximum(ordered, position[None, :])  # inf stays inf
    n_relevant = np.isfinite(ranks).sum(axis=1)
    return ordered, n_relevant


def _per_user(values: np.ndarray, n_relevant: np.ndarray) -> np.ndarray:
    """Set NaN for users without relevant items."""
    values = values.astype(np.float64, copy=False)
    values[n_relevant == 0] = np.nan
    return values


def _hits(ranks: np.ndarray, k: int) -> np.ndarray:
    """int64 (n,) |{rank <= k}|."""
    return (ranks <= k).sum(axis=1)


def _hit_rate(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    return _per_user((_hits(ranks, k) > 0).astype(np.float64), n_relevant)


def _recall(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    hits = _hits(ranks, k).astype(np.float64)
    return _per_user(hits / np.maximum(n_relevant, 1), n_relevant)


def _precision(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    return _per_user(_hits(ranks, k) / k, n_relevant)


def _ndcg(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    gains = np.where(ranks <= k, 1.0 / np.log2(ranks + 1.0), 0.0)  # (n, t); inf -> 0
    dcg = gains.sum(axis=1)
    ideal_length = min(k, ranks.shape[1])
    discounts = 1.0 / np.log2(np.arange(2, ideal_length + 2, dtype=np.float64))
    ideal_table = np.concatenate([[0.0], np.cumsum(discounts)])  # IDCG for 0..ideal_length items
    idcg = ideal_table[np.minimum(n_relevant, k)]
    return _per_user(dcg / np.where(idcg > 0, idcg, 1.0), n_relevant)


def _mrr(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    best = ranks[:, 0] if ranks.shape[1] else np.full(len(ranks), np.inf)
    return _per_user(np.where(best <= k, 1.0 / best, 0.0), n_relevant)


def _average_precision(ranks: np.ndarray, n_relevant: np.ndarray, k: int) -> np.ndarray:
    n_users, width = ranks.shape
    # rows are sorted, so |{rank <= r_(j)}| = 1 + index of the last entry tied with r_(j)
    group_end = np.ones((n_users, width), dtype=bool)
    group_end[:, :-1] = ranks[:, :-1] != ranks[:, 1:]
    end_index = np.where(group_end, np.arange(width)[None, :], width)  # (n, t)
    last_tied = np.minimum.accumulate(end_index[:, ::-1], axis=1)[:, ::-1]
    n_at_or_above = (last_tied + 1).astype(np.float64)
    terms = np.where(ranks <= k, n_at_or_above / ranks, 0.0)  # (n, t)
    denominator = np.maximum(np.minimum(n_relevant, k), 1)
    return _per_user(terms.sum(axis=1) / denominator, n_relevant)


def hit_rate(ranks: np.ndarray, k: int) -> np.ndarray:
    """HR@k per user: 1 if any relevant rank <= k else 0; NaN without relevant items."""
    return _hit_rate(*consistent_ranks(ranks), check_k(k))


def recall(ranks: np.ndarray, k: int) -> np.ndarray:
    """Recall@k per user: |{rank <= k}| / n_rel; NaN when n_rel = 0."""
    return _recall(*consistent_ranks(ranks), check_k(k))


def precision(ranks: np.ndarray, k: int) -> np.ndarray:
    """Precision@k per user: |{rank <= k}| / k (k itself, even past the catalogue size)."""
    return _precision(*consistent_ranks(ranks), check_k(k))


def ndcg(ranks: np.ndarray, k: int) -> np.ndarray:
    """NDCG@k per user with binary relevance.

    DCG = sum_{rank <= k} 1 / log2(rank + 1),  IDCG = sum_{i=1}^{min(n_rel, k)} 1 / log2(i + 1),
    NDCG = DCG / IDCG; NaN when n_rel = 0.
    """
    return _ndcg(*consistent_ranks(ranks), check_k(k))


def mrr(ranks: np.ndarray, k: int) -> np.ndarray:
    """MRR@k per user: 1 / min(rank) if min(rank) <= k else 0; NaN when n_rel = 0."""
    return _mrr(*consistent_ranks(ranks), check_k(k))


def average_precision(ranks: np.ndarray, k: int) -> np.ndarray:
    """AP@k per user (its mean over users is MAP@k).

    AP = sum_{r in R, r <= k} |{r' in R : r' <= r}| / r  /  min(n_rel, k), with R the user's
    relevant ranks; NaN when n_rel = 0. Tied ranks each count every target tied with them.
    """
    return _average_precision(*consistent_ranks(ranks), check_k(k))


RANKING_METRICS: dict[str, MetricFn] = {
    "hr": hit_rate,
    "recall": recall,
    "ndcg": ndcg,
    "mrr": mrr,
    "precision": precision,
    "map": average_precision,
}

_KERNELS = {
    "hr": _hit_rate,
    "recall": _recall,
    "ndcg": _ndcg,
    "mrr": _mrr,
    "precision": _precision,
    "map": _average_precision,
}


def ranking_metrics(
    ranks: np.ndarray, ks: Iterable[int], names: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Per-user values of every metric in `names` (default all of RANKING_METRICS) at every k.

    Keys are ``f"{name}@{k}"`` (e.g. ``"ndcg@10"``), metric-major in the order given; ranks are
    validated and sorted once. Unknown names raise :class:`MetricError` listing the known ones.
    """
    ks = [check_k(k) for k in ks]
    names = list(RANKING_METRICS) if names is None else [name.lower() for name in names]
    unknown = [name for name in names if name not in _KERNELS]
    if unknown:
        raise MetricError(f"unknown ranking metrics {unknown}; known: {sorted(_KERNELS)}")
    ordered, n_relevant = consistent_ranks(ranks)
    return {f"{name}@{k}": _KERNELS[name](ordered, n_relevant, k) for name in names for k in ks}


def mean_metrics(per_user: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Mean of each per-user array over users whose value is not NaN, as Python floats.

    A metric with no non-NaN user averages to ``nan``.
    """
    means = {}
    for name, values in per_user.items():
        values = np.asarray(values, dtype=np.float64)
        defined = values[~np.isnan(values)]
        means[name] = float(defined.mean()) if defined.size else float("nan")
    return means
