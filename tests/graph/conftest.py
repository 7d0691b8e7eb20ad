"""Fixtures shared by the knowledge-graph model tests: a small random training split."""

from __future__ import annotations

import numpy as np
import pytest

from pretrec.data.interactions import Interactions


@pytest.fixture
def train() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 6)
    return Interactions(users=users, items=rng.integers(0, 20, size=len(users)), n_users=30,
                        n_items=20)
