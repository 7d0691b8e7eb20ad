"""Item sequences -> contextual states: item + position embeddings, dropout, transformer.

Shared by SASRec (causal) and BERT4Rec (bidirectional). Positions depend only on a row's own
items (counted from its end or its start), so length-bucketed batches and full-length scoring
see the same positions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from pretrec.config import Config
from pretrec.nn.transformer import EncoderShape, TransformerEncoder


@dataclass(frozen=True)
class TransformerSequenceConfig(Config):
    """Hyper-parameters every transformer sequence model shares."""

    hidden_size: int = 64
    """Width of item embeddings and transformer states."""
    n_layers: int = 2
    """Transformer blocks."""
    n_heads: int = 2
    """Attention heads per block."""
    inner_size: int = 256
    """Width of the feed-forward layer."""
    dropout: float = 0.5
    """Dropout on embeddings and residual branches."""
    attention_dropout: float = 0.5
    """Dropout on attention weights."""
    inner_dropout: float = 0.0
    """Dropout on the feed-forward layer's hidden activations."""
    norm: Literal["pre", "post"] = "post"
    """Layer-norm placement: "post" (original transformer and RecBole's SASRec) or "pre"."""
    frequency_mix: float = 0.0
    """Weight of a BSARec-style low/high-frequency filter mixed into each attention step
    (0 = plain attention; see `pretrec.nn.smoothing`)."""
    smoothing_window: int = 10
    """Positions the filter's moving average spans (its low-pass cut-off)."""
    max_len: int = 50
    """Most recent items a sequence keeps."""
    init_std: float = 0.02
    """Standard deviation of the normal initialisation of weights."""
    positions: Literal["from_end", "from_start"] = "from_end"
    """Position ids count back from the latest item (original SASRec, left-padded) or forward
    from the oldest item in the window (RecBole)."""
    bucket: bool = False
    """Group users of similar length into batches. Off by default: on Beauty, one-length batches
    peaked at validation NDCG@10 0.061 where random batches reached 0.068 (BENCHMARKS.md)."""
    length_groups: int = 8
    """A random batch is encoded in this many length-sorted groups, each cut to its own longest
    row: the gradient of the random batch at close to the cost of length-bucketed batches."""

    def encoder_shape(self) -> EncoderShape:
        # the shape's fields are a subset of this config's: copy them by name
        return EncoderShape(**{f.name: getattr(self, f.name)
                               for f in dataclasses.fields(EncoderShape)})


class ItemSequenceEncoder(nn.Module):
    """(B, L) right-aligned token ids (0 = padding) -> (B, L, H) states."""

    def __init__(self, n_tokens: int, config: TransformerSequenceConfig,
                 item_embedding: nn.Module | None = None):
        super().__init__()
        shape, self.max_len, init_std = config.encoder_shape(), config.max_len, config.init_std
        self.from_start = config.positions == "from_start"
        # any module mapping ids to vectors with a `.weight` table works (an ItemTower reads text)
        self.item_embedding = item_embedding or nn.Embedding(n_tokens, shape.hidden_size,
                                                             padding_idx=0)
        self.position_embedding = nn.Embedding(self.max_len, shape.hidden_size)
        self.embedding_dropout = nn.Dropout(shape.dropout)
        self.encoder = TransformerEncoder(shape)
        for module in self.modules():  # BERT-style initialisation
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=init_std)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        for module in self.modules():
            if isinstance(module, nn.Embedding) and module.padding_idx == 0:
                module.weight.data[0].zero_()

    def forward(self, inputs: torch.Tensor, causal: bool) -> torch.Tensor:
        length = inputs.shape[1]
        if self.from_start:  # (B, L): 0 at each row's oldest item (padding clamps to 0)
            first = length - (inputs > 0).sum(1, keepdim=True)
            positions = (torch.arange(length, device=inputs.device)[None] - first).clamp(min=0)
        else:  # (1, L): the same for every row, right-aligned
            positions = torch.arange(self.max_len - length, self.max_len,
                                     device=inputs.device)[None]
        x = self.item_embedding(inputs) + self.position_embedding(positions)  # (B, L, H)
        x = self.embedding_dropout(self.encoder.normalise_input(x))
        return self.encoder(x, padding=inputs == 0, causal=causal)
