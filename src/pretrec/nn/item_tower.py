"""Item representations from frozen text embeddings, optionally fused with ID embeddings.

A drop-in replacement for a sequence model's `nn.Embedding` item table: `tower(ids)` gives the
(..., H) input embeddings of token ids and `tower.weight` the whole (n_tokens, H) table that
scores items, so every transformer sequence model can read items through their text.

- `text`: only the adapted text embedding; a brand-new item is represented from day one.
- `id`: only a learned ID embedding (the ordinary model).
- `text+id`: their sum (UniSRec's transductive setting); an item never trained keeps the
  near-zero initial ID vector and is represented by its text.

Adaptors map the frozen text space (e.g. 384-d MiniLM) to the model width: `linear` (dropout +
linear) or `moe`, UniSRec's mixture of parametric-whitening experts (Hou et al., KDD 2022): each
expert whitens by a learned shift then projects, `(x - b_k) W_k`, and a softmax gate mixes them.
Token 0 (padding) embeds to zeros; special tokens after the items (a mask token) always have a
learned ID vector since they have no text. A `text` tower stores ID vectors for those special
tokens only (row 0 padding, row j token n_items + j), so its parameter count holds no unused rows.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

Fusion = Literal["text", "id", "text+id"]
AdaptorKind = Literal["linear", "moe"]


class LinearAdaptor(nn.Module):
    def __init__(self, text_dim: int, hidden: int, dropout: float):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.project = nn.Linear(text_dim, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.project(self.dropout(x))


class MoEAdaptor(nn.Module):
    """Mixture of parametric-whitening experts (UniSRec)."""

    def __init__(self, text_dim: int, hidden: int, dropout: float, n_experts: int):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.shift = nn.Parameter(torch.zeros(n_experts, text_dim))
        self.experts = nn.Parameter(torch.empty(n_experts, text_dim, hidden))
        nn.init.normal_(self.experts, std=0.02)
        self.gate = nn.Linear(text_dim, n_experts, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dropout(x)
        gates = torch.softmax(self.gate(x), dim=-1)  # (..., K)
        whitened = x.unsqueeze(-2) - self.shift  # (..., K, D)
        experts = torch.einsum("...kd,kdh->...kh", whitened, self.experts)  # (..., K, H)
        return (gates.unsqueeze(-1) * experts).sum(-2)


class ItemTower(nn.Module):
    """(n_tokens) ids -> H vectors from text features and/or ID embeddings (module docstring).

    Args:
        n_tokens: padding + items + special tokens.
        n_items: items (ids 1..n_items carry text).
        hidden: output width.
        text_dim: width of the frozen text features.
        fusion: "text", "id" or "text+id".
        adaptor: "linear" or "moe".
        dropout: dropout on the text features before the adaptor.
        n_experts: experts of the moe adaptor.
        id_dropout: in training, the chance that an item's ID vector is left out of a forward
            pass ("text+id" only), so the model learns to score items from text alone, as it must
            for new items (DropoutNet, Volkovs et al., NeurIPS 2017).
    """

    def __init__(self, n_tokens: int, n_items: int, hidden: int, text_dim: int,
                 fusion: Fusion = "text+id", adaptor: AdaptorKind = "moe", dropout: float = 0.2,
                 n_experts: int = 8, id_dropout: float = 0.0):
        super().__init__()
        if fusion not in ("text", "id", "text+id"):
            raise ValueError(f"fusion must be 'text', 'id' or 'text+id', got {fusion!r}")
        if adaptor not in ("linear", "moe"):
            raise ValueError(f"adaptor must be 'linear' or 'moe', got {adaptor!r}")
        if not 0.0 <= id_dropout < 1.0:
            raise ValueError(f"id_dropout must be in [0, 1), got {id_dropout}")
        self.n_items, self.fusion, self.id_dropout = n_items, fusion, id_dropout
        self.register_buffer("text_features", torch.zeros(n_tokens, text_dim))
        self.uses_text = fusion != "id"
        self.adaptor = (
            MoEAdaptor(text_dim, hidden, dropout, n_experts) if adaptor == "moe"
            else LinearAdaptor(text_dim, hidden, dropout)
        )
        # ID vectors: every token for "id"/"text+id"; padding + the special tokens for "text"
        self.id_offset = n_items if fusion == "text" else 0
        self.id_embedding = nn.Embedding(n_tokens - self.id_offset, hidden, padding_idx=0)

    @property
    def num_embeddings(self) -> int:
        return self.text_features.shape[0]

    def set_text_variants(self, variants: torch.Tensor) -> None:
        """(K, n_items, text_dim) features of K augmented texts per item: in training, each item
        occurrence reads its original text or one of these at random (not saved in checkpoints)."""
        table = torch.zeros(len(variants), *self.text_features.shape,
                            device=self.text_features.device)
        table[:, 1 : self.n_items + 1] = variants.to(table)
        self.register_buffer("text_variants", table, persistent=False)

    def _text_of(self, ids: torch.Tensor) -> torch.Tensor:
        variants = getattr(self, "text_variants", None)
        if not self.training or variants is None:
            return self.text_features[ids]
        # 0: the original
        choice = torch.randint(0, len(variants) + 1, ids.shape, device=ids.device)
        table = torch.cat([self.text_features[None], variants])
        return table[choice, ids]

    def set_text_features(self, features: torch.Tensor) -> None:
        """(n_items, text_dim) features of items 1..n_items, in item index order."""
        if features.shape != (self.n_items, self.text_features.shape[1]):
            raise ValueError(f"expected text features of shape "
                             f"{(self.n_items, self.text_features.shape[1])}, "
                             f"got {tuple(features.shape)}")
        self.text_features[1 : self.n_items + 1] = features.to(self.text_features)

    def _id_rows(self, ids: torch.Tensor) -> torch.Tensor:
        """Rows of `id_embedding` for token ids: items read the zero padding row in a text tower."""
        if not self.id_offset:
            return ids
        return torch.where(ids > self.n_items, ids - self.id_offset, torch.zeros_like(ids))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):  # type: ignore[no-untyped-def]
        # checkpoints from before the compact text-only table kept one unused row per item
        key = prefix + "id_embedding.weight"
        table = state_dict.get(key)
        if self.id_offset and table is not None and len(table) == self.num_embeddings:
            state_dict[key] = torch.cat([table[:1], table[self.n_items + 1 :]])
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        vectors = self.id_embedding(self._id_rows(ids))
        if self.uses_text:
            is_item = (ids > 0) & (ids <= self.n_items)
            text = self.adaptor(self._text_of(ids)) * is_item.unsqueeze(-1)
            if self.fusion == "text":
                keep_id = None  # items already read the zero row
            elif self.training and self.id_dropout > 0:
                keep_id = ~is_item | (torch.rand(ids.shape, device=ids.device) >= self.id_dropout)
            else:
                keep_id = None
            vectors = text + (vectors if keep_id is None else vectors * keep_id.unsqueeze(-1))
        return vectors

    @property
    def weight(self) -> torch.Tensor:
        """(n_tokens, H): every token's vector (what scoring multiplies states with)."""
        return self(torch.arange(self.num_embeddings, device=self.text_features.device))
