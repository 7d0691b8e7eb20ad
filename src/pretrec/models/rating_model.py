"""What every pointwise model shares: `predict(users, items)` for (user, item) pairs.

A rating model is trained on interactions whose weights are ratings, by squared error
(`pretrec.tasks.pointwise`); its predictions are clipped to the range of the training ratings.
Built with `binary=True` it is a click model: trained on 0/1 labels by binary cross-entropy on
logits, it predicts probabilities. Both rank items by their prediction through `score`.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.models.base import NeuralRecommender


class RatingModel(NeuralRecommender):
    """Base of rating models: subclasses implement `predict_tensor(users, items)`."""

    scores_user_ids = True

    def __init__(self, config: Any, n_users: int, n_items: int, binary: bool = False):
        super().__init__(config, n_users, n_items)
        self.binary = binary
        """Labels are 0/1 and the prediction is a probability (click models)."""
        self.register_buffer("global_mean", torch.zeros(()))
        self.register_buffer("rating_range", torch.tensor([-torch.inf, torch.inf]))

    def prepare(self, train: Interactions) -> None:
        """The global offset (mean rating, or logit of the positive rate) and the rating range."""
        if self.binary:
            rate = float(np.clip(train.weights.mean(), 1e-4, 1 - 1e-4))
            self.global_mean.fill_(float(np.log(rate / (1 - rate))))  # logit of the positive rate
        else:
            self.global_mean.fill_(float(train.weights.mean()))
            self.rating_range.copy_(torch.tensor([float(train.weights.min()),
                                                  float(train.weights.max())]))

    @abstractmethod
    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """(B,) predicted ratings of (users[b], items[b]), unclipped (what the loss sees)."""

    def clipped(self, ratings: torch.Tensor) -> torch.Tensor:
        """What `predict` returns from `predict_tensor`: a probability, or a clipped rating."""
        if self.binary:
            return torch.sigmoid(ratings)
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
