"""Leakage-safe splits into typed `Split(train, valid, test)` parts.

All splits are deterministic given their seed. Every row of the input lands in exactly one part.
Leave-one-out works on time order: a user's last event is the test target, the one before it the
validation target, so nothing at or after a target's time is in the history that scores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from pretrec.data.interactions import Dataset, Interactions
from pretrec.errors import DataError
from pretrec.random import make_rng

SplitName = Literal["loo", "temporal", "ratio", "random", "presplit", "cold", "new_users",
                    "new_items"]


@dataclass(frozen=True, eq=False)
class Split:
    """Three disjoint parts over one user/item universe, and how they were made."""

    train: Interactions
    valid: Interactions
    test: Interactions
    protocol: str
    cold_items: np.ndarray | None = None
    """Cold-start splits only: items kept out of training (recommendable through side data)."""
    new_users: np.ndarray | None = None
    """Cold-start splits only: users whose training history was cut to a few events."""
    given: Interactions | None = None
    """Inductive splits only: events shown at evaluation (part of every ranking context) that
    no model trains on: the first events of users or items held out of training."""

    def context(self, part: str) -> Interactions:
        """What a ranking of `part` knows of each user: train (and valid, for test), plus the
        events shown at evaluation."""
        context = self.train if part == "valid" else self.train.concat(self.valid)
        return context if self.given is None else context.concat(self.given)

    @property
    def n_users(self) -> int:
        return self.train.n_users

    @property
    def n_items(self) -> int:
        return self.train.n_items

    def describe(self) -> dict[str, object]:
        described: dict[str, object] = {
            "split": self.protocol,
            "train": len(self.train),
            "valid": len(self.valid),
            "test": len(self.test),
        }
        if self.cold_items is not None:
            described["cold_items"] = len(self.cold_items)
        if self.new_users is not None:
            described["new_users"] = len(self.new_users)
        if self.given is not None:
            described["given"] = len(self.given)
        return described


def _parts(inter: Interactions, part_of_row: np.ndarray, protocol: str) -> Split:
    """Build a Split from a per-row part label (0 train, 1 valid, 2 test)."""
    return Split(
        train=inter.select(part_of_row == 0),
        valid=inter.select(part_of_row == 1),
        test=inter.select(part_of_row == 2),
        protocol=protocol,
    )


def position_from_end(inter: Interactions) -> np.ndarray:
    """For each row, how many of its user's events come after it in time (0 = the last)."""
    order = inter.chronological_order()
    users_sorted = inter.users[order]
    counts = np.bincount(users_sorted, minlength=inter.n_users)
    ends = np.cumsum(counts)  # one past each user's last sorted row
    from_end = ends[users_sorted] - 1 - np.arange(len(order))
    result = np.empty(len(order), dtype=np.int64)
    result[order] = from_end
    return result


def random_position(inter: Interactions, seed: int) -> np.ndarray:
    """For each row, a seeded random rank among its user's rows (0 .. count - 1, each once)."""
    key = make_rng(seed).random(len(inter))
    order = np.lexsort((key, inter.users))  # by user, then by the random key
    ends = np.cumsum(np.bincount(inter.users, minlength=inter.n_users))
    rank = np.empty(len(inter), dtype=np.int64)
    rank[order] = ends[inter.users[order]] - 1 - np.arange(len(order))
    return rank


def leave_one_out(inter: Interactions, min_train: int = 1, drop_last: int = 0) -> Split:
    """Last event of each user -> test, second last -> valid, the rest -> train.

    Users with fewer than ``min_train + 2`` events keep their events in train only (counted in
    the split description), so every evaluated user has at least `min_train` history items.
    `drop_last` > 0 first sets aside each user's last `drop_last` events (in no part): for files
    whose final event does not follow the one before it, e.g. the shared ml-1m.txt, rebuilt
    without each user's original second-to-last event (BENCHMARKS.md).
    """
    if drop_last < 0 or drop_last != int(drop_last):
        raise DataError(f"drop_last must be a whole number >= 0, got {drop_last}")
    drop_last = int(drop_last)
    from_end = position_from_end(inter) - drop_last
    counts = inter.user_counts()[inter.users] - drop_last
    eligible = counts >= min_train + 2
    part = np.zeros(len(inter), dtype=np.int8)
    part[eligible & (from_end == 0)] = 2
    part[eligible & (from_end == 1)] = 1
    part[from_end < 0] = -1  # set aside: in no part
    protocol = "leave-one-out (by time)" + (
        f", last {drop_last} per user set aside" if drop_last else ""
    )
    return _parts(inter, part, protocol)


def temporal(inter: Interactions, valid_fraction: float = 0.1, test_fraction: float = 0.1) -> Split:
    """Global time cut: the latest `test_fraction` of events -> test, the next latest -> valid."""
    _check_fractions(valid_fraction, test_fraction)
    if inter.timestamps is None:
        raise DataError("a temporal split needs timestamps; this data has none (use --split loo)")
    order = np.lexsort((np.arange(len(inter)), inter.timestamps))
    n = len(inter)
    n_test, n_valid = int(round(n * test_fraction)), int(round(n * valid_fraction))
    part = np.zeros(n, dtype=np.int8)
    part[order[n - n_test :]] = 2
    part[order[n - n_test - n_valid : n - n_test]] = 1
    return _parts(inter, part, f"temporal (valid {valid_fraction}, test {test_fraction})")


def user_ratio(
    inter: Interactions,
    valid_fraction: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
    by_time: bool = True,
) -> Split:
    """Per user: the last (or, with ``by_time=False``, a random) share of events -> valid/test.

    Each user with n events gives floor(n * test_fraction) to test and floor(n * valid_fraction)
    to valid, so every user keeps at least one training event when fractions sum below 1.
    """
    _check_fractions(valid_fraction, test_fraction)
    from_end = position_from_end(inter) if by_time else random_position(inter, seed)
    counts = inter.user_counts()[inter.users]
    n_test = np.floor(counts * test_fraction).astype(np.int64)
    n_valid = np.floor(counts * valid_fraction).astype(np.int64)
    part = np.zeros(len(inter), dtype=np.int8)
    part[from_end < n_test] = 2
    part[(from_end >= n_test) & (from_end < n_test + n_valid)] = 1
    kind = "last" if by_time else "random"
    return _parts(inter, part,
                  f"per-user ratio ({kind}, valid {valid_fraction}, test {test_fraction})")


def random_ratio(
    inter: Interactions, valid_fraction: float = 0.1, test_fraction: float = 0.2, seed: int = 0
) -> Split:
    """Each event independently: a seeded random `test_fraction` -> test, `valid_fraction` ->
    valid."""
    _check_fractions(valid_fraction, test_fraction)
    permutation = make_rng(seed).permutation(len(inter))
    n = len(inter)
    n_test, n_valid = int(round(n * test_fraction)), int(round(n * valid_fraction))
    part = np.zeros(n, dtype=np.int8)
    part[permutation[:n_test]] = 2
    part[permutation[n_test : n_test + n_valid]] = 1
    return _parts(inter, part,
                  f"random ratio (valid {valid_fraction}, test {test_fraction}, seed {seed})")


def presplit(dataset: Dataset, valid_fraction: float = 0.0, seed: int = 0) -> Split:
    """The parts the source files came in; with `valid_fraction` > 0, a validation part carved
    from train.

    Carving moves a seeded random floor(n * valid_fraction) of each user's n train events to
    valid (as `user_ratio` counts), so every user keeps at least one train event; the moved rows
    keep their file order. For files without a validation part (the LightGCN Gowalla split),
    so that model selection never looks at test. DataError when the files already have one.
    """
    if dataset.presplit is None:
        raise DataError(f"dataset '{dataset.name}' was not loaded from pre-split files")
    if not 0 <= valid_fraction < 1:
        raise DataError(f"valid_fraction must be in [0, 1), got {valid_fraction}")
    train, valid, test = dataset.presplit
    if valid_fraction == 0:
        return Split(train, valid, test, "pre-split files")
    if len(valid):
        raise DataError(f"dataset '{dataset.name}' already has a validation part "
                        f"({len(valid)} events); carve one only from files without it "
                        f"(valid_fraction=0 keeps it)")
    n_valid = np.floor(train.user_counts()[train.users] * valid_fraction).astype(np.int64)
    to_valid = random_position(train, seed) < n_valid
    return Split(train.select(~to_valid), train.select(to_valid), test,
                 f"pre-split files, validation carved from train (random {valid_fraction:g} "
                 f"of each user's train events; seed {seed})")


def _check_fractions(valid_fraction: float, test_fraction: float) -> None:
    if not (0 <= valid_fraction < 1 and 0 < test_fraction < 1
            and valid_fraction + test_fraction < 1):
        raise DataError(
            f"split fractions must satisfy 0 <= valid, 0 < test, valid + test < 1; "
            f"got valid={valid_fraction}, test={test_fraction}"
        )
