"""Pre-split folders: ``train.txt``, optional ``valid.txt``, ``test.txt``, each in `seq` format.

One user/item vocabulary is built over all files (train first), so the three parts share one
universe. `Dataset.interactions` is train, valid and test concatenated in that order (each
user's rows stay in time order); `Dataset.presplit` holds the parts themselves.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from pretrec.data.interactions import Dataset
from pretrec.data.io.assemble import RawRows, assemble
from pretrec.data.io.seq import read_sequences
from pretrec.errors import DataError

PARTS = ("train.txt", "valid.txt", "test.txt")


def load_presplit(path: Path, name: str) -> Dataset:
    """A Dataset with `presplit` = (train, valid, test); valid is empty when `valid.txt` is absent
    or zero bytes."""
    if not path.is_dir():
        raise DataError("expected a folder holding train.txt and test.txt", path)
    parts: list[RawRows] = []
    for part in PARTS:
        file = path / part
        if file.is_file() and (part != "valid.txt" or file.stat().st_size):
            parts.append(read_sequences(file))
        elif part == "valid.txt":  # absent or zero bytes: no validation part
            parts.append(RawRows(np.empty(0, np.int64), np.empty(0, np.int64)))
        else:
            raise DataError(f"missing {part}", path)
    rows = RawRows(
        users=np.concatenate([p.users for p in parts]),
        items=np.concatenate([p.items for p in parts]),
    )
    dataset = assemble(rows, name, path)
    inter = dataset.interactions
    bounds = np.cumsum([0] + [len(p) for p in parts])
    train, valid, test = (
        inter.select(np.arange(bounds[k], bounds[k + 1])) for k in range(len(PARTS))
    )
    return dataclasses.replace(dataset, presplit=(train, valid, test))
