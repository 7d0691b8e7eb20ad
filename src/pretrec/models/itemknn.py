"""Item-based k-nearest neighbours (Sarwar et al., WWW 2001; Deshpande & Karypis, TOIS 2004).

Similarity is cosine with shrinkage, sim(i, j) = |U_i ∩ U_j| / (|U_i|^½ |U_j|^½ + shrink), over
binary training interactions; each item keeps its `neighbours` most similar items. A user's
score for item j is the sum of sim(i, j) over the items i in their history. `observe` folds in
events that arrived after fitting (a new item gets its neighbours).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import scipy.sparse as sp
import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch

ROWS_PER_BLOCK = 2048  # items whose dense similarity row is built at once while pruning


@dataclass(frozen=True)
class ItemKNNConfig(Config):
    """Hyper-parameters of item-KNN."""

    neighbours: int = 100
    """How many most-similar items each item keeps (0 keeps all)."""
    shrink: float = 10.0
    """Added to the cosine denominator: damps similarities resting on few co-occurrences."""


class ItemKNN(Recommender):
    """Cosine item-item neighbourhood model on a sparse similarity matrix."""

    config_class = ItemKNNConfig
    config: ItemKNNConfig
    ranks_new_items = True  # once `observe` folds their events in

    def observe(self, interactions: Interactions) -> None:
        """Fold-in: the similarities recomputed over every known event (closed form, so this is
        the model fitted on them; an item new since training gets its neighbours)."""
        self.fit(interactions)

    def fit(self, train: Interactions) -> Self:
        config = self.config
        matrix = train.csr.astype(np.float32)
        cooccurrence = (matrix.T @ matrix).tocsr()  # (n_items, n_items)
        norms = np.sqrt(cooccurrence.diagonal()).astype(np.float32)
        blocks = []
        for start in range(0, self.n_items, ROWS_PER_BLOCK):
            rows = cooccurrence[start : start + ROWS_PER_BLOCK].toarray()  # (b, n_items)
            rows /= (norms[start : start + ROWS_PER_BLOCK, None] * norms[None, :] + config.shrink
                     + 1e-12)
            rows[np.arange(len(rows)), np.arange(start, start + len(rows))] = 0.0
            blocks.append(_keep_top(rows, config.neighbours))
        # row j holds the neighbours of item j; scoring needs history @ sim^T
        self.similarity_ = sp.vstack(blocks).T.tocsr()
        return self

    def score(self, batch: UserBatch) -> torch.Tensor:
        scores = (batch.history_matrix() @ self.similarity_).toarray()
        return torch.from_numpy(np.ascontiguousarray(scores, dtype=np.float32))

    def state(self) -> dict[str, torch.Tensor]:
        s = self.similarity_
        return {
            "indptr": torch.from_numpy(s.indptr.astype(np.int64)),
            "indices": torch.from_numpy(s.indices.astype(np.int64)),
            "data": torch.from_numpy(s.data.astype(np.float32)),
        }

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.similarity_ = sp.csr_matrix(
            (state["data"].numpy(), state["indices"].numpy(), state["indptr"].numpy()),
            shape=(self.n_items, self.n_items),
        )


def _keep_top(rows: np.ndarray, k: int) -> sp.csr_matrix:
    """Sparse copy of `rows` keeping each row's k largest positive entries."""
    if 0 < k < rows.shape[1]:
        cut = np.argpartition(-rows, k - 1, axis=1)[:, k:]
        np.put_along_axis(rows, cut, 0.0, axis=1)
    rows[rows < 0] = 0.0
    return sp.csr_matrix(rows)
