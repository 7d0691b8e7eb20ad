"""Config field groups of the contrastive sequence methods (CL4SRec, DuoRec, the pre-trainer,
text SASRec's sequence-sequence term). Their objectives are tasks: `pretrec.tasks.contrastive`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pretrec.augment.policy import Augmentation
from pretrec.config import Config


@dataclass(frozen=True)
class ContrastiveFields(Config):
    """The contrastive term: InfoNCE between two views of each training sequence."""

    contrastive_weight: float = 0.1
    """Weight of the InfoNCE term added to the next-item cross-entropy."""
    temperature: float = 1.0
    """InfoNCE temperature."""
    similarity: Literal["dot", "cosine"] = "dot"
    """Similarity of two representations in InfoNCE: "dot" (as released) or "cosine"."""


@dataclass(frozen=True)
class AugmentationFields(Config):
    """How CL4SRec's augmented views are drawn."""

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
