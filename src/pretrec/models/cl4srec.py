"""CL4SRec: contrastive learning for sequential recommendation (Xie et al., ICDE 2022).

SASRec trained with next-item cross-entropy plus InfoNCE between two random augmentations of
each training sequence: crop, mask and reorder as in the paper, and optionally substitute and
insert with each item's most co-occurring item (CoSeRec, Liu et al. 2021). Each view draws one
augmentation per sequence. Augmentations are built on the CPU with the batch, vectorised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from pretrec.augment.policy import Augmentation, AugmentationPolicy
from pretrec.augment.similarity import most_similar_items
from pretrec.data.interactions import Interactions
from pretrec.models import contrastive, next_item
from pretrec.models.contrastive import ContrastiveSequenceConfig
from pretrec.models.sasrec import SASRec
from pretrec.sampling.batches import ViewsBatch


@dataclass(frozen=True)
class CL4SRecConfig(ContrastiveSequenceConfig):
    """SASRec hyper-parameters, the contrastive term and the augmentations."""

    augmentations: tuple[Augmentation, ...] = ("crop", "mask", "reorder")
    """Augmentations each view draws from: crop, mask, reorder, substitute, insert."""
    crop_ratio: float = 0.6
    """Share of a sequence a crop keeps (a contiguous run)."""
    mask_ratio: float = 0.3
    """Chance that mask hides each item."""
    reorder_ratio: float = 0.3
    """Share of a sequence (a contiguous run) that reorder shuffles."""
    substitute_ratio: float = 0.2
    """Chance that substitute swaps each item for its most similar item."""
    insert_ratio: float = 0.2
    """Chance that insert puts an item's most similar item before it."""


class CL4SRec(SASRec):
    """SASRec + InfoNCE between two augmented views (one extra token: the mask)."""

    config_class = CL4SRecConfig

    def __init__(self, config: CL4SRecConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items, n_extra_tokens=1)
        self._similar: tuple[Interactions, torch.Tensor] | None = None

    def policy(self, train: Interactions) -> AugmentationPolicy:
        config: CL4SRecConfig = self.config  # type: ignore[assignment]
        names = tuple(config.augmentations)
        similar = None
        if {"substitute", "insert"} & set(names):
            if self._similar is None or self._similar[0] is not train:  # once per training set
                table = torch.from_numpy(np.concatenate([[0], most_similar_items(train) + 1]))
                self._similar = (train, table)
            similar = self._similar[1]
        return AugmentationPolicy(names, config.crop_ratio, config.mask_ratio, config.reorder_ratio,
                                  config.substitute_ratio, config.insert_ratio, self.n_items + 1, similar)

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[ViewsBatch]:
        policy, generator = self.policy(train), contrastive.torch_generator(rng)
        for batch in next_item.training_batches(self, train, batch_size, rng):
            yield ViewsBatch(batch.users, batch.inputs, batch.targets,
                             policy(batch.inputs, generator), policy(batch.inputs, generator), scale=batch.scale)

    def loss(self, batch: ViewsBatch) -> dict[str, torch.Tensor]:
        return contrastive.loss(self, batch)
