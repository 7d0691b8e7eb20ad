"""What the graph models share: the training graph they keep and the caches they score from.

A `GraphRecommender` keeps the training pairs as buffers (`graph_users`, `graph_items`), so a
checkpoint scores without the data and restores a graph of its own size; it propagates once per
evaluation pass and keeps what it computed (`forget_scores` drops it when the weights may change)
and what it built from the graph (`forget_graph` drops it when the graph changes).
"""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np
import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.data.user_item_graph import training_edges
from pretrec.models.base import NeuralRecommender
from pretrec.nn.parameters import resize_to_state


class GraphRecommender(NeuralRecommender):
    """Base of the models that propagate over the user-item training graph."""

    data_sized: ClassVar[tuple[str, ...]] = ("graph_users", "graph_items")
    """Tensors whose size comes from the data: a checkpoint's shapes are taken as they are."""

    def __init__(self, config: Config, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.register_buffer("graph_users", torch.zeros(0, dtype=torch.int64))
        self.register_buffer("graph_items", torch.zeros(0, dtype=torch.int64))

    def prepare(self, train: Interactions) -> None:
        users, items = training_edges(train)
        self.graph_users = torch.from_numpy(users).to(self.device)
        self.graph_items = torch.from_numpy(items).to(self.device)
        self.forget_graph()

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """The training graph's (users, items) edge arrays."""
        return self.graph_users.cpu().numpy(), self.graph_items.cpu().numpy()

    def forget_scores(self, training: bool) -> None:
        """Drop what was computed from the weights (they may change); `training` is the mode
        the model enters."""

    def forget_graph(self) -> None:
        """Drop what was built from the graph (and from the weights)."""
        self.forget_scores(self.training)

    def train(self, mode: bool = True) -> Self:
        self.forget_scores(mode)
        return super().train(mode)

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        resize_to_state(self, state, self.data_sized)
        super().load_state(state)
        self.forget_graph()
