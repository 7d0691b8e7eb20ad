"""Per-user histories in time order as values + offsets (a ragged array), and padded views.

Padded sequences use 1-based item ids with 0 as padding (the SASRec convention), right-aligned
so the latest item is in the last column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pretrec.data.interactions import Interactions


@dataclass(frozen=True, eq=False)
class UserHistories:
    """`items[offsets[u]:offsets[u+1]]` are user u's items in time order."""

    offsets: np.ndarray  # int64 (n_users + 1,)
    items: np.ndarray  # int64 (n_events,)
    n_items: int

    @classmethod
    def from_interactions(cls, inter: Interactions) -> UserHistories:
        order = inter.chronological_order()
        counts = np.bincount(inter.users, minlength=inter.n_users)
        offsets = np.zeros(inter.n_users + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(offsets, inter.items[order], inter.n_items)

    @property
    def n_users(self) -> int:
        return len(self.offsets) - 1

    def lengths(self, users: np.ndarray | None = None) -> np.ndarray:
        lengths = np.diff(self.offsets)
        return lengths if users is None else lengths[users]

    def padded(self, users: np.ndarray, max_len: int) -> np.ndarray:
        """int64 (len(users), max_len): the last `max_len` items + 1, left-padded with 0."""
        users = np.asarray(users, dtype=np.int64)
        return self.windows(self.offsets[users], self.offsets[users + 1], max_len)

    def user_of_position(self) -> np.ndarray:
        """int64 (n_events,): the user each position of `items` belongs to."""
        return np.repeat(np.arange(self.n_users), self.lengths())

    def windows(self, starts: np.ndarray, ends: np.ndarray, max_len: int) -> np.ndarray:
        """int64 (len(ends), max_len): items[starts[i]:ends[i]], last `max_len` of them, 1-based,
        left-padded with 0 (positions index `items`)."""
        lengths = np.minimum(ends - starts, max_len)
        # column j of a row holds the item at position end - max_len + j, when it exists
        positions = ends[:, None] - max_len + np.arange(max_len)[None, :]
        valid = np.arange(max_len)[None, :] >= (max_len - lengths)[:, None]
        result = np.zeros((len(ends), max_len), dtype=np.int64)
        result[valid] = self.items[positions[valid]] + 1
        return result

    def csr(self, users: np.ndarray | None = None) -> sp.csr_matrix:
        """Binary (len(users), n_items) matrix of the users' histories."""
        if users is None:
            users = np.arange(self.n_users)
        users = np.asarray(users, dtype=np.int64)
        starts, ends = self.offsets[users], self.offsets[users + 1]
        lengths = ends - starts
        row_offsets = np.zeros(len(users) + 1, dtype=np.int64)
        np.cumsum(lengths, out=row_offsets[1:])
        # gather each row's slice without a Python loop over users
        index = np.repeat(starts - row_offsets[:-1], lengths) + np.arange(row_offsets[-1])
        matrix = sp.csr_matrix(
            (np.ones(len(index), dtype=np.float32), self.items[index], row_offsets),
            shape=(len(users), self.n_items),
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return matrix
