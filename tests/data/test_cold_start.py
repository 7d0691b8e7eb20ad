"""The cold-start split never leaks a cold item into training; groups evaluate their targets."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.cold_start import cold_start_split
from pretrec.data.split import leave_one_out
from pretrec.data.split_by_name import make_split
from pretrec.data.synthetic import make_synthetic
from pretrec.errors import DataError
from pretrec.eval.evaluate import evaluate
from pretrec.eval.groups import evaluate_groups, target_groups
from pretrec.models.popularity import Popularity, PopularityConfig


@pytest.fixture(scope="module")
def data():
    return make_synthetic()


def test_cold_items_never_reach_training(data) -> None:
    inter = data.interactions
    split = cold_start_split(inter, cold_item_fraction=0.25, seed=3)
    base = leave_one_out(inter)
    interacted = np.flatnonzero(inter.item_counts() > 0)
    assert len(split.cold_items) == round(len(interacted) * 0.25)
    assert not np.isin(split.train.items, split.cold_items).any()
    # valid and test are plain leave-one-out's, cold targets included
    for ours, theirs in ((split.valid, base.valid), (split.test, base.test)):
        assert ours.fingerprint() == theirs.fingerprint()
    assert np.isin(split.test.items, split.cold_items).any()
    # training is leave-one-out's minus exactly the cold items' events
    kept = ~np.isin(base.train.items, split.cold_items)
    assert split.train.fingerprint() == base.train.select(kept).fingerprint()


def test_new_users_keep_one_to_three_latest_events(data) -> None:
    inter = data.interactions
    split = cold_start_split(inter, cold_item_fraction=0.1, new_user_fraction=0.2,
                             new_user_history=3, seed=0)
    base = leave_one_out(inter)
    cold_free = base.train.select(~np.isin(base.train.items, split.cold_items))
    counts = split.train.user_counts()[split.new_users]
    assert counts.max() <= 3 and len(np.unique(counts)) > 1
    # what a new user keeps is the tail of their history: nothing newer was dropped
    for user in split.new_users[:10]:
        kept = split.train.time_key()[split.train.users == user]
        before = cold_free.time_key()[cold_free.users == user]
        assert sorted(kept) == sorted(before)[len(before) - len(kept):]
    others = ~np.isin(cold_free.users, split.new_users)
    assert (split.train.user_counts() == cold_free.select(others).user_counts() + np.bincount(
        split.new_users, weights=counts, minlength=inter.n_users).astype(int)).all()


def test_same_seed_same_split_and_bad_options(data) -> None:
    one = make_split(data, "cold", seed=1, cold_item_fraction="0.3")
    two = make_split(data, "cold", seed=1, cold_item_fraction=0.3)
    other = make_split(data, "cold", seed=2, cold_item_fraction=0.3)
    assert np.array_equal(one.cold_items, two.cold_items)
    assert not np.array_equal(one.cold_items, other.cold_items)
    with pytest.raises(DataError, match="cold_item_fraction must be in"):
        make_split(data, "cold", cold_item_fraction=1.5)
    with pytest.raises(DataError, match="takes no option"):
        make_split(data, "loo", cold_item_fraction=0.1)
    with pytest.raises(DataError, match="must be a number"):
        make_split(data, "cold", cold_item_fraction="lots")


def test_groups_partition_the_targets_and_match_plain_metrics(data) -> None:
    split = cold_start_split(data.interactions, cold_item_fraction=0.2, new_user_fraction=0.2,
                             seed=0)
    groups = target_groups(split, "test")
    assert (groups["warm_items"] ^ groups["cold_items"]).all()
    assert (groups["new_users"] ^ groups["known_users"]).all()
    model = Popularity(PopularityConfig(), split.n_users, split.n_items)
    model.fit(split.train)
    overall = evaluate(model.score, split, "test")
    by_group = evaluate_groups(model.score, split, "test")
    assert by_group["cold_items"].metrics["hr@20"] == 0.0  # popularity never scores an unseen item
    # the overall mean is the target-weighted mean of the warm and cold groups
    n_warm, n_cold = groups["warm_items"].sum(), groups["cold_items"].sum()
    mixed = (by_group["warm_items"].metrics["ndcg@10"] * n_warm
             + by_group["cold_items"].metrics["ndcg@10"] * n_cold)
    assert mixed / (n_warm + n_cold) == pytest.approx(overall.metrics["ndcg@10"])


def test_a_run_reports_groups_on_validation_and_on_test(data) -> None:
    from pretrec.experiment import run

    split = cold_start_split(data.interactions, cold_item_fraction=0.2, seed=0)
    report = run("pop", data, split=split, progress=False)
    assert set(report.valid_groups) == set(report.groups) == {"warm_items", "cold_items"}
    assert report.valid_groups["cold_items"]["hr@20"] == 0.0
    n_valid = len(split.valid)
    n_cold = np.isin(split.valid.items, split.cold_items).sum()
    mixed = (report.valid_groups["warm_items"]["ndcg@10"] * (n_valid - n_cold)
             + report.valid_groups["cold_items"]["ndcg@10"] * n_cold) / n_valid
    assert mixed == pytest.approx(report.valid_metrics["ndcg@10"])
