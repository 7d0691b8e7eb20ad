"""Item attribute lists from JSON (``{"item_id": [attribute_id, ...]}``), as shipped beside the
S3-Rec sequence files (``Beauty_item2attributes.json``). Attribute ids get their own dense
vocabulary; items missing from the file get an empty list."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from pretrec.data.interactions import Dataset, ItemSide
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError


def with_item_attributes(dataset: Dataset, path: str | Path) -> tuple[Dataset, Vocab]:
    """`dataset` with `item_side.attributes` filled from `path`; returns it and the attribute vocab.

    Attribute indices in the lists are dense, 0-based positions in the returned vocabulary.
    """
    path = Path(path)
    try:
        mapping = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError("no such file", path) from None
    except json.JSONDecodeError as error:
        raise DataError(f"invalid JSON ({error.msg})", path, error.lineno) from None
    if not isinstance(mapping, dict) or not all(isinstance(v, list) for v in mapping.values()):
        raise DataError('expected an object {"item_id": [attribute, ...], ...}', path)
    raw_attributes = sorted({str(a) for values in mapping.values() for a in values}, key=_natural)
    attribute_vocab = Vocab(raw_attributes)
    index = {raw: i for i, raw in enumerate(raw_attributes)}
    empty = np.zeros(0, dtype=np.int64)
    attributes = [
        np.asarray([index[str(a)] for a in mapping.get(raw, [])], dtype=np.int64)
        if raw in mapping else empty
        for raw in dataset.item_vocab.to_json()
    ]
    side = dataset.item_side or ItemSide()
    side = dataclasses.replace(side, attributes=attributes)
    return dataclasses.replace(dataset, item_side=side), attribute_vocab


def _natural(raw: str) -> tuple[int, int | str]:
    return (0, int(raw)) if raw.isdigit() else (1, raw)
