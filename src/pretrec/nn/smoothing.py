"""BSARec's frequency branch, made causal (Shin et al., "An Attentive Inductive Bias for
Sequential Recommendation beyond the Self-Attention", AAAI 2024).

BSARec splits each layer's input into a low-frequency part (an FFT keeping the lowest
frequencies over the whole sequence) and the high-frequency rest, and rescales the rest by a
learned per-channel beta^2. An FFT over the whole sequence lets every position see the future;
pretrec trains on every position at once, so that would leak each position's target into its
own state. Here the low-pass is a moving average over the last `window` non-padding positions
(a centred window when the encoder is bidirectional): the same low/high split, computed causally,
and invariant to left padding, so length-grouped batches keep their exact states.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def shifted(running: torch.Tensor, offset: int) -> torch.Tensor:
    """running[:, t + offset] for every t of (B, L, H) running sums: 0 before the start and the
    final total after the end."""
    length = running.shape[1]
    if offset <= 0:
        return F.pad(running, (0, 0, -offset, 0))[:, :length]
    tail = running[:, -1:].expand(-1, offset, -1)
    return torch.cat([running[:, offset:], tail], dim=1)


def moving_average(x: torch.Tensor, keep: torch.Tensor, window: int, causal: bool) -> torch.Tensor:
    """(B, L, H) mean of the non-padding rows of `x` over positions (t - window, t] (causal) or
    a window of the same size centred on t; `keep` (B, L, 1) is 1 at real items, 0 at padding."""
    total = torch.cumsum(x * keep, dim=1)
    count = torch.cumsum(keep, dim=1)
    ahead = 0 if causal else window // 2
    behind = window - ahead
    sums = shifted(total, ahead) - shifted(total, -behind)
    counts = shifted(count, ahead) - shifted(count, -behind)
    return sums / counts.clamp(min=1.0)


class LowHighFilter(nn.Module):
    """x -> low + beta^2 * (x - low), with `low` the moving average of x (BSARec's inductive
    bias; beta is learned per channel, initialised N(0, 1) as released)."""

    def __init__(self, hidden_size: int, window: int):
        super().__init__()
        if window < 1:
            raise ValueError(f"smoothing window must be >= 1, got {window}")
        self.window = window
        self.sqrt_beta = nn.Parameter(torch.randn(1, 1, hidden_size))

    def forward(self, x: torch.Tensor, keep: torch.Tensor, causal: bool) -> torch.Tensor:
        low = moving_average(x, keep, self.window, causal)
        return low + self.sqrt_beta**2 * (x - low)
