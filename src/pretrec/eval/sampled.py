"""The sampled protocol (a labelled alternative, never the default): each target is ranked
against `n_negatives` items the user never interacted with, drawn uniformly or by popularity.

Sampled metrics are known to disagree with full ranking (Krichene & Rendle, KDD 2020); every
report made with them names the protocol, e.g. ``sampled-100-uniform``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
import torch

from pretrec.data.sequences import UserHistories
from pretrec.eval.ranking import (
    Ranking,
    ScoreFn,
    Ties,
    allocate_ranks,
    check_finite,
    padded_targets,
)
from pretrec.sampling.batches import UserBatch
from pretrec.sampling.negatives import sample_negatives


def rank_sampled(
    score: ScoreFn,
    context: UserHistories,
    targets: sp.csr_matrix,
    item_popularity: np.ndarray,
    n_negatives: int = 100,
    sampler: Literal["uniform", "popularity"] = "uniform",
    seed: int = 0,
    ties: Ties = "pessimistic",
    chunk_size: int = 1024,
    mask_context: bool = True,
) -> Ranking:
    """Rank of each target among itself and the user's sampled negatives (1 = best). With
    `mask_context` (the default) a target that repeats a context item is a miss, ranked after
    every candidate (n_negatives + 2), as in full ranking; negatives are never context items or
    targets."""
    rng = np.random.default_rng(seed)
    n_items = targets.shape[1]
    users, ranks = allocate_ranks(targets)
    excluded = (context.csr() + targets).tocsr()
    probabilities = None
    if sampler == "popularity":
        weights = item_popularity.astype(np.float64) + 1e-12
        probabilities = weights / weights.sum()
    for start in range(0, len(users), chunk_size):
        chunk = users[start : start + chunk_size]
        scores = score(UserBatch(chunk, context)).detach().float().cpu()
        check_finite(scores)
        negatives = sample_negatives(chunk, n_negatives, n_items, rng, excluded, probabilities)
        negative_scores = scores.gather(1, torch.as_tensor(negatives))  # (B, n_neg)
        target_index = torch.as_tensor(padded_targets(targets[chunk]))
        target_scores = scores.gather(1, target_index.clamp(min=0))[:, :, None]  # (B, T, 1)
        if ties == "pessimistic":
            above = (negative_scores[:, None, :] >= target_scores).sum(-1)
        else:
            above = (negative_scores[:, None, :] > target_scores).sum(-1)
        block = (above + 1).to(torch.float64)
        block[target_index < 0] = float("inf")
        if mask_context:
            repeated = in_context(context.csr(chunk), target_index.numpy())
            block[torch.as_tensor(repeated)] = float(n_negatives + 2)
        ranks[start : start + len(chunk), : block.shape[1]] = block.numpy()
    return Ranking(users=users, ranks=ranks, top_items=np.zeros((len(users), 0), dtype=np.int64))


def in_context(context: sp.csr_matrix, targets: np.ndarray) -> np.ndarray:
    """bool (B, T): whether each target (padded with -1) is among its row's context items."""
    rows = np.repeat(np.arange(targets.shape[0]), targets.shape[1])
    found = np.asarray(context[rows, np.maximum(targets.ravel(), 0)]).reshape(targets.shape) > 0
    return found & (targets >= 0)
