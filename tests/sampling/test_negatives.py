"""Vectorised negative sampling avoids positives and is reproducible."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pretrec.sampling.negatives import sample_negatives


def test_negatives_avoid_each_users_positives() -> None:
    rng = np.random.default_rng(0)
    positives = sp.random(50, 30, density=0.5, random_state=1, format="csr")
    positives.data[:] = 1
    users = np.repeat(np.arange(50), 4)
    negatives = sample_negatives(users, 8, 30, rng, exclude=positives)
    assert negatives.shape == (200, 8)
    assert positives.toarray()[users[:, None], negatives].sum() == 0


def test_same_seed_same_negatives_and_popularity_sampler_follows_weights() -> None:
    users = np.arange(10)
    a = sample_negatives(users, 5, 20, np.random.default_rng(3))
    b = sample_negatives(users, 5, 20, np.random.default_rng(3))
    assert np.array_equal(a, b)
    weights = np.zeros(20)
    weights[[2, 7]] = 0.5
    drawn = sample_negatives(np.arange(100), 5, 20, np.random.default_rng(0), probabilities=weights)
    assert set(np.unique(drawn)) == {2, 7}
