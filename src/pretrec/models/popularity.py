"""Most-popular baseline: every user gets the items with the most training interactions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class PopularityConfig(Config):
    """Popularity has no hyper-parameters."""


class Popularity(Recommender):
    """Scores each item by its number of training interactions."""

    config_class = PopularityConfig
    ranks_new_items = True  # once `observe` counts their events

    def observe(self, interactions: Interactions) -> None:
        """Fold-in: counts over every known event, those that arrived after fitting included."""
        self.fit(interactions)

    def fit(self, train: Interactions) -> Self:
        self.counts_ = torch.as_tensor(train.item_counts(), dtype=torch.float32)
        return self

    def score(self, batch: UserBatch) -> torch.Tensor:
        return self.counts_.expand(len(batch), -1)

    def state(self) -> dict[str, torch.Tensor]:
        return {"counts": self.counts_}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.counts_ = state["counts"]
