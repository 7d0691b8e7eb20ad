"""Vectorised negative sampling: draw in bulk, reject the user's positives, redraw only those."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def _is_positive(positives: sp.csr_matrix, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Whether (users[i], items[i]) is stored in the CSR; vectorised by searching row keys."""
    if positives.nnz == 0:
        return np.zeros(users.shape, dtype=bool)
    if not positives.has_sorted_indices:
        positives = positives.sorted_indices()
    n_items = positives.shape[1]
    row_of_entry = np.repeat(np.arange(positives.shape[0], dtype=np.int64),
                             np.diff(positives.indptr))
    keys = row_of_entry * n_items + positives.indices.astype(np.int64)  # sorted by construction
    query = users.astype(np.int64) * n_items + items.astype(np.int64)
    found = np.searchsorted(keys, query)
    found = np.minimum(found, len(keys) - 1)
    return keys[found] == query


def sample_negatives(
    users: np.ndarray,
    n_negatives: int,
    n_items: int,
    rng: np.random.Generator,
    exclude: sp.csr_matrix | None = None,
    probabilities: np.ndarray | None = None,
    max_rounds: int = 20,
) -> np.ndarray:
    """int64 (len(users), n_negatives) items, uniform or by `probabilities`, avoiding `exclude`.

    Items in `exclude[user]` are redrawn up to `max_rounds` times; a user who has interacted
    with almost every item may keep a rare positive after that (documented, not silent: the
    rounds bound the cost for pathological users only).
    """
    users = np.asarray(users, dtype=np.int64)

    def draw(size: int | tuple[int, ...]) -> np.ndarray:
        if probabilities is None:
            return rng.integers(0, n_items, size=size)
        return rng.choice(n_items, size=size, p=probabilities)

    negatives = draw((len(users), n_negatives))
    if exclude is None:
        return negatives
    user_grid = np.broadcast_to(users[:, None], negatives.shape)
    bad = _is_positive(exclude, user_grid.ravel(), negatives.ravel()).reshape(negatives.shape)
    for _ in range(max_rounds):
        if not bad.any():
            break
        negatives[bad] = draw(int(bad.sum()))
        bad_users = user_grid[bad]
        still = _is_positive(exclude, bad_users, negatives[bad])
        bad[bad] = still
    return negatives
