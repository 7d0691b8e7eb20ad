"""Which target item is which pre-trained item: by raw id, or by text fields.

Raw ids match when both datasets number one catalogue the same way (Amazon ASINs, one MovieLens
release split in two). Two releases of one world numbered differently (ml-100k and
ml-latest-small) match by text instead, e.g. `("title", "year")`: field names are compared under
their common labels (`movie_title` is `title`), values after `normalise` (case,
bracketed alternative titles, trailing articles and punctuation do not matter).

To match by text, a checkpoint carries its items' text (`pretrec.checkpoint.save_item_text`,
written by every run whose dataset has item text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.text.assemble import label_of


def parse_fields(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """`"title,year"` -> ("title", "year"); None, "" or "id" -> () (match by raw id)."""
    if spec is None:
        return ()
    names = ([s.strip() for s in spec.split(",")] if isinstance(spec, str)
             else [str(s).strip() for s in spec])
    names = [n for n in names if n]
    return () if names in ([], ["id"]) else tuple(names)


ARTICLES = ("the", "a", "an", "il", "la", "le", "les", "l'", "das", "der", "die", "el", "los",
            "las")
_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(value: object) -> str:
    """Lower case, bracketed alternatives dropped, a trailing article moved to the front
    ("Empire Strikes Back, The" -> "the empire strikes back"), punctuation to spaces."""
    text = _PARENTHESES.sub(" ", str(value).lower()).strip()
    head, comma, tail = text.rpartition(", ")
    if comma and tail.strip() in ARTICLES:
        text = f"{tail.strip()} {head}"
    return " ".join(_NON_WORD.sub(" ", text).split())


def item_keys(vocab: Vocab, text: Mapping[str, np.ndarray] | None, fields: Sequence[str] = (),
              where: str = "dataset") -> list[tuple[str, ...] | None]:
    """One matching key per item: (raw id,), or its normalised `fields`.

    Items whose key fields are all empty get no key (None): they never match.
    """
    if not fields:
        return [(str(raw),) for raw in vocab.raw(np.arange(len(vocab)))]
    by_label = {label_of(name): np.asarray(values) for name, values in (text or {}).items()}
    missing = [f for f in fields if label_of(f) not in by_label]
    if missing:
        have = ", ".join(sorted(by_label)) or "no item text"
        raise ConfigError(f"cannot match items by {', '.join(missing)}: the {where} has {have}")
    columns = [by_label[label_of(f)] for f in fields]
    if any(len(c) != len(vocab) for c in columns):
        raise ConfigError(f"the {where}'s item text does not cover its {len(vocab)} items")
    # catalogue-sized (one pass over items, not interactions)
    keys = zip(*[[normalise(v) for v in column] for column in columns], strict=True)
    return [key if any(key) else None for key in keys]


def match_items(target_keys: Sequence[tuple[str, ...] | None],
                source_keys: Sequence[tuple[str, ...] | None]) -> np.ndarray:
    """For each target item, the index of its source item, else -1.

    Equal keys match (the first source item wins). A target item left over then matches the one
    source item, if exactly one, whose key agrees on every field but the first and whose first
    field contains the target's as whole words, or the other way round, the shorter having at
    least two words: "star wars" (1977) is "star wars episode iv a new hope" (1977), while "boys"
    is not "boys in venice".
    """
    first: dict[tuple[str, ...], int] = {}
    by_rest: dict[tuple[str, ...], list[int]] = {}
    for index, key in enumerate(source_keys):
        if key is not None:
            first.setdefault(key, index)
            by_rest.setdefault(key[1:], []).append(index)
    found = np.full(len(target_keys), -1, dtype=np.int64)
    for index, key in enumerate(target_keys):
        if key is None:
            continue
        if key in first:
            found[index] = first[key]
        elif len(key) > 1 and key[0]:
            words = f" {key[0]} "
            hits = {c for c in by_rest.get(key[1:], ())
                    if _contains(words, f" {source_keys[c][0]} ")}
            if len(hits) == 1:
                found[index] = hits.pop()
    return found


def _contains(a: str, b: str) -> bool:
    """One space-padded phrase holds the other, which has at least two words."""
    shorter, longer = sorted((a, b), key=len)
    return shorter.count(" ") >= 3 and shorter in longer
