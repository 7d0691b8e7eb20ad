"""Embedding-space views (SimGCL, Yu et al., SIGIR 2022): a small random rotation of each vector.

e' = e + eps * sign(e) * u / ||u||, u ~ U(0, 1)^d: the noise has length `eps` and lies in the
same orthant as e, so a view moves each embedding a little without flipping its direction.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def uniform_noise(embeddings: torch.Tensor, eps: float) -> torch.Tensor:
    """`embeddings` (N, d) plus SimGCL's noise of length `eps` per row (torch's RNG)."""
    noise = F.normalize(torch.rand_like(embeddings), dim=-1)
    return embeddings + eps * torch.sign(embeddings) * noise
