"""Grid search selects on validation only: a grid whose best combination is known by
construction, validation metrics computed by hand, and a test part that must never be read."""

from __future__ import annotations

import math
from typing import NoReturn

import numpy as np
import pytest

from pretrec.data.interactions import Interactions
from pretrec.data.split import Split
from pretrec.eval.protocol import Protocol
from pretrec.pipeline.tune import grid_search

A, B, C, D = 0, 1, 2, 3  # items
V = 8  # the one validation user


class Untouchable:
    """Stands for the test part: any use of it fails the test."""

    def __getattr__(self, name: str) -> NoReturn:
        raise AssertionError(f"grid search read the test split (.{name})")

    def __len__(self) -> NoReturn:
        raise AssertionError("grid search read the test split (len)")


def knn_split() -> Split:
    """Training users {A, B}, {A, C} x2, {C, D} x3, {B} x2 and V = {A}; V's validation target
    is B. Item counts n_A = 4, n_B = 3, n_C = 5, n_D = 3; co-counts A-B 1, A-C 2, C-D 3.
    With shrink 0: sim(A, B) = 1 / sqrt(12) = 0.289, sim(A, C) = 2 / sqrt(20) = 0.447,
    sim(C, D) = 3 / sqrt(15) = 0.775, every other pair 0."""
    rows = [(0, A), (0, B), (1, A), (1, C), (2, A), (2, C), (3, C), (3, D), (4, C), (4, D),
            (5, C), (5, D), (6, B), (7, B), (V, A)]
    users, items = np.array(rows).T
    train = Interactions(users, items, 9, 4)
    valid = Interactions(np.array([V]), np.array([B]), 9, 4)
    return Split(train, valid, Untouchable(), protocol="hand-made")  # type: ignore[arg-type]


def test_grid_search_picks_the_combination_best_on_validation_by_construction() -> None:
    """V's history {A} is masked; a candidate j scores sim(A, j) when A is among j's kept
    neighbours. neighbours=1: C keeps only D, D only C, B keeps A, so B (0.289) ranks 1st and
    NDCG@10 = 1. neighbours=2 or 0 (all): C keeps A and scores 0.447 > B, so B ranks 2nd and
    NDCG@10 = 1 / log2(3). The best is the middle value of the grid."""
    best, trials = grid_search("itemknn", knn_split(), {"neighbours": [0, 1, 2]},
                               base_options={"shrink": 0.0})
    assert [t.options["neighbours"] for t in trials] == [0, 1, 2]
    second = 1 / math.log2(3)  # 0.631
    assert [t.valid_metric for t in trials] == pytest.approx([second, 1.0, second])
    assert best["neighbours"] == 1 and best["shrink"] == 0.0
    assert all(t.seconds >= 0 for t in trials)


def test_grid_search_selects_by_the_metric_and_protocol_it_is_given() -> None:
    """HR@1 (a cut-off outside the default protocol) is 0 for neighbours=2 and 1 for
    neighbours=1 (see above), whatever order the grid lists them in."""
    best, trials = grid_search("itemknn", knn_split(), {"neighbours": [2, 1]},
                               base_options={"shrink": 0.0}, metric="hr@1",
                               protocol=Protocol(ks=(1,)))
    assert [t.valid_metric for t in trials] == [0.0, 1.0]
    assert best["neighbours"] == 1
