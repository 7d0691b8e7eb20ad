"""KGCL's objectives (Yang et al., SIGIR 2022): BPR, InfoNCE between two joint views of the
knowledge graph and the user-item graph, and TransE on the item triples.

Every epoch draws two KG views (each triple kept with probability 1 - `kg_view_drop`). At the
epoch's first step the model gives each item's stability (how alike its knowledge vectors are
under the two views), and two user-item views keep each item's interactions with a probability
that grows with it (`pretrec.augment.graph.stability_keep_rates`). A step's loss is BPR on the
clean propagation plus the weighted InfoNCE of the batch's users and items across the two joint
views (the other users and items of the batch are the negatives). After the BPR batches come
TransE batches: ||x_i + e_r - y_t||² lower for a triple's entity than for a corrupted one (an
entity that makes no known triple with the item and relation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec.augment.graph import stability_keep_rates, weighted_item_dropout
from pretrec.data.interactions import Interactions
from pretrec.data.user_item_graph import training_edges
from pretrec.sampling.batches import TensorBatch, TripleBatch
from pretrec.tasks.graph_contrastive import ContrastedPairs
from pretrec.tasks.knowledge_graph import CorruptedTriples, translation_loss


class KGCLTask(ContrastedPairs):
    """BPR + cross-view InfoNCE batches over the training pairs, then TransE triple batches."""

    def __init__(self, train: Interactions, model: Any):
        config = model.config
        super().__init__(train, config)
        self.kg_drop, self.ui_drop = config.kg_view_drop, config.ui_view_drop
        self.transe_weight, self.transe_l2 = config.transe_weight, config.transe_l2
        items, relations, entities = (
            t.cpu().numpy() for t in (model.kg_items, model.kg_relations, model.kg_entities))
        self.triples = CorruptedTriples(
            items, relations, entities,
            n_relation_ids=int(model.relation_embedding.weight.shape[0]), n_heads=train.n_items,
            first_entity=0,
            n_entities=int(model.entity_embedding.weight.shape[0]))
        self._kg_views: list[np.ndarray] = []
        self._view_rng = np.random.default_rng(0)
        self._views: list[tuple[torch.Tensor, torch.Tensor]] | None = None

    @property
    def translates(self) -> bool:
        return self.transe_weight > 0 and len(self.triples) > 0

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[TensorBatch]:
        self._kg_views = [rng.random(len(self.triples)) >= self.kg_drop for _ in range(2)]
        self._view_rng = np.random.default_rng(int(rng.integers(2**63)))
        self._views = None  # the user-item views need the model: drawn at the first step
        yield from super().batches(batch_size, rng)
        if self.translates:
            yield from self.triples.batches(batch_size, self.n_negatives, rng)

    def n_batches(self, batch_size: int) -> int:
        triples = self.triples.n_batches(batch_size) if self.translates else 0
        return super().n_batches(batch_size) + triples

    def views(self, model: Any) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """The epoch's two joint views: (user-item adjacency, KG triple mask) each."""
        if self._views is None:
            keeps = [torch.from_numpy(view).to(model.device) for view in self._kg_views]
            rates = stability_keep_rates(model.item_stability(*keeps).cpu().numpy(), self.ui_drop)
            users, items = training_edges(self.train)
            self._views = [
                (model.adjacency_of(*weighted_item_dropout(users, items, rates, self._view_rng)),
                 keep) for keep in keeps]
        return self._views

    def loss(self, model: Any, batch: Any) -> dict[str, torch.Tensor]:
        if isinstance(batch, TripleBatch):
            return self.translation_losses(model, batch)
        named = self.pair_losses(model, batch, *model.pair_tables())
        first, second = (model.view_tables(adjacency, keep)
                         for adjacency, keep in self.views(model))
        return named | {"contrastive": self.contrast(batch, first, second)}

    def translation_losses(self, model: Any, batch: TripleBatch) -> dict[str, torch.Tensor]:
        """TransE with the item's ID vector as head, as the paper's code trains it."""
        n_negatives = batch.negatives.shape[1]
        head = model.item_embedding(batch.heads.repeat_interleave(n_negatives))
        relation = model.relation_embedding(batch.relations.repeat_interleave(n_negatives))
        tail = model.entity_embedding(batch.tails.repeat_interleave(n_negatives))
        corrupted = model.entity_embedding(batch.negatives.reshape(-1))
        true_distance = (head + relation - tail).pow(2).sum(-1)
        false_distance = (head + relation - corrupted).pow(2).sum(-1)
        penalty = sum(t.pow(2).sum(-1).mean() / 2 for t in (head, relation, tail, corrupted))
        return {"transe": self.transe_weight * translation_loss(true_distance, false_distance),
                "transe_l2": self.transe_weight * self.transe_l2 * penalty}
