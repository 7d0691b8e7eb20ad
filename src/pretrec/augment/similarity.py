"""Item-to-item similarity for the substitute and insert augmentations (CoSeRec).

Cosine similarity of item columns in the user-item matrix (co-occurrence), computed with sparse
matrices; each item's single most similar other item is what the augmentations swap in.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pretrec.data.interactions import Interactions


def most_similar_items(train: Interactions) -> np.ndarray:
    """int64 (n_items,): the 0-based id of each item's most similar other item (by cosine of
    co-occurrence; ties to the lowest id); an item that co-occurs with nothing maps to itself."""
    matrix = train.csr.astype(np.float32)
    matrix.data[:] = 1.0
    norms = np.sqrt(np.asarray(matrix.sum(0)).ravel()).clip(min=1e-12)
    co = sp.csr_matrix(matrix.T @ matrix)
    co.setdiag(0)
    co.eliminate_zeros()
    co = sp.csr_matrix(sp.diags(1 / norms) @ co @ sp.diags(1 / norms))
    rows = np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
    order = np.lexsort((co.indices, -co.data, rows))  # by row, best similarity first
    result = np.arange(co.shape[0], dtype=np.int64)
    nonempty = np.diff(co.indptr) > 0
    result[nonempty] = co.indices[order[co.indptr[:-1][nonempty]]]
    return result
