"""Checkpoints written before the one-pipeline redesign (commit b33fa93) still load and score
exactly as they did: the scores of 12 users were recorded by that code (`scores.npz`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pretrec.checkpoint import load_model
from pretrec.data.io import load_dataset
from pretrec.data.sequences import UserHistories
from pretrec.sampling.batches import UserBatch

HERE = Path(__file__).resolve().parent / "data"
OLD = HERE / "checkpoints-b33fa93"
RECORDED = dict(np.load(OLD / "scores.npz"))


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_an_old_checkpoint_scores_as_it_did(name: str) -> None:
    data = load_dataset(HERE / "tiny")
    histories = UserHistories.from_interactions(data.interactions)
    model, _, items = load_model(OLD / name)
    assert items == data.item_vocab
    with torch.inference_mode():
        scores = model.score(UserBatch(np.arange(12), histories)).float().numpy()
    np.testing.assert_allclose(scores, RECORDED[name], rtol=0, atol=1e-6)
