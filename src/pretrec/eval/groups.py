"""Metrics per target group: warm and cold items and new users of a cold-start split, rare and
frequent items when the protocol asks (`Protocol.rare_items`).

Each group is evaluated as its own part (the same contexts, only that group's targets), so a
group's NDCG@10 is exactly the plain metric over its targets.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from pretrec.data.split import Split
from pretrec.eval.evaluate import Evaluation, Evaluator, Part, ScoreFunction
from pretrec.eval.protocol import Protocol


def target_groups(split: Split, part: Part,
                  protocol: Protocol | None = None) -> dict[str, np.ndarray]:
    """Group name -> boolean mask over the rows of `split`'s `part` (empty when no groups)."""
    targets = split.valid if part == "valid" else split.test
    groups: dict[str, np.ndarray] = {}
    if split.cold_items is not None:
        cold = np.isin(targets.items, split.cold_items)
        groups["warm_items"] = ~cold
        groups["cold_items"] = cold
    if split.new_users is not None:
        new = np.isin(targets.users, split.new_users)
        groups["new_users"] = new
        groups["known_users"] = ~new
    rare_items = (protocol or Protocol()).rare_items
    if rare_items > 0:
        counts = split.train.item_counts()
        rare = counts[targets.items] <= rare_items
        groups["rare_items"] = rare
        groups["frequent_items"] = ~rare
    return groups


def group_evaluators(split: Split, part: Part,
                     protocol: Protocol | None = None) -> dict[str, Evaluator]:
    """One Evaluator per non-empty target group of `split`'s `part`."""
    evaluators = {}
    for name, mask in target_groups(split, part, protocol).items():
        if mask.any():
            field = "valid" if part == "valid" else "test"
            restricted = dataclasses.replace(split, **{field: getattr(split, field).select(mask)})
            evaluators[name] = Evaluator(restricted, part, protocol)
    return evaluators


def evaluate_groups(score: ScoreFunction, split: Split, part: Part = "test",
                    protocol: Protocol | None = None) -> dict[str, Evaluation]:
    """Group name -> Evaluation of `score` on that group's targets only."""
    return {name: evaluate(score)
            for name, evaluate in group_evaluators(split, part, protocol).items()}
