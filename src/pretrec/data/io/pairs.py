"""The `pairs` format: ``user item [rating [timestamp]]`` per line, rows in time order.

This is the SASRec ml-1m layout. Every line must have the column count of the first one; ids are
non-negative integers kept as strings in the vocabularies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pretrec.data.interactions import Dataset
from pretrec.data.io.assemble import RawRows, assemble
from pretrec.data.io.columns import check_numbers
from pretrec.data.io.tokens import non_digit_tokens, parse_ids, parse_numbers, scan
from pretrec.errors import DataError

_LAYOUT = ("user", "item", "rating", "timestamp")
_MAX_EXACT_FLOAT = 2**53  # larger ids would not survive the float parse of a 3-4 column file


def read_pairs(path: Path) -> RawRows:
    """Raw rows of a pairs file; DataError naming the first line with the wrong column count."""
    tokens = scan(path)
    first, counts = tokens.line_starts()
    n_cols = int(counts[0])
    if n_cols not in (2, 3, 4):
        raise tokens.error(first[0], f"expected 2 to 4 columns ({' '.join(_LAYOUT)}), got {n_cols}")
    wrong = np.flatnonzero(counts != n_cols)
    if len(wrong):
        line = first[wrong[0]]
        layout = " ".join(_LAYOUT[:n_cols])
        raise tokens.error(line, f"expected {n_cols} columns ({layout}), got {counts[wrong[0]]}")
    if n_cols == 2:
        ids = parse_ids(tokens).reshape(-1, 2)  # (n_rows, user|item)
        return RawRows(users=ids[:, 0], items=ids[:, 1])

    bad = non_digit_tokens(tokens)
    bad = bad[bad % n_cols < 2]  # every line has n_cols tokens, so index % n_cols is the column
    if len(bad):
        raise tokens.error(bad[0], f"expected an integer id, got {tokens.text(bad[0])!r}")
    table = parse_numbers(tokens).reshape(-1, n_cols)  # (n_rows, n_cols)
    if table[:, :2].max() >= _MAX_EXACT_FLOAT:
        raise DataError("ids above 2**53 need a 2-column file or the csv reader", path)
    lines = tokens.lines[first]

    def column(col: int, role: str) -> np.ndarray:
        return check_numbers(
            table[:, col], role, path, lines, lambda row: tokens.text(int(first[row]) + col)
        )

    weights = column(2, "rating")
    timestamps = column(3, "timestamp") if n_cols == 4 else None
    return RawRows(
        users=table[:, 0].astype(np.int64),
        items=table[:, 1].astype(np.int64),
        timestamps=timestamps,
        weights=weights,
    )


def load_pairs(path: Path, name: str) -> Dataset:
    """A Dataset from a pairs file; without a timestamp column, row order is time order."""
    return assemble(read_pairs(path), name, path)
