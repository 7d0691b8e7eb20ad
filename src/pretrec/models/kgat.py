"""KGAT (Wang et al., "KGAT: Knowledge Graph Attention Network for Recommendation", KDD 2019).

The collaborative knowledge graph joins users and entities (items are entities 0..n_items-1,
`pretrec.data.knowledge_graph`): an `interact` relation between each user and item of the
training pairs, every knowledge-graph triple, and the inverse of each. Embeddings propagate over
it with attention: the weight of edge (h, r, t) is softmax over h's edges of
(W_r e_t)ᵀ tanh(W_r e_h + e_r), computed without gradient once per epoch as the paper does;
each layer combines a node with its attended neighbourhood (bi-interaction by default:
LeakyReLU(W1 (e + e_N)) + LeakyReLU(W2 (e ⊙ e_N))), L2-normalised; the final embedding
concatenates every layer. Two objectives alternate within an epoch
(`pretrec.tasks.knowledge_graph.KGATTask`): BPR on the user-item pairs and TransR's margin on
triples, ||W_r e_h + e_r - W_r e_t||² lower for a true tail than for a corrupted one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from pretrec.config import Config
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.models.graph_base import GraphRecommender
from pretrec.nn.knowledge_graph import (
    Aggregator,
    NeighbourhoodLayer,
    edge_softmax,
    project_by_relation,
)
from pretrec.nn.propagation import sparse_product, sparse_tensor
from pretrec.sampling.batches import PairBatch, UserBatch

INTERACT = 0  # relation ids: 0 interact, 1 its inverse, then the KG's r and r + n_relations


@dataclass(frozen=True)
class KGATConfig(Config):
    """Hyper-parameters of KGAT (the paper's defaults)."""

    embedding_dim: int = 64
    """Size of user and entity embeddings (layer 0)."""
    relation_dim: int = 64
    """Size of relation embeddings and of TransR's projected space."""
    layer_sizes: tuple[int, ...] = (64, 32, 16)
    """Output size of each propagation layer."""
    aggregator: Aggregator = "bi"
    """How a layer combines a node and its neighbourhood: bi-interaction, GCN or GraphSAGE."""
    message_dropout: float = 0.1
    """Dropout on each layer's output while training."""
    n_negatives: int = 1
    """Negatives drawn per training pair (and corrupted tails per triple)."""
    l2: float = 0.00001
    """Weight of the L2 penalty on the batch's layer-0 embeddings (BPR)."""
    kg_l2: float = 0.00001
    """Weight of the L2 penalty on the projected embeddings of the TransR batch."""

    def __post_init__(self) -> None:
        if self.embedding_dim < 1 or self.relation_dim < 1 or not self.layer_sizes:
            raise ValueError("embedding_dim and relation_dim must be >= 1, layer_sizes non-empty")
        if min(self.layer_sizes) < 1 or self.n_negatives < 1:
            raise ValueError("layer sizes and n_negatives must be at least 1")
        if not 0 <= self.message_dropout < 1 or self.l2 < 0 or self.kg_l2 < 0:
            raise ValueError("message_dropout must lie in [0, 1); l2 and kg_l2 must be >= 0")


class KGAT(GraphRecommender):
    """Attentive propagation over users, items and knowledge-graph entities."""

    config_class = KGATConfig
    scores_user_ids = True
    data_sized = (*GraphRecommender.data_sized, "entity_embedding.weight",
                  "relation_embedding.weight", "relation_projection", "kg_heads", "kg_relations",
                  "kg_tails")

    @classmethod
    def feature_request(cls, config: Config) -> FeatureRequest:
        return FeatureRequest(knowledge_graph=True)

    def __init__(self, config: KGATConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items)
        graph = features.knowledge_graph
        n_entities = graph.n_entities if graph is not None else n_items
        self.n_kg_relations = graph.n_relations if graph is not None else 0
        width, relation_width = config.embedding_dim, config.relation_dim
        self.user_embedding = nn.Embedding(n_users, width)
        self.entity_embedding = nn.Embedding(n_entities, width)
        self.relation_embedding = nn.Embedding(2 + 2 * self.n_kg_relations, relation_width)
        self.relation_projection = nn.Parameter(
            torch.empty(2 + 2 * self.n_kg_relations, width, relation_width))
        for tensor in (self.user_embedding.weight, self.entity_embedding.weight,
                       self.relation_embedding.weight, self.relation_projection):
            nn.init.xavier_uniform_(tensor)
        sizes = (width, *config.layer_sizes)
        self.layers = nn.ModuleList(
            NeighbourhoodLayer(a, b, config.aggregator, config.message_dropout)
            for a, b in zip(sizes, sizes[1:], strict=False))
        empty = torch.zeros(0, dtype=torch.int64)
        self.register_buffer("kg_heads", empty if graph is None
                             else torch.from_numpy(graph.heads.astype(np.int64)))
        self.register_buffer("kg_relations", empty.clone() if graph is None
                             else torch.from_numpy(graph.relations.astype(np.int64)))
        self.register_buffer("kg_tails", empty.clone() if graph is None
                             else torch.from_numpy(graph.tails.astype(np.int64)))
        self._attention: tuple[torch.Tensor, torch.Tensor] | None = None
        self._tables: tuple[torch.Tensor, torch.Tensor] | None = None

    @property
    def n_entities(self) -> int:
        return self.entity_embedding.weight.shape[0]

    def collaborative_edges(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(heads, relations, tails) of the collaborative knowledge graph over nodes users then
        entities, inverse edges included."""
        users, items = self.graph_users, self.graph_items + self.n_users
        heads = self.kg_heads + self.n_users
        tails = self.kg_tails + self.n_users
        kg = self.kg_relations + 2
        inverse = kg + self.n_kg_relations
        return (torch.cat([users, items, heads, tails]),
                torch.cat([torch.full_like(users, INTERACT), torch.full_like(users, INTERACT + 1),
                           kg, inverse]),
                torch.cat([items, users, tails, heads]))

    def nodes(self) -> torch.Tensor:
        """Layer-0 embeddings, (n_users + n_entities, d): users, then entities."""
        return torch.cat([self.user_embedding.weight, self.entity_embedding.weight])

    def transr(self, heads: torch.Tensor, relations: torch.Tensor,
               tails: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Projected head, relation, projected tail embeddings of node ids (entities offset by
        n_users)."""
        nodes = self.nodes()  # one gather per side (a gather's backward writes a full table)
        head, tail = project_by_relation(nodes[heads], nodes[tails], relations,
                                         self.relation_projection)
        return head, self.relation_embedding(relations), tail

    @torch.no_grad()
    def update_attention(self, chunk: int = 65536) -> None:
        """Recompute the attention weights of every edge (no gradient, as the paper)."""
        heads, relations, tails = self.collaborative_edges()
        logits = torch.empty(len(heads), device=self.device)
        for start in range(0, len(heads), chunk):
            part = slice(start, start + chunk)
            head, relation, tail = self.transr(heads[part], relations[part], tails[part])
            logits[part] = (tail * torch.tanh(head + relation)).sum(-1)
        n_nodes = self.n_users + self.n_entities
        weights = edge_softmax(heads, logits, n_nodes).cpu().numpy()
        matrix = sp.csr_matrix((weights, (heads.cpu().numpy(), tails.cpu().numpy())),
                               shape=(n_nodes, n_nodes))
        self._attention = (sparse_tensor(matrix, self.device),
                           sparse_tensor(matrix.T.tocsr(), self.device))
        self._tables = None

    def attention(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The attention matrix over the collaborative graph and its transpose."""
        if self._attention is None:
            self.update_attention()
        return self._attention

    def propagate(self) -> torch.Tensor:
        """(n_users + n_entities, sum of layer sizes + d): every layer's output, concatenated."""
        current, outputs = self.nodes(), [self.nodes()]
        attention, transpose = self.attention()
        for layer in self.layers:
            current = layer(current, sparse_product(attention, transpose, current))
            outputs.append(F.normalize(current, dim=-1))
        return torch.cat(outputs, -1)

    def pair_tables(self) -> tuple[torch.Tensor, torch.Tensor]:
        final = self.propagate()
        return final[: self.n_users], final[self.n_users: self.n_users + self.n_items]

    def regularised(self, batch: PairBatch) -> tuple[torch.Tensor, ...]:
        return (self.user_embedding(batch.users), self.entity_embedding(batch.positives),
                self.entity_embedding(batch.negatives))

    def score(self, batch: UserBatch) -> torch.Tensor:
        if self.training or torch.is_grad_enabled():
            users, items = self.pair_tables()
        else:
            if self._tables is None:
                self._tables = self.pair_tables()
            users, items = self._tables
        return users[batch.user_tensor(self.device)] @ items.T

    def forget_scores(self, training: bool) -> None:
        self._tables = None
        if not training:  # scoring reads attention of the weights as they are, as a reload does
            self._attention = None

    def forget_graph(self) -> None:
        self._attention = None
        super().forget_graph()

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        super().load_state(state)
        self.n_kg_relations = (self.relation_embedding.weight.shape[0] - 2) // 2
