"""Training losses as pure functions; shapes in each docstring."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bpr(positive_scores: torch.Tensor, negative_scores: torch.Tensor) -> torch.Tensor:
    """Bayesian personalised ranking (Rendle et al., UAI 2009): mean of -log sigmoid(s+ - s-).

    positive_scores: (B,) ; negative_scores: (B, n_neg) -> scalar, averaged over all pairs.
    """
    return -F.logsigmoid(positive_scores[:, None] - negative_scores).mean()


def l2_penalty(*tensors: torch.Tensor, batch_size: int) -> torch.Tensor:
    """Sum of squared entries of the embeddings a batch used, divided by the batch size."""
    return sum((t.pow(2).sum() for t in tensors), torch.tensor(0.0, device=tensors[0].device)) / batch_size
