"""Beyond-accuracy metrics of the recommendation lists: coverage, popularity bias, concentration.

Input: ``top_items`` int64 (n_users, K), each user's recommended item indices best first, padded
with -1 (ignored). Every function returns a Python float over all users. Gini follows the
formulation used by RecBole's ``GiniIndex`` (items never recommended count as 0).
"""

from __future__ import annotations

import numpy as np

from pretrec.eval.metrics import MetricError


def _valid_items(top_items: np.ndarray, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate and return (top_items int64 (n, K), mask of non-padding entries (n, K))."""
    top_items = np.asarray(top_items)
    if top_items.ndim != 2:
        raise MetricError(f"top_items must be 2-D (n_users, K), got shape {top_items.shape}")
    if top_items.size and not np.issubdtype(top_items.dtype, np.integer):
        raise MetricError(f"top_items must hold integer item indices, got {top_items.dtype}")
    top_items = top_items.astype(np.int64, copy=False)
    if isinstance(n_items, bool) or not isinstance(n_items, int | np.integer) or n_items < 1:
        raise MetricError(f"n_items must be an integer >= 1, got {n_items!r}")
    if ((top_items < -1) | (top_items >= n_items)).any():
        raise MetricError(f"top_items must lie in [0, {n_items}) or be -1 padding")
    return top_items, top_items >= 0


def recommendation_counts(top_items: np.ndarray, n_items: int) -> np.ndarray:
    """int64 (n_items,) how many lists recommend each item (padding ignored)."""
    top_items, valid = _valid_items(top_items, n_items)
    return np.bincount(top_items[valid], minlength=int(n_items))


def item_coverage(top_items: np.ndarray, n_items: int) -> float:
    """Catalogue coverage: |union of recommended items| / n_items."""
    counts = recommendation_counts(top_items, n_items)
    return float(np.count_nonzero(counts) / n_items)


def average_popularity(top_items: np.ndarray, item_popularity: np.ndarray) -> float:
    """Average recommendation popularity (ARP).

    ARP = (1 / |U|) sum_u (1 / |L_u|) sum_{i in L_u} pop(i), with pop the training interaction
    count of each item (``item_popularity`` (n_items,)) and L_u the user's list without padding.
    Users whose list is all padding are left out of |U|; ``nan`` if no user has a list.
    """
    item_popularity = np.asarray(item_popularity, dtype=np.float64)
    if item_popularity.ndim != 1:
        raise MetricError(f"item_popularity must be 1-D (n_items,), got {item_popularity.shape}")
    top_items, valid = _valid_items(top_items, len(item_popularity))
    popularity = np.where(valid, item_popularity[np.where(valid, top_items, 0)], 0.0)  # (n, K)
    lengths = valid.sum(axis=1)
    has_list = lengths > 0
    if not has_list.any():
        return float("nan")
    per_user = popularity[has_list].sum(axis=1) / lengths[has_list]
    return float(per_user.mean())


def gini_index(top_items: np.ndarray, n_items: int) -> float:
    """Gini coefficient of how often each of the n items is recommended.

    With c_(1) <= ... <= c_(n) the sorted recommendation counts (never-recommended items count 0),

        G = sum_{i=1}^{n} (2i - n - 1) c_(i) / (n sum_i c_(i)),

    0 when every item is recommended equally often, (n - 1) / n when a single item receives every
    recommendation. ``nan`` when nothing is recommended.
    """
    counts = np.sort(recommendation_counts(top_items, n_items)).astype(np.float64)
    total = counts.sum()
    if total == 0:
        return float("nan")
    n = len(counts)
    weights = 2.0 * np.arange(1, n + 1) - n - 1  # (n,)
    return float(weights @ counts / (n * total))
