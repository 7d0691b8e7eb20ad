"""Seeded text augmentations for training on item text (views for contrastive learning, noise
for fine-tuning). They act on the fields before assembly, word by word:

- token dropout: each word is dropped with probability `token_dropout`;
- span deletion: one contiguous span of up to `span_fraction` of a field's words is removed;
- random insertion: with probability `insertion` per field, a word drawn from the same field's
  vocabulary (over all rows) is inserted at a random place;
- field shuffling: the fields of each row are assembled in a random order.

A field never loses all its words, so a view keeps something of every non-empty field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pretrec.errors import ConfigError
from pretrec.text.assemble import SEPARATOR, choose_fields, label_of


@dataclass(frozen=True)
class TextAugmentation:
    """Rates of each augmentation; all zero/False is the identity."""

    token_dropout: float = 0.1
    span_fraction: float = 0.0
    insertion: float = 0.0
    shuffle_fields: bool = False

    def __post_init__(self) -> None:
        for name in ("token_dropout", "span_fraction", "insertion"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ConfigError(f"text augmentation {name} must be in [0, 1), got {value}")


def _drop(words: list[str], rate: float, rng: np.random.Generator) -> list[str]:
    if rate == 0 or len(words) < 2:
        return words
    keep = rng.random(len(words)) >= rate
    if not keep.any():
        keep[rng.integers(len(words))] = True
    return [w for w, k in zip(words, keep, strict=True) if k]


def _delete_span(words: list[str], fraction: float, rng: np.random.Generator) -> list[str]:
    longest = min(int(len(words) * fraction), len(words) - 1)
    if longest < 1:
        return words
    length = int(rng.integers(1, longest + 1))
    start = int(rng.integers(0, len(words) - length + 1))
    return words[:start] + words[start + length :]


def _insert(words: list[str], pool: np.ndarray, rate: float, rng: np.random.Generator) -> list[str]:
    if rate == 0 or not len(pool) or rng.random() >= rate:
        return words
    at = int(rng.integers(0, len(words) + 1))
    return words[:at] + [str(pool[rng.integers(len(pool))])] + words[at:]


class TextAugmenter:
    """Augmented texts of rows of side-data fields; same seed, same texts.

        augmenter = TextAugmenter(dataset.item_side.text, TextAugmentation(0.1, 0.2, 0.1, True),
                                  seed=0)
        views = augmenter.texts(np.array([0, 5, 7]))   # one augmented text per item index
    """

    def __init__(
        self,
        values: Mapping[str, np.ndarray],
        augmentation: TextAugmentation,
        fields: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
        seed: int = 0,
    ):
        self.fields = choose_fields(values, fields)
        self.words = {f: [str(v).split() for v in values[f]] for f in self.fields}
        self.pools = {f: np.array(sorted({w for ws in self.words[f] for w in ws}), dtype=object)
                      for f in self.fields}
        self.labels = {f: label_of(f, labels) for f in self.fields}
        self.augmentation = augmentation
        self.rng = np.random.default_rng(seed)

    def text(self, row: int) -> str:
        a, rng = self.augmentation, self.rng
        order = list(self.fields)
        if a.shuffle_fields:
            order = [order[i] for i in rng.permutation(len(order))]
        parts = []
        for field in order:
            words = self.words[field][row]
            if not words:
                continue
            words = _drop(words, a.token_dropout, rng)
            words = _delete_span(words, a.span_fraction, rng)
            words = _insert(words, self.pools[field], a.insertion, rng)
            parts.append(f"{self.labels[field]}: {' '.join(words)}")
        return SEPARATOR.join(parts)

    def texts(self, rows: np.ndarray | Sequence[int]) -> list[str]:
        """One augmented text per row index (a fresh draw on every call)."""
        return [self.text(int(r)) for r in rows]
