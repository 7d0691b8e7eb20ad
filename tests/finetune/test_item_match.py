"""Matching items across catalogues: raw ids, or normalised text fields with a containment
fallback."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.checkpoint import load_item_text, save_item_text
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.finetune.item_match import item_keys, match_items, normalise, parse_fields


@pytest.mark.parametrize("raw, expected", [
    ("Empire Strikes Back, The", "the empire strikes back"),
    ("Seven (a.k.a. Se7en)", "seven"),
    ("  Boot,  Das ", "das boot"),
    ("Dr. Strangelove or: How I Learned", "dr strangelove or how i learned"),
    ("", ""),
])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_parse_fields() -> None:
    assert parse_fields("title, year") == ("title", "year")
    assert parse_fields(["title"]) == ("title",)
    assert parse_fields(None) == parse_fields("") == parse_fields("id") == ()


def test_keys_use_common_labels_and_raw_ids_by_default() -> None:
    vocab = Vocab(["7", "9"])
    text = {"movie_title": np.array(["Heat", ""], dtype=object),
            "release_year": np.array(["1995", ""], dtype=object)}
    assert item_keys(vocab, text) == [("7",), ("9",)]
    assert item_keys(vocab, text, ("title", "year")) == [("heat", "1995"), None]  # no text: no key
    with pytest.raises(ConfigError, match="cannot match items by genres"):
        item_keys(vocab, text, ("genres",))
    with pytest.raises(ConfigError, match="has no item text"):
        item_keys(vocab, None, ("title",))


def test_match_exact_then_unique_containment() -> None:
    source = [("star wars episode iv a new hope", "1977"), ("heat", "1995"), ("heat", "1995"),
              ("the big sleep", "1946"), ("the big sleep again", "1946"), ("boys", "1996"), None]
    target = [("heat", "1995"),            # exact: the first of two equal keys
              ("star wars", "1977"),       # contained, one candidate that year
              ("star wars", "1980"),       # wrong year
              ("the big", "1946"),         # two candidates: ambiguous
              ("boys in venice", "1996"),  # the shorter title has one word: too weak
              None]
    assert match_items(target, source).tolist() == [1, 0, -1, -1, -1, -1]


def test_item_text_round_trip(tmp_path) -> None:
    assert load_item_text(tmp_path) is None
    save_item_text(tmp_path, {"title": np.array(["A", "B"], dtype=object)})
    loaded = load_item_text(tmp_path)
    assert list(loaded) == ["title"] and loaded["title"].tolist() == ["A", "B"]
