"""Random views of a batch of sequences: each row gets one augmentation drawn uniformly from a
configured set (CL4SRec draws one per view), all computed vectorised over the batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import torch

from pretrec.augment import sequence as ops

Augmentation = Literal["crop", "mask", "reorder", "substitute", "insert"]
AUGMENTATIONS: tuple[str, ...] = get_args(Augmentation)


@dataclass(frozen=True)
class AugmentationPolicy:
    """Which augmentations to draw from and their rates.

    `mask_id` is the token masked items become; `similar` (long (n_tokens,), 1-based, 0 -> 0)
    is needed only by substitute and insert.
    """

    names: tuple[str, ...]
    crop_ratio: float
    mask_ratio: float
    reorder_ratio: float
    substitute_ratio: float
    insert_ratio: float
    mask_id: int
    similar: torch.Tensor | None = None

    def __post_init__(self) -> None:
        unknown = [name for name in self.names if name not in AUGMENTATIONS]
        if unknown or not self.names:
            raise ValueError(f"augmentations must be a non-empty subset of {AUGMENTATIONS}, "
                             f"got {self.names}")
        if self.similar is None and {"substitute", "insert"} & set(self.names):
            raise ValueError("substitute and insert need the item-similarity table")

    def apply(self, name: str, sequences: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        if name == "crop":
            return ops.crop(sequences, self.crop_ratio, generator)
        if name == "mask":
            return ops.mask(sequences, self.mask_ratio, self.mask_id, generator)
        if name == "reorder":
            return ops.reorder(sequences, self.reorder_ratio, generator)
        if name == "substitute":
            return ops.substitute(sequences, self.substitute_ratio, self.similar, generator)
        return ops.insert(sequences, self.insert_ratio, self.similar, generator)

    def __call__(self, sequences: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """(B, L) -> (B, L): row i augmented by one randomly chosen augmentation."""
        choice = torch.randint(len(self.names), (len(sequences),), generator=generator)
        result = sequences
        for index, name in enumerate(self.names):
            result = torch.where((choice == index)[:, None], self.apply(name, sequences, generator),
                                 result)
        return result
