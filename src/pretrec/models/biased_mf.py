"""Biased matrix factorisation for explicit ratings (Koren, Bell & Volinsky 2009).

    r(u, i) = mu + b_u + b_i + <p_u, q_i>

trained by mean squared error on the observed ratings with an L2 penalty on the parameters a
batch touches. `predict(users, items)` gives ratings for pairs; `score` rates every item for a
user, so the model also ranks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.errors import DataError
from pretrec.models.rating_model import RatingModel
from pretrec.sampling.batches import RatingBatch, UserBatch


@dataclass(frozen=True)
class BiasedMFConfig(Config):
    """Hyper-parameters of biased matrix factorisation."""

    embedding_dim: int = 64
    """Size of the user and item factors."""
    l2: float = 0.05
    """Weight of the L2 penalty on the factors and biases of a batch (per example)."""
    init_std: float = 0.01
    """Standard deviation of the normal initialisation of the factors."""


def rating_batches(train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[RatingBatch]:
    """Shuffled (user, item, rating) minibatches of every training row; DataError without ratings."""
    if train.weights is None:
        raise DataError("a rating model needs ratings: this data has no rating column")
    order = rng.permutation(len(train))
    users = torch.from_numpy(train.users[order])
    items = torch.from_numpy(train.items[order])
    ratings = torch.from_numpy(train.weights[order])
    for start in range(0, len(order), batch_size):
        stop = start + batch_size
        yield RatingBatch(users[start:stop], items[start:stop], ratings[start:stop])


def item_grouped_batches(train: Interactions, items_per_batch: int, rng: np.random.Generator) -> Iterator[RatingBatch]:
    """Batches holding every training row of `items_per_batch` random items (rows shuffled
    within): a model that encodes item text per step encodes few texts per batch."""
    if train.weights is None:
        raise DataError("a rating model needs ratings: this data has no rating column")
    items = np.unique(train.items)
    groups = np.empty(train.n_items, dtype=np.int64)
    groups[items[rng.permutation(len(items))]] = np.arange(len(items)) // items_per_batch
    order = np.lexsort((rng.random(len(train)), groups[train.items]))
    bounds = np.searchsorted(groups[train.items][order], np.arange(groups[items].max() + 2))
    users, item_ids, ratings = (torch.from_numpy(a[order]) for a in (train.users, train.items, train.weights))
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if stop > start:
            yield RatingBatch(users[start:stop], item_ids[start:stop], ratings[start:stop])


class BiasedMF(RatingModel):
    """mu + user bias + item bias + factor dot product, fit by squared error."""

    config_class = BiasedMFConfig

    def __init__(self, config: BiasedMFConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.user_factors = nn.Embedding(n_users, config.embedding_dim)
        self.item_factors = nn.Embedding(n_items, config.embedding_dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.item_bias = nn.Embedding(n_items, 1)
        for table in (self.user_factors, self.item_factors):
            nn.init.normal_(table.weight, std=config.init_std)
        for table in (self.user_bias, self.item_bias):
            nn.init.zeros_(table.weight)

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[RatingBatch]:
        return rating_batches(train, batch_size, rng)

    def user_vectors(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(factors (B, d), biases (B,)) of users; subclasses add side information."""
        return self.user_factors(users), self.user_bias(users).squeeze(-1)

    def item_vectors(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.item_factors(items), self.item_bias(items).squeeze(-1)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        (p, b_u), (q, b_i) = self.user_vectors(users), self.item_vectors(items)
        return self.global_mean + b_u + b_i + (p * q).sum(-1)

    def loss(self, batch: RatingBatch) -> dict[str, torch.Tensor]:
        predicted = self.predict_tensor(batch.users, batch.items)
        error = self.pointwise_loss(predicted, batch.ratings)
        used = (self.user_factors(batch.users), self.item_factors(batch.items),
                self.user_bias(batch.users), self.item_bias(batch.items))
        penalty = sum((t**2).sum() for t in used)
        return {"bce" if self.binary else "mse": error, "l2": self.config.l2 * penalty / len(batch.users)}

    def score(self, batch: UserBatch) -> torch.Tensor:
        users = batch.user_tensor(self.device)
        (p, b_u) = self.user_vectors(users)
        q, b_i = self.item_vectors(torch.arange(self.n_items, device=self.device))
        return self.global_mean + b_u[:, None] + b_i[None] + p @ q.T


class ClickMF(BiasedMF):
    """Logistic biased MF: sigma(mu + b_u + b_i + <p_u, q_i>), fit by binary cross-entropy."""

    task = "click"
    binary = True
