"""CL4SRec and DuoRec pieces: item similarity, same-target positives, the views each batch
carries."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.augment.similarity import most_similar_items
from pretrec.data.sequences import UserHistories
from pretrec.errors import ConfigError
from pretrec.models import MODELS
from pretrec.models.cl4srec import CL4SRecConfig
from pretrec.models.duorec import DuoRecConfig
from pretrec.tasks.catalogue import make_task
from pretrec.tasks.contrastive import SameTargetIndex


def test_most_similar_item_by_hand(dataset_from_sequences) -> None:
    # items 0 and 1 always together; 2 with 1 once; 3 alone -> maps to itself
    train = dataset_from_sequences([[0, 1], [0, 1], [1, 2], [3]]).interactions
    similar = most_similar_items(train)
    # cos(0,1) = 2 / sqrt(2 * 3) = 0.816 > cos(1,2) = 1 / sqrt(3) = 0.577
    assert similar.tolist() == [1, 0, 1, 3]


def test_same_target_positives_end_right_before_the_target(dataset_from_sequences) -> None:
    train = dataset_from_sequences([[0, 1, 2], [3, 2], [4, 5]]).interactions
    histories = UserHistories.from_interactions(train)
    index = SameTargetIndex(histories)
    rng = np.random.default_rng(0)
    windows = index.sample(np.array([2] * 50 + [5]), 3, rng)  # 1-based ids come back
    prefixes = {tuple(row) for row in windows[:50].tolist()}
    assert prefixes == {(0, 1, 2), (0, 0, 4)}  # [0, 1] before 2, or [3] before 2
    assert windows[50].tolist() == [0, 0, 5]


def test_cl4srec_batches_carry_two_different_views(planted_dataset) -> None:
    config = CL4SRecConfig(hidden_size=8, inner_size=16, max_len=10, augmentations=("mask", "crop"))
    model = MODELS.get("cl4srec").build(config, planted_dataset.n_users, planted_dataset.n_items)
    task = make_task("cl4srec", model, planted_dataset.interactions, planted_dataset)
    batch = next(iter(task.batches(16, np.random.default_rng(0))))
    assert batch.first_view.shape == batch.inputs.shape == batch.second_view.shape
    assert not torch.equal(batch.first_view, batch.second_view)
    assert int(batch.first_view.max()) <= planted_dataset.n_items + 1  # the mask token at most
    losses = task.loss(model, batch)
    assert set(losses) == {"ce", "contrastive"} and all(torch.isfinite(v) for v in losses.values())


def test_duorec_positive_shares_the_rows_last_target(planted_dataset) -> None:
    config = DuoRecConfig(hidden_size=8, inner_size=16, max_len=10)
    model = MODELS.get("duorec").build(config, planted_dataset.n_users, planted_dataset.n_items)
    train = planted_dataset.interactions
    histories = UserHistories.from_interactions(train)
    task = make_task("duorec", model, train, planted_dataset)
    batch = next(iter(task.batches(16, np.random.default_rng(0))))
    assert torch.equal(batch.first_view, batch.inputs)
    # every positive is a real prefix: it occurs in some user's history right before the target
    for positive, target in zip(batch.second_view.numpy(), batch.targets[:, -1].numpy(),
                                strict=True):
        items = positive[positive > 0] - 1
        found = any(
            list(seq[max(0, p - len(items)):p]) == list(items) and seq[p] == target - 1
            for seq in (histories.items[histories.offsets[u]:histories.offsets[u + 1]]
                        for u in range(histories.n_users))
            for p in range(len(items), len(seq))
        )
        assert found


def test_unknown_augmentation_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="shuffle"):
        CL4SRecConfig.from_dict({"augmentations": "crop,shuffle"})
