"""CL4SRec: contrastive learning for sequential recommendation (Xie et al., ICDE 2022).

SASRec (`pretrec.models.sasrec`, with one extra token: the mask) trained with next-item
cross-entropy plus InfoNCE between two random augmentations of each training sequence: crop,
mask and reorder as in the paper, and optionally substitute and insert with each item's most
co-occurring item (CoSeRec, Liu et al. 2021). Each view draws one augmentation per sequence;
augmentations are built on the CPU with the batch, vectorised
(`pretrec.tasks.contrastive.AugmentedViewsTask`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pretrec.models.contrastive import AugmentationFields, ContrastiveFields
from pretrec.nn.sequence_encoder import TransformerSequenceConfig


@dataclass(frozen=True)
class CL4SRecConfig(AugmentationFields, ContrastiveFields, TransformerSequenceConfig):
    """SASRec hyper-parameters, the contrastive term and the augmentations."""
