"""GRU4Rec: session-based recommendation with recurrent networks (Hidasi et al., ICLR 2016).

A GRU (or LSTM) reads the item sequence; the state at each step scores every item as the next
one through the item embeddings. Trained with full-softmax cross-entropy at every position,
which Hidasi & Czapp (RecSys 2023) found to be among GRU4Rec's strongest losses.
Differences from the paper: whole user histories instead of session-parallel mini-batches, tied
input/output item embeddings. Sequences arrive right-aligned; they are packed so the recurrent
state never runs over padding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import pretrec.models.next_item as next_item
from pretrec.config import Config
from pretrec.models.base import NeuralRecommender
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class GRU4RecConfig(Config):
    """Hyper-parameters of GRU4Rec."""

    hidden_size: int = 64
    """Width of item embeddings and recurrent states."""
    n_layers: int = 1
    """Stacked recurrent layers."""
    cell: Literal["gru", "lstm"] = "gru"
    """Recurrent cell."""
    dropout: float = 0.3
    """Dropout on item embeddings and on the recurrent output."""
    max_len: int = 50
    """Most recent items a sequence keeps."""
    bucket: bool = False
    """Group users of similar length into batches (faster, but a batch of one length skews the
    gradient; random batches train better, see `TransformerSequenceConfig.bucket`)."""
    length_groups: int = 1
    """Length groups a batch is encoded in; 1, because packed sequences skip padding already."""


def shift_alignment(values: torch.Tensor, lengths: torch.Tensor, to_left: bool) -> torch.Tensor:
    """Move each row's last `lengths` entries to the front (or back) along dim 1, vectorised."""
    width = values.shape[1]
    offset = (width - lengths)[:, None]  # (B, 1)
    steps = torch.arange(width, device=values.device)[None, :]
    index = (steps + offset) % width if to_left else (steps - offset) % width  # (B, L)
    if values.dim() == 3:
        index = index[:, :, None].expand(-1, -1, values.shape[2])
    return values.gather(1, index)


class GRU4Rec(NeuralRecommender):
    """Recurrent next-item model with a tied full-softmax output."""

    config_class = GRU4RecConfig
    cosine_temperature: float | None = None  # dot-product scores

    def __init__(self, config: GRU4RecConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.item_embedding = nn.Embedding(n_items + 1, config.hidden_size, padding_idx=0)
        recurrent = nn.GRU if config.cell == "gru" else nn.LSTM
        self.recurrent = recurrent(config.hidden_size, config.hidden_size, config.n_layers,
                                   batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        nn.init.normal_(self.item_embedding.weight, std=0.02)
        self.item_embedding.weight.data[0].zero_()

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned 1-based ids -> (B, L, H) states (zeros at padding)."""
        lengths = (inputs > 0).sum(1)
        safe = lengths.clamp(min=1)  # an empty history reads one padding step
        left = shift_alignment(inputs, safe, to_left=True)  # (B, L), items first
        packed = pack_padded_sequence(self.dropout(self.item_embedding(left)), safe.cpu(),
                                      batch_first=True, enforce_sorted=False)
        output, _ = self.recurrent(packed)
        states, _ = pad_packed_sequence(output, batch_first=True, total_length=inputs.shape[1])
        return self.dropout(shift_alignment(states, safe, to_left=False))  # back to right-aligned

    def score(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_scores(self, batch)

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_queries(self, batch)

    def retrieval_items(self) -> torch.Tensor:
        return next_item.scoring_items(self)
