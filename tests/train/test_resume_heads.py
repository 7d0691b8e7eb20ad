"""Resuming a task with training-only heads (S3-Rec's attribute heads) continues exactly."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from pretrec.data.split import leave_one_out
from pretrec.models.pretrainer import PretrainConfig, SequencePretrainer
from pretrec.pipeline.fitting import fit_built, side_features
from pretrec.random import seeded_torch
from pretrec.tasks.catalogue import make_task
from pretrec.train.loop import TrainConfig


def test_resume_restores_the_task_heads_too(planted_dataset, tmp_path) -> None:
    attributes = [np.array([i % 3, 3 + i % 2]) for i in range(planted_dataset.n_items)]
    side = dataclasses.replace(planted_dataset.item_side, attributes=attributes)
    dataset = dataclasses.replace(planted_dataset, item_side=side)
    train = leave_one_out(dataset.interactions).train
    config = PretrainConfig(hidden_size=8, inner_size=16, max_len=10, next_weight=0.0,
                            contrastive_weight=0.0, attribute_weight=1.0)

    def fresh():
        with seeded_torch(0):
            model = SequencePretrainer(config, dataset.n_users, dataset.n_items)
            task = make_task("pretrainer", model, train,
                             side_features("pretrainer", config, dataset))
        return model, task

    base = TrainConfig(epochs=4, batch_size=32, progress=False)
    straight, straight_task = fresh()
    fit_built("pretrainer", straight, train, seed=1, train_config=base, task=straight_task)
    state = str(tmp_path / "state")
    first, first_task = fresh()
    fit_built("pretrainer", first, train, seed=1, task=first_task,
              train_config=base.replace(epochs=2, checkpoint_dir=state))
    resumed, resumed_task = fresh()
    fit_built("pretrainer", resumed, train, seed=1, task=resumed_task,
              train_config=base.replace(checkpoint_dir=state, resume=True))
    for name, tensor in straight_task.heads.state_dict().items():
        torch.testing.assert_close(resumed_task.heads.state_dict()[name], tensor)
    for name, tensor in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[name], tensor)


def test_resume_refuses_a_state_of_another_config_seed_or_dataset(planted_dataset,
                                                                  tmp_path) -> None:
    import pytest

    from pretrec.errors import ConfigError
    from pretrec.models.bprmf import BPRMF, BPRMFConfig

    split = leave_one_out(planted_dataset.interactions)

    def model():
        with seeded_torch(0):
            return BPRMF(BPRMFConfig(embedding_dim=8), split.n_users, split.n_items)

    state = str(tmp_path / "state")
    base = TrainConfig(epochs=2, batch_size=64, progress=False, checkpoint_dir=state)
    fit_built("bprmf", model(), split.train, seed=1, train_config=base)
    resume = base.replace(epochs=4, resume=True)
    with pytest.raises(ConfigError, match="learning_rate: saved 0.001, now 0.01"):
        fit_built("bprmf", model(), split.train, seed=1,
                  train_config=resume.replace(learning_rate=0.01))
    with pytest.raises(ConfigError, match="seed: saved 1, now 2"):
        fit_built("bprmf", model(), split.train, seed=2, train_config=resume)
    with pytest.raises(ConfigError, match="data: saved"):
        fit_built("bprmf", model(), split.valid, seed=1, train_config=resume)
    assert fit_built("bprmf", model(), split.train, seed=1, train_config=resume).epochs_run == 4
