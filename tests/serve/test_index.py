"""The FAISS item index: the exact kind returns numpy's top k, exclusions are honoured with k
items still returned, the approximate kinds find most of the exact top k, and new items are
searchable at once."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.errors import ConfigError
from pretrec.serve.index import IndexOptions, ItemIndex


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(3000, 16)).astype(np.float32)


def brute_force(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]


def test_the_exact_index_is_numpys_top_k(vectors) -> None:
    queries = np.random.default_rng(1).normal(size=(20, 16)).astype(np.float32)
    scores, items = ItemIndex.build(vectors).search(queries, k=10)
    np.testing.assert_array_equal(items, brute_force(vectors, queries, 10))
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ vectors.T, items, 1),
                               rtol=1e-5)


def test_excluded_items_never_come_back_and_k_items_still_do(vectors) -> None:
    queries = vectors[:2]
    index = ItemIndex.build(vectors)
    banned = [list(brute_force(vectors, queries, 5)[0]), []]
    _, items = index.search(queries, k=10, exclude=banned)
    assert items.shape == (2, 10) and (items >= 0).all()
    assert not set(items[0]) & set(banned[0])
    np.testing.assert_array_equal(items[0], brute_force(vectors, queries[:1], 15)[0][5:])
    np.testing.assert_array_equal(items[1], brute_force(vectors, queries[1:], 10)[0])


@pytest.mark.parametrize("kind,floor", [("hnsw", 0.9), ("ivfpq", 0.3)])
def test_approximate_kinds_find_most_of_the_exact_top_k(vectors, kind, floor) -> None:
    queries = np.random.default_rng(2).normal(size=(50, 16)).astype(np.float32)
    exact = brute_force(vectors, queries, 10)
    _, items = ItemIndex.build(vectors, kind, IndexOptions(ivf_probes=8)).search(queries, k=10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(items, exact, strict=True)])
    assert recall >= floor  # recall@10 against exact search; bench/ measures it at scale


def test_a_new_item_is_searchable_at_once(vectors) -> None:
    index = ItemIndex.build(vectors[:100])
    new = vectors[100:101] * 10  # far out: the top of its own query
    (position,) = index.add(new)
    assert position == 100 and len(index) == 101
    assert index.search(new, k=1)[1][0, 0] == 100


def test_a_tiny_catalogue_pads_and_bad_inputs_are_clear_errors(vectors) -> None:
    index = ItemIndex.build(vectors[:3])
    scores, items = index.search(vectors[:1], k=5, exclude=[[0]])
    assert list(items[0][2:]) == [-1, -1, -1] and np.isinf(scores[0][2:]).all()
    with pytest.raises(ConfigError, match="size 8, the index holds size 16"):
        index.search(np.zeros((1, 8)), k=1)
    with pytest.raises(ConfigError, match="k must be >= 1"):
        index.search(vectors[:1], k=0)
    with pytest.raises(ConfigError, match="NaN"):
        ItemIndex.build(np.full((4, 2), np.nan))
    with pytest.raises(ConfigError, match="unknown index kind"):
        ItemIndex.build(vectors, "annoy")
    with pytest.raises(ConfigError, match="at least 256 items"):
        ItemIndex.build(vectors[:100], "ivfpq")
    with pytest.raises(ConfigError, match="2 lists for 1 queries"):
        index.search(vectors[:1], k=1, exclude=[[], []])
