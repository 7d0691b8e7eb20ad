"""`Protocol.rare_items`: the report's long-tail groups (targets on items with few training
events, and the rest)."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.split import leave_one_out, random_ratio
from pretrec.data.synthetic import make_synthetic
from pretrec.eval.evaluate import evaluate
from pretrec.eval.groups import evaluate_groups, target_groups
from pretrec.eval.protocol import Protocol
from pretrec.models.popularity import Popularity, PopularityConfig


@pytest.fixture(scope="module")
def split():
    return random_ratio(make_synthetic(n_users=300, n_items=200).interactions, seed=0)


def test_rare_and_frequent_items_partition_the_targets_by_training_count(split) -> None:
    assert target_groups(split, "test") == {}  # no groups unless asked
    groups = target_groups(split, "test", Protocol(rare_items=3))
    counts = split.train.item_counts()[split.test.items]
    np.testing.assert_array_equal(groups["rare_items"], counts <= 3)
    assert (groups["rare_items"] ^ groups["frequent_items"]).all()
    assert groups["rare_items"].any() and groups["frequent_items"].any()


def test_group_metrics_weight_back_to_the_overall_metric() -> None:
    # leave-one-out: one test target per user, so each user is in exactly one group and the
    # overall mean is the group means weighted by their sizes
    split = leave_one_out(make_synthetic(n_users=300, n_items=200).interactions)
    protocol = Protocol(rare_items=10)
    model = Popularity(PopularityConfig(), split.n_users, split.n_items)
    model.fit(split.train)
    overall = evaluate(model.score, split, "test", protocol).metrics["ndcg@10"]
    by_group = evaluate_groups(model.score, split, "test", protocol)
    groups = target_groups(split, "test", protocol)
    n_rare, n_frequent = groups["rare_items"].sum(), groups["frequent_items"].sum()
    assert n_rare > 0 and n_frequent > 0
    mixed = (by_group["rare_items"].metrics["ndcg@10"] * n_rare
             + by_group["frequent_items"].metrics["ndcg@10"] * n_frequent)
    assert mixed / (n_rare + n_frequent) == pytest.approx(overall)
    # popularity ranks the long tail last
    assert by_group["rare_items"].metrics["ndcg@10"] < by_group["frequent_items"].metrics["ndcg@10"]


def test_a_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="rare_items must be >= 0"):
        Protocol(rare_items=-1)
