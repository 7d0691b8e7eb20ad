"""Evaluate a fitted model on the validation or test part of a split."""

from __future__ import annotations

import time
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
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch

Part = Literal["valid", "test"]


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Mean metrics, per-user metric vectors (aligned with `users`) and the time it took."""

    metrics: dict[str, float]
    per_user: dict[str, np.ndarray]
    users: np.ndarray
    seconds: float
    counts: dict[str, int]


class Evaluator:
    """Precomputes contexts and targets of one part once; call it with a model, many times."""

    def __init__(self, split: Split, part: Part, protocol: Protocol | None = None, progress: bool = False):
        self.protocol = protocol or Protocol()
        self.progress = progress
        if part == "valid":
            context, targets = split.train, split.valid
        elif part == "test":
            context, targets = split.train.concat(split.valid), split.test
        else:
            raise ValueError(f"part must be 'valid' or 'test', got {part!r}")
        self.part = part
        self.context = UserHistories.from_interactions(context)
        self.targets = targets.csr
        self.item_popularity = split.train.item_counts()
        has_target = np.diff(self.targets.indptr) > 0
        seen_items = self.item_popularity > 0
        self.counts = {
            "users": int(has_target.sum()),
            "targets": int(self.targets.nnz),
            "users_without_history": int((has_target & (self.context.lengths() == 0)).sum()),
            "targets_on_items_unseen_in_train": int((~seen_items[self.targets.indices]).sum()),
        }

    def __call__(self, model: Recommender) -> Evaluation:
        started = time.perf_counter()
        if isinstance(model, torch.nn.Module):
            model.eval()
        protocol = self.protocol

        def score(batch: UserBatch) -> torch.Tensor:
            with torch.inference_mode():
                return model.score(batch)

        if protocol.ranking == "full":
            ranking = rank_all(score, self.context, self.targets, max(protocol.ks), protocol.ties, progress=self.progress)
        else:
            ranking = rank_sampled(
                score, self.context, self.targets, self.item_popularity,
                protocol.n_negatives, protocol.sampler, protocol.seed, protocol.ties,
            )
        per_user = ranking_metrics(ranking.ranks, protocol.ks)
        metrics = mean_metrics(per_user)
        if ranking.top_items.shape[1]:
            for k in protocol.ks:
                top = ranking.top_items[:, :k]
                metrics[f"coverage@{k}"] = item_coverage(top, model.n_items)
                metrics[f"avg_popularity@{k}"] = average_popularity(top, self.item_popularity)
                metrics[f"gini@{k}"] = gini_index(top, model.n_items)
        seconds = time.perf_counter() - started
        return Evaluation(metrics, per_user, ranking.users, seconds, dict(self.counts))


def evaluate(model: Recommender, split: Split, part: Part = "test", protocol: Protocol | None = None) -> Evaluation:
    """One-off evaluation of `model` on `split`'s `part` (see `Evaluator`)."""
    return Evaluator(split, part, protocol)(model)
