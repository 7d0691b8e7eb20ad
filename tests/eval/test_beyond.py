"""Coverage, average popularity and Gini against hand-computed values and a brute-force Gini."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pretrec.eval.beyond import (
    average_popularity,
    gini_index,
    item_coverage,
    recommendation_counts,
)


def test_coverage_ignores_padding():
    # lists {0, 1} and {1, 2}; -1 is padding; 3 distinct of 5 items -> 0.6
    top = np.array([[0, 1, -1], [1, 2, -1]])
    assert item_coverage(top, 5) == pytest.approx(0.6)
    assert type(item_coverage(top, 5)) is float
    np.testing.assert_array_equal(recommendation_counts(top, 5), [1, 2, 1, 0, 0])
    assert item_coverage(np.full((2, 3), -1), 5) == 0.0


def test_average_popularity():
    popularity = np.array([10, 5, 1, 0, 0])
    # user 0: (10 + 5) / 2 = 7.5; user 1: 1 / 1 = 1; user 2 is all padding and left out
    # -> (7.5 + 1) / 2 = 4.25
    top = np.array([[0, 1, -1], [2, -1, -1], [-1, -1, -1]])
    assert average_popularity(top, popularity) == pytest.approx(4.25)
    assert math.isnan(average_popularity(np.full((1, 2), -1), popularity))


def test_gini_uniform_is_zero():
    # every item recommended twice
    assert gini_index(np.array([[0, 1], [2, 0], [1, 2]]), 3) == pytest.approx(0.0)


def test_gini_fully_concentrated():
    # counts sorted [0, 0, 0, 3], weights 2i - n - 1 = [-3, -1, 1, 3]
    # G = 3 * 3 / (4 * 3) = 0.75 = (n - 1) / n
    assert gini_index(np.array([[0], [0], [0]]), 4) == pytest.approx(0.75)


def test_gini_hand_computed():
    # counts item0: 1, item1: 2, item2: 3 -> sorted [1, 2, 3], weights [-2, 0, 2]
    # G = (-2 + 0 + 6) / (3 * 6) = 0.2222
    assert gini_index(np.array([[2, 1], [2, 1], [2, 0]]), 3) == pytest.approx(4 / 18)
    # a never-recommended item counts as 0: sorted [0, 1, 2, 3], weights [-3, -1, 1, 3]
    # G = (0 - 1 + 2 + 9) / (4 * 6) = 0.4167
    assert gini_index(np.array([[2, 1], [2, 1], [2, 0]]), 4) == pytest.approx(10 / 24)
    assert math.isnan(gini_index(np.full((2, 2), -1), 4))


@settings(max_examples=100, deadline=None)
@given(
    top=st.lists(st.lists(st.integers(-1, 9), min_size=3, max_size=3), min_size=1, max_size=8),
    n_items=st.integers(10, 15),
)
def test_gini_matches_mean_absolute_difference(top, n_items):
    # G = sum_i sum_j |c_i - c_j| / (2 n^2 mean(c)), the textbook definition
    top = np.array(top)
    counts = np.bincount(top[top >= 0], minlength=n_items).astype(float)
    if counts.sum() == 0:
        assert math.isnan(gini_index(top, n_items))
        return
    brute = np.abs(counts[:, None] - counts[None, :]).sum() / (2 * n_items**2 * counts.mean())
    assert gini_index(top, n_items) == pytest.approx(brute)
    assert 0.0 <= gini_index(top, n_items) <= (n_items - 1) / n_items + 1e-12


@pytest.mark.parametrize("bad", [[[5]], [[-2]], [[0.5]], [0, 1]])
def test_invalid_items(bad):
    with pytest.raises(ValueError):
        item_coverage(np.array(bad), 5)


def test_invalid_n_items():
    with pytest.raises(ValueError, match="n_items"):
        gini_index(np.array([[0]]), 0)
