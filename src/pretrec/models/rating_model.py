"""What every explicit-rating model shares: `predict(users, items)` and the ratings' range.

A rating model is a NeuralRecommender with `task = "rating"`: it is fit on interactions whose
weights are ratings, predicts the rating of (user, item) pairs, and ranks items by predicted
rating through `score`. Predictions are clipped to the range of the training ratings.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.errors import DataError
from pretrec.models.base import NeuralRecommender


class RatingModel(NeuralRecommender):
    """Base of rating models: subclasses implement `predict_tensor(users, items)`."""

    task = "rating"

    def __init__(self, config: Any, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.register_buffer("global_mean", torch.zeros(()))
        self.register_buffer("rating_range", torch.tensor([-torch.inf, torch.inf]))

    def prepare(self, train: Interactions) -> None:
        """Read what the model needs from the training ratings before the first epoch."""

    def fit(self, train: Interactions, *args: Any, **kwargs: Any):  # type: ignore[override]
        if train.weights is None:
            raise DataError("a rating model needs ratings: this data has no rating column")
        self.global_mean.fill_(float(train.weights.mean()))
        self.rating_range.copy_(torch.tensor([float(train.weights.min()), float(train.weights.max())]))
        self.prepare(train)
        return super().fit(train, *args, **kwargs)

    @abstractmethod
    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """(B,) predicted ratings of (users[b], items[b]), unclipped (what the loss sees)."""

    def clipped(self, ratings: torch.Tensor) -> torch.Tensor:
        return ratings.clamp(float(self.rating_range[0]), float(self.rating_range[1]))

    @torch.no_grad()
    def predict(self, users: np.ndarray, items: np.ndarray, batch_size: int = 65536) -> np.ndarray:
        """float32 predicted ratings of (user, item) pairs, clipped to the training range."""
        self.eval()
        out = []
        for start in range(0, len(users), batch_size):
            u = torch.as_tensor(users[start : start + batch_size], device=self.device)
            i = torch.as_tensor(items[start : start + batch_size], device=self.device)
            out.append(self.clipped(self.predict_tensor(u, i)).float().cpu())
        return torch.cat(out).numpy() if out else np.empty(0, np.float32)
