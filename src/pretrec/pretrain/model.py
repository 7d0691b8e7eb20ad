"""A transformer sequence encoder pre-trained by a weighted mix of self-supervised objectives:

- masked item modelling (cloze, bidirectional attention; BERT4Rec, Sun et al. 2019),
- next-item prediction (causal attention, full-softmax cross-entropy; SASRec),
- contrastive learning between two augmented views (InfoNCE; CL4SRec, Xie et al. 2022).

All objectives train one `ItemSequenceEncoder` (token ids: 0 padding, items, then the mask), so
its checkpoint initialises SASRec, CL4SRec or DuoRec for fine-tuning (`pretrec.finetune`). A
weight of 0 turns an objective off. The pre-trainer also scores, so validation selects its epoch:
by the causal next-item state, or, when only the cloze objective trains, by appending a mask.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from pretrec import losses
from pretrec.data.interactions import Interactions
from pretrec.models import contrastive, next_item
from pretrec.models.cl4srec import CL4SRec, CL4SRecConfig
from pretrec.pretrain.batches import PretrainBatch, cloze, full_window
from pretrec.sampling.batches import UserBatch

OBJECTIVES = ("masked", "next", "contrastive")


@dataclass(frozen=True)
class PretrainConfig(CL4SRecConfig):
    """Encoder, augmentation and contrastive settings (see `CL4SRecConfig`) plus objective weights."""

    masked_weight: float = 1.0
    """Weight of masked item modelling (0 = off)."""
    next_weight: float = 1.0
    """Weight of next-item prediction (0 = off)."""
    mask_probability: float = 0.2
    """Chance that the cloze task hides each item."""

    def __post_init__(self) -> None:
        weights = (self.masked_weight, self.next_weight, self.contrastive_weight)
        if min(weights) < 0 or max(weights) == 0:
            raise ValueError("objective weights must be >= 0 and at least one > 0")


class SequencePretrainer(CL4SRec):
    """One encoder, several self-supervised objectives; see the module docstring."""

    config_class = PretrainConfig

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[PretrainBatch]:
        config: PretrainConfig = self.config  # type: ignore[assignment]
        policy, generator = self.policy(train), contrastive.torch_generator(rng)
        for batch in next_item.training_batches(self, train, batch_size, rng):
            masked_inputs, masked_targets = cloze(full_window(batch)[:, -config.max_len:], config.mask_probability, self.n_items + 1, generator)
            views = (policy(batch.inputs, generator), policy(batch.inputs, generator)) if config.contrastive_weight else (batch.inputs, batch.inputs)
            yield PretrainBatch(batch.users, batch.inputs, batch.targets, *views, masked_inputs, masked_targets,
                                scale=batch.scale)

    def loss(self, batch: PretrainBatch) -> dict[str, torch.Tensor]:
        config: PretrainConfig = self.config  # type: ignore[assignment]
        result: dict[str, torch.Tensor] = {}
        if config.next_weight:
            result["next"] = config.next_weight * next_item.full_softmax_loss(self, batch)["ce"]
        if config.masked_weight:
            states, targets = next_item.states_at(lambda x: self.sequence_encoder(x, causal=False),
                                                  batch.masked_inputs, batch.masked_targets, config.length_groups)
            ce = losses.full_cross_entropy(states, next_item.item_weights(self), targets - 1)
            result["masked"] = config.masked_weight * ce
        if config.contrastive_weight:
            first = contrastive.representation(self, batch.first_view)
            second = contrastive.representation(self, batch.second_view)
            nce = losses.info_nce(first, second, config.temperature, config.similarity)
            result["contrastive"] = config.contrastive_weight * nce
        return result

    def score(self, batch: UserBatch) -> torch.Tensor:
        if self.config.next_weight:  # type: ignore[attr-defined]
            return next_item.last_state_scores(self, batch)
        history = batch.sequences(self.config.max_len - 1, self.device)  # type: ignore[attr-defined]
        mask = torch.full((len(history), 1), self.n_items + 1, device=self.device)
        states = self.sequence_encoder(torch.cat([history, mask], dim=1), causal=False)[:, -1]
        return states @ next_item.item_weights(self).T
