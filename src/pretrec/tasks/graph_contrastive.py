"""Self-supervised objectives of the graph models: BPR plus InfoNCE between two views of the
batch's users and items (the other users and items of the batch are the negatives).

- `GraphViewsTask` (SGL): the views propagate over two augmented graphs drawn every epoch.
- `NoiseViewsTask` (SimGCL): the views are two propagations with uniform noise on every layer.
- `CrossLayerTask` (XSimGCL): one noisy propagation; BPR on its read-out, InfoNCE between the
  read-out and one intermediate layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec import losses
from pretrec.augment.graph import augment, views_per_layer
from pretrec.data.interactions import Interactions
from pretrec.data.user_item_graph import training_edges
from pretrec.sampling.batches import PairBatch
from pretrec.tasks.pairwise import BPRTask


class ContrastedPairs(BPRTask):
    """BPR pairs and the weighted InfoNCE of two views' user and item tables."""

    def __init__(self, train: Interactions, config: Any):
        super().__init__(train, config.n_negatives, config.l2)
        self.weight, self.temperature = config.contrastive_weight, config.temperature

    def contrast(self, batch: PairBatch, first: tuple[torch.Tensor, torch.Tensor],
                 second: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        """Weighted InfoNCE over the batch's distinct users and distinct positive items."""
        users, items = torch.unique(batch.users), torch.unique(batch.positives)
        return self.weight * (
            losses.cross_view_info_nce(first[0][users], second[0][users], self.temperature)
            + losses.cross_view_info_nce(first[1][items], second[1][items], self.temperature))


class GraphViewsTask(ContrastedPairs):
    """SGL: two views of the training graph, drawn anew at the start of every epoch."""

    def __init__(self, train: Interactions, config: Any):
        super().__init__(train, config)
        self.augmentation, self.ratio = config.augmentation, config.drop_ratio
        self.n_layers = config.n_layers
        self._edges: list[list[tuple[np.ndarray, np.ndarray]]] = []
        self._views: list[list[torch.Tensor]] | None = None

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[PairBatch]:
        self.draw_views(rng)
        yield from super().batches(batch_size, rng)

    def draw_views(self, rng: np.random.Generator) -> None:
        """Two views' edge sets (one per layer for a random walk); built on the first loss."""
        users, items = training_edges(self.train)
        n_users, n_items = self.train.n_users, self.train.n_items
        per_view = views_per_layer(self.augmentation, self.n_layers)
        self._edges = [[augment(self.augmentation, users, items, n_users, n_items, self.ratio, rng)
                        for _ in range(per_view)] for _ in range(2)]
        self._views = None

    def loss(self, model: Any, batch: PairBatch) -> dict[str, torch.Tensor]:
        if self._views is None:
            self._views = [[model.adjacency_of(*edges) for edges in view] for view in self._edges]
        named = self.pair_losses(model, batch, *model.pair_tables())
        first, second = (model.readout(model.layers(view if len(view) > 1 else view[0]))
                         for view in self._views)
        return named | {"contrastive": self.contrast(batch, first, second)}


class NoiseViewsTask(ContrastedPairs):
    """SimGCL: BPR on the clean propagation, InfoNCE between two noisy ones."""

    def __init__(self, train: Interactions, config: Any):
        super().__init__(train, config)
        self.noise = config.noise_eps

    def loss(self, model: Any, batch: PairBatch) -> dict[str, torch.Tensor]:
        named = self.pair_losses(model, batch, *model.pair_tables())
        first, second = (model.readout(model.layers(noise=self.noise)) for _ in range(2))
        return named | {"contrastive": self.contrast(batch, first, second)}


class CrossLayerTask(ContrastedPairs):
    """XSimGCL: one noisy propagation gives BPR's tables and both contrasted views."""

    def __init__(self, train: Interactions, config: Any):
        super().__init__(train, config)
        self.noise, self.contrast_layer = config.noise_eps, config.contrast_layer

    def loss(self, model: Any, batch: PairBatch) -> dict[str, torch.Tensor]:
        layers = model.layers(noise=self.noise)
        final = model.readout(layers)
        intermediate = layers[self.contrast_layer]
        layer_view = (intermediate[: model.n_users], intermediate[model.n_users:])
        named = self.pair_losses(model, batch, *final)
        return named | {"contrastive": self.contrast(batch, final, layer_view)}
