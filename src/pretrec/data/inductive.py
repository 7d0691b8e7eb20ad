"""Inductive splits: users or items that are not in the training graph at all, shown to the model
at evaluation through their first few interactions only (`Split.given`).

- `new_user_split`: a seeded `fraction` of the users becomes validation users and another
  `fraction` test users; all their events leave training. Each keeps its first `given` events
  (by time) as what the model is shown; the rest are its targets.
- `new_item_split`: the same for items: a seeded share of the items leaves training, each shown
  through the first `given` users who interacted with it (by time); its later events are the
  targets of their users.

Only users (items) with at least `max_given + 1` events are drawn, so the splits for given = 1,
3 and 5 with one seed hold out the same users (items) and differ only in what is shown. The
remaining users (items) train the model; a model that cannot score a node absent from training
(LightGCN, BPR-MF) is reported as such, not scored (`Recommender.scores_user_ids`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from pretrec.data.interactions import Interactions
from pretrec.data.split import Split
from pretrec.errors import DataError
from pretrec.random import make_rng


def _check(fraction: float, given: int, max_given: int) -> None:
    if not 0 < fraction < 0.5:
        raise DataError(f"fraction must lie in (0, 0.5) (valid and test each take it), "
                        f"got {fraction}")
    if not 1 <= given <= max_given:
        raise DataError(f"given must lie in 1..max_given ({max_given}), got {given}")


def _rank_within(keys: np.ndarray, inter: Interactions) -> np.ndarray:
    """For each row, its rank by time among the rows sharing its key (0 = the first)."""
    order = np.lexsort((np.arange(len(inter)), inter.time_key(), keys))
    starts = np.concatenate([[0], np.cumsum(np.bincount(keys[order]))])
    rank = np.empty(len(inter), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[keys[order]]
    return rank


def _held_out(counts: np.ndarray, fraction: float, max_given: int,
              seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (validation, test) node ids among nodes with more than `max_given` events."""
    eligible = np.flatnonzero(counts > max_given)
    n_each = int(round(fraction * len(counts)))
    if n_each == 0 or 2 * n_each > len(eligible):
        raise DataError(f"{len(eligible)} of {len(counts)} have more than {max_given} events; "
                        f"too few to hold out {n_each} for validation and {n_each} for test")
    drawn = make_rng(seed).permutation(eligible)
    return np.sort(drawn[:n_each]), np.sort(drawn[n_each:2 * n_each])


def _split(inter: Interactions, keys: np.ndarray, valid_nodes: np.ndarray, test_nodes: np.ndarray,
           n_nodes: int, given: int, protocol: str) -> tuple[Split, np.ndarray]:
    role = np.zeros(n_nodes, dtype=np.int8)  # 0 train, 1 valid, 2 test
    role[valid_nodes], role[test_nodes] = 1, 2
    row_role = role[keys]
    shown = (row_role > 0) & (_rank_within(keys, inter) < given)
    split = Split(train=inter.select(row_role == 0), valid=inter.select((row_role == 1) & ~shown),
                  test=inter.select((row_role == 2) & ~shown), protocol=protocol,
                  given=inter.select(shown))
    return split, np.concatenate([valid_nodes, test_nodes])


def new_user_split(inter: Interactions, fraction: float = 0.1, given: int = 3,
                   max_given: int = 5, seed: int = 0) -> Split:
    """Validation and test users absent from training, each shown its first `given` events."""
    _check(fraction, given, max_given)
    valid_users, test_users = _held_out(inter.user_counts(), fraction, max_given, seed)
    protocol = (f"new users ({fraction:g} for validation, {fraction:g} for test, out of "
                f"training; each shown its first {given} events; seed {seed})")
    split, new_users = _split(inter, inter.users, valid_users, test_users, inter.n_users, given,
                              protocol)
    return dataclasses.replace(split, new_users=new_users)


def new_item_split(inter: Interactions, fraction: float = 0.1, given: int = 3,
                   max_given: int = 5, seed: int = 0) -> Split:
    """Validation and test items absent from training, each shown through its first `given`
    events; their later events are the targets."""
    _check(fraction, given, max_given)
    valid_items, test_items = _held_out(inter.item_counts(), fraction, max_given, seed)
    protocol = (f"new items ({fraction:g} for validation, {fraction:g} for test, out of "
                f"training; each shown through its first {given} events; seed {seed})")
    split, new_items = _split(inter, inter.items, valid_items, test_items, inter.n_items, given,
                              protocol)
    return dataclasses.replace(split, cold_items=np.sort(new_items))
