"""Text assembly from fields and the seeded text augmentations."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.errors import ConfigError
from pretrec.text import TextAugmentation, TextAugmenter, assemble_text

FIELDS = {
    "movie_title": np.array(["Toy Story", "Heat", ""], dtype=object),
    "release_year": np.array(["1995", "", "2001"], dtype=object),
    "class": np.array(["Animation Comedy", "Action Crime Thriller", "Drama"], dtype=object),
}


def test_assemble_uses_common_labels_and_skips_empty_values() -> None:
    texts = assemble_text(FIELDS)
    assert texts.tolist() == [
        "title: Toy Story; year: 1995; genres: Animation Comedy",
        "title: Heat; genres: Action Crime Thriller",
        "year: 2001; genres: Drama",
    ]
    assert assemble_text(FIELDS, ["class", "movie_title"], with_labels=False).tolist() == [
        "Animation Comedy; Toy Story",
        "Action Crime Thriller; Heat",
        "Drama",
    ]
    assert assemble_text(FIELDS, ["class"], labels={"class": "kind"})[0] == "kind: Animation Comedy"
    with pytest.raises(ConfigError, match="unknown text field"):
        assemble_text(FIELDS, ["plot"])


def test_identity_augmentation_reproduces_assembly() -> None:
    none = TextAugmentation(token_dropout=0.0)
    augmenter = TextAugmenter(FIELDS, none, seed=0)
    assert augmenter.texts([0, 1, 2]) == assemble_text(FIELDS).tolist()


def test_augmentations_are_seeded_and_keep_every_field() -> None:
    rates = TextAugmentation(token_dropout=0.5, span_fraction=0.5, insertion=0.5,
                             shuffle_fields=True)
    one = TextAugmenter(FIELDS, rates, seed=3).texts(np.arange(3).repeat(20))
    two = TextAugmenter(FIELDS, rates, seed=3).texts(np.arange(3).repeat(20))
    other = TextAugmenter(FIELDS, rates, seed=4).texts(np.arange(3).repeat(20))
    assert one == two and one != other
    vocabulary = {w for column in FIELDS.values() for v in column for w in v.split()}
    for row, text in zip(np.arange(3).repeat(20), one, strict=True):
        parts = dict(part.split(": ", 1) for part in text.split("; "))
        expected = {label for label, f in zip(("title", "year", "genres"), FIELDS, strict=True)
                    if FIELDS[f][row]}
        assert set(parts) == expected  # no field vanishes, no empty field appears
        assert all(set(v.split()) <= vocabulary for v in parts.values())
    assert len({t for t in one[:20]}) > 1  # views differ


def test_token_dropout_drops_at_about_its_rate() -> None:
    words = np.array([" ".join(f"w{i}" for i in range(100))], dtype=object)
    augmenter = TextAugmenter({"text": words}, TextAugmentation(token_dropout=0.3), seed=0)
    kept = np.mean([len(t.split()) - 1 for t in augmenter.texts([0] * 50)])  # minus the label
    assert 60 < kept < 80


def test_rates_are_checked() -> None:
    with pytest.raises(ConfigError, match="token_dropout"):
        TextAugmentation(token_dropout=1.0)
