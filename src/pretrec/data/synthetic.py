"""Seeded synthetic interaction data with planted, measurable signal.

The generator plants four kinds of structure, each switchable through `SyntheticConfig`:

* long-tail popularity: item weights follow Zipf-Mandelbrot, w(r) = (r + offset)^-exponent over
  popularity ranks r = 1..n_items; brands shift items up or down that ranking;
* tastes: every item has one of K topics; every user has a Dirichlet preference over topics;
  an independent ("taste") step draws topic ~ user taste, then item ~ popularity within topic;
* order: with probability `transition_prob` a step instead draws uniformly from the previous
  item's `n_successors` successors (a sparse Markov table; successors mostly share its topic);
* side data: titles built from topic word lists ("galactic starship saga 17"), a "genres" field
  with the topic name, and attributes [topic id, brand id].

Lengths are `min_length` plus a geometric tail (mean `mean_length`, clipped at `max_length`);
timestamps are float seconds, strictly increasing per user. Consecutive duplicates never occur:
a taste step that would repeat the previous item becomes a successor step instead.
Everything is vectorised; the only Python loops run over Markov-chain depth (a few dozen steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pretrec.config import Config
from pretrec.data.interactions import Dataset, Interactions, ItemSide
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.random import make_rng

TOPIC_NAMES = (
    "sci-fi", "fantasy", "crime", "romance", "horror",
    "comedy", "documentary", "western", "sports", "animation",
)  # fmt: skip
TOPIC_WORDS = (
    ("galactic", "starship", "android", "quantum", "nebula", "orbital",
     "cyborg", "warp", "alien", "cosmic", "robot", "planet"),
    ("dragon", "wizard", "enchanted", "kingdom", "sorcery", "elven",
     "quest", "throne", "mythic", "rune", "castle", "sword"),
    ("detective", "murder", "heist", "noir", "gangster", "alibi",
     "verdict", "cartel", "suspect", "undercover", "ransom", "witness"),
    ("love", "wedding", "heart", "kiss", "summer", "bride",
     "passion", "moonlight", "sweetheart", "darling", "promise", "rose"),
    ("haunted", "zombie", "ghost", "curse", "blood", "nightmare",
     "demon", "crypt", "possessed", "shadow", "scream", "grave"),
    ("funny", "hilarious", "prank", "wacky", "goofy", "roommate",
     "vacation", "party", "silly", "sitcom", "blunder", "laugh"),
    ("wildlife", "ocean", "ancient", "climate", "expedition", "science",
     "archive", "journey", "empire", "earth", "investigation", "portrait"),
    ("cowboy", "outlaw", "frontier", "saloon", "sheriff", "desert",
     "ranch", "gunslinger", "canyon", "bandit", "stagecoach", "prairie"),
    ("champion", "stadium", "league", "coach", "rookie", "marathon",
     "victory", "tournament", "goal", "boxing", "underdog", "season"),
    ("cartoon", "puppy", "toy", "bunny", "kitten", "adventure",
     "rainbow", "penguin", "bubble", "jungle", "dinosaur", "pixel"),
)  # fmt: skip
SHARED_WORDS = (
    "saga", "story", "chronicles", "returns", "legacy", "files",
    "diaries", "tales", "begins", "forever", "part", "edition",
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticConfig(Config):
    """Knobs of the synthetic generator; the defaults make a 2,000 x 1,000 set of ~40k events."""

    n_users: int = 2000
    """Number of users (every user gets at least `min_length` events)."""
    n_items: int = 1000
    """Number of items (at least `n_topics`)."""
    mean_length: float = 20.0
    """Mean events per user before clipping at `max_length`."""
    min_length: int = 5
    """Shortest user sequence."""
    max_length: int = 200
    """Longest user sequence (the geometric tail is clipped here)."""
    n_topics: int = 8
    """Number of topics/genres, at most len(TOPIC_NAMES) = 10."""
    taste_concentration: float = 0.3
    """Dirichlet parameter of user tastes: smaller means users focus on fewer topics."""
    popularity_exponent: float = 1.0
    """Zipf exponent of item popularity (0 gives uniform popularity)."""
    popularity_offset: float = 10.0
    """Zipf-Mandelbrot offset: flattens the head so no single item dominates."""
    transition_prob: float = 0.5
    """Probability that a step follows the previous item's successors instead of the taste."""
    n_successors: int = 5
    """Successors per item in the sparse Markov table."""
    successor_same_topic: float = 0.8
    """Probability that a successor shares its item's topic."""
    n_brands: int = 40
    """Number of brands (at least `n_topics`); brand b mostly makes items of topic b % n_topics."""
    brand_effect: float = 1.0
    """Spread of per-brand popularity shifts (0: brand says nothing about popularity)."""
    title_noise: float = 0.1
    """Probability that a title's second word comes from a random topic's list."""
    mean_gap_seconds: float = 3600.0
    """Mean gap between a user's consecutive events (plus one second)."""
    start_time: float = 1.6e9
    """Earliest first event (Unix seconds)."""
    start_spread_seconds: float = 3.15e7
    """Users' first events are uniform over [start_time, start_time + this]."""

    def __post_init__(self) -> None:
        probabilities = (self.transition_prob, self.successor_same_topic, self.title_noise)
        spreads = (self.brand_effect, self.mean_gap_seconds, self.start_spread_seconds)
        checks = (
            (self.n_users >= 1, "n_users >= 1"),
            (self.n_items >= max(2, self.n_topics), "n_items >= max(2, n_topics)"),
            (1 <= self.n_topics <= len(TOPIC_NAMES), f"1 <= n_topics <= {len(TOPIC_NAMES)}"),
            (
                1 <= self.min_length <= self.mean_length <= self.max_length,
                "1 <= min_length <= mean_length <= max_length",
            ),
            (self.taste_concentration > 0, "taste_concentration > 0"),
            (self.popularity_exponent >= 0, "popularity_exponent >= 0"),
            (self.popularity_offset > -1, "popularity_offset > -1"),
            (all(0 <= p <= 1 for p in probabilities), "probabilities in [0, 1]"),
            (self.n_successors >= 1, "n_successors >= 1"),
            (self.n_brands >= self.n_topics, "n_brands >= n_topics"),
            (min(spreads) >= 0, "brand_effect, mean_gap_seconds, start_spread_seconds >= 0"),
        )
        failed = [rule for ok, rule in checks if not ok]
        if failed:
            raise ConfigError(f"SyntheticConfig: expected {'; '.join(failed)}")


@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """The planted structure, for tests and sanity checks of models.

    Attributes:
        item_topic: int64 (n_items,) topic of each item.
        item_brand: int64 (n_items,) brand of each item.
        item_popularity: float64 (n_items,) popularity weights (sum to 1).
        user_taste: float64 (n_users, n_topics) topic preferences (rows sum to 1).
        successors: int64 (n_items, n_successors) the Markov table (no self-loops).
        transition_steps: bool (n_events,) rows drawn from the previous item's successors.
    """

    item_topic: np.ndarray
    item_brand: np.ndarray
    item_popularity: np.ndarray
    user_taste: np.ndarray
    successors: np.ndarray
    transition_steps: np.ndarray


def make_synthetic(
    n_users: int = 2000,
    n_items: int = 1000,
    mean_length: float = 20.0,
    seed: int | np.random.Generator = 0,
    **knobs: object,
) -> Dataset:
    """A synthetic `Dataset` named "synthetic"; `knobs` are further `SyntheticConfig` fields."""
    config = SyntheticConfig.from_dict(
        {"n_users": n_users, "n_items": n_items, "mean_length": mean_length, **knobs}
    )
    return generate(config, seed)[0]


def generate(
    config: SyntheticConfig, seed: int | np.random.Generator = 0
) -> tuple[Dataset, SyntheticTruth]:
    """Generate the dataset for `config` together with the structure planted in it."""
    rng = make_rng(seed)
    c = config
    k = c.n_topics
    item_topic = rng.permutation(np.arange(c.n_items) % k)  # balanced topics, random order
    per_topic = (c.n_brands - np.arange(k) + k - 1) // k  # brands b with b % k == topic
    item_brand = item_topic + k * rng.integers(0, per_topic[item_topic])
    brand_shift = rng.normal(0.0, c.brand_effect, c.n_brands)
    rank = np.empty(c.n_items, dtype=np.int64)
    rank[np.argsort(-(brand_shift[item_brand] + rng.normal(size=c.n_items)))] = np.arange(c.n_items)
    popularity = (rank + 1.0 + c.popularity_offset) ** -c.popularity_exponent
    popularity /= popularity.sum()
    sampler = _TopicSampler(item_topic, popularity, k)
    user_taste = rng.dirichlet(np.full(k, c.taste_concentration), size=c.n_users)
    successors = _successor_table(c, item_topic, sampler, rng)

    # lengths: min_length + geometric tail with the requested mean
    tail = rng.geometric(1.0 / (c.mean_length - c.min_length + 1.0), size=c.n_users) - 1
    lengths = np.minimum(c.min_length + tail, c.max_length)
    n_events = int(lengths.sum())
    users = np.repeat(np.arange(c.n_users), lengths)
    first = np.zeros(n_events, dtype=bool)
    first[np.cumsum(lengths) - lengths] = True

    cum_taste = np.cumsum(user_taste, axis=1)  # (n_users, k)
    draw_topic = (cum_taste[users] < rng.random(n_events)[:, None]).sum(axis=1)  # (n_events,)
    taste_items = sampler.sample(np.minimum(draw_topic, k - 1), rng.random(n_events))
    successor_pick = rng.integers(0, c.n_successors, n_events)
    transition = (rng.random(n_events) < c.transition_prob) & ~first
    while True:  # a taste step that repeats the previous item becomes a successor step
        items = _follow_chains(taste_items, transition, successors, successor_pick)
        repeat = ~first & ~transition & (items == np.roll(items, 1))
        if not repeat.any():
            break
        transition |= repeat

    gaps = 1.0 + rng.exponential(c.mean_gap_seconds, n_events)
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[first] - gaps[first], lengths)  # restart the sum per user
    starts = c.start_time + c.start_spread_seconds * rng.random(c.n_users)
    timestamps = np.repeat(starts, lengths) + elapsed

    interactions = Interactions(users, items, c.n_users, c.n_items, timestamps=timestamps)
    side = ItemSide(
        text={
            "title": _titles(item_topic, k, c.title_noise, rng),
            "genres": np.asarray(TOPIC_NAMES, dtype=object)[item_topic],
        },
        # one array per item: [topic id, brand id]
        attributes=list(np.stack([item_topic, item_brand], axis=1).astype(np.int64)),
    )
    dataset = Dataset(
        interactions=interactions,
        user_vocab=Vocab([f"u{u}" for u in range(c.n_users)]),
        item_vocab=Vocab([f"i{i}" for i in range(c.n_items)]),
        name="synthetic",
        item_side=side,
    )
    truth = SyntheticTruth(item_topic, item_brand, popularity, user_taste, successors, transition)
    return dataset, truth


class _TopicSampler:
    """Inverse-CDF sampling of items by popularity within a given topic, vectorised."""

    def __init__(self, item_topic: np.ndarray, popularity: np.ndarray, n_topics: int):
        self.order = np.argsort(item_topic, kind="stable")  # items grouped by topic
        topic_mass = np.bincount(item_topic, weights=popularity, minlength=n_topics)
        # topic t's items own the interval (t, t + 1] of this running sum
        self.cumulative = np.cumsum(popularity[self.order] / topic_mass[item_topic[self.order]])
        counts = np.bincount(item_topic, minlength=n_topics)
        self.end = np.cumsum(counts)
        self.start = self.end - counts

    def sample(self, topics: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        position = np.searchsorted(self.cumulative, topics + uniforms, side="right")
        position = np.clip(position, self.start[topics], self.end[topics] - 1)  # rounding guard
        return self.order[position]


def _successor_table(
    c: SyntheticConfig, item_topic: np.ndarray, sampler: _TopicSampler, rng: np.random.Generator
) -> np.ndarray:
    """(n_items, n_successors) successors: same topic w.p. `successor_same_topic`, by popularity."""
    shape = (c.n_items, c.n_successors)
    same = rng.random(shape) < c.successor_same_topic
    topics = np.where(same, item_topic[:, None], rng.integers(0, c.n_topics, shape))
    successors = sampler.sample(topics, rng.random(shape))
    own = np.broadcast_to(np.arange(c.n_items)[:, None], shape)
    other = (own + 1 + rng.integers(0, c.n_items - 1, shape)) % c.n_items  # never the item itself
    return np.where(successors == own, other, successors)


def _follow_chains(
    anchors: np.ndarray, transition: np.ndarray, successors: np.ndarray, pick: np.ndarray
) -> np.ndarray:
    """Resolve `item[t] = successors[item[t-1], pick[t]]` where `transition[t]`, else anchors[t]."""
    positions = np.arange(len(anchors))
    last_anchor = np.maximum.accumulate(np.where(transition, 0, positions))
    depth = positions - last_anchor  # steps since the run's taste step (transition[0] is False)
    items = anchors.copy()
    for step in range(1, int(depth.max(initial=0)) + 1):
        at = np.flatnonzero(depth == step)
        items[at] = successors[items[at - 1], pick[at]]
    return items


def _titles(
    item_topic: np.ndarray, n_topics: int, noise: float, rng: np.random.Generator
) -> np.ndarray:
    """Object array of titles "<topic word> <topic word> <shared word> <number>"."""
    words = np.asarray(TOPIC_WORDS)  # (n_topics_max, n_words)
    n, n_words = len(item_topic), words.shape[1]
    first = rng.integers(0, n_words, n)
    second = (first + 1 + rng.integers(0, n_words - 1, n)) % n_words  # a different word
    noisy = rng.random(n) < noise
    second_topic = np.where(noisy, rng.integers(0, n_topics, n), item_topic)
    parts = (
        words[item_topic, first],
        words[second_topic, second],
        np.asarray(SHARED_WORDS)[rng.integers(0, len(SHARED_WORDS), n)],
        rng.integers(1, 100, n).astype(str),
    )
    title = parts[0]
    for part in parts[1:]:
        title = np.char.add(np.char.add(title, " "), part)
    return title.astype(object)
