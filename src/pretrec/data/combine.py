"""Several datasets as one: for pre-training a text model on more than one source catalogue.

Users and items of different sources never merge: raw ids are prefixed with the source's name
("ml-100k:1", "ml-latest-small:1"). Item text fields are the union of the sources' fields ("" where
a source lacks one); user features likewise. Timestamps are kept only if every source has them,
ratings likewise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pretrec.data.interactions import Dataset, Interactions, ItemSide
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError


def _fields(parts: Sequence[dict[str, np.ndarray] | None],
            sizes: Sequence[int]) -> dict[str, np.ndarray] | None:
    names = list(dict.fromkeys(name for part in parts if part for name in part))
    if not names:
        return None
    return {name: np.concatenate([part[name] if part and name in part
                                  else np.full(n, "", dtype=object)
                                  for part, n in zip(parts, sizes, strict=True)]).astype(object)
            for name in names}


def concat_datasets(datasets: Sequence[Dataset], name: str | None = None) -> Dataset:
    """One Dataset holding every source's users, items and interactions, kept apart by prefix."""
    if len(datasets) < 2:
        raise DataError("concat_datasets needs at least two datasets")
    names = [d.name for d in datasets]
    if len(set(names)) != len(names):
        raise DataError(f"datasets to combine need distinct names (their id prefix), got {names}")
    user_offsets = np.cumsum([0] + [d.n_users for d in datasets])
    item_offsets = np.cumsum([0] + [d.n_items for d in datasets])
    parts = [d.interactions for d in datasets]

    def joined(attribute: str) -> np.ndarray | None:
        values = [getattr(p, attribute) for p in parts]
        return None if any(v is None for v in values) else np.concatenate(values)

    inter = Interactions(
        users=np.concatenate([p.users + o for p, o in zip(parts, user_offsets, strict=False)]),
        items=np.concatenate([p.items + o for p, o in zip(parts, item_offsets, strict=False)]),
        n_users=int(user_offsets[-1]),
        n_items=int(item_offsets[-1]),
        timestamps=joined("timestamps"),
        weights=joined("weights"),
    )
    user_vocab = Vocab([f"{d.name}:{r}" for d in datasets for r in d.user_vocab.raw_ids])
    item_vocab = Vocab([f"{d.name}:{r}" for d in datasets for r in d.item_vocab.raw_ids])
    text = _fields([d.item_side.text if d.item_side else None for d in datasets],
                   [d.n_items for d in datasets])
    users = _fields([d.user_features for d in datasets], [d.n_users for d in datasets])
    return Dataset(inter, user_vocab, item_vocab, name=name or "+".join(names),
                   item_side=ItemSide(text=text) if text else None, user_features=users)
