"""Biased matrix factorisation for explicit ratings (Koren, Bell & Volinsky 2009).

    r(u, i) = mu + b_u + b_i + <p_u, q_i>

trained by mean squared error on the observed ratings with an L2 penalty on the parameters a
batch touches. `predict(users, items)` gives ratings for pairs; `score` rates every item for a
user, so the model also ranks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def add_factors(model: nn.Module, n_users: int, n_items: int, dim: int, init_std: float) -> None:
    """Register user/item factors (normal init) and biases (zero init) on `model`."""
    model.user_factors = nn.Embedding(n_users, dim)
    model.item_factors = nn.Embedding(n_items, dim)
    model.user_bias = nn.Embedding(n_users, 1)
    model.item_bias = nn.Embedding(n_items, 1)
    for table in (model.user_factors, model.item_factors):
        nn.init.normal_(table.weight, std=init_std)
    for table in (model.user_bias, model.item_bias):
        nn.init.zeros_(table.weight)


def factor_prediction(model: Any, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """(B,) mu + b_u + b_i + <p_u, q_i> from the model's `user_vectors` / `item_vectors`."""
    (p, b_u), (q, b_i) = model.user_vectors(users), model.item_vectors(items)
    return model.global_mean + b_u + b_i + (p * q).sum(-1)


def factor_penalty(model: Any, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """Sum of squares of the ID factors and biases of a batch's users and items."""
    used = (model.user_factors(users), model.item_factors(items), model.user_bias(users),
            model.item_bias(items))
    return sum((t**2).sum() for t in used)


def factor_scores(model: Any, batch: UserBatch) -> torch.Tensor:
    """(B, n_items) predictions of every item for the batch's users."""
    users = batch.user_tensor(model.device)
    (p, b_u) = model.user_vectors(users)
    q, b_i = model.item_vectors(torch.arange(model.n_items, device=model.device))
    return model.global_mean + b_u[:, None] + b_i[None] + p @ q.T  # (B, n_items)


class BiasedMF(RatingModel):
    """mu + user bias + item bias + factor dot product, fit by squared error."""

    config_class = BiasedMFConfig
    config: BiasedMFConfig

    def __init__(self, config: BiasedMFConfig, n_users: int, n_items: int, binary: bool = False):
        super().__init__(config, n_users, n_items, binary)
        add_factors(self, n_users, n_items, config.embedding_dim, config.init_std)

    def user_vectors(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(factors (B, d), biases (B,)) of users."""
        return self.user_factors(users), self.user_bias(users).squeeze(-1)

    def item_vectors(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.item_factors(items), self.item_bias(items).squeeze(-1)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return factor_prediction(self, users, items)

    def penalty(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return factor_penalty(self, users, items)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return factor_scores(self, batch)
