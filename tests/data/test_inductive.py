"""Inductive splits: held-out users or items leave training entirely and are shown at evaluation
through their first events only."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.inductive import new_item_split, new_user_split
from pretrec.data.interactions import Interactions
from pretrec.data.split_by_name import make_split
from pretrec.errors import DataError
from pretrec.eval.evaluate import Evaluator


@pytest.fixture
def inter() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(200), rng.integers(3, 15, size=200))
    items = rng.integers(0, 80, size=len(users))
    timestamps = rng.random(len(users)) * 1000
    return Interactions(users=users, items=items, n_users=200, n_items=80, timestamps=timestamps)


def pairs(part: Interactions) -> set[tuple[int, int, float]]:
    return set(zip(part.users.tolist(), part.items.tolist(), part.timestamps.tolist(),
                   strict=True))


def test_new_users_leave_training_and_show_their_first_events(inter) -> None:
    split = new_user_split(inter, fraction=0.1, given=3, seed=1)
    held_out = set(split.new_users.tolist())
    assert len(held_out) == 40
    assert not held_out & set(split.train.users.tolist())
    assert set(split.given.users.tolist()) == held_out
    for user in list(held_out)[:10]:
        shown = np.sort(split.given.timestamps[split.given.users == user])
        rest = np.concatenate([split.valid.timestamps[split.valid.users == user],
                               split.test.timestamps[split.test.users == user]])
        assert len(shown) == 3 and shown.max() < rest.min()
    # the parts partition the data
    parts = [split.train, split.valid, split.test, split.given]
    assert sum(len(p) for p in parts) == len(inter)
    assert set().union(*map(pairs, parts)) == pairs(inter)
    assert not set(split.valid.users.tolist()) & set(split.test.users.tolist())


def test_the_same_seed_holds_out_the_same_users_for_every_given(inter) -> None:
    one, five = new_user_split(inter, given=1, seed=2), new_user_split(inter, given=5, seed=2)
    np.testing.assert_array_equal(one.new_users, five.new_users)
    assert len(one.given) < len(five.given)
    assert not np.array_equal(one.new_users, new_user_split(inter, given=1, seed=3).new_users)


def test_every_held_out_user_has_more_events_than_the_most_shown(inter) -> None:
    split = new_user_split(inter, fraction=0.1, given=1, max_given=5, seed=0)
    counts = inter.user_counts()
    assert (counts[split.new_users] > 5).all()


def test_new_items_leave_training_and_are_shown_through_their_first_users(inter) -> None:
    split = new_item_split(inter, fraction=0.1, given=2, seed=0)
    held_out = set(split.cold_items.tolist())
    assert len(held_out) == 16
    assert not held_out & set(split.train.items.tolist())
    assert np.bincount(split.given.items, minlength=80)[split.cold_items].tolist() == [2] * 16
    assert set(split.valid.items.tolist()) | set(split.test.items.tolist()) <= held_out


def test_evaluation_contexts_include_what_is_shown_but_training_does_not(inter) -> None:
    split = new_user_split(inter, fraction=0.1, given=3, seed=0)
    evaluator = Evaluator(split, "test")
    user = int(split.test.users[0])
    shown = set(split.given.items[split.given.users == user].tolist())
    assert set(evaluator.context.csr(np.array([user])).indices.tolist()) == shown
    assert evaluator.counts["users_without_history"] == 0


def test_the_splits_are_reachable_by_name_and_check_their_options(inter) -> None:
    from pretrec.data.interactions import Dataset

    dataset = Dataset.from_interactions(inter)
    split = make_split(dataset, "new_users", seed=0, given="1")
    assert "shown its first 1 events" in split.protocol and split.describe()["given"] == 40
    with pytest.raises(DataError, match="given must lie in 1..max_given"):
        make_split(dataset, "new_items", given=6)
    with pytest.raises(DataError, match="fraction must lie in"):
        new_user_split(inter, fraction=0.6)
    with pytest.raises(DataError, match="too few to hold out"):
        new_user_split(inter, fraction=0.45, max_given=12)


def test_a_seed_split_option_overrides_the_runs_seed(inter) -> None:
    from pretrec.data.interactions import Dataset

    dataset = Dataset.from_interactions(inter)
    by_option = make_split(dataset, "new_users", seed="3")  # as --split-option seed=3 gives it
    np.testing.assert_array_equal(by_option.new_users,
                                  make_split(dataset, "new_users", 3).new_users)
    assert not np.array_equal(by_option.new_users, make_split(dataset, "new_users", 0).new_users)
