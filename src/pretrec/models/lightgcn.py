"""LightGCN (He et al., "LightGCN: Simplifying and Powering Graph Convolution Network for
Recommendation", SIGIR 2020), the graph model SGL, SimGCL and XSimGCL build on.

User and item embeddings E^(0) propagate over the normalised training graph without weights
or non-linearities (`pretrec.nn.propagation`); the final embeddings are the mean of layers
0..L (or 1..L with `skip_ego_layer`, as SimGCL and XSimGCL read out); score(u, i) = <e_u, e_i>.
Trained with BPR (`pretrec.tasks.pairwise.BPRTask`), the L2 penalty on the batch's layer-0
embeddings. The training graph is part of the model (buffers `graph_users`, `graph_items`), so a
checkpoint scores without the data; a user or item that was not in it cannot be scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from pretrec.augment.embedding import uniform_noise
from pretrec.config import Config
from pretrec.data.user_item_graph import normalized_adjacency
from pretrec.models.graph_base import GraphRecommender
from pretrec.nn.propagation import propagate, sparse_tensor
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class LightGCNConfig(Config):
    """Hyper-parameters of LightGCN (the paper's defaults)."""

    embedding_dim: int = 64
    """Size of user and item vectors."""
    n_layers: int = 3
    """Propagation layers."""
    skip_ego_layer: bool = False
    """Read out the mean of layers 1..L instead of 0..L (SimGCL's readout)."""
    n_negatives: int = 1
    """Negatives drawn per training pair."""
    l2: float = 0.0001
    """Weight of the L2 penalty on the batch's layer-0 embeddings (sum of squares / batch)."""
    init_std: float = 0.1
    """Standard deviation of the normal initialisation."""

    def __post_init__(self) -> None:
        if self.embedding_dim < 1 or self.n_layers < 1 or self.n_negatives < 1:
            raise ValueError("embedding_dim, n_layers and n_negatives must be at least 1")
        if self.l2 < 0 or self.init_std <= 0:
            raise ValueError("l2 must be >= 0 and init_std > 0")


def check_contrast(weight: float, temperature: float) -> None:
    """The contrastive term's weight (>= 0) and temperature (> 0) of the self-supervised
    variants."""
    if weight < 0 or not temperature > 0:
        raise ValueError(f"contrastive_weight must be >= 0 and temperature > 0, got {weight} "
                         f"and {temperature}")


class Propagated:
    """LightGCN's propagation and scoring, for the models built on it (mixed in before
    `GraphRecommender`): user and item embeddings, the normalised training graph, the layers,
    their read-out and the cached score tables. `init_propagation` creates the embeddings."""

    def init_propagation(self, config: LightGCNConfig) -> None:
        self.user_embedding = nn.Embedding(self.n_users, config.embedding_dim)
        self.item_embedding = nn.Embedding(self.n_items, config.embedding_dim)
        nn.init.normal_(self.user_embedding.weight, std=config.init_std)
        nn.init.normal_(self.item_embedding.weight, std=config.init_std)
        self._adjacency: torch.Tensor | None = None
        self._tables: tuple[torch.Tensor, torch.Tensor] | None = None

    def adjacency_of(self, users: np.ndarray, items: np.ndarray) -> torch.Tensor:
        """The normalised adjacency of an edge set (a view), on the model's device."""
        matrix = normalized_adjacency(users, items, self.n_users, self.n_items)
        return sparse_tensor(matrix, self.device)

    def adjacency(self) -> torch.Tensor:
        """The training graph's normalised adjacency (built once per device)."""
        if self._adjacency is None or self._adjacency.device != self.device:
            self._adjacency = self.adjacency_of(*self.edges())
        return self._adjacency

    def ego(self) -> torch.Tensor:
        """E^(0): (n_users + n_items, d) user rows then item rows."""
        return torch.cat([self.user_embedding.weight, self.item_embedding.weight])

    def layers(self, adjacency: torch.Tensor | list[torch.Tensor] | None = None,
               noise: float = 0.0) -> list[torch.Tensor]:
        """[E^(0), ..., E^(L)] over `adjacency` (default: the training graph), with SimGCL's
        uniform noise of length `noise` added to every layer's output when > 0."""
        perturb = (lambda e: uniform_noise(e, noise)) if noise > 0 else None
        return propagate(adjacency if adjacency is not None else self.adjacency(), self.ego(),
                         self.config.n_layers, perturb)

    def readout(self, layers: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """(users (n_users, d), items (n_items, d)): the mean of the read-out layers."""
        final = torch.stack(layers[1 if self.config.skip_ego_layer else 0:]).mean(0)
        return final[: self.n_users], final[self.n_users:]

    def pair_tables(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The user and item tables BPR scores pairs with: the clean propagation."""
        return self.readout(self.layers())

    def score(self, batch: UserBatch) -> torch.Tensor:
        users, items = self._score_tables()
        return users[batch.user_tensor(self.device)] @ items.T

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return self._score_tables()[0][batch.user_tensor(self.device)]

    def retrieval_items(self) -> torch.Tensor:
        return self._score_tables()[1]

    def _score_tables(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Propagate once per evaluation pass, not once per batch of users."""
        if self.training or torch.is_grad_enabled():
            return self.pair_tables()
        if self._tables is None:
            self._tables = self.pair_tables()
        return self._tables

    def forget_scores(self, training: bool) -> None:
        self._tables = None  # parameters may change while training

    def forget_graph(self) -> None:
        self._adjacency = None
        super().forget_graph()


class LightGCN(Propagated, GraphRecommender):
    """Embeddings smoothed over the user-item graph; see the module docstring."""

    config_class = LightGCNConfig
    scores_user_ids = True

    def __init__(self, config: LightGCNConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.init_propagation(config)
