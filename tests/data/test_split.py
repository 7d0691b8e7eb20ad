"""Splits: parts disjoint, union = input, determinism, and no leakage for leave-one-out."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.interactions import Interactions
from pretrec.data.split import leave_one_out, random_ratio, temporal, user_ratio
from pretrec.data.split_by_name import make_split
from pretrec.errors import DataError


def random_interactions(seed: int = 0, n: int = 600, with_time: bool = True) -> Interactions:
    rng = np.random.default_rng(seed)
    users = rng.integers(0, 40, n)
    items = rng.integers(0, 30, n)
    times = rng.permutation(n).astype(float) if with_time else None
    return Interactions(users, items, 40, 30, timestamps=times)


def row_ids(part: Interactions, full: Interactions) -> np.ndarray:
    """Identify rows by (user, item, time): unique here because times are a permutation."""
    lookup = {t: i for i, t in enumerate(full.timestamps)}
    return np.array([lookup[t] for t in part.timestamps], dtype=np.int64)


SPLITTERS = {
    "loo": leave_one_out,
    "temporal": temporal,
    "ratio": user_ratio,
    "random": random_ratio,
}


@pytest.mark.parametrize("name", list(SPLITTERS))
def test_parts_are_disjoint_and_cover_the_input(name: str) -> None:
    full = random_interactions()
    split = SPLITTERS[name](full)
    ids = [row_ids(p, full) for p in (split.train, split.valid, split.test)]
    joined = np.concatenate(ids)
    assert len(joined) == len(full)
    assert len(np.unique(joined)) == len(full)
    assert all(len(i) > 0 for i in ids)


@pytest.mark.parametrize("name", ["ratio", "random"])
def test_seeded_splits_are_deterministic(name: str) -> None:
    full = random_interactions()
    kwargs = {"by_time": False} if name == "ratio" else {}
    a = SPLITTERS[name](full, seed=3, **kwargs)
    b = SPLITTERS[name](full, seed=3, **kwargs)
    c = SPLITTERS[name](full, seed=4, **kwargs)
    assert np.array_equal(a.test.timestamps, b.test.timestamps)
    assert not np.array_equal(np.sort(a.test.timestamps), np.sort(c.test.timestamps))


def test_leave_one_out_has_no_leakage() -> None:
    full = random_interactions(seed=1)
    split = leave_one_out(full)
    for user in np.unique(split.test.users):
        test_time = split.test.timestamps[split.test.users == user]
        valid_time = split.valid.timestamps[split.valid.users == user]
        train_time = split.train.timestamps[split.train.users == user]
        assert len(test_time) == 1 and len(valid_time) == 1
        # nothing at or after the target's time is in the history used to score it
        assert train_time.max() < valid_time[0] < test_time[0]
    # every user has at most one valid and one test target
    assert np.bincount(split.test.users).max() == 1


def test_leave_one_out_without_timestamps_uses_row_order() -> None:
    inter = Interactions(np.array([0, 0, 0, 1, 1, 1, 1]), np.array([5, 6, 7, 1, 2, 3, 4]), 2, 8)
    split = leave_one_out(inter)
    assert split.test.items.tolist() == [7, 4]
    assert split.valid.items.tolist() == [6, 3]
    assert sorted(split.train.items.tolist()) == [1, 2, 5]


def test_leave_one_out_keeps_short_users_in_train() -> None:
    inter = Interactions(np.array([0, 0, 1, 1, 1]), np.array([1, 2, 3, 4, 5]), 2, 6)
    split = leave_one_out(inter)
    assert split.test.users.tolist() == [1]
    assert sorted(split.train.items.tolist()) == [1, 2, 3]


def test_leave_one_out_drop_last_sets_the_final_events_aside(dataset_from_sequences) -> None:
    # user 0: 8 set aside, 7 test, 6 valid; user 1 (3 events, 2 after the drop) stays in train
    dataset = dataset_from_sequences([[5, 6, 7, 8], [1, 2, 3]])
    split = make_split(dataset, "loo", drop_last="1")  # options come as text from the command line
    raw = dataset.item_vocab.raw
    assert raw(split.test.items).tolist() == ["i7"]
    assert raw(split.valid.items).tolist() == ["i6"]
    assert sorted(raw(split.train.items).tolist()) == ["i1", "i2", "i5"]
    assert "set aside" in split.protocol


def test_leave_one_out_drop_last_must_be_a_whole_number() -> None:
    inter = Interactions(np.array([0, 0, 0]), np.array([1, 2, 3]), 1, 4)
    with pytest.raises(DataError, match="drop_last"):
        leave_one_out(inter, drop_last=-1)


def test_temporal_split_cuts_globally_in_time() -> None:
    full = random_interactions(seed=2)
    split = temporal(full, valid_fraction=0.1, test_fraction=0.2)
    assert split.train.timestamps.max() < split.valid.timestamps.min()
    assert split.valid.timestamps.max() < split.test.timestamps.min()
    assert len(split.test) == 120 and len(split.valid) == 60


def test_temporal_without_timestamps_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="needs timestamps"):
        temporal(random_interactions(with_time=False))


def test_user_ratio_takes_the_latest_share_of_each_user() -> None:
    full = random_interactions(seed=5)
    split = user_ratio(full, valid_fraction=0.1, test_fraction=0.2)
    for user in np.unique(split.test.users):
        train_time = split.train.timestamps[split.train.users == user]
        assert train_time.max() < split.test.timestamps[split.test.users == user].min()


def test_bad_fractions_and_unknown_split_name(dataset_from_sequences) -> None:
    with pytest.raises(DataError, match="fractions"):
        random_ratio(random_interactions(), valid_fraction=0.5, test_fraction=0.6)
    with pytest.raises(DataError, match="unknown split"):
        make_split(dataset_from_sequences([[1, 2, 3]]), "kfold")


def test_leave_one_out_breaks_equal_timestamps_by_row_order() -> None:
    """Among a user's events with equal times, the later row counts as later: user 0's three
    events share one time, so the last row is the test target and the one before it the
    validation target. User 1's rows (interleaved with user 0's) have times 2, 1, 2, 1: time
    order is items 2, 4 (time 1, by row) then 1, 3 (time 2, by row)."""
    users = np.array([0, 1, 0, 1, 0, 1, 1])
    items = np.array([5, 1, 6, 2, 7, 3, 4])
    times = np.array([10.0, 2.0, 10.0, 1.0, 10.0, 2.0, 1.0])
    inter = Interactions(users, items, 2, 8, timestamps=times)
    split = leave_one_out(inter)
    assert split.test.items.tolist() == [7, 3]  # rows keep their input order within a part
    assert split.valid.items.tolist() == [1, 6]
    assert split.train.items.tolist() == [5, 2, 4]
    again = leave_one_out(inter)
    for mine, other in zip((split.train, split.valid, split.test),
                           (again.train, again.valid, again.test), strict=True):
        assert np.array_equal(mine.items, other.items)
    # with ties, a history event may share the target's time (user 0: all at time 10)
    assert split.train.timestamps[split.train.users == 0].tolist() == [10.0]


def test_leave_one_out_with_equal_timestamps_follows_row_order_when_rows_are_reordered() -> None:
    """The same tied events listed in the opposite row order give the opposite targets."""
    inter = Interactions(np.array([0, 0, 0]), np.array([7, 6, 5]), 1, 8,
                         timestamps=np.array([3.0, 3.0, 3.0]))
    split = leave_one_out(inter)
    assert (split.test.items.tolist(), split.valid.items.tolist()) == ([5], [6])
    assert split.train.items.tolist() == [7]


def test_temporal_split_breaks_ties_at_the_cut_by_row_order() -> None:
    """Ten events (item = row number), five of them at the latest time 5 (rows 0, 2, 4, 7, 9).
    Sorted by (time, row), the last 2 go to test and the 2 before to valid: the tied rows are
    spread over all three parts in row order, so the cut is not strict in time."""
    times = np.array([5.0, 1.0, 5.0, 2.0, 5.0, 3.0, 4.0, 5.0, 0.0, 5.0])
    users = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    inter = Interactions(users, np.arange(10), 3, 10, timestamps=times)
    split = temporal(inter, valid_fraction=0.2, test_fraction=0.2)
    assert split.test.items.tolist() == [7, 9]
    assert split.valid.items.tolist() == [2, 4]
    assert split.train.items.tolist() == [0, 1, 3, 5, 6, 8]
    assert split.train.timestamps.max() == split.valid.timestamps.min() == 5.0
    assert split.valid.timestamps.max() == split.test.timestamps.min() == 5.0
    again = temporal(inter, valid_fraction=0.2, test_fraction=0.2)
    assert again.test.items.tolist() == [7, 9] and again.valid.items.tolist() == [2, 4]
