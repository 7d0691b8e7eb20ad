"""KGCL (Yang et al., "Knowledge Graph Contrastive Learning for Recommendation", SIGIR 2022).

LightGCN whose layer-0 item vectors read the item knowledge graph: item i is its ID embedding
plus its attended knowledge neighbours, x_i + sum_t a(i, r, t) y_t over the triples (i, r, t),
with a(i, r, t) the softmax over i's triples of LeakyReLU(<W [x_i, y_t], e_r>) (the
relation-aware attention of the paper's code, `kg_dropout` on its inputs, weights and output
while training). Users and these item vectors propagate over the user-item graph as in LightGCN
(mean of layers 0..L, inner-product scores), so an item with few or no interactions is still
placed by its entities.

The self-supervision (`pretrec.tasks.knowledge_contrastive.KGCLTask`): every epoch draws two
views of the knowledge graph (each triple kept with probability 1 - `kg_view_drop`); an item
whose KG vector moves little between them (cosine, the item's "stability") is a reliable one,
and two views of the user-item graph keep each item's interactions with a probability that grows
with it (mean keep rate 1 - `ui_view_drop`). InfoNCE contrasts each batch's users and items
across the two joint views (user-item view over KG view), weighted by `contrastive_weight`,
beside BPR; TransE batches on the triples (x_i + e_r close to y_t) follow the BPR batches of an
epoch, as the paper's training alternates them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from pretrec.config import Config
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.models.graph_base import GraphRecommender
from pretrec.models.lightgcn import LightGCNConfig, Propagated, check_contrast
from pretrec.nn.knowledge_graph import edge_softmax
from pretrec.nn.propagation import propagate


@dataclass(frozen=True)
class KGCLConfig(LightGCNConfig):
    """LightGCN hyper-parameters plus KGCL's knowledge aggregation, views and losses (the
    paper's code defaults)."""

    kg_dropout: float = 0.4
    """Dropout on the attention's inputs, weights and output while training."""
    kg_view_drop: float = 0.5
    """Share of the knowledge-graph triples each KG view drops."""
    ui_view_drop: float = 0.1
    """Mean share of items whose interactions a user-item view drops (stable items less)."""
    contrastive_weight: float = 0.1
    """Weight of the InfoNCE term added to BPR."""
    temperature: float = 0.2
    """InfoNCE temperature (cosine similarity)."""
    transe_weight: float = 1.0
    """Weight of the TransE loss of the triple batches (0: no triple batches)."""
    transe_l2: float = 0.001
    """Weight of the L2 penalty on the embeddings of a TransE batch."""

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("kg_dropout", "kg_view_drop", "ui_view_drop"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")
        if self.transe_weight < 0 or self.transe_l2 < 0:
            raise ValueError("transe_weight and transe_l2 must be >= 0")
        check_contrast(self.contrastive_weight, self.temperature)


class KGCL(Propagated, GraphRecommender):
    """LightGCN over knowledge-aware item vectors; see the module docstring."""

    config_class = KGCLConfig
    scores_user_ids = True
    data_sized = (*GraphRecommender.data_sized, "entity_embedding.weight",
                  "relation_embedding.weight", "kg_items", "kg_relations", "kg_entities")

    @classmethod
    def feature_request(cls, config: Config) -> FeatureRequest:
        return FeatureRequest(knowledge_graph=True)

    def __init__(self, config: KGCLConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items)
        self.init_propagation(config)
        graph = features.knowledge_graph
        width = config.embedding_dim
        n_entities, n_relations = n_items, 1
        heads = relations = tails = np.zeros(0, np.int64)
        if graph is not None:  # only triples whose head is an item describe items
            rows = graph.heads < n_items
            heads, relations, tails = graph.heads[rows], graph.relations[rows], graph.tails[rows]
            n_entities, n_relations = graph.n_entities, max(graph.n_relations, 1)
        self.entity_embedding = nn.Embedding(n_entities, width)
        self.relation_embedding = nn.Embedding(n_relations, width)
        for table in (self.entity_embedding, self.relation_embedding):
            nn.init.normal_(table.weight, std=config.init_std)
        self.attend = nn.Linear(2 * width, width)
        for name, values in (("kg_items", heads), ("kg_relations", relations),
                             ("kg_entities", tails)):
            self.register_buffer(name, torch.from_numpy(np.asarray(values, np.int64)))

    @property
    def n_triples(self) -> int:
        return len(self.kg_items)

    def knowledge_items(self, keep: torch.Tensor | None = None) -> torch.Tensor:
        """(n_items, d): each item's ID vector plus its attended knowledge neighbours, over the
        triples `keep` marks (a boolean mask; None: every triple)."""
        rate = self.config.kg_dropout if self.training else 0.0
        items = F.dropout(self.item_embedding.weight, rate, self.training)
        heads, relations, tails = self.kg_items, self.kg_relations, self.kg_entities
        if keep is not None:
            heads, relations, tails = heads[keep], relations[keep], tails[keep]
        if len(heads) == 0:
            return items
        entities = F.dropout(self.entity_embedding(tails), rate, self.training)
        logits = (self.attend(torch.cat([items[heads], entities], -1))
                  * self.relation_embedding(relations)).sum(-1)
        weights = edge_softmax(heads, F.leaky_relu(logits, 0.2), self.n_items)
        weights = F.dropout(weights, rate, self.training)
        neighbours = torch.zeros_like(items).index_add(0, heads, weights[:, None] * entities)
        return F.dropout(items + neighbours, rate, self.training)

    def ego(self, keep: torch.Tensor | None = None) -> torch.Tensor:
        """E^(0): users, then the knowledge-aware items of the triples `keep` marks."""
        return torch.cat([self.user_embedding.weight, self.knowledge_items(keep)])

    def view_tables(self, adjacency: torch.Tensor,
                    keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A joint view's read-out: items over the KG view `keep`, propagated over the
        user-item view `adjacency`."""
        return self.readout(propagate(adjacency, self.ego(keep), self.config.n_layers))

    @torch.no_grad()
    def item_stability(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        """(n_items,) cosine similarity of each item's knowledge vector under two KG views."""
        training = self.training
        self.eval()  # the views differ only by their triples, not by dropout
        stability = F.cosine_similarity(self.knowledge_items(first), self.knowledge_items(second))
        self.train(training)
        return stability
