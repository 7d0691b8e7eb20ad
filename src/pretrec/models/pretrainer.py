"""The encoder that self-supervised pre-training trains (`pretrec.pretrain.task.PretrainTask`):
one `ItemSequenceEncoder` read causally (next item, contrastive views) or bidirectionally
(cloze, S3-Rec's attribute and segment objectives). Token ids: 0 padding, items, then the mask,
so its checkpoint initialises SASRec, CL4SRec or DuoRec for fine-tuning (`pretrec.finetune`).

It also scores, so validation selects its epoch: by the causal next-item state, or, when only
the cloze objective trains, by appending a mask to the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

import pretrec.models.next_item as next_item
from pretrec.models.base import NeuralRecommender
from pretrec.models.contrastive import AugmentationFields, ContrastiveFields
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.nn.sequence_encoder import ItemSequenceEncoder, TransformerSequenceConfig
from pretrec.sampling.batches import UserBatch

OBJECTIVES = ("masked", "next", "contrastive", "attribute", "segment")
"""Objective names; each has a `NAME_weight` field in `PretrainConfig`."""


@dataclass(frozen=True)
class PretrainConfig(AugmentationFields, ContrastiveFields, TransformerSequenceConfig):
    """Encoder, augmentation and contrastive settings plus the objective weights."""

    masked_weight: float = 1.0
    """Weight of masked item modelling (0 = off)."""
    next_weight: float = 1.0
    """Weight of next-item prediction (0 = off)."""
    mask_probability: float = 0.2
    """Chance that the cloze task hides each item."""
    attribute_weight: float = 0.0
    """Weight of the S3-Rec attribute objectives AAP + MAP (0 = off; needs item attributes)."""
    segment_weight: float = 0.0
    """Weight of S3-Rec segment prediction (0 = off)."""
    segment_ratio: float = 0.3
    """Share of a sequence the segment task masks (a contiguous run, at least one item)."""

    def __post_init__(self) -> None:
        weights = (self.masked_weight, self.next_weight, self.contrastive_weight,
                   self.attribute_weight, self.segment_weight)
        if min(weights) < 0 or max(weights) == 0:
            raise ValueError("objective weights must be >= 0 and at least one > 0")


class SequencePretrainer(NeuralRecommender):
    """One encoder with causal and bidirectional passes; see the module docstring."""

    config_class = PretrainConfig

    @classmethod
    def feature_request(cls, config: PretrainConfig) -> FeatureRequest:
        """The items' attributes when S3-Rec's attribute objectives train (their heads are the
        task's)."""
        return FeatureRequest(item_attributes=config.attribute_weight > 0)

    cosine_temperature: float | None = None  # dot-product scores

    def __init__(self, config: PretrainConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items)
        self.config: PretrainConfig = config
        self.mask_id = n_items + 1
        self.sequence_encoder = ItemSequenceEncoder(n_items + 2, config)

    @property
    def item_embedding(self) -> nn.Embedding:
        return self.sequence_encoder.item_embedding

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned ids -> (B, L, H) causal states."""
        return self.sequence_encoder(inputs, causal=True)

    def bidirectional(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned ids (mask tokens allowed) -> (B, L, H) bidirectional states."""
        return self.sequence_encoder(inputs, causal=False)

    def score(self, batch: UserBatch) -> torch.Tensor:
        if self.config.next_weight:
            return next_item.last_state_scores(self, batch)
        return next_item.cloze_scores(self, batch, self.bidirectional)
