"""BERT4Rec: sequential recommendation with a bidirectional transformer trained by masked item
modelling, the cloze task (Sun et al., CIKM 2019).

Training masks random items of each sequence and predicts them from both sides with a softmax
over all items; scoring appends a mask token after the user's latest item and ranks items at
that position. Shares the encoder of `pretrec.nn.transformer` (non-causal here) with SASRec.
Differences from the paper: tied output embeddings without the extra projection layer and bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

import pretrec.models.next_item as next_item
from pretrec.models.base import NeuralRecommender
from pretrec.nn.sequence_encoder import ItemSequenceEncoder, TransformerSequenceConfig
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class BERT4RecConfig(TransformerSequenceConfig):
    """Hyper-parameters of BERT4Rec: the shared transformer ones plus the cloze masking rate."""

    dropout: float = 0.2
    """Dropout on embeddings and residual branches."""
    attention_dropout: float = 0.2
    """Dropout on attention weights."""
    mask_probability: float = 0.2
    """Chance that each item is masked in training."""


class BERT4Rec(NeuralRecommender):
    """Bidirectional transformer over item sequences trained by the cloze task."""

    config_class = BERT4RecConfig
    cosine_temperature: float | None = None  # dot-product scores

    def __init__(self, config: BERT4RecConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.mask_id = n_items + 1  # ids: 0 padding, 1..n_items items, n_items + 1 mask
        self.sequence_encoder = ItemSequenceEncoder(n_items + 2, config)

    @property
    def item_embedding(self) -> nn.Embedding:
        return self.sequence_encoder.item_embedding

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned ids (mask tokens allowed) -> (B, L, H) states."""
        return self.sequence_encoder(inputs, causal=False)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return next_item.cloze_scores(self, batch, self.encode)

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return next_item.cloze_queries(self, batch, self.encode)

    def retrieval_items(self) -> torch.Tensor:
        return next_item.item_weights(self)
