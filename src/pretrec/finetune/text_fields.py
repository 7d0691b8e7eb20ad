"""Which item text fields a pre-trained text model read that the target catalogue lacks.

A text model learns what its item texts look like: pre-trained on ml-latest-small with its free-text
user tags, it reads ml-100k's items (title, year and genres only) as texts of a kind it never saw.
On ml-100k, zero-shot transfer from a source trained on title, year and genres alone scored higher
than from one trained with tags (BENCHMARKS.md). Fine-tuning reports the missing fields and warns,
so the fix (`text_fields` on the source) is one option away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pretrec.text.assemble import label_of
from pretrec.text.side_data import field_list


def read_fields(config: Mapping[str, Any], available: Iterable[str]) -> list[str]:
    """The item fields a text model with `config` reads: its `text_fields`, else all `available`."""
    chosen = field_list(str(config.get("text_fields", "") or ""))
    return chosen if chosen is not None else list(available)


def missing_labels(source_fields: Iterable[str], target_fields: Iterable[str]) -> list[str]:
    """Labels (common names: `movie_title` is "title") the source read and the target does not
    have."""
    target = {label_of(f) for f in target_fields}
    return sorted({label_of(f) for f in source_fields} - target)
