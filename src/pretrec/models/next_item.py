"""What every next-item sequence model shares, as free functions (inheritance stays flat).

A next-item model has `config.max_len`, `config.bucket`, an `item_embedding` whose row 0 is
padding, and `encode(inputs (B, L)) -> states (B, L, H)`; items are scored by the dot product of
a state with the item embeddings (tied input/output, as in SASRec and BERT4Rec).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
import torch
from torch import nn

from pretrec import losses
from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.sampling.batches import SequenceBatch, UserBatch
from pretrec.sampling.sequences import next_item_batches


class NextItemModel(Protocol):
    config: object
    n_items: int
    item_embedding: nn.Embedding
    device: torch.device

    def encode(self, inputs: torch.Tensor) -> torch.Tensor: ...


def item_weights(model: NextItemModel) -> torch.Tensor:
    """(n_items, H) output embeddings: rows 1..n_items (padding and any mask row excluded)."""
    return model.item_embedding.weight[1 : model.n_items + 1]


def training_batches(model: NextItemModel, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[SequenceBatch]:
    histories = UserHistories.from_interactions(train)
    return next_item_batches(histories, batch_size, model.config.max_len, rng, model.config.bucket)


def full_softmax_loss(model: NextItemModel, batch: SequenceBatch) -> dict[str, torch.Tensor]:
    """Cross-entropy over every item at every position that has a next item (the batch mean
    times `batch.scale`, so every target of the epoch weighs the same)."""
    states = model.encode(batch.inputs)  # (B, L, H)
    has_target = batch.targets > 0  # P positions
    ce = losses.full_cross_entropy(states[has_target], item_weights(model), batch.targets[has_target] - 1)
    return {"ce": ce * batch.scale}


def last_state_scores(model: NextItemModel, batch: UserBatch) -> torch.Tensor:
    """(B, n_items): the state after the user's latest item against every item."""
    inputs = batch.sequences(model.config.max_len, model.device)  # (B, max_len)
    return model.encode(inputs)[:, -1] @ item_weights(model).T
