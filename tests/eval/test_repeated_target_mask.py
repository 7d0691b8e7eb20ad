"""Regression test named after the bug: the ranking mask spared the target, so a target that
repeated a history item was the one history item left rankable, and a model that scores
history items high found it (Yelp: HR@10 0.40 for those users against 0.04 for the rest)."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.split import leave_one_out
from pretrec.eval.protocol import Protocol
from pretrec.experiment import fit_and_evaluate


def repeating_dataset() -> Dataset:
    """Every user: the most popular item 0, three others, then item 0 again as the test target."""
    rng = np.random.default_rng(0)
    others = [rng.choice(np.arange(1, 30), 3, replace=False).tolist() for _ in range(50)]
    sequences = [[0, *middle, 0] for middle in others]
    users = np.repeat(np.arange(50), [len(s) for s in sequences])
    return Dataset.from_interactions(Interactions(users, np.concatenate(sequences), 50, 30))


@pytest.mark.parametrize(("mask", "hit_rate"), [("context", 0.0), ("none", 1.0)])
def test_popularity_finds_repeated_targets_only_when_the_protocol_allows_it(mask: str,
                                                                           hit_rate: float) -> None:
    dataset = repeating_dataset()
    split = leave_one_out(dataset.interactions)
    report = fit_and_evaluate("pop", dataset, split, protocol=Protocol(mask=mask),
                              progress=False).report
    assert report.metrics["hr@10"] == hit_rate
    assert report.counts["targets_repeating_context"] == 50
    assert report.protocol["name"] == ("full-ranking" if mask == "context"
                                       else "full-ranking-repeat-aware")


def test_the_sampled_protocol_counts_a_repeated_target_as_a_miss_too() -> None:
    dataset = repeating_dataset()
    split = leave_one_out(dataset.interactions)
    sampled = Protocol(ranking="sampled", n_negatives=10)
    assert fit_and_evaluate("pop", dataset, split, protocol=sampled,
                            progress=False).report.metrics["hr@10"] == 0.0
    aware = Protocol(ranking="sampled", n_negatives=10, mask="none")
    assert fit_and_evaluate("pop", dataset, split, protocol=aware,
                            progress=False).report.metrics["hr@10"] == 1.0
