"""SASRec: self-attentive sequential recommendation (Kang & McAuley, ICDM 2018).

A causal transformer reads the user's items in time order; the output at each position scores
every item as the next one by a dot product with the (shared) item embeddings. Trained here with
full-softmax cross-entropy over all items at every position, which Klenitskiy & Vasilev
(RecSys 2023) showed lifts SASRec well above its originally published BCE figures.
Layout as RecBole's SASRec by default: layer norm on the embeddings and after each residual sum
(post-LN), GELU feed-forward, BERT-style N(0, 0.02) initialisation (`norm="pre"` selects pre-LN
blocks). Positions count back from the latest item, as in the paper's left-padded sequences.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from pretrec.data.interactions import Interactions
from pretrec.models import next_item
from pretrec.models.base import NeuralRecommender
from pretrec.nn.sequence_encoder import ItemSequenceEncoder, TransformerSequenceConfig
from pretrec.sampling.batches import SequenceBatch, UserBatch


@dataclass(frozen=True)
class SASRecConfig(TransformerSequenceConfig):
    """Hyper-parameters of SASRec: the shared transformer ones (see `TransformerSequenceConfig`)."""


class SASRec(NeuralRecommender):
    """Causal transformer over item sequences with a tied full-softmax output."""

    config_class = SASRecConfig

    def __init__(self, config: SASRecConfig, n_users: int, n_items: int, n_extra_tokens: int = 0,
                 item_embedding: nn.Module | None = None):
        super().__init__(config, n_users, n_items)
        # token ids: 0 padding, 1..n_items items, then any special tokens a subclass needs
        self.sequence_encoder = ItemSequenceEncoder(n_items + 1 + n_extra_tokens, config, item_embedding)

    @property
    def item_embedding(self) -> nn.Embedding:
        return self.sequence_encoder.item_embedding

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned 1-based item ids -> (B, L, H) states."""
        return self.sequence_encoder(inputs, causal=True)

    def train_batches(self, train: Interactions, batch_size: int, rng: np.random.Generator) -> Iterator[SequenceBatch]:
        return next_item.training_batches(self, train, batch_size, rng)

    def loss(self, batch: SequenceBatch) -> dict[str, torch.Tensor]:
        return next_item.full_softmax_loss(self, batch)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_scores(self, batch)
