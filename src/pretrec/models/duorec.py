"""DuoRec: contrastive learning for representation degeneration (Qiu et al., WSDM 2022).

SASRec trained with next-item cross-entropy plus InfoNCE between two views of each training
sequence: the sequence itself under a second dropout mask (unsupervised view), and another
training sequence whose next item is the same (supervised positive). Positives are drawn
vectorised from every prefix of every training sequence, indexed by its next item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.models import contrastive, next_item
from pretrec.models.contrastive import ContrastiveSequenceConfig
from pretrec.models.sasrec import SASRec
from pretrec.sampling.batches import ViewsBatch


@dataclass(frozen=True)
class DuoRecConfig(ContrastiveSequenceConfig):
    """SASRec hyper-parameters and the contrastive term."""


class SameTargetIndex:
    """Every training prefix (user, position >= 1) grouped by the item that follows it."""

    def __init__(self, histories: UserHistories):
        self.histories = histories
        first = np.zeros(len(histories.items), dtype=bool)
        first[histories.offsets[:-1][histories.lengths() > 0]] = True
        positions = np.flatnonzero(~first)  # prefixes that have a next item
        self.positions = positions[np.argsort(histories.items[positions], kind="stable")]
        counts = np.bincount(histories.items[positions], minlength=histories.n_items)
        self.starts = np.concatenate([[0], np.cumsum(counts)])
        self.owner_start = histories.offsets[histories.user_of_position()]

    def sample(self, targets: np.ndarray, width: int, rng: np.random.Generator) -> np.ndarray:
        """(B, width) prefixes whose next item is targets[i] (0-based), one drawn at random each."""
        counts = self.starts[targets + 1] - self.starts[targets]
        pick = self.positions[self.starts[targets] + (rng.random(len(targets)) * counts).astype(np.int64)]
        return self.histories.windows(self.owner_start[pick], pick, width)


class DuoRec(SASRec):
    """SASRec + InfoNCE between a dropout view and a same-target sequence."""

    config_class = DuoRecConfig

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[ViewsBatch]:
        index = SameTargetIndex(UserHistories.from_interactions(train))
        for batch in next_item.training_batches(self, train, batch_size, rng):
            last_targets = batch.targets[:, -1].numpy() - 1  # every row's latest target (0-based)
            positives = index.sample(last_targets, batch.inputs.shape[1], rng)
            yield ViewsBatch(batch.users, batch.inputs, batch.targets, batch.inputs, torch.from_numpy(positives), scale=batch.scale)

    def loss(self, batch: ViewsBatch) -> dict[str, torch.Tensor]:
        return contrastive.loss(self, batch)
