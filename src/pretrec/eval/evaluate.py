"""Evaluate a score function on the validation or test part of a split.

A score function maps a `UserBatch` (users and their histories) to float scores (B, n_items),
higher is better: a model's bound `score` method, or anything else. Evaluation never sees a model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from pretrec.data.sequences import UserHistories
from pretrec.data.split import Split
from pretrec.eval.beyond import average_popularity, gini_index, item_coverage
from pretrec.eval.metrics import mean_metrics, ranking_metrics
from pretrec.eval.protocol import Protocol
from pretrec.eval.ranking import rank_all
from pretrec.eval.sampled import rank_sampled
from pretrec.sampling.batches import UserBatch

Part = Literal["valid", "test"]
ScoreFunction = Callable[[UserBatch], torch.Tensor]
"""(UserBatch) -> float (B, n_items) scores; a model's `score` method is one."""


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Mean metrics, per-user metric vectors (aligned with `users`) and the time it took."""

    metrics: dict[str, float]
    per_user: dict[str, np.ndarray]
    users: np.ndarray
    seconds: float
    counts: dict[str, int]


class Evaluator:
    """Precomputes contexts and targets of one part once; call it with a score function, many
    times (put a torch model in eval mode first: dropout would make scores random)."""

    def __init__(self, split: Split, part: Part, protocol: Protocol | None = None,
                 progress: bool = False):
        self.protocol = protocol or Protocol()
        self.progress = progress
        if part not in ("valid", "test"):
            raise ValueError(f"part must be 'valid' or 'test', got {part!r}")
        context, targets = split.context(part), split.valid if part == "valid" else split.test
        self.part = part
        self.context = UserHistories.from_interactions(context)
        self.targets = targets.csr
        self.item_popularity = split.train.item_counts()
        self.n_items = split.n_items
        has_target = np.diff(self.targets.indptr) > 0
        seen_items = self.item_popularity > 0
        self.counts = {
            "users": int(has_target.sum()),
            "targets": int(self.targets.nnz),
            "users_without_history": int((has_target & (self.context.lengths() == 0)).sum()),
            "targets_on_items_unseen_in_train": int((~seen_items[self.targets.indices]).sum()),
            # the protocol's mask decides whether these are misses or rankable
            "targets_repeating_context": int(self.targets.multiply(context.csr).nnz),
        }

    def __call__(self, score_function: ScoreFunction) -> Evaluation:
        started = time.perf_counter()
        protocol = self.protocol

        def score(batch: UserBatch) -> torch.Tensor:
            with torch.inference_mode():
                return score_function(batch)

        if protocol.ranking == "full":
            ranking = rank_all(score, self.context, self.targets, max(protocol.ks), protocol.ties,
                               progress=self.progress, mask_context=protocol.mask == "context")
        else:
            ranking = rank_sampled(
                score, self.context, self.targets, self.item_popularity,
                protocol.n_negatives, protocol.sampler, protocol.seed, protocol.ties,
                mask_context=protocol.mask == "context",
            )
        per_user = ranking_metrics(ranking.ranks, protocol.ks)
        metrics = mean_metrics(per_user)
        if ranking.top_items.shape[1]:
            for k in protocol.ks:
                top = ranking.top_items[:, :k]
                metrics[f"coverage@{k}"] = item_coverage(top, self.n_items)
                metrics[f"avg_popularity@{k}"] = average_popularity(top, self.item_popularity)
                metrics[f"gini@{k}"] = gini_index(top, self.n_items)
        seconds = time.perf_counter() - started
        return Evaluation(metrics, per_user, ranking.users, seconds, dict(self.counts))


def evaluate(score: ScoreFunction, split: Split, part: Part = "test",
             protocol: Protocol | None = None) -> Evaluation:
    """One-off evaluation of `score` on `split`'s `part` (see `Evaluator`)."""
    return Evaluator(split, part, protocol)(score)
