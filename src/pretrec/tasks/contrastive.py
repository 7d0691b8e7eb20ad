"""Next-item cross-entropy plus InfoNCE between two views of each training sequence:

- `AugmentedViewsTask` (CL4SRec, Xie et al. 2022): two random augmentations of the inputs (crop,
  mask, reorder; substitute and insert with each item's most co-occurring item, CoSeRec);
- `DropoutViewsTask` (UniSRec's sequence-sequence term): the same inputs twice, which dropout (and
  a text model's text dropout) makes two views;
- `SameTargetViewsTask` (DuoRec, Qiu et al. 2022): the inputs under a second dropout mask and
  another training sequence whose next item is the same.

The representation of a sequence is the encoder's state after its latest item, the same state
that scores the next item, so the contrastive term shapes exactly what ranking uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec import losses
from pretrec.augment.policy import AugmentationPolicy
from pretrec.augment.similarity import most_similar_items
from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.models.next_item import last_states
from pretrec.sampling.batches import ViewsBatch
from pretrec.tasks.base import Task
from pretrec.tasks.next_item import NextItemTask, next_item_loss


def torch_generator(rng: np.random.Generator) -> torch.Generator:
    """A CPU torch generator seeded from the epoch's numpy generator (augmentations are
    data-side)."""
    return torch.Generator().manual_seed(int(rng.integers(2**62)))


def representation(model: Any, sequences: torch.Tensor, length_groups: int) -> torch.Tensor:
    """(B, L) right-aligned ids -> (B, H) state after each row's latest item."""
    return last_states(model.encode, sequences, length_groups)


def views_info_nce(model: Any, batch: ViewsBatch, length_groups: int, temperature: float,
                   similarity: str) -> torch.Tensor:
    """InfoNCE between the representations of the batch's two views (each row's other view is
    its positive, the other rows' are negatives)."""
    first = representation(model, batch.first_view, length_groups)
    second = representation(model, batch.second_view, length_groups)
    return losses.info_nce(first, second, temperature, similarity)


def similar_item_table(train: Interactions) -> torch.Tensor:
    """long (n_items + 1,): token id -> the token of its most co-occurring item (0 -> 0)."""
    return torch.from_numpy(np.concatenate([[0], most_similar_items(train) + 1]))


class ViewsTask(Task):
    """Next-item batches plus two views; subclasses say how the views are made."""

    def __init__(self, train: Interactions, config: Any, candidates: torch.Tensor | None = None):
        self.next_item = NextItemTask(train, config.max_len, config.bucket, config.length_groups,
                                      candidates)
        self.length_groups = config.length_groups
        self.weight, self.temperature, self.similarity = (config.contrastive_weight,
                                                          config.temperature, config.similarity)

    def n_batches(self, batch_size: int) -> int:
        return self.next_item.n_batches(batch_size)

    def loss(self, model: Any, batch: ViewsBatch) -> dict[str, torch.Tensor]:
        """{"ce": next-item cross-entropy, "contrastive": weighted InfoNCE between the views}."""
        result = {"ce": next_item_loss(model, batch, self.length_groups, self.next_item.candidates)}
        nce = views_info_nce(model, batch, self.length_groups, self.temperature, self.similarity)
        result["contrastive"] = self.weight * nce
        return result


class AugmentedViewsTask(ViewsTask):
    """Two augmentations of each row, one drawn per row and view (CL4SRec)."""

    def __init__(self, train: Interactions, config: Any, n_items: int):
        super().__init__(train, config)
        names = tuple(config.augmentations)
        similar = similar_item_table(train) if {"substitute", "insert"} & set(names) else None
        self.policy = AugmentationPolicy(names, config.crop_ratio, config.mask_ratio,
                                         config.reorder_ratio, config.substitute_ratio,
                                         config.insert_ratio, n_items + 1, similar)

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[ViewsBatch]:
        generator = torch_generator(rng)
        for batch in self.next_item.batches(batch_size, rng):
            yield ViewsBatch(batch.users, batch.inputs, batch.targets,
                             self.policy(batch.inputs, generator),
                             self.policy(batch.inputs, generator), scale=batch.scale)


class DropoutViewsTask(ViewsTask):
    """The inputs twice: dropout differs between the two passes."""

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[ViewsBatch]:
        for b in self.next_item.batches(batch_size, rng):
            yield ViewsBatch(b.users, b.inputs, b.targets, b.inputs, b.inputs, scale=b.scale)


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
        pick = self.positions[self.starts[targets]
                              + (rng.random(len(targets)) * counts).astype(np.int64)]
        return self.histories.windows(self.owner_start[pick], pick, width)


class SameTargetViewsTask(ViewsTask):
    """The inputs (a second dropout mask) and a random prefix with the same next item (DuoRec)."""

    def __init__(self, train: Interactions, config: Any):
        super().__init__(train, config)
        self.index = SameTargetIndex(self.next_item.histories)

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[ViewsBatch]:
        for batch in self.next_item.batches(batch_size, rng):
            last_targets = batch.targets[:, -1].numpy() - 1  # every row's latest target (0-based)
            positives = self.index.sample(last_targets, batch.inputs.shape[1], rng)
            yield ViewsBatch(batch.users, batch.inputs, batch.targets, batch.inputs,
                             torch.from_numpy(positives), scale=batch.scale)
