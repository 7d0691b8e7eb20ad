"""Batches are frozen dataclasses of tensors (never string-keyed dicts)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import scipy.sparse as sp
import torch

from pretrec.data.sequences import UserHistories


class TensorBatch:
    """Mixin: move every tensor field to a device."""

    def to(self, device: torch.device | str) -> Self:
        changes = {
            f.name: getattr(self, f.name).to(device)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if isinstance(getattr(self, f.name), torch.Tensor)
        }
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True, eq=False)
class UserBatch:
    """Users to score, with the histories that form their context at scoring time.

    `history` holds every user's context (train items for validation, train + valid for test);
    models take what they need: the user ids, a padded sequence or a sparse history row.
    """

    users: np.ndarray  # int64 (B,)
    history: UserHistories

    def __len__(self) -> int:
        return len(self.users)

    def user_tensor(self, device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.as_tensor(self.users, dtype=torch.long, device=device)

    def sequences(self, max_len: int, device: torch.device | str = "cpu") -> torch.Tensor:
        """(B, max_len) long: 1-based item ids, left-padded with 0, latest last."""
        return torch.as_tensor(self.history.padded(self.users, max_len), device=device)

    def history_matrix(self) -> sp.csr_matrix:
        """(B, n_items) binary CSR of the users' context items."""
        return self.history.csr(self.users)


@dataclass(frozen=True, eq=False)
class PairBatch(TensorBatch):
    """(user, positive item, negative items) triples for pairwise or sampled losses."""

    users: torch.Tensor  # long (B,)
    positives: torch.Tensor  # long (B,)
    negatives: torch.Tensor  # long (B, n_negatives)


@dataclass(frozen=True, eq=False)
class SequenceBatch(TensorBatch):
    """Right-aligned item sequences (1-based ids, 0 = padding) and the next item at each step."""

    users: torch.Tensor  # long (B,)
    inputs: torch.Tensor  # long (B, L)
    targets: torch.Tensor  # long (B, L): 1-based next item, 0 where there is none
    scale: float = field(default=1.0, kw_only=True)
    """Targets in this batch / mean targets per batch of the epoch. Multiplying the batch's mean
    loss by it weighs every target alike, as random batches would, although length-bucketed
    batches of short and long sequences hold very different numbers of targets."""


@dataclass(frozen=True, eq=False)
class ViewsBatch(SequenceBatch):
    """A next-item batch plus two views of each row for a contrastive loss: augmentations of the
    inputs (CL4SRec), or the inputs and another sequence with the same target (DuoRec)."""

    first_view: torch.Tensor  # long (B, L'), right-aligned like `inputs`
    second_view: torch.Tensor  # long (B, L'')


@dataclass(frozen=True, eq=False)
class RatingBatch(TensorBatch):
    """(user, item, rating) triples for pointwise regression or classification."""

    users: torch.Tensor  # long (B,)
    items: torch.Tensor  # long (B,)
    ratings: torch.Tensor  # float (B,)


@dataclass(frozen=True, eq=False)
class IndexBatch(TensorBatch):
    """A batch of row indices (items or users) for models that read whole rows of a matrix."""

    index: torch.Tensor  # long (B,)


@dataclass(frozen=True, eq=False)
class TripleBatch(TensorBatch):
    """Knowledge-graph triples with corrupted tails, for a translation (TransR) loss."""

    heads: torch.Tensor  # long (B,) node ids
    relations: torch.Tensor  # long (B,)
    tails: torch.Tensor  # long (B,) node ids
    negatives: torch.Tensor  # long (B, n_neg) node ids: tails that make no known triple
