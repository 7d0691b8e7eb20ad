"""Filters on hand-made data with exact expected outputs."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from pretrec.data.filters import compact, deduplicate, k_core, rating_threshold
from pretrec.data.interactions import Dataset, Interactions, ItemSide
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError, DataError


def make(
    rows: list[tuple[str, str]],
    timestamps: list[float] | None = None,
    weights: list[float] | None = None,
    extra_items: tuple[str, ...] = (),
) -> Dataset:
    """A Dataset from raw (user, item) rows; `extra_items` are listed but never interacted with."""
    user_vocab, users = Vocab.encode([u for u, _ in rows])
    item_vocab, items = Vocab.encode([i for _, i in rows] + list(extra_items))
    inter = Interactions(
        users, items[: len(rows)], len(user_vocab), len(item_vocab), timestamps, weights
    )
    titles = np.asarray([f"title {raw}" for raw in item_vocab.raw_ids], dtype=object)
    side = ItemSide(text={"title": titles})
    features = {"age": np.asarray([f"age {raw}" for raw in user_vocab.raw_ids], dtype=object)}
    return Dataset(inter, user_vocab, item_vocab, "toy", item_side=side, user_features=features)


def rows_of(dataset: Dataset) -> list[tuple[str, str]]:
    inter = dataset.interactions
    users = dataset.user_vocab.raw(inter.users).tolist()
    return list(zip(users, dataset.item_vocab.raw(inter.items).tolist(), strict=True))


def test_deduplicate_first_and_last_follow_time_order() -> None:
    rows = [("a", "x"), ("a", "y"), ("a", "x"), ("b", "x")]
    dataset = make(rows, timestamps=[5, 6, 1, 2], weights=[1, 2, 3, 4])
    first = deduplicate(dataset, keep="first")  # the ("a", "x") at time 1 is the first
    assert rows_of(first) == [("a", "y"), ("a", "x"), ("b", "x")]
    np.testing.assert_allclose(first.interactions.weights, [2, 3, 4])
    last = deduplicate(dataset, keep="last")
    np.testing.assert_allclose(last.interactions.weights, [1, 2, 4])
    no_time = deduplicate(make(rows, weights=[1, 2, 3, 4]), keep="last")  # row order is time
    np.testing.assert_allclose(no_time.interactions.weights, [2, 3, 4])
    with pytest.raises(ConfigError):
        deduplicate(dataset, keep="middle")  # type: ignore[arg-type]


def test_k_core_needs_two_passes() -> None:
    # pass 1 drops user c (1 row); that leaves item z with 1 row (a's), dropped in pass 2
    rows = [
        ("a", "x"), ("a", "y"), ("a", "z"),
        ("b", "x"), ("b", "y"),
        ("d", "x"), ("d", "y"),
        ("c", "z"),
    ]  # fmt: skip
    core = k_core(make(rows), user_k=2, item_k=2)
    assert rows_of(core) == [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("d", "x"), ("d", "y")]
    assert core.user_vocab.to_json() == ["a", "b", "d"]
    assert core.item_vocab.to_json() == ["x", "y"]
    assert core.item_side.text["title"].tolist() == ["title x", "title y"]
    assert core.user_features["age"].tolist() == ["age a", "age b", "age d"]


def test_k_core_cascades_until_stable() -> None:
    # pass 1 drops user e and item w (1 row each), which leaves user f with 1 row: pass 2
    rows = [("e", "v"), ("f", "w"), ("f", "v"), ("g", "v"), ("g", "u"), ("h", "u"), ("h", "v")]
    core = k_core(make(rows), user_k=2, item_k=2)
    assert rows_of(core) == [("g", "v"), ("g", "u"), ("h", "u"), ("h", "v")]
    assert len(k_core(make(rows), user_k=3, item_k=1).interactions) == 0


def naive_k_core(rows: list[tuple[str, str]], user_k: int, item_k: int) -> list[tuple[str, str]]:
    """Reference: drop one offending row at a time until none is left."""
    rows = list(rows)
    while True:
        users = Counter(u for u, _ in rows)
        items = Counter(i for _, i in rows)
        bad = [r for r in rows if users[r[0]] < user_k or items[r[1]] < item_k]
        if not bad:
            return rows
        rows.remove(bad[0])


@pytest.mark.parametrize("seed", range(5))
def test_k_core_matches_a_python_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = [(f"u{u}", f"i{i}") for u, i in rng.integers(0, 12, (60, 2)).tolist()]
    assert rows_of(k_core(make(rows), 3, 4)) == naive_k_core(rows, 3, 4)


def test_rating_threshold_makes_data_implicit() -> None:
    dataset = make([("a", "x"), ("a", "y"), ("b", "x")], weights=[4, 2, 5])
    kept = rating_threshold(dataset, 4)
    assert rows_of(kept) == [("a", "x"), ("b", "x")]
    assert kept.interactions.weights is None
    assert kept.item_vocab.to_json() == ["x"]
    with pytest.raises(DataError, match="no ratings"):
        rating_threshold(make([("a", "x")]), 1)


def test_idle_items_survive_all_filters_but_k_core() -> None:
    dataset = make([("a", "x"), ("a", "x"), ("b", "y")], weights=[1, 1, 1], extra_items=("cold",))
    assert deduplicate(dataset).item_vocab.to_json() == ["x", "y", "cold"]
    assert rating_threshold(dataset, 1).item_side.text["title"][-1] == "title cold"
    assert k_core(dataset, 1, 1).item_vocab.to_json() == ["x", "y"]
    assert k_core(dataset, 1, 0).item_vocab.to_json() == ["x", "y", "cold"]


def test_compact_realigns_presplit_parts() -> None:
    dataset = make([("a", "x"), ("b", "y"), ("a", "y"), ("b", "z")])
    inter = dataset.interactions
    split = (inter.select(np.arange(0, 2)), inter.select(np.arange(2, 3)), inter.select([3]))
    dataset = Dataset(inter, dataset.user_vocab, dataset.item_vocab, presplit=split)
    kept = compact(dataset, np.array([True, False, True, True]))
    train, valid, test = kept.presplit
    assert [len(train), len(valid), len(test)] == [1, 1, 1]
    assert kept.item_vocab.to_json() == ["x", "y", "z"]
    assert (test.n_users, test.n_items) == (2, 3)
    assert kept.user_vocab.raw(test.users).tolist() == ["b"]
    dropped = compact(dataset, np.array([True, True, True, False]))
    assert dropped.item_vocab.to_json() == ["x", "y"]
    assert len(dropped.presplit[2]) == 0
    with pytest.raises(DataError, match="shape"):
        compact(dataset, np.ones(3, dtype=bool))
