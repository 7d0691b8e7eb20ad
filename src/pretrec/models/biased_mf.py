"""Biased matrix factorisation for explicit ratings (Koren, Bell & Volinsky 2009).

    r(u, i) = mu + b_u + b_i + <p_u, q_i>

trained by mean squared error on the observed ratings with an L2 penalty on the parameters a
batch touches. `predict(users, items)` gives ratings for pairs; `score` rates every item for a
user, so the model also ranks.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from pretrec.config import Config
from pretrec.models.rating_model import RatingModel
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class BiasedMFConfig(Config):
    """Hyper-parameters of biased matrix factorisation."""

    embedding_dim: int = 64
    """Size of the user and item factors."""
    l2: float = 0.05
    """Weight of the L2 penalty on the factors and biases of a batch (per example)."""
    init_std: float = 0.01
    """Standard deviation of the normal initialisation of the factors."""


class BiasedMF(RatingModel):
    """mu + user bias + item bias + factor dot product, fit by squared error."""

    config_class = BiasedMFConfig

    def __init__(self, config: BiasedMFConfig, n_users: int, n_items: int, binary: bool = False):
        super().__init__(config, n_users, n_items, binary)
        self.user_factors = nn.Embedding(n_users, config.embedding_dim)
        self.item_factors = nn.Embedding(n_items, config.embedding_dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        for table in (self.user_factors, self.item_factors):
            nn.init.normal_(table.weight, std=config.init_std)
        for table in (self.user_bias, self.item_bias):
            nn.init.zeros_(table.weight)

    def user_vectors(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(factors (B, d), biases (B,)) of users; subclasses add side information."""
        return self.user_factors(users), self.user_bias(users).squeeze(-1)

    def item_vectors(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.item_factors(items), self.item_bias(items).squeeze(-1)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        (p, b_u), (q, b_i) = self.user_vectors(users), self.item_vectors(items)
        return self.global_mean + b_u + b_i + (p * q).sum(-1)

    def penalty(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Sum of squares of the ID factors and biases of a batch's users and items."""
        used = (self.user_factors(users), self.item_factors(items), self.user_bias(users), self.item_bias(items))
        return sum((t**2).sum() for t in used)

    def score(self, batch: UserBatch) -> torch.Tensor:
        users = batch.user_tensor(self.device)
        (p, b_u) = self.user_vectors(users)
        q, b_i = self.item_vectors(torch.arange(self.n_items, device=self.device))
        return self.global_mean + b_u[:, None] + b_i[None] + p @ q.T

