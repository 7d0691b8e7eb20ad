"""A transformer sequence encoder pre-trained by a weighted mix of self-supervised objectives:

- masked item modelling (cloze, bidirectional attention; BERT4Rec, Sun et al. 2019),
- next-item prediction (causal attention, full-softmax cross-entropy; SASRec),
- contrastive learning between two augmented views (InfoNCE; CL4SRec, Xie et al. 2022),
- S3-Rec's attribute objectives (Zhou et al., CIKM 2020; `pretrec.pretrain.attributes`): item
  embeddings predict the item's attributes (AAP) and masked states the hidden item's (MAP),
  when the dataset has item attributes,
- S3-Rec's segment prediction: a sequence with one segment masked is matched to that segment
  (InfoNCE against the other rows' segments, where the paper samples one negative segment).

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
from pretrec.data.interactions import Dataset, Interactions
from pretrec.errors import ConfigError
from pretrec.models import contrastive, next_item
from pretrec.models.cl4srec import CL4SRec, CL4SRecConfig
from pretrec.pretrain.attributes import AttributeHeads, attribute_matrix
from pretrec.pretrain.batches import PretrainBatch, cloze, full_window, segments
from pretrec.sampling.batches import UserBatch

OBJECTIVES = ("masked", "next", "contrastive", "attribute", "segment")


@dataclass(frozen=True)
class PretrainConfig(CL4SRecConfig):
    """Encoder, augmentation and contrastive settings (see `CL4SRecConfig`) plus objective weights."""

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
        weights = (self.masked_weight, self.next_weight, self.contrastive_weight, self.attribute_weight,
                   self.segment_weight)
        if min(weights) < 0 or max(weights) == 0:
            raise ValueError("objective weights must be >= 0 and at least one > 0")


class SequencePretrainer(CL4SRec):
    """One encoder, several self-supervised objectives; see the module docstring."""

    config_class = PretrainConfig

    def __init__(self, config: PretrainConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.attribute_heads: AttributeHeads | None = None

    def use_side_information(self, dataset: Dataset) -> None:
        config: PretrainConfig = self.config  # type: ignore[assignment]
        if not config.attribute_weight:
            return
        attributes = dataset.item_side.attributes if dataset.item_side else None
        if attributes is None:
            raise ConfigError("attribute_weight > 0 needs item attributes (pretrec pretrain --item-attributes FILE)")
        n_attributes = 1 + max((int(a.max()) for a in attributes if len(a)), default=0)
        matrix = attribute_matrix(attributes, n_attributes, self.item_embedding.num_embeddings)
        self.attribute_heads = AttributeHeads(matrix, config.hidden_size, config.init_std).to(self.device)

    def state(self) -> dict[str, torch.Tensor]:
        """The encoder only: the attribute heads serve pre-training and are not checkpointed."""
        return {k: v for k, v in super().state().items() if not k.startswith("attribute_heads.")}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.attribute_heads = None
        super().load_state(state)

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[PretrainBatch]:
        config: PretrainConfig = self.config  # type: ignore[assignment]
        policy, generator = self.policy(train), contrastive.torch_generator(rng)
        for batch in next_item.training_batches(self, train, batch_size, rng):
            window = full_window(batch)[:, -config.max_len:]
            masked_inputs, masked_targets = cloze(window, config.mask_probability, self.n_items + 1, generator)
            views = (policy(batch.inputs, generator), policy(batch.inputs, generator)) if config.contrastive_weight else (batch.inputs, batch.inputs)
            segment_masked, segment_only = segments(window, config.segment_ratio, self.n_items + 1, generator)
            yield PretrainBatch(batch.users, batch.inputs, batch.targets, *views, masked_inputs, masked_targets,
                                segment_masked, segment_only, scale=batch.scale)

    def loss(self, batch: PretrainBatch) -> dict[str, torch.Tensor]:
        config: PretrainConfig = self.config  # type: ignore[assignment]
        result: dict[str, torch.Tensor] = {}
        if config.next_weight:
            result["next"] = config.next_weight * next_item.full_softmax_loss(self, batch)["ce"]
        bidirectional = self.bidirectional
        if config.masked_weight or config.attribute_weight:
            states, targets = next_item.states_at(bidirectional, batch.masked_inputs, batch.masked_targets,
                                                  config.length_groups)
        if config.masked_weight:
            ce = losses.full_cross_entropy(states, next_item.item_weights(self), targets - 1)
            result["masked"] = config.masked_weight * ce
        if config.attribute_weight:
            if self.attribute_heads is None:
                raise ConfigError("attribute_weight > 0 but no item attributes were given")
            items = batch.inputs[batch.inputs > 0]
            associated = self.attribute_heads.associated_loss(self.item_embedding(items), items)
            result["attribute"] = config.attribute_weight * (associated + self.attribute_heads.masked_loss(states, targets))
        if config.segment_weight:
            whole = next_item.last_states(bidirectional, batch.segment_masked, config.length_groups)
            part = next_item.last_states(bidirectional, batch.segment_only, config.length_groups)
            result["segment"] = config.segment_weight * losses.info_nce(whole, part, config.temperature, config.similarity)
        if config.contrastive_weight:
            first = contrastive.representation(self, batch.first_view)
            second = contrastive.representation(self, batch.second_view)
            nce = losses.info_nce(first, second, config.temperature, config.similarity)
            result["contrastive"] = config.contrastive_weight * nce
        return result

    def bidirectional(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.sequence_encoder(inputs, causal=False)

    def score(self, batch: UserBatch) -> torch.Tensor:
        if self.config.next_weight:  # type: ignore[attr-defined]
            return next_item.last_state_scores(self, batch)
        history = batch.sequences(self.config.max_len - 1, self.device)  # type: ignore[attr-defined]
        mask = torch.full((len(history), 1), self.n_items + 1, device=self.device)
        states = self.sequence_encoder(torch.cat([history, mask], dim=1), causal=False)[:, -1]
        return states @ next_item.item_weights(self).T
