"""Self-supervised pre-training as a task: a weighted mix of objectives on one sequence encoder.

- masked item modelling (cloze, bidirectional attention; BERT4Rec, Sun et al. 2019),
- next-item prediction (causal attention, full-softmax cross-entropy; SASRec),
- contrastive learning between two augmented views (InfoNCE; CL4SRec, Xie et al. 2022),
- S3-Rec's attribute objectives (Zhou et al., CIKM 2020; `pretrec.pretrain.attributes`): item
  embeddings predict the item's attributes (AAP) and masked states the hidden item's (MAP),
  when the dataset has item attributes; the heads belong to the task, not the encoder,
- S3-Rec's segment prediction: a sequence with one segment masked is matched to that segment
  (InfoNCE against the other rows' segments, where the paper samples one negative segment).

The model is `pretrec.models.pretrainer.SequencePretrainer` (an encoder with causal and
bidirectional passes); a weight of 0 turns an objective off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from pretrec import losses
from pretrec.data.interactions import Interactions
from pretrec.errors import ConfigError
from pretrec.models.next_item import item_weights, last_states, states_at
from pretrec.pretrain.attributes import AttributeHeads, attribute_matrix
from pretrec.pretrain.batches import PretrainBatch, cloze, full_window, segments
from pretrec.tasks.base import Task
from pretrec.tasks.contrastive import AugmentedViewsTask, torch_generator, views_info_nce
from pretrec.tasks.next_item import next_item_loss


def attribute_heads(config: Any, attributes: list[np.ndarray] | None,
                    n_tokens: int) -> AttributeHeads | None:
    """S3-Rec's heads over the items' attribute lists, or None when their weight is 0."""
    if not config.attribute_weight:
        return None
    if attributes is None:
        raise ConfigError("attribute_weight > 0 needs item attributes "
                          "(pretrec pretrain --item-attributes FILE)")
    n_attributes = 1 + max((int(a.max()) for a in attributes if len(a)), default=0)
    matrix = attribute_matrix(attributes, n_attributes, n_tokens)
    return AttributeHeads(matrix, config.hidden_size, config.init_std)


class PretrainTask(Task):
    """The weighted objectives of `config` (a `PretrainConfig`) on the training sequences."""

    def __init__(self, train: Interactions, config: Any, n_items: int,
                 heads: AttributeHeads | None):
        self.config, self.mask_id = config, n_items + 1
        self.views = AugmentedViewsTask(train, config, n_items)
        self.heads = heads

    def n_batches(self, batch_size: int) -> int:
        return self.views.n_batches(batch_size)

    def modules(self) -> list[nn.Module]:
        return [self.heads] if self.heads is not None else []

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[PretrainBatch]:
        config, policy = self.config, self.views.policy
        generator = torch_generator(rng)
        for batch in self.views.next_item.batches(batch_size, rng):
            window = full_window(batch)[:, -config.max_len:]
            masked_inputs, masked_targets = cloze(window, config.mask_probability, self.mask_id,
                                                  generator)
            if config.contrastive_weight:
                views = (policy(batch.inputs, generator), policy(batch.inputs, generator))
            else:
                views = (batch.inputs, batch.inputs)
            segment_masked, segment_only = segments(window, config.segment_ratio, self.mask_id,
                                                    generator)
            yield PretrainBatch(batch.users, batch.inputs, batch.targets, *views, masked_inputs,
                                masked_targets, segment_masked, segment_only, scale=batch.scale)

    def loss(self, model: Any, batch: PretrainBatch) -> dict[str, torch.Tensor]:
        config = self.config
        result: dict[str, torch.Tensor] = {}
        if config.next_weight:
            result["next"] = config.next_weight * next_item_loss(model, batch, config.length_groups)
        bidirectional = model.bidirectional
        if config.masked_weight or config.attribute_weight:
            states, targets = states_at(bidirectional, batch.masked_inputs, batch.masked_targets,
                                        config.length_groups)
        if config.masked_weight:
            ce = losses.full_cross_entropy(states, item_weights(model), targets - 1)
            result["masked"] = config.masked_weight * ce
        if config.attribute_weight:
            if self.heads is None:
                raise ConfigError("attribute_weight > 0 but no item attributes were given")
            items = batch.inputs[batch.inputs > 0]
            associated = self.heads.associated_loss(model.item_embedding(items), items)
            result["attribute"] = config.attribute_weight * (
                associated + self.heads.masked_loss(states, targets)
            )
        if config.segment_weight:
            whole = last_states(bidirectional, batch.segment_masked, config.length_groups)
            part = last_states(bidirectional, batch.segment_only, config.length_groups)
            nce = losses.info_nce(whole, part, config.temperature, config.similarity)
            result["segment"] = config.segment_weight * nce
        if config.contrastive_weight:
            nce = views_info_nce(model, batch, config.length_groups, config.temperature,
                                 config.similarity)
            result["contrastive"] = config.contrastive_weight * nce
        return result
