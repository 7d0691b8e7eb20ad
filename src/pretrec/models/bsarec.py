"""BSARec-style SASRec (Shin et al., "An Attentive Inductive Bias for Sequential Recommendation
beyond the Self-Attention", AAAI 2024).

Each transformer block mixes a low/high-frequency filter into self-attention:
alpha * (low + beta^2 * high) + (1 - alpha) * attention, with alpha = `frequency_mix`. BSARec's
low-pass is an FFT over the whole sequence, which would leak future items under pretrec's
every-position training; pretrec's low-pass is a causal moving average over the last
`smoothing_window` items instead (`pretrec.nn.smoothing`). Trained like SASRec: full-softmax
next-item cross-entropy at every position. The model is `pretrec.models.sasrec.SASRec`; only the
config's defaults differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from pretrec.nn.sequence_encoder import TransformerSequenceConfig


@dataclass(frozen=True)
class BSARecConfig(TransformerSequenceConfig):
    """SASRec hyper-parameters with the frequency filter switched on."""

    frequency_mix: float = 0.7
    """alpha: weight of the filter against attention (BSARec's Beauty setting)."""
    smoothing_window: int = 10
    """Items the moving average spans; about max_len / c for BSARec's c lowest frequencies."""

