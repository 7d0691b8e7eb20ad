"""BPR (Rendle et al., UAI 2009): each training pair against `n_negatives` items the user has
not interacted with, drawn uniformly and vectorised against the CSR; an L2 penalty on the
embeddings a batch uses. The model exposes `pair_tables()` (the user and item tables that score
pairs: its embeddings, or a graph model's propagated ones; or `batch_tables(batch)`, tables made
for one batch) and its layer-0 `user_embedding` and
`item_embedding`, which the penalty applies to (or `regularised(batch)`, the tensors to penalise,
when it has no user embedding)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec import losses
from pretrec.data.interactions import Interactions
from pretrec.data.user_item_graph import training_edges
from pretrec.sampling.batches import PairBatch
from pretrec.sampling.negatives import sample_negatives
from pretrec.tasks.base import Task


class BPRTask(Task):
    """Shuffled (user, positive, negatives) triples of every deduplicated training pair."""

    def __init__(self, train: Interactions, n_negatives: int, l2: float, softmax: bool = False):
        self.train, self.n_negatives, self.l2 = train, n_negatives, l2
        self.softmax = softmax
        """Score each positive against the whole catalogue (cross-entropy) instead of BPR."""

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[PairBatch]:
        train = self.train
        users, items = training_edges(train)  # deduplicated (user, item) pairs
        order = rng.permutation(len(users))
        users, items = users[order], items[order]
        negatives = sample_negatives(users, self.n_negatives, train.n_items, rng, train.csr)
        for start in range(0, len(users), batch_size):
            stop = start + batch_size
            yield PairBatch(
                users=torch.from_numpy(users[start:stop]),
                positives=torch.from_numpy(items[start:stop]),
                negatives=torch.from_numpy(negatives[start:stop]),
            )

    def n_batches(self, batch_size: int) -> int:
        return -(-self.train.csr.nnz // batch_size)

    def loss(self, model: Any, batch: PairBatch) -> dict[str, torch.Tensor]:
        # a model may score a batch over tables of its own (GraphSAGE: without the batch's pairs)
        tables = getattr(model, "batch_tables", None)
        users, items = tables(batch) if tables is not None else model.pair_tables()
        return self.pair_losses(model, batch, users, items)

    def pair_losses(self, model: Any, batch: PairBatch, users: torch.Tensor,
                    items: torch.Tensor) -> dict[str, torch.Tensor]:
        """BPR (or the softmax over every item) of the batch's pairs scored with the
        (n_users, d) and (n_items, d) tables, and the L2 penalty on the layer-0 embeddings they
        came from."""
        user = users[batch.users]
        penalised = (model.regularised(batch) if hasattr(model, "regularised") else
                     (model.user_embedding(batch.users), model.item_embedding(batch.positives),
                      model.item_embedding(batch.negatives)))
        l2 = self.l2 * losses.l2_penalty(*penalised, batch_size=len(user))
        if self.softmax:
            return {"ce": losses.full_cross_entropy(user, items, batch.positives), "l2": l2}
        positive, negative = items[batch.positives], items[batch.negatives]  # (B, d), (B, n, d)
        positive_scores = (user * positive).sum(-1)
        negative_scores = torch.einsum("bd,bnd->bn", user, negative)
        return {"bpr": losses.bpr(positive_scores, negative_scores), "l2": l2}
