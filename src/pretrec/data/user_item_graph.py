"""The user-item interaction graph as graph models propagate over it (LightGCN, He et al. 2020).

Nodes are users 0..n_users-1 followed by items n_users..n_users+n_items-1. The adjacency is the
bipartite A = [[0, R], [R^T, 0]] of the deduplicated training pairs R, symmetrically normalised
to D^-1/2 A D^-1/2 (a node without edges keeps an all-zero row). It is symmetric, which the
propagation block relies on for its backward pass. Arrays only: scipy CSR, never dense.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pretrec.data.interactions import Interactions


def training_edges(train: Interactions) -> tuple[np.ndarray, np.ndarray]:
    """int64 (users, items) of each distinct training pair, sorted by user then item."""
    pairs = train.csr.tocoo()
    return pairs.row.astype(np.int64), pairs.col.astype(np.int64)


def normalized_adjacency(users: np.ndarray, items: np.ndarray, n_users: int,
                         n_items: int) -> sp.csr_matrix:
    """float32 CSR (n_users + n_items)^2: D^-1/2 A D^-1/2 of the bipartite graph of the edges
    (users[e], items[e]). Duplicate edges count once."""
    n_nodes = n_users + n_items
    rows = np.concatenate([users, items + n_users])
    cols = np.concatenate([items + n_users, users])
    adjacency = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                              shape=(n_nodes, n_nodes))
    adjacency.data[:] = 1.0  # duplicates summed on construction; an edge weighs one
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse_root = np.zeros(n_nodes, dtype=np.float32)
    inverse_root[degree > 0] = degree[degree > 0] ** -0.5
    scale = sp.diags(inverse_root)
    normalized = (scale @ adjacency @ scale).tocsr().astype(np.float32)
    normalized.sort_indices()
    return normalized


def mean_adjacency(matrix: sp.spmatrix) -> sp.csr_matrix:
    """float32 CSR whose rows average: each stored entry of `matrix` becomes 1 / its row's number
    of distinct entries (an empty row stays empty). `mean_adjacency(R) @ X` is, for each user,
    the mean of its items' rows of X (GraphSAGE's mean aggregator)."""
    binary = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    binary.sum_duplicates()
    binary.data[:] = 1.0
    degree = np.diff(binary.indptr)
    binary.data /= np.repeat(np.maximum(degree, 1), degree).astype(np.float32)
    binary.sort_indices()
    return binary
