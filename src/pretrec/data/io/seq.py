"""The `seq` format: one user per line, ``user item item ...``, items in time order.

This is the S3-Rec / CL4SRec file layout (e.g. Beauty.txt). Ids must be non-negative integers;
they are kept as strings in the vocabularies. A line with a user and no items adds nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pretrec.data.interactions import Dataset
from pretrec.data.io.assemble import RawRows, assemble
from pretrec.data.io.tokens import parse_ids, scan


def read_sequences(path: Path) -> RawRows:
    """Raw (user, item) id rows of a seq file, line by line, in file order."""
    tokens = scan(path)
    values = parse_ids(tokens)
    first, counts = tokens.line_starts()
    is_item = np.ones(len(values), dtype=bool)
    is_item[first] = False
    # the user id of each line, repeated once per item on that line
    users = np.repeat(values[first], counts - 1)
    return RawRows(users=users, items=values[is_item])


def load_seq(path: Path, name: str) -> Dataset:
    """A Dataset from a seq file; no timestamps, row order is time order."""
    return assemble(read_sequences(path), name, path)
