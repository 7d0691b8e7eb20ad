"""Item sequences -> contextual states: item + position embeddings, dropout, transformer.

Shared by SASRec (causal) and BERT4Rec (bidirectional). Positions are counted from the end of
the sequence, so length-bucketed batches and full-length scoring see the same positions.
"""

from __future__ import annotations

import torch
from torch import nn

from pretrec.nn.transformer import EncoderShape, TransformerEncoder


class ItemSequenceEncoder(nn.Module):
    """(B, L) right-aligned token ids (0 = padding) -> (B, L, H) states."""

    def __init__(self, n_tokens: int, shape: EncoderShape, max_len: int, init_std: float):
        super().__init__()
        self.max_len = max_len
        self.item_embedding = nn.Embedding(n_tokens, shape.hidden_size, padding_idx=0)
        self.position_embedding = nn.Embedding(max_len, shape.hidden_size)
        self.embedding_dropout = nn.Dropout(shape.dropout)
        self.encoder = TransformerEncoder(shape)
        for module in self.modules():  # BERT-style initialisation
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=init_std)
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)
        self.item_embedding.weight.data[0].zero_()

    def forward(self, inputs: torch.Tensor, causal: bool) -> torch.Tensor:
        length = inputs.shape[1]
        positions = torch.arange(self.max_len - length, self.max_len, device=inputs.device)
        x = self.item_embedding(inputs) + self.position_embedding(positions)[None]  # (B, L, H)
        return self.encoder(self.embedding_dropout(x), padding=inputs == 0, causal=causal)
