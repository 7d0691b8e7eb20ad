"""Histories in time order, padded views, and the CSR view."""

from __future__ import annotations

import numpy as np

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories


def test_padded_sequences_are_right_aligned_one_based_and_truncated() -> None:
    inter = Interactions(np.array([1, 0, 1, 1, 0]), np.array([4, 2, 5, 6, 3]), 3, 7,
                         timestamps=np.array([1.0, 2.0, 3.0, 0.5, 5.0]))
    hist = UserHistories.from_interactions(inter)
    # user 1 in time order: 6 (t=.5), 4 (t=1), 5 (t=3); user 0: 2, 3; user 2: none
    assert hist.padded(np.array([0, 1, 2]), 4).tolist() == [[0, 0, 3, 4], [0, 7, 5, 6],
                                                            [0, 0, 0, 0]]
    assert hist.padded(np.array([1]), 2).tolist() == [[5, 6]]
    assert hist.lengths().tolist() == [2, 3, 0]


def test_csr_of_selected_users() -> None:
    inter = Interactions(np.array([0, 0, 2, 2, 2]), np.array([1, 1, 0, 3, 2]), 3, 4)
    hist = UserHistories.from_interactions(inter)
    assert hist.csr(np.array([2, 0])).toarray().tolist() == [[1, 0, 1, 1], [0, 1, 0, 0]]
