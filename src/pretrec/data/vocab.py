"""Raw id <-> dense index vocabularies. Saved with every checkpoint so a model trained on one
file scores the same raw ids when loaded elsewhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.errors import DataError
from pretrec.files import write_text


class Vocab:
    """An ordered set of raw ids (strings); index ``i`` is the ``i``-th raw id."""

    def __init__(self, raw_ids: Sequence[str]):
        self.raw_ids = np.asarray([str(r) for r in raw_ids], dtype=object)
        self._index = {raw: i for i, raw in enumerate(self.raw_ids)}
        if len(self._index) != len(self.raw_ids):
            seen, twice = set(), None
            for raw in self.raw_ids:
                if raw in seen:
                    twice = raw
                    break
                seen.add(raw)
            raise DataError(f"vocabulary raw ids must be unique; {twice!r} appears twice")

    @classmethod
    def encode(cls, raw: Sequence | np.ndarray) -> tuple[Vocab, np.ndarray]:
        """Build a vocabulary in order of first appearance and return the int64 codes of `raw`."""
        codes, uniques = pd.factorize(pd.Series(np.asarray(raw)).astype(str), sort=False)
        return cls(list(uniques)), codes.astype(np.int64)

    def __len__(self) -> int:
        return len(self.raw_ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and np.array_equal(self.raw_ids, other.raw_ids)

    def index(self, raw_id: object) -> int:
        """Dense index of one raw id; KeyError when unknown."""
        return self._index[str(raw_id)]

    def lookup(self, raw: Sequence | np.ndarray, unknown: int = -1) -> np.ndarray:
        """Dense indices of many raw ids; `unknown` where an id is not in the vocabulary."""
        return np.fromiter(
            (self._index.get(str(r), unknown) for r in raw), dtype=np.int64, count=len(raw)
        )

    def raw(self, indices: np.ndarray | Sequence[int]) -> np.ndarray:
        return self.raw_ids[np.asarray(indices, dtype=np.int64)]

    def to_json(self) -> list[str]:
        return [str(r) for r in self.raw_ids]

    def save(self, path: str | Path) -> None:
        write_text(path, json.dumps(self.to_json()))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        return cls(json.loads(Path(path).read_text()))
