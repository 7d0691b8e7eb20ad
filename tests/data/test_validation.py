"""Validation of the in-memory format: every malformed `Interactions` or `Vocab` is refused with
a DataError that says what was wrong."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.interactions import Interactions
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError

# ---------------------------------------------------------------- Interactions: lengths


def test_users_and_items_of_different_lengths_are_refused() -> None:
    """Three users for two items cannot pair up."""
    with pytest.raises(DataError, match=r"users \(3\) and items \(2\) differ in length"):
        Interactions(np.array([0, 1, 1]), np.array([0, 1]), 2, 2)


def test_timestamps_of_another_length_are_refused() -> None:
    """One timestamp for two events."""
    with pytest.raises(DataError, match=r"timestamps \(1\) and users \(2\) differ in length"):
        Interactions(np.array([0, 1]), np.array([0, 1]), 2, 2, timestamps=np.array([1.0]))


def test_weights_of_another_length_are_refused() -> None:
    """Three weights for two events."""
    with pytest.raises(DataError, match=r"weights \(3\) and users \(2\) differ in length"):
        Interactions(np.array([0, 1]), np.array([0, 1]), 2, 2, weights=np.ones(3))


# ---------------------------------------------------------------- Interactions: index ranges


@pytest.mark.parametrize("bad_user", [-1, 2, 100])
def test_user_indices_outside_the_universe_are_refused(bad_user: int) -> None:
    """Users must lie in [0, n_users): negative and too large both fail."""
    with pytest.raises(DataError, match=r"user index outside \[0, 2\)"):
        Interactions(np.array([0, bad_user]), np.array([0, 1]), 2, 3)


@pytest.mark.parametrize("bad_item", [-1, 3, 100])
def test_item_indices_outside_the_universe_are_refused(bad_item: int) -> None:
    """Items must lie in [0, n_items): negative and too large both fail."""
    with pytest.raises(DataError, match=r"item index outside \[0, 3\)"):
        Interactions(np.array([0, 1]), np.array([bad_item, 1]), 2, 3)


def test_indices_on_the_edges_of_the_universe_are_accepted() -> None:
    """0 and n - 1 are valid indices; the universe may be larger than what the arrays use."""
    inter = Interactions(np.array([0, 4]), np.array([9, 0]), 5, 10)
    assert (len(inter), inter.n_users, inter.n_items) == (2, 5, 10)
    assert inter.users.dtype == np.int64 and inter.items.dtype == np.int64


def test_empty_interactions_are_valid() -> None:
    """No events is not an error (a part of a split may be empty)."""
    inter = Interactions(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3, 4)
    assert len(inter) == 0 and inter.csr.shape == (3, 4) and inter.csr.nnz == 0


def test_fractional_indices_are_refused() -> None:
    """A non-integer index is malformed data, not a user to round down."""
    with pytest.raises(DataError, match="index"):
        Interactions(np.array([0.0, 1.5]), np.array([0, 1]), 2, 2)


def test_interactions_over_different_universes_cannot_be_concatenated() -> None:
    """Concatenation needs the same n_users and n_items."""
    a = Interactions(np.array([0]), np.array([0]), 2, 3)
    b = Interactions(np.array([0]), np.array([0]), 2, 4)
    with pytest.raises(DataError, match="different universes"):
        a.concat(b)


# ---------------------------------------------------------------- Vocab


def test_a_vocab_with_duplicate_raw_ids_is_refused() -> None:
    """Two indices cannot share one raw id."""
    with pytest.raises(DataError, match="unique"):
        Vocab(["a", "b", "a"])


def test_a_vocab_with_ids_equal_as_text_is_refused() -> None:
    """Raw ids are compared as strings: 1 and "1" are the same id (refused today with the
    same DataError as any duplicate)."""
    with pytest.raises(DataError, match="unique"):
        Vocab([1, "1"])


def test_vocab_lookup_marks_unknown_raw_ids() -> None:
    """Unknown raw ids map to `unknown` in bulk lookups and raise KeyError one at a time."""
    vocab = Vocab(["a", "b"])
    assert vocab.lookup(["b", "zzz", "a"]).tolist() == [1, -1, 0]
    assert vocab.lookup(["zzz"], unknown=-7).tolist() == [-7]
    with pytest.raises(KeyError):
        vocab.index("zzz")
