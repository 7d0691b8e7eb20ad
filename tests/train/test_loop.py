"""The one training loop: best-epoch selection on validation, exact resume, TensorBoard logs."""

from __future__ import annotations

import numpy as np
import torch

from pretrec.data.split import leave_one_out
from pretrec.device import autocast_dtype
from pretrec.models.bprmf import BPRMF, BPRMFConfig
from pretrec.pipeline.fitting import fit_built
from pretrec.random import seeded_torch
from pretrec.train.loop import TrainConfig


def make_model(split, seed: int = 0) -> BPRMF:
    with seeded_torch(seed):  # parameter init draws from torch's global RNG
        return BPRMF(BPRMFConfig(embedding_dim=8), split.n_users, split.n_items)


def test_resume_continues_exactly_where_training_stopped(planted_dataset, tmp_path) -> None:
    split = leave_one_out(planted_dataset.interactions)
    base = TrainConfig(epochs=4, batch_size=64, progress=False)
    straight = make_model(split)
    fit_built("bprmf", straight, split.train, seed=1, train_config=base)

    interrupted = base.replace(epochs=2, checkpoint_dir=str(tmp_path / "state"))
    fit_built("bprmf", make_model(split), split.train, seed=1, train_config=interrupted)
    resumed = make_model(split)
    result = fit_built(
        "bprmf", resumed, split.train, seed=1,
        train_config=base.replace(checkpoint_dir=str(tmp_path / "state"), resume=True),
    )
    assert result.epochs_run == 4
    for name, tensor in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[name], tensor)


def test_best_validation_epoch_is_restored_and_patience_stops(planted_dataset) -> None:
    split = leave_one_out(planted_dataset.interactions)
    scripted = iter([0.1, 0.5, 0.3, 0.2, 0.1, 0.0])
    snapshots = []

    def validator(model):
        snapshots.append(model.item_embedding.weight.detach().clone())
        return {"ndcg@10": next(scripted)}

    model = make_model(split)
    result = fit_built(
        "bprmf", model, split.train, validator=validator, seed=0,
        train_config=TrainConfig(epochs=10, batch_size=64, patience=2, progress=False),
    )
    assert result.best_epoch == 2
    assert result.epochs_run == 4  # epochs 3 and 4 did not improve
    torch.testing.assert_close(model.item_embedding.weight, snapshots[1])


def test_tensorboard_logs_losses(planted_dataset, tmp_path) -> None:
    split = leave_one_out(planted_dataset.interactions)
    config = TrainConfig(epochs=1, batch_size=64, progress=False,
                         tensorboard_dir=str(tmp_path / "tb"))
    fit_built("bprmf", make_model(split), split.train, seed=0, train_config=config)
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "tb").iterdir())


def test_bf16_autocast_is_chosen_only_where_asked_or_supported() -> None:
    cpu = torch.device("cpu")
    assert autocast_dtype("auto", cpu) is None and autocast_dtype("off", cpu) is None
    assert autocast_dtype("bf16", cpu) is torch.bfloat16


def test_forced_bf16_trains_a_transformer_on_cpu(planted_dataset) -> None:
    from pretrec.models.sasrec import SASRec, SASRecConfig

    with seeded_torch(0):
        model = SASRec(SASRecConfig(hidden_size=16, inner_size=32, max_len=10),
                       planted_dataset.n_users, planted_dataset.n_items)
    result = fit_built("sasrec", model, planted_dataset.interactions, planted_dataset,
                       train_config=TrainConfig(epochs=3, batch_size=32, learning_rate=0.01,
                                                mixed_precision="bf16", progress=False))
    losses = [record["loss/ce"] for record in result.history]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert model.item_embedding.weight.dtype == torch.float32  # autocast leaves weights in fp32
