"""Item or user text assembled from side-data fields: "title: Heat; year: 1995; genres: Action".

Fields come from `ItemSide.text` or `Dataset.user_features` (name -> object array of strings).
Common field names are given one label across datasets (ml-100k's ``movie_title`` and
ml-latest's ``title`` both read "title"), so a model trained on one catalogue reads another's
text the same way. Empty values are left out; the token budget is applied by the encoder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pretrec.errors import ConfigError

LABELS = {
    "movie_title": "title",
    "release_year": "year",
    "class": "genres",
    "genre": "genres",
    "categories": "genres",
}
SEPARATOR = "; "


def label_of(field: str, labels: Mapping[str, str] | None = None) -> str:
    """The label a field is written under: `labels` first, then the common aliases."""
    if labels and field in labels:
        return labels[field]
    return LABELS.get(field, field.replace("_", " "))


def choose_fields(available: Mapping[str, np.ndarray], fields: Sequence[str] | None) -> list[str]:
    """`fields` checked against what exists; all fields in their stored order when None."""
    if fields is None:
        return list(available)
    missing = [f for f in fields if f not in available]
    if missing:
        raise ConfigError(f"unknown text field(s) {missing}; fields available: {list(available)}")
    return list(fields)


def assemble_text(
    values: Mapping[str, np.ndarray],
    fields: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    with_labels: bool = True,
) -> np.ndarray:
    """(n,) object array of texts, one per row of the field arrays.

    Args:
        values: field -> (n,) strings, e.g. `dataset.item_side.text`.
        fields: which fields, in which order; all of them when None.
        labels: field -> label overrides (defaults: LABELS, else the field name).
        with_labels: write "label: value"; False writes the values alone.
    """
    chosen = choose_fields(values, fields)
    if not chosen:
        raise ConfigError("no text fields to assemble")
    n = len(values[chosen[0]])
    parts = []
    for field in chosen:
        column = np.asarray(values[field], dtype=object).astype(str)
        if len(column) != n:
            raise ConfigError(f"text field {field!r} has {len(column)} rows, expected {n}")
        prefix = f"{label_of(field, labels)}: " if with_labels else ""
        parts.append(np.where(np.char.str_len(column.astype(str)) > 0, prefix + column, ""))
    return np.array(
        [SEPARATOR.join(p for p in row if p) for row in zip(*parts, strict=True)], dtype=object
    )
