"""The contract every task honours (one suite over `pretrec.tasks.catalogue.TASKS`).

A task built from the training split yields batches that are dataclasses of CPU tensors, the
same batches for the same generator, different ones for another; its losses are named finite
scalars that reach the model's parameters; the loop's own rules hold: every parameter that a
loss depends on gets a gradient, and an epoch covers every training user or row.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.data.split import leave_one_out
from pretrec.pipeline.fitting import build, build_configs, side_features
from pretrec.random import seeded_torch
from pretrec.sampling.batches import TensorBatch, TripleBatch
from pretrec.tasks.base import Task
from pretrec.tasks.catalogue import TASKS, make_task

SMALL = {"hidden_size": 8, "inner_size": 16, "max_len": 10, "embedding_dim": 4}
TASK_NAMES = sorted(TASKS)


def built(name: str, planted_dataset, tiny_bert):
    """(model, task, train) of `name` on the planted data; the text models read the tiny BERT."""
    from pretrec.models import MODELS

    fields = MODELS.get(name).config.field_names()
    options = {k: v for k, v in SMALL.items() if k in fields}
    if "text_model" in fields:
        options["text_model"] = str(tiny_bert)
    if name == "pretrainer":
        options |= {"attribute_weight": 0.5, "segment_weight": 0.5}
    config, _ = build_configs(name, options)
    dataset = planted_dataset
    if name in ("pretrainer", "kgat", "kgcl"):  # S3-Rec's attribute heads; the KG models' graph
        attributes = [np.array([i % 3, 3 + i % 2]) for i in range(dataset.n_items)]
        dataset = dataclasses.replace(dataset, item_side=dataclasses.replace(dataset.item_side,
                                                                            attributes=attributes))
    train = leave_one_out(dataset.interactions).train
    if MODELS.get(name).kind == "click":
        train = dataclasses.replace(train, weights=(train.weights >= 4).astype(np.float32))
    with seeded_torch(0):
        model = build(name, config, dataset)
        task = make_task(name, model, train, side_features(name, config, dataset))
    return model, task, train


@pytest.fixture(scope="module")
def tasks(planted_dataset, tiny_bert):
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = built(name, planted_dataset, tiny_bert)
        return cache[name]

    return get


def tensors_of(batch) -> dict[str, torch.Tensor]:
    return {f.name: getattr(batch, f.name) for f in dataclasses.fields(batch)
            if isinstance(getattr(batch, f.name), torch.Tensor)}


@pytest.mark.parametrize("name", TASK_NAMES)
def test_batches_are_dataclasses_of_cpu_tensors(name: str, tasks) -> None:
    _, task, _ = tasks(name)
    assert isinstance(task, Task)
    batches = list(task.batches(16, np.random.default_rng(0)))
    assert batches
    for batch in batches:
        assert isinstance(batch, TensorBatch) and dataclasses.is_dataclass(batch)
        assert tensors_of(batch) and all(t.device.type == "cpu" for t in tensors_of(batch).values())


@pytest.mark.parametrize("name", TASK_NAMES)
def test_the_same_generator_gives_the_same_batches_and_another_other_ones(name: str, tasks) -> None:
    _, task, _ = tasks(name)
    first = [tensors_of(b) for b in task.batches(16, np.random.default_rng(3))]
    again = [tensors_of(b) for b in task.batches(16, np.random.default_rng(3))]
    other = [tensors_of(b) for b in task.batches(16, np.random.default_rng(4))]
    assert len(first) == len(again)
    for a, b in zip(first, again, strict=True):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    differs = len(first) != len(other) or any(
        a[k].shape != b[k].shape or not torch.equal(a[k], b[k])
        for a, b in zip(first, other, strict=False) for k in a)
    assert differs


@pytest.mark.parametrize("name", TASK_NAMES)
def test_losses_are_named_finite_scalars_whose_gradients_reach_the_model(name: str, tasks) -> None:
    model, task, _ = tasks(name)
    model.train()
    batch = next(iter(task.batches(16, np.random.default_rng(0))))
    with seeded_torch(0):
        losses = task.loss(model, batch)
    assert losses and all(isinstance(k, str) for k in losses)
    assert all(v.dim() == 0 and torch.isfinite(v) for v in losses.values())
    model.zero_grad(set_to_none=True)
    torch.stack(list(losses.values())).sum().backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert any(g is not None and bool(g.abs().sum() > 0) for g in grads)
    model.eval()


@pytest.mark.parametrize("name", TASK_NAMES)
def test_an_epoch_covers_the_training_split(name: str, tasks) -> None:
    """Sequence tasks: every user with two or more training items once; pointwise and pairwise
    tasks: every training row (pair) once; reconstruction: every rated item once."""
    _, task, train = tasks(name)
    batches = list(task.batches(16, np.random.default_rng(0)))
    first = batches[0]
    if hasattr(first, "inputs"):
        users = torch.cat([b.users for b in batches]).numpy()
        expected = np.flatnonzero(np.bincount(train.users, minlength=train.n_users) >= 2)
        assert np.array_equal(np.sort(users), expected)
    elif hasattr(first, "index"):
        items = torch.cat([b.index for b in batches]).numpy()
        assert np.array_equal(np.sort(items), np.unique(train.items))
    elif hasattr(first, "positives"):
        pairs = [b for b in batches if hasattr(b, "positives")]
        assert sum(len(b.users) for b in pairs) == train.csr.nnz  # deduplicated pairs
        triples = [b for b in batches if isinstance(b, TripleBatch)]  # the KG models' triples
        assert sum(len(b.heads) for b in triples) == len(getattr(task, "triples", []))
    else:
        assert sum(len(b.users) for b in batches) == len(train)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_a_known_batch_count_is_the_epochs_batch_count(name: str, tasks) -> None:
    _, task, _ = tasks(name)
    count = task.n_batches(16)
    assert count is None or count == len(list(task.batches(16, np.random.default_rng(0))))
