"""Raw id rows -> Dataset: vocabularies in first-appearance order, dense int64 codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError


@dataclass(frozen=True, eq=False)
class RawRows:
    """Interactions still keyed by raw ids (int64 or str arrays), in file order."""

    users: np.ndarray
    items: np.ndarray
    timestamps: np.ndarray | None = None
    weights: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.users)


def encode_ids(raw: np.ndarray, extra: np.ndarray | None = None) -> tuple[Vocab, np.ndarray]:
    """Vocabulary of `raw` then `extra` ids, each in first-appearance order, and codes of `raw`.

    `extra` holds ids seen only in side files (items nobody interacted with), so they get the
    indices after every interacted id. Factorising the raw values (not their strings) keeps
    integer files fast; only the distinct ids are turned into strings.
    """
    values = raw if extra is None or not len(extra) else np.concatenate([raw, extra])
    codes, uniques = pd.factorize(values, sort=False)
    return Vocab([str(u) for u in uniques]), codes[: len(raw)].astype(np.int64)


def assemble(
    rows: RawRows,
    name: str,
    path: Path,
    extra_users: np.ndarray | None = None,
    extra_items: np.ndarray | None = None,
) -> Dataset:
    """Encode raw rows into a Dataset; DataError when there is not a single interaction."""
    if not len(rows):
        raise DataError("no interactions: no row holds both a user and an item", path)
    user_vocab, users = encode_ids(rows.users, extra_users)
    item_vocab, items = encode_ids(rows.items, extra_items)
    inter = Interactions(
        users, items, len(user_vocab), len(item_vocab), rows.timestamps, rows.weights
    )
    return Dataset(inter, user_vocab, item_vocab, name=name)


def align_fields(vocab: Vocab, ids: np.ndarray,
                 fields: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each side-file field as an object array over `vocab` ("" where an id has no row).

    Every id in `ids` must be in the vocabulary (readers add side-file-only ids as extras).
    """
    index = pd.Index(vocab.raw_ids).get_indexer([str(i) for i in ids])
    out = {}
    for field, values in fields.items():
        column = np.full(len(vocab), "", dtype=object)
        column[index] = values
        out[field] = column
    return out
