"""An inductive graph model in the GraphSAGE family (Hamilton et al., NeurIPS 2017), built on
torch-geometric's `SAGEConv`, that embeds users and items absent from training from their
neighbours, without retraining.

Users have no parameters of their own: a user is the mean of its items (`users_from_items`,
over the training graph while training, over the ranking context when scoring). An item is
its ID embedding and the mean of its users (`items_from_users`, with a root weight on the
item's own input); the score is <user, item> with the user re-read from the items' states
(`users_from_item_states`). An item without training events reads a learned "unknown" vector
in place of its ID embedding, so it is known through its users only; ID dropout shows a random
`item_dropout` share of the items as unknown at every training step, so the model learns that
case. A training batch is scored over the graph without its own pairs and without a random
`context_dropout` share of the other edges (`batch_tables`), so a trained user is read, as a
new one is, from part of its events and never from the items it is scored on. Events that
arrive after training (an inductive split's shown events, live events) reach the item side
through `observe(interactions)`; a new user needs nothing but its history.

Trained by `pretrec.tasks.pairwise.BPRTask` with the softmax over every item (`loss=softmax`,
the default) or BPR (`loss=bpr`); the L2 penalty applies to the item embeddings a batch used.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.data.user_item_graph import mean_adjacency
from pretrec.errors import ConfigError
from pretrec.models.graph_base import GraphRecommender
from pretrec.nn.propagation import sparse_tensor, sparse_tensor_with_transpose, spmm
from pretrec.sampling.batches import PairBatch, UserBatch


@functools.cache
def _sage_layer() -> type:
    """torch-geometric's SAGEConv, imported only when the model is built (it is heavy), with its
    sparse sum through `spmm`: torch's own CSR product transposes the matrix on every backward
    pass (most of a training step's time); the graphs here carry their transpose."""
    try:
        with warnings.catch_warnings():  # torch.jit.script deprecation inside its import
            warnings.simplefilter("ignore", DeprecationWarning)
            from torch_geometric.nn import SAGEConv
    except ImportError:
        raise ConfigError("graphsage needs torch-geometric: pip install 'pretrec[graph]' "
                          "(or torch-geometric>=2.8.1)") from None

    class TransposedSAGEConv(SAGEConv):
        def message_and_aggregate(self, adj_t: torch.Tensor, x: tuple) -> torch.Tensor:
            return spmm(adj_t, x[0])  # aggr="sum": the adjacency's values already average

    return TransposedSAGEConv


@dataclass(frozen=True)
class GraphSAGEConfig(Config):
    """Hyper-parameters of the inductive GraphSAGE recommender."""

    embedding_dim: int = 64
    """Size of item embeddings and of every layer's output."""
    item_dropout: float = 0.2
    """Share of items shown as unknown (their ID embedding hidden) at each training step."""
    context_dropout: float = 0.5
    """Share of the training edges (besides the batch's own pairs, always left out) missing from
    the graph of each training step: a trained user then looks like a new one, read from part
    of its events, none of them the items it is scored on."""
    loss: Literal["bpr", "softmax"] = "softmax"
    """Training objective: the softmax over every item (cross-entropy of the positive), or BPR
    against `n_negatives` sampled items. Softmax was chosen on validation: Beauty new users
    shown 3 events, seed 0, valid Recall@20 0.0949 against BPR's 0.0674."""
    n_negatives: int = 1
    """Negatives drawn per training pair (BPR)."""
    l2: float = 0.0001
    """Weight of the L2 penalty on the batch's item embeddings (sum of squares / batch)."""
    init_std: float = 0.1
    """Standard deviation of the normal initialisation of item embeddings."""

    def __post_init__(self) -> None:
        if self.embedding_dim < 1 or self.n_negatives < 1:
            raise ValueError("embedding_dim and n_negatives must be at least 1")
        for name in ("item_dropout", "context_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")
        if self.l2 < 0 or self.init_std <= 0:
            raise ValueError("l2 must be >= 0 and init_std > 0")


class GraphSAGE(GraphRecommender):
    """Users as the mean of their items, items as themselves plus the mean of their users."""

    config_class = GraphSAGEConfig
    ranks_new_items = True

    def __init__(self, config: GraphSAGEConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        SAGEConv = _sage_layer()
        width = config.embedding_dim
        self.item_embedding = nn.Embedding(n_items, width)
        nn.init.normal_(self.item_embedding.weight, std=config.init_std)
        self.unknown_item = nn.Parameter(torch.zeros(width))
        # the adjacency values already average, so every aggregation is a sparse sum
        self.users_from_items = SAGEConv(width, width, aggr="sum", root_weight=False)
        self.items_from_users = SAGEConv((width, width), width, aggr="sum")
        self.users_from_item_states = SAGEConv(width, width, aggr="sum", root_weight=False)
        self.register_buffer("trained_items", torch.zeros(n_items, dtype=torch.bool))
        self._observed: sp.csr_matrix | None = None
        self._graphs: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        self._items: torch.Tensor | None = None

    def prepare(self, train: Interactions) -> None:
        self.trained_items = torch.from_numpy(train.item_counts() > 0).to(self.device)
        super().prepare(train)

    def observe(self, interactions: Interactions) -> None:
        """Score over these events (the training graph and what arrived since) from now on."""
        self._observed = interactions.csr
        self.forget_graph()

    def regularised(self, batch: PairBatch) -> tuple[torch.Tensor, ...]:
        """The item embeddings a BPR batch used (users have no parameters)."""
        return self.item_embedding(batch.positives), self.item_embedding(batch.negatives)

    def pair_tables(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(users, items) over the whole training graph, ID dropout on when training."""
        return self._tables_over(*self._graph("train"))

    def batch_tables(self, batch: PairBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """(users, items) that score a training batch: over the training graph without the
        batch's own pairs and without a `context_dropout` share of the other edges, so no pair
        is scored by a model that read it (a new user's targets are never among its events)."""
        return self._tables_over(*self._step_graph(batch))

    def _tables_over(self, user_items: torch.Tensor,
                     item_users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        items = self._item_states(user_items, item_users)
        return self.users_from_item_states((items, None), user_items), items

    def score(self, batch: UserBatch) -> torch.Tensor:
        items = self.retrieval_items()  # once: in training its ID dropout is drawn per call
        return self._users_from_history(batch, items) @ items.T

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return self._users_from_history(batch, self.retrieval_items())

    def _users_from_history(self, batch: UserBatch, items: torch.Tensor) -> torch.Tensor:
        """Each user read from its history's item states (a new user needs nothing more)."""
        context = sparse_tensor(mean_adjacency(batch.history_matrix()), self.device)
        return self.users_from_item_states((items, None), context)

    def retrieval_items(self) -> torch.Tensor:
        """Item states over the scoring graph, computed once per evaluation pass."""
        if self.training or torch.is_grad_enabled() or self._items is None:
            self._items = self._item_states(*self._graph("scoring"))
        return self._items

    def _item_inputs(self) -> torch.Tensor:
        unknown = ~self.trained_items
        if self.training and self.config.item_dropout > 0:
            unknown = unknown | (torch.rand(self.n_items, device=self.device)
                                 < self.config.item_dropout)
        weight = self.item_embedding.weight
        return torch.where(unknown[:, None], self.unknown_item.expand_as(weight), weight)

    def _item_states(self, user_items: torch.Tensor, item_users: torch.Tensor) -> torch.Tensor:
        inputs = self._item_inputs()
        users = torch.relu(self.users_from_items((inputs, None), user_items))
        return self.items_from_users((users, inputs), item_users)

    def _step_graph(self, batch: PairBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean adjacencies (users x items, items x users) of the training edges kept for one
        step: not the batch's pairs, and each other edge with probability 1 - context_dropout
        (drawn from torch's generator, so a seeded run repeats)."""
        users, items = self.edges()
        keys = users * self.n_items + items  # sorted: the edges are by user, then item
        batch_keys = (batch.users.numpy() * self.n_items + batch.positives.numpy())
        keep = (torch.rand(len(users)) >= self.config.context_dropout).numpy()
        if len(keys):
            found = np.minimum(np.searchsorted(keys, batch_keys), len(keys) - 1)
            present = keys[found] == batch_keys  # a sampled pair may not be an edge
            keep[found[present]] = False
        return self._adjacencies(sp.csr_matrix(
            (np.ones(int(keep.sum()), np.float32), (users[keep], items[keep])),
            shape=(self.n_users, self.n_items)))

    def _adjacencies(self, matrix: sp.csr_matrix) -> tuple[torch.Tensor, torch.Tensor]:
        return (sparse_tensor_with_transpose(mean_adjacency(matrix), self.device),
                sparse_tensor_with_transpose(mean_adjacency(matrix.T), self.device))

    def _graph(self, which: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean adjacencies (users x items, items x users) of the training or scoring graph."""
        if which not in self._graphs:
            if which == "scoring" and self._observed is not None:
                matrix = self._observed
            else:
                users, items = self.edges()
                matrix = sp.csr_matrix((np.ones(len(users), np.float32), (users, items)),
                                       shape=(self.n_users, self.n_items))
            self._graphs[which] = self._adjacencies(matrix)
        return self._graphs[which]

    def forget_scores(self, training: bool) -> None:
        self._items = None

    def forget_graph(self) -> None:
        self._graphs = {}
        super().forget_graph()
