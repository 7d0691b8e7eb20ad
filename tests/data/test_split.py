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
