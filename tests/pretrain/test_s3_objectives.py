"""S3-Rec objectives: the attribute matrix and segments by hand, and a pre-trainer that trains
with them, keeps its heads out of checkpoints and refuses to run without attributes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.data.interactions import ItemSide
from pretrec.errors import ConfigError
from pretrec.models.pretrainer import PretrainConfig, SequencePretrainer
from pretrec.pipeline.fitting import side_features
from pretrec.pretrain.attributes import AttributeHeads, attribute_matrix
from pretrec.pretrain.batches import segments
from pretrec.random import seeded_torch
from pretrec.tasks.catalogue import make_task


def test_attribute_matrix_by_hand() -> None:
    matrix = attribute_matrix([np.array([0, 2]), np.array([], dtype=np.int64), np.array([1])], 3,
                              n_tokens=5)
    assert matrix.tolist() == [[0, 0, 0], [1, 0, 1], [0, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_segments_mask_one_run_and_keep_it_alone() -> None:
    window = torch.tensor([[0, 0, 3, 4, 5, 6], [0, 0, 0, 0, 0, 9]])
    masked, alone = segments(window, 0.5, mask_id=99, generator=torch.Generator().manual_seed(0))
    for row, whole, part in zip(window, masked, alone, strict=True):
        hidden = whole == 99
        assert int(hidden.sum()) == max(1, int((row > 0).sum()) // 2)
        columns = torch.nonzero(hidden).flatten()
        assert bool((columns.diff() == 1).all())  # one contiguous run
        assert (torch.equal(part[hidden], row[hidden])
                and bool((part[~hidden & (row > 0)] == 99).all()))
        assert torch.equal(whole == 0, row == 0) and torch.equal(part == 0, row == 0)


@pytest.fixture(scope="module")
def with_attributes(planted_dataset):
    attributes = [np.array([i % 3, 3 + i % 2]) for i in range(planted_dataset.n_items)]
    return dataclasses.replace(planted_dataset, item_side=ItemSide(attributes=attributes))


def test_pretrainer_trains_attribute_and_segment_objectives(with_attributes, tmp_path) -> None:
    from pretrec.checkpoint import load_model, save_model
    from pretrec.pipeline.fitting import fit_built
    from pretrec.train.loop import TrainConfig

    config = PretrainConfig(hidden_size=8, inner_size=16, max_len=10, next_weight=0.0,
                            contrastive_weight=0.0, attribute_weight=1.0, segment_weight=0.5)
    with seeded_torch(0):
        model = SequencePretrainer(config, with_attributes.n_users, with_attributes.n_items)
        features = side_features("pretrainer", config, with_attributes)
        task = make_task("pretrainer", model, with_attributes.interactions, features)
    # the heads belong to the task (trained alongside the model), not to the model
    assert (task.heads is not None
            and task.heads.attributes.shape == (with_attributes.n_items + 2, 5))
    assert task.modules() == [task.heads]
    heads_before = {k: v.clone() for k, v in task.heads.state_dict().items()}
    result = fit_built("pretrainer", model, with_attributes.interactions, with_attributes,
                       task=task, train_config=TrainConfig(epochs=3, batch_size=32,
                                                           learning_rate=0.01, progress=False))
    history = result.history
    assert {"loss/masked", "loss/attribute", "loss/segment"} <= set(history[0])
    assert history[-1]["loss/attribute"] < history[0]["loss/attribute"]
    # the loop trained the heads
    assert not torch.equal(task.heads.embedding, heads_before["embedding"])
    assert not any(isinstance(m, AttributeHeads) for m in model.modules())
    assert not any(k.startswith("attribute_heads") for k in model.state())
    save_model(tmp_path / "ckpt", model, "pretrainer")
    loaded, _, _ = load_model(tmp_path / "ckpt")
    assert not any(isinstance(m, AttributeHeads) for m in loaded.modules())
    assert set(loaded.state()) == set(model.state())


def test_attribute_objective_needs_attributes(planted_dataset) -> None:
    model = SequencePretrainer(PretrainConfig(attribute_weight=1.0), planted_dataset.n_users,
                               planted_dataset.n_items)
    features = side_features("pretrainer", model.config, planted_dataset)  # the data has none
    with pytest.raises(ConfigError, match="item attributes"):  # the task's heads need them
        make_task("pretrainer", model, planted_dataset.interactions, features)
