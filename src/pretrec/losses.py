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
    return sum((t.pow(2).sum() for t in tensors),
               torch.tensor(0.0, device=tensors[0].device)) / batch_size


def full_cross_entropy(states: torch.Tensor, item_weights: torch.Tensor, targets: torch.Tensor,
                       candidates: torch.Tensor | None = None) -> torch.Tensor:
    """Softmax over every item. states (P, H), item_weights (n_items, H), targets (P,) 0-based.

    `candidates` (n_items,) bool, when given, leaves the other items out of the softmax."""
    logits = states @ item_weights.T  # (P, n_items)
    if candidates is not None:
        logits = logits.masked_fill(~candidates.to(logits.device), float("-inf"))
    return F.cross_entropy(logits, targets)


def binary_cross_entropy(positive_scores: torch.Tensor,
                         negative_scores: torch.Tensor) -> torch.Tensor:
    """SASRec's original loss: -log σ(s+) - Σ log(1 - σ(s-)), averaged over positives.

    positive_scores (P,), negative_scores (P, n_neg).
    """
    return (-F.logsigmoid(positive_scores) - F.logsigmoid(-negative_scores).sum(-1)).mean()


def gbce(positive_scores: torch.Tensor, negative_scores: torch.Tensor, n_items: int,
         calibration: float) -> torch.Tensor:
    """Generalised BCE (Petrov & Macdonald, RecSys 2023): -β log σ(s+) - Σ log(1 - σ(s-)).

    β = α (t (1 - 1/α) + 1/α) with α = n_neg / (n_items - 1) the negative sampling rate and
    t = `calibration` in [0, 1]; t = 0 gives plain BCE, t = 1 counteracts the overconfidence
    that sampling negatives induces. Shapes as `binary_cross_entropy`.
    """
    alpha = negative_scores.shape[-1] / (n_items - 1)
    beta = alpha * (calibration * (1 - 1 / alpha) + 1 / alpha)
    return (-beta * F.logsigmoid(positive_scores) - F.logsigmoid(-negative_scores).sum(-1)).mean()


def sampled_softmax(
    positive_scores: torch.Tensor,
    negative_scores: torch.Tensor,
    positive_log_q: torch.Tensor | None = None,
    negative_log_q: torch.Tensor | None = None,
) -> torch.Tensor:
    """Softmax over the positive and sampled negatives, with logQ correction (Yi et al., 2019).

    Each logit has log q(item), its sampling probability, subtracted so popular negatives are not
    over-penalised. positive_scores (P,), negative_scores (P, n_neg); log_q of matching shapes.
    A negative equal to the positive should be masked by the caller (-inf score).
    """
    if positive_log_q is not None:
        positive_scores = positive_scores - positive_log_q
    if negative_log_q is not None:
        negative_scores = negative_scores - negative_log_q
    logits = torch.cat([positive_scores[:, None], negative_scores], dim=1)  # (P, 1 + n_neg)
    return F.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long, device=logits.device))


def info_nce(first: torch.Tensor, second: torch.Tensor, temperature: float = 1.0,
             similarity: str = "cosine") -> torch.Tensor:
    """NT-Xent (Chen et al., 2020) between two views; row i of each view is a positive pair.

    first, second: (B, H). Each of the 2B representations is classified against the other 2B - 1
    by similarity / temperature, "cosine" (SimCLR) or "dot" (CL4SRec and DuoRec as released); its
    partner is the target. Returns the mean over 2B.
    """
    if similarity not in ("cosine", "dot"):
        raise ValueError(f"similarity must be 'cosine' or 'dot', got {similarity!r}")
    batch = first.shape[0]
    views = torch.cat([first, second])  # (2B, H)
    if similarity == "cosine":
        views = F.normalize(views, dim=-1)
    similarity = views @ views.T / temperature  # (2B, 2B)
    similarity.fill_diagonal_(float("-inf"))  # a view is not its own negative or positive
    partner = torch.cat([torch.arange(batch, 2 * batch), torch.arange(batch)]).to(first.device)
    return F.cross_entropy(similarity, partner)


def cross_view_info_nce(first: torch.Tensor, second: torch.Tensor,
                        temperature: float) -> torch.Tensor:
    """InfoNCE from one view to the other, as the graph methods use it (SGL, SimGCL, XSimGCL).

    first, second: (B, H), row i of each the same node. Cosine similarity / temperature; each row
    of `first` is classified against every row of `second`, its own being the target. Returns
    the mean over B.
    """
    first, second = F.normalize(first, dim=-1), F.normalize(second, dim=-1)
    logits = first @ second.T / temperature  # (B, B)
    return F.cross_entropy(logits, torch.arange(len(first), device=first.device))
