"""EASE: embarrassingly shallow autoencoder (Steck, WWW 2019).

Closed form: P = (XᵀX + λI)⁻¹, B = I − P·diag(1/diag(P)), so diag(B) = 0. Scores are the history
row times B. Memory and time grow as n_items² and n_items³: fine to ~30k items on a laptop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class EASEConfig(Config):
    """Hyper-parameters of EASE."""

    l2: float = 500.0
    """λ, the L2 regularisation added to the Gram matrix diagonal."""


class EASE(Recommender):
    """Item-item linear model with a zero diagonal, solved in closed form."""

    config_class = EASEConfig
    config: EASEConfig

    def fit(self, train: Interactions) -> Self:
        config = self.config
        matrix = train.csr.astype(np.float64)
        gram = torch.from_numpy((matrix.T @ matrix).toarray())  # (n_items, n_items)
        gram.diagonal().add_(config.l2)
        precision = torch.cholesky_inverse(torch.linalg.cholesky(gram))
        weights = precision / (-precision.diagonal())[None, :]
        weights.diagonal().zero_()
        self.weights_ = weights.to(torch.float32).contiguous()  # LAPACK output is column-major
        return self

    def score(self, batch: UserBatch) -> torch.Tensor:
        history = batch.history_matrix().toarray()
        return torch.from_numpy(history) @ self.weights_

    def state(self) -> dict[str, torch.Tensor]:
        return {"weights": self.weights_}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.weights_ = state["weights"]
