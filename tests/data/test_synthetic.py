"""The synthetic generator: determinism, shapes, and each planted signal measured vectorised."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.interactions import Dataset
from pretrec.data.synthetic import (
    TOPIC_NAMES,
    TOPIC_WORDS,
    SyntheticConfig,
    generate,
    make_synthetic,
)
from pretrec.errors import ConfigError


@pytest.fixture(scope="module")
def planted():
    return generate(SyntheticConfig(), seed=0)


def _positions(users: np.ndarray, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """(lengths (n_users,), position of each row within its user's sequence)."""
    lengths = np.bincount(users, minlength=n_users)
    starts = np.cumsum(lengths) - lengths
    return lengths, np.arange(len(users)) - starts[users]


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    return np.argpartition(-scores, k, axis=1)[:, :k]  # (n_rows, k), unordered


def test_same_seed_same_data_different_seed_different():
    a, b, c = make_synthetic(seed=3), make_synthetic(seed=3), make_synthetic(seed=4)
    for array in ("users", "items", "timestamps"):
        np.testing.assert_array_equal(
            getattr(a.interactions, array), getattr(b.interactions, array)
        )
    np.testing.assert_array_equal(a.item_side.text["title"], b.item_side.text["title"])
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert not np.array_equal(a.item_side.text["title"], c.item_side.text["title"])
    rng_a = make_synthetic(seed=np.random.default_rng(5))
    assert rng_a.fingerprint() == make_synthetic(seed=5).fingerprint()


def test_sizes_ranges_ids_and_time_order(planted):
    dataset, truth = planted
    assert isinstance(dataset, Dataset) and dataset.name == "synthetic"
    inter = dataset.interactions
    assert (dataset.n_users, dataset.n_items) == (2000, 1000)
    assert dataset.user_vocab.raw([0, 1999]).tolist() == ["u0", "u1999"]
    assert dataset.item_vocab.raw([0, 999]).tolist() == ["i0", "i999"]
    lengths, position = _positions(inter.users, inter.n_users)
    assert lengths.min() >= 5 and lengths.max() <= 200
    assert 17.0 < lengths.mean() < 23.0
    assert np.all(np.diff(inter.users) >= 0)  # rows grouped by user, in time order
    same_user = inter.users[1:] == inter.users[:-1]
    assert np.all(np.diff(inter.timestamps)[same_user] > 0)
    assert inter.timestamps.min() >= 1.6e9
    assert not np.any((inter.items[1:] == inter.items[:-1]) & same_user)
    assert truth.successors.shape == (1000, 5)
    assert not np.any(truth.successors == np.arange(1000)[:, None])
    np.testing.assert_allclose(truth.user_taste.sum(axis=1), 1.0)
    small = make_synthetic(n_users=30, n_items=12, mean_length=8.0, seed=1, n_topics=3)
    assert small.n_users == 30 and small.interactions.items.max() < 12
    assert np.stack(small.item_side.attributes)[:, 0].max() == 2


def test_bad_knobs_are_config_errors():
    with pytest.raises(ConfigError, match="did you mean"):
        make_synthetic(n_topic=4)
    with pytest.raises(ConfigError, match="min_length"):
        make_synthetic(mean_length=2.0)
    with pytest.raises(ConfigError, match="n_topics"):
        SyntheticConfig(n_topics=11)


def test_long_tail_popularity(planted):
    counts = np.sort(planted[0].interactions.item_counts())[::-1]
    top_share = counts[: len(counts) // 10].sum() / counts.sum()
    assert top_share > 0.35  # uniform popularity would give ~0.10
    assert counts[0] / counts.sum() < 0.05  # a tail, not one dominant item


def test_users_concentrate_on_their_topics(planted):
    dataset, truth = planted
    inter, n_topics = dataset.interactions, 8
    topic = np.stack(dataset.item_side.attributes)[:, 0][inter.items]

    def top_topic_share(item_topic: np.ndarray) -> float:
        per_user = np.bincount(
            inter.users * n_topics + item_topic, minlength=inter.n_users * n_topics
        )
        per_user = per_user.reshape(inter.n_users, n_topics)  # (n_users, n_topics)
        return float((per_user.max(axis=1) / per_user.sum(axis=1)).mean())

    def half_agreement(item_topic: np.ndarray) -> float:
        """How often a user's top topic in the first half is their top topic in the second."""
        lengths, position = _positions(inter.users, inter.n_users)
        late = (position >= lengths[inter.users] // 2).astype(int)
        halves = np.zeros((2, inter.n_users, n_topics))
        np.add.at(halves, (late, inter.users, item_topic), 1.0)
        return float((halves[0].argmax(axis=1) == halves[1].argmax(axis=1)).mean())

    shuffled = topic[np.random.default_rng(0).permutation(len(topic))]  # same topic mix, no taste
    assert top_topic_share(topic) > top_topic_share(shuffled) + 0.2  # measured 0.53 vs 0.28
    assert half_agreement(topic) > half_agreement(shuffled) + 0.2  # measured 0.47 vs 0.15
    # the planted taste explains the items: mean taste weight of the consumed topic >> 1/K
    assert truth.user_taste[inter.users, topic].mean() > 2.0 / n_topics  # measured 0.33


def test_transitions_beat_popularity_on_next_item(planted):
    inter = planted[0].interactions
    users, items, n_items = inter.users, inter.items, inter.n_items
    lengths, position = _positions(users, inter.n_users)
    in_train = position < (0.8 * lengths[users]).astype(int)
    pairs = in_train[1:] & (users[1:] == users[:-1])  # consecutive train pairs of one user
    transitions = np.zeros((n_items, n_items))
    np.add.at(transitions, (items[:-1][pairs], items[1:][pairs]), 1.0)
    popularity = np.bincount(items[in_train], minlength=n_items).astype(float)

    last = np.cumsum(lengths) - 1
    context, target = items[last - 1], items[last]
    tie_break = popularity / (popularity.max() + 1.0)  # < 1: only orders equal counts
    bigram_top = _top_k(transitions[context] + tie_break, 10)  # (n_users, 10)
    bigram_hit = (bigram_top == target[:, None]).any(axis=1).mean()
    popular_hit = np.isin(target, np.argsort(-popularity)[:10]).mean()
    assert bigram_hit > popular_hit + 0.25  # measured 0.49 vs 0.11
    assert bigram_hit > 0.4


def test_text_and_attributes_align_with_items(planted):
    dataset, truth = planted
    side = dataset.item_side
    titles, genres = side.text["title"], side.text["genres"]
    assert titles.dtype == object and len(titles) == len(genres) == dataset.n_items
    assert len(side.attributes) == dataset.n_items
    topic, brand = np.stack(side.attributes, axis=1)
    np.testing.assert_array_equal(topic, truth.item_topic)
    np.testing.assert_array_equal(genres, np.asarray(TOPIC_NAMES, dtype=object)[topic])
    assert np.all(brand % 8 == topic) and brand.max() < 40
    word_topic = {word: t for t, words in enumerate(TOPIC_WORDS) for word in words}
    first_word = np.array([word_topic[title.split()[0]] for title in titles])
    np.testing.assert_array_equal(first_word, topic)
    second_word = np.array([word_topic[title.split()[1]] for title in titles])
    assert 0.85 < (second_word == topic).mean() < 1.0  # title_noise = 0.1
    assert all(len(title.split()) == 4 and title.split()[-1].isdigit() for title in titles)
