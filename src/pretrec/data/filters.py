"""Dataset filters: deduplicate, k-core, rating threshold. Each takes and returns a Dataset.

All of them go through `compact`, which drops rows, then the users and items left without rows,
and renumbers what remains (vocabularies, item side data, user features, pre-split parts and
the knowledge graph re-aligned). Users and items that had no rows to begin with (e.g. cold-start
items listed only in an item file) are kept by every filter except `k_core`, whose thresholds
they fail.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd

from pretrec.data.interactions import Dataset, Interactions, ItemSide
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError, DataError


def _renumber(keep: np.ndarray) -> np.ndarray:
    """Old index -> new index (-1 where dropped), order preserved."""
    mapping = np.full(len(keep), -1, dtype=np.int64)
    mapping[keep] = np.arange(int(keep.sum()))
    return mapping


def _remap(
    part: Interactions, rows: np.ndarray, users: np.ndarray, items: np.ndarray
) -> Interactions:
    """`part.select(rows)` moved into the renumbered universe given by the two mappings."""
    kept = part.select(rows)
    return dataclasses.replace(
        kept,
        users=users[kept.users],
        items=items[kept.items],
        n_users=int((users >= 0).sum()),
        n_items=int((items >= 0).sum()),
    )


def _idle_or_used(indices: np.ndarray, keep_rows: np.ndarray, size: int) -> np.ndarray:
    """Entities with a kept row, or with no row at all before filtering."""
    before = np.bincount(indices, minlength=size)
    after = np.bincount(indices[keep_rows], minlength=size)
    return (after > 0) | (before == 0)


def compact(
    dataset: Dataset,
    keep_rows: np.ndarray,
    keep_users: np.ndarray | None = None,
    keep_items: np.ndarray | None = None,
) -> Dataset:
    """Keep the rows where `keep_rows` is True and renumber users and items densely.

    Args:
        dataset: the input; never modified.
        keep_rows: bool (n_interactions,) rows to keep.
        keep_users / keep_items: bool (n_users,) / (n_items,) entities to keep; by default those
            with a kept row plus those that had no row at all. Rows of dropped entities go too.

    Pre-split parts are taken to be the interactions' rows in order (train, valid, test), as
    `load_dataset` builds them. A knowledge graph keeps every triple: the kept items stay its
    first entities and dropped items become plain entities (`KnowledgeGraph.keep_items`).
    """
    inter = dataset.interactions
    keep_rows = np.asarray(keep_rows, dtype=bool)
    if keep_rows.shape != (len(inter),):
        raise DataError(f"row mask has shape {keep_rows.shape}, expected ({len(inter)},)")
    if keep_users is None:
        keep_users = _idle_or_used(inter.users, keep_rows, inter.n_users)
    if keep_items is None:
        keep_items = _idle_or_used(inter.items, keep_rows, inter.n_items)
    keep_rows = keep_rows & keep_users[inter.users] & keep_items[inter.items]
    users, items = _renumber(keep_users), _renumber(keep_items)

    presplit = None
    if dataset.presplit is not None:
        sizes = [len(part) for part in dataset.presplit]
        if sum(sizes) != len(inter):
            raise DataError("presplit parts do not add up to the interactions; cannot filter")
        masks = np.split(keep_rows, np.cumsum(sizes)[:-1])
        presplit = tuple(
            _remap(p, m, users, items) for p, m in zip(dataset.presplit, masks, strict=True)
        )

    item_side = dataset.item_side
    if item_side is not None:
        kept = np.flatnonzero(keep_items)
        attributes = (
            None if item_side.attributes is None else [item_side.attributes[i] for i in kept]
        )
        item_side = ItemSide({k: v[keep_items] for k, v in item_side.text.items()}, attributes)
    user_features = dataset.user_features
    if user_features is not None:
        user_features = {k: v[keep_users] for k, v in user_features.items()}
    graph = dataset.knowledge_graph
    return Dataset(
        interactions=_remap(inter, keep_rows, users, items),
        user_vocab=Vocab(dataset.user_vocab.raw_ids[keep_users]),
        item_vocab=Vocab(dataset.item_vocab.raw_ids[keep_items]),
        name=dataset.name,
        item_side=item_side,
        user_features=user_features,
        presplit=presplit,
        knowledge_graph=None if graph is None else graph.keep_items(keep_items),
    )


def deduplicate(dataset: Dataset, keep: Literal["first", "last"] = "first") -> Dataset:
    """Drop repeated (user, item) pairs, keeping the earliest (`first`) or latest (`last`) in time
    order (timestamps when known, else row order); kept rows stay in their original order."""
    if keep not in ("first", "last"):
        raise ConfigError(f"keep must be 'first' or 'last', got {keep!r}")
    inter = dataset.interactions
    order = inter.chronological_order()
    pair = inter.users[order] * inter.n_items + inter.items[order]  # one int64 key per pair
    repeated = pd.Series(pair).duplicated(keep=keep).to_numpy()
    keep_rows = np.ones(len(inter), dtype=bool)
    keep_rows[order[repeated]] = False
    return compact(dataset, keep_rows)


def k_core(dataset: Dataset, user_k: int = 5, item_k: int = 5) -> Dataset:
    """The largest subset where every user has >= `user_k` rows and every item >= `item_k`.

    Rows are counted as they are (deduplicate first to count distinct items). Removing a sparse
    user can push an item under its threshold and back, so this repeats until nothing changes.
    """
    if user_k < 0 or item_k < 0:
        raise ConfigError(f"k must be >= 0, got user_k={user_k}, item_k={item_k}")
    inter = dataset.interactions
    keep_rows = np.ones(len(inter), dtype=bool)
    while True:  # each pass only removes rows, so at most n passes; usually a handful
        user_counts = np.bincount(inter.users[keep_rows], minlength=inter.n_users)
        item_counts = np.bincount(inter.items[keep_rows], minlength=inter.n_items)
        dense = (user_counts[inter.users] >= user_k) & (item_counts[inter.items] >= item_k)
        if not (keep_rows & ~dense).any():
            break
        keep_rows &= dense
    # k = 0 sets no threshold, so idle users/items then stay, as in the other filters
    keep_users = user_counts >= user_k if user_k > 0 else None
    keep_items = item_counts >= item_k if item_k > 0 else None
    return compact(dataset, keep_rows, keep_users, keep_items)


def rating_threshold(dataset: Dataset, min_rating: float) -> Dataset:
    """Rows rated >= `min_rating`, made implicit (weights dropped); DataError without ratings."""
    weights = dataset.interactions.weights
    if weights is None:
        raise DataError(f"dataset {dataset.name!r} has no ratings to threshold")
    filtered = compact(dataset, weights >= min_rating)

    def implicit(part: Interactions) -> Interactions:
        return dataclasses.replace(part, weights=None)

    presplit = None if filtered.presplit is None else tuple(implicit(p) for p in filtered.presplit)
    return dataclasses.replace(
        filtered, interactions=implicit(filtered.interactions), presplit=presplit
    )


def apply_filters(
    dataset: Dataset, min_rating: float | None = None, dedup: bool = False, core: int = 0
) -> Dataset:
    """The usual cleaning order: rating threshold -> deduplicate -> k-core (users and items)."""
    if min_rating is not None:
        dataset = rating_threshold(dataset, min_rating)
    if dedup:
        dataset = deduplicate(dataset)
    if core > 0:
        dataset = k_core(dataset, core, core)
    return dataset
