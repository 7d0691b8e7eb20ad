"""The one in-memory format: interactions as parallel numpy arrays, with a CSR view.

Row order matters when there are no timestamps: readers of sequence files keep each user's
interactions in time order, and `time_key` then falls back to the row position.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError


@dataclass(frozen=True, eq=False)
class Interactions:
    """`n` user-item events over a fixed universe of `n_users` x `n_items`.

    Attributes:
        users: int64 (n,) dense user indices in [0, n_users).
        items: int64 (n,) dense item indices in [0, n_items).
        n_users, n_items: sizes of the index spaces (may exceed what the arrays use).
        timestamps: optional float64 (n,) event times; without them row order is time order.
        weights: optional float32 (n,) ratings or weights.
    """

    users: np.ndarray
    items: np.ndarray
    n_users: int
    n_items: int
    timestamps: np.ndarray | None = None
    weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("users", "items"):
            values = np.asarray(getattr(self, name))
            if values.dtype.kind == "f" and not np.array_equal(values, np.round(values)):
                raise DataError(f"{name[:-1]} index must be a whole number; got "
                                f"{values[values != np.round(values)][0]}")
        object.__setattr__(self, "users", np.ascontiguousarray(self.users, dtype=np.int64))
        object.__setattr__(self, "items", np.ascontiguousarray(self.items, dtype=np.int64))
        n = len(self.users)
        if len(self.items) != n:
            raise DataError(f"users ({n}) and items ({len(self.items)}) differ in length")
        for name in ("timestamps", "weights"):
            values = getattr(self, name)
            if values is not None:
                dtype = np.float64 if name == "timestamps" else np.float32
                values = np.ascontiguousarray(values, dtype=dtype)
                if len(values) != n:
                    raise DataError(f"{name} ({len(values)}) and users ({n}) differ in length")
                object.__setattr__(self, name, values)
        if n:
            if self.users.min() < 0 or self.users.max() >= self.n_users:
                raise DataError(f"user index outside [0, {self.n_users})")
            if self.items.min() < 0 or self.items.max() >= self.n_items:
                raise DataError(f"item index outside [0, {self.n_items})")

    def __len__(self) -> int:
        return len(self.users)

    @cached_property
    def csr(self) -> sp.csr_matrix:
        """Binary user x item matrix (duplicates collapse to 1)."""
        matrix = sp.csr_matrix(
            (np.ones(len(self), dtype=np.float32), (self.users, self.items)),
            shape=(self.n_users, self.n_items),
        )
        matrix.data[:] = 1.0
        return matrix

    def time_key(self) -> np.ndarray:
        """Timestamps when known, otherwise the row position (row order is time order)."""
        if self.timestamps is not None:
            return self.timestamps
        return np.arange(len(self), dtype=np.float64)

    def chronological_order(self) -> np.ndarray:
        """Permutation sorting rows by (user, time, original position): stable."""
        return np.lexsort((np.arange(len(self)), self.time_key(), self.users))

    def select(self, rows: np.ndarray) -> Interactions:
        """The rows given by a boolean mask or an index array, same universe."""
        return Interactions(
            users=self.users[rows],
            items=self.items[rows],
            n_users=self.n_users,
            n_items=self.n_items,
            timestamps=None if self.timestamps is None else self.timestamps[rows],
            weights=None if self.weights is None else self.weights[rows],
        )

    def concat(self, other: Interactions) -> Interactions:
        """Rows of `self` then rows of `other`; timestamps/weights kept only if both have them."""
        if (self.n_users, self.n_items) != (other.n_users, other.n_items):
            raise DataError("cannot concatenate interactions over different universes")

        def join(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
            return None if a is None or b is None else np.concatenate([a, b])

        return Interactions(
            users=np.concatenate([self.users, other.users]),
            items=np.concatenate([self.items, other.items]),
            n_users=self.n_users,
            n_items=self.n_items,
            timestamps=join(self.timestamps, other.timestamps),
            weights=join(self.weights, other.weights),
        )

    def user_counts(self) -> np.ndarray:
        return np.bincount(self.users, minlength=self.n_users)

    def item_counts(self) -> np.ndarray:
        return np.bincount(self.items, minlength=self.n_items)

    def fingerprint(self) -> str:
        """Content hash (sha256, 16 hex digits) of the arrays, order included."""
        digest = hashlib.sha256()
        digest.update(np.asarray([self.n_users, self.n_items], dtype=np.int64).tobytes())
        for array in (self.users, self.items, self.timestamps, self.weights):
            digest.update(b"-" if array is None else array.tobytes())
        return digest.hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class ItemSide:
    """Optional item side data aligned with item indices.

    Attributes:
        text: field name -> object array (n_items,) of strings ("" where missing).
        attributes: optional list of int64 arrays, the attribute ids of each item.
    """

    text: dict[str, np.ndarray] = field(default_factory=dict)
    attributes: list[np.ndarray] | None = None


@dataclass(frozen=True, eq=False)
class Dataset:
    """Interactions plus the vocabularies and side data that give them meaning.

    `presplit` holds the (train, valid, test) parts when the source came already split;
    `knowledge_graph` an item knowledge graph whose first `n_items` entities are the items.
    """

    interactions: Interactions
    user_vocab: Vocab
    item_vocab: Vocab
    name: str = "dataset"
    item_side: ItemSide | None = None
    user_features: dict[str, np.ndarray] | None = None
    presplit: tuple[Interactions, Interactions, Interactions] | None = None
    knowledge_graph: KnowledgeGraph | None = None

    def __post_init__(self) -> None:
        graph = self.knowledge_graph
        if graph is not None and graph.n_items != self.interactions.n_items:
            raise DataError(f"the knowledge graph links {graph.n_items} items, the "
                            f"interactions have {self.interactions.n_items}")

    @classmethod
    def from_interactions(cls, interactions: Interactions, name: str = "dataset") -> Dataset:
        """A dataset without side data whose raw ids are the indices written as text."""
        users = Vocab([str(u) for u in range(interactions.n_users)])
        return cls(interactions, users, Vocab([str(i) for i in range(interactions.n_items)]),
                   name=name)

    @property
    def n_users(self) -> int:
        return self.interactions.n_users

    @property
    def n_items(self) -> int:
        return self.interactions.n_items

    def fingerprint(self) -> str:
        return self.interactions.fingerprint()
