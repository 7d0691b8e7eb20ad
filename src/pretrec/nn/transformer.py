"""The transformer encoder every sequence model shares (SASRec, BERT4Rec, CL4SRec, DuoRec, ...).

Written by hand rather than with `nn.TransformerEncoder`: torch's fused eval fast path returns
NaN for fully masked left-padded rows and skips LoRA deltas (../shared/DEPENDENCIES.md). Every
position may attend to itself, so no attention row is ever empty and outputs stay finite.
Two layouts: "post" (the original transformer, as SASRec implementations such as RecBole use:
layer norm on the embeddings and after each residual sum) and "pre" (layer norm inside each branch
and once at the end, which trains stably when deep). With `frequency_mix` > 0 each block mixes a
BSARec-style low/high-frequency filter (`nn.smoothing`) into its attention branch.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from pretrec.nn.smoothing import LowHighFilter


@dataclass(frozen=True)
class EncoderShape:
    """Sizes of a transformer encoder."""

    hidden_size: int = 64
    n_layers: int = 2
    n_heads: int = 2
    inner_size: int = 256
    dropout: float = 0.5
    attention_dropout: float = 0.5
    inner_dropout: float = 0.0
    norm: str = "post"
    frequency_mix: float = 0.0
    smoothing_window: int = 10

    def __post_init__(self) -> None:
        if self.norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' or 'post', got {self.norm!r}")
        if not 0.0 <= self.frequency_mix <= 1.0:
            raise ValueError(f"frequency_mix must be in [0, 1], got {self.frequency_mix}")
        if self.smoothing_window < 1:
            raise ValueError(f"smoothing_window must be >= 1, got {self.smoothing_window}")


class SelfAttention(nn.Module):
    """Multi-head scaled dot-product self-attention with a boolean mask (True = may attend)."""

    def __init__(self, hidden_size: int, n_heads: int, dropout: float):
        super().__init__()
        if hidden_size % n_heads:
            raise ValueError(f"hidden_size {hidden_size} is not divisible by n_heads {n_heads}")
        self.n_heads = n_heads
        self.query = nn.Linear(hidden_size, hidden_size)
        self.key = nn.Linear(hidden_size, hidden_size)
        self.value = nn.Linear(hidden_size, hidden_size)
        self.output = nn.Linear(hidden_size, hidden_size)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:  # (B, L, H) -> (B, heads, L, H / heads)
            return t.view(batch, length, self.n_heads, hidden // self.n_heads).transpose(1, 2)

        attended = F.scaled_dot_product_attention(
            heads(self.query(x)), heads(self.key(x)), heads(self.value(x)),
            attn_mask=mask, dropout_p=self.dropout if self.training else 0.0,
        )  # (B, heads, L, H / heads)
        return self.output(attended.transpose(1, 2).reshape(batch, length, hidden))


class TransformerBlock(nn.Module):
    """Self-attention then feed-forward, each a residual branch with dropout: "pre" computes
    x + f(LN(x)), "post" computes LN(x + f(x)).

    With frequency_mix = a > 0 the attention step becomes a * filter + (1 - a) * attention, as in
    BSARec: in the "post" layout each branch keeps its own residual and layer norm.
    """

    def __init__(self, shape: EncoderShape):
        super().__init__()
        self.pre_norm = shape.norm == "pre"
        self.attention_norm = nn.LayerNorm(shape.hidden_size)
        self.attention = SelfAttention(shape.hidden_size, shape.n_heads, shape.attention_dropout)
        self.ffn_norm = nn.LayerNorm(shape.hidden_size)
        self.ffn = nn.Sequential(
            nn.Linear(shape.hidden_size, shape.inner_size),
            nn.GELU(),
            nn.Dropout(shape.inner_dropout),
            nn.Linear(shape.inner_size, shape.hidden_size),
        )
        self.dropout = nn.Dropout(shape.dropout)
        self.mix = shape.frequency_mix
        if self.mix > 0:
            self.filter = LowHighFilter(shape.hidden_size, shape.smoothing_window)
            self.filter_norm = nn.LayerNorm(shape.hidden_size)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, keep: torch.Tensor,
                causal: bool) -> torch.Tensor:
        """keep: (B, L, 1) 1.0 at items, 0.0 at padding (the filter averages items only)."""
        if self.pre_norm:
            h = self.attention_norm(x)
            mixed = self.attention(h, mask)
            if self.mix > 0:
                mixed = self.mix * self.filter(h, keep, causal) + (1 - self.mix) * mixed
            x = x + self.dropout(mixed)
            return x + self.dropout(self.ffn(self.ffn_norm(x)))
        attended = self.attention_norm(x + self.dropout(self.attention(x, mask)))
        if self.mix > 0:
            filtered = self.filter_norm(x + self.dropout(self.filter(x, keep, causal)))
            attended = self.mix * filtered + (1 - self.mix) * attended
        return self.ffn_norm(attended + self.dropout(self.ffn(attended)))


class TransformerEncoder(nn.Module):
    """A stack of blocks over (B, L, H) inputs, with layer norm on the way in ("post") or out
    ("pre") so the states are always normalised."""

    def __init__(self, shape: EncoderShape):
        super().__init__()
        self.blocks = nn.ModuleList(TransformerBlock(shape) for _ in range(shape.n_layers))
        self.input_norm = nn.LayerNorm(shape.hidden_size) if shape.norm == "post" else nn.Identity()
        self.final_norm = nn.LayerNorm(shape.hidden_size) if shape.norm == "pre" else nn.Identity()

    def normalise_input(self, x: torch.Tensor) -> torch.Tensor:
        """Layer norm the embeddings ("post" layout) before the caller's input dropout."""
        return self.input_norm(x)

    def forward(self, x: torch.Tensor, padding: torch.Tensor, causal: bool) -> torch.Tensor:
        """x: (B, L, H); padding: bool (B, L), True at padded positions -> (B, L, H)."""
        mask = attention_mask(padding, causal)
        keep = (~padding)[..., None].to(x.dtype)
        for block in self.blocks:
            x = block(x, mask, keep, causal)
        return self.final_norm(x)


def attention_mask(padding: torch.Tensor, causal: bool) -> torch.Tensor:
    """bool (B, 1, L, L): query i may attend to key j when j is not padding (and j <= i if
    causal); the diagonal is always allowed so no row is empty."""
    length = padding.shape[1]
    allowed = ~padding[:, None, None, :]  # (B, 1, 1, L)
    if causal:
        lower = torch.ones(length, length, dtype=torch.bool, device=padding.device).tril()
        allowed = allowed & lower
    eye = torch.eye(length, dtype=torch.bool, device=padding.device)
    return allowed | eye
