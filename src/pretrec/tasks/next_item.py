"""Next-item prediction (SASRec, GRU4Rec, BSARec, text SASRec) and the cloze task (BERT4Rec):
full-softmax cross-entropy over every item at every position that has a target.

The batch mean is multiplied by `batch.scale`, so every target of the epoch weighs the same.
A task may leave items out of the softmax (`candidates`): a text model's items that had no
training data are then not pushed down as negatives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec import losses
from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.models.next_item import scoring_pair, states_at
from pretrec.sampling.batches import SequenceBatch
from pretrec.sampling.sequences import masked_item_batches, next_item_batches
from pretrec.tasks.base import Task


def next_item_loss(model: Any, batch: SequenceBatch, length_groups: int,
                   candidates: torch.Tensor | None = None) -> torch.Tensor:
    """Scaled full-softmax cross-entropy at every position of `batch` with a target > 0."""
    states, targets = states_at(model.encode, batch.inputs, batch.targets, length_groups)
    if candidates is not None:
        candidates = candidates.to(states.device)
    ce = losses.full_cross_entropy(*scoring_pair(model, states), targets - 1, candidates)
    return ce * batch.scale


def trained_items(train: Interactions) -> torch.Tensor:
    """bool (n_items,): items with at least one training interaction (softmax candidates)."""
    return torch.from_numpy(train.item_counts() > 0)


class NextItemTask(Task):
    """Every user's latest `max_len + 1` training items: inputs and their next items."""

    def __init__(self, train: Interactions, max_len: int, bucket: bool, length_groups: int,
                 candidates: torch.Tensor | None = None):
        self.histories = UserHistories.from_interactions(train)
        self.max_len, self.bucket, self.length_groups = max_len, bucket, length_groups
        self.candidates = candidates

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[SequenceBatch]:
        return next_item_batches(self.histories, batch_size, self.max_len, rng, self.bucket)

    def n_batches(self, batch_size: int) -> int:
        users = int((self.histories.lengths() >= 2).sum())  # the users with a next item
        return -(-users // batch_size)

    def loss(self, model: Any, batch: SequenceBatch) -> dict[str, torch.Tensor]:
        return {"ce": next_item_loss(model, batch, self.length_groups, self.candidates)}


class ClozeTask(Task):
    """Masked item modelling: random items of each window hidden by the mask token, predicted
    from both sides (the model encodes bidirectionally)."""

    def __init__(self, train: Interactions, max_len: int, bucket: bool, length_groups: int,
                 mask_probability: float, mask_id: int):
        self.histories = UserHistories.from_interactions(train)
        self.max_len, self.bucket, self.length_groups = max_len, bucket, length_groups
        self.mask_probability, self.mask_id = mask_probability, mask_id

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[SequenceBatch]:
        return masked_item_batches(self.histories, batch_size, self.max_len, self.mask_probability,
                                   self.mask_id, rng, self.bucket)

    def loss(self, model: Any, batch: SequenceBatch) -> dict[str, torch.Tensor]:
        return {"ce": next_item_loss(model, batch, self.length_groups)}
