"""LightGCN and its self-supervised variants: what the contract suite does not check."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.data.sequences import UserHistories
from pretrec.errors import ConfigError
from pretrec.models import MODELS
from pretrec.models.features import NO_FEATURES
from pretrec.sampling.batches import UserBatch
from pretrec.tasks.catalogue import make_task

GRAPH_MODELS = ("lightgcn", "sgl", "simgcl", "xsimgcl")


@pytest.fixture
def train(dataset_from_sequences):
    rng = np.random.default_rng(0)
    sequences = [rng.choice(30, size=6, replace=False).tolist() for _ in range(40)]
    return dataset_from_sequences(sequences, n_items=30).interactions


def build(name: str, train, **options):
    entry = MODELS.get(name)
    model = entry.build(entry.config.from_dict({"embedding_dim": 8, **options}),
                        train.n_users, train.n_items)
    model.prepare(train)
    return model


def scores(model, train, users) -> torch.Tensor:
    model.eval()
    with torch.inference_mode():
        return model.score(UserBatch(np.asarray(users), UserHistories.from_interactions(train)))


def test_lightgcn_scores_are_the_dot_products_of_the_layer_mean(train) -> None:
    model = build("lightgcn", train, n_layers=2)
    layers = model.layers()
    final = torch.stack(layers).mean(0).detach()
    users, items = final[: train.n_users], final[train.n_users:]
    torch.testing.assert_close(scores(model, train, [0, 3]), users[[0, 3]] @ items.T)


def test_simgcl_reads_out_without_the_ego_layer(train) -> None:
    model = build("simgcl", train, n_layers=2)
    layers = model.layers()
    users, _ = model.readout(layers)
    torch.testing.assert_close(users, torch.stack(layers[1:]).mean(0)[: train.n_users])


@pytest.mark.parametrize("name", GRAPH_MODELS)
def test_one_training_step_gives_finite_named_losses_and_gradients(name: str, train) -> None:
    model = build(name, train)
    model.train()
    task = make_task(name, model, train, NO_FEATURES)
    batch = next(iter(task.batches(16, np.random.default_rng(0))))
    named = task.loss(model, batch)
    expected = {"bpr", "l2"} | ({"contrastive"} if name != "lightgcn" else set())
    assert set(named) == expected and all(torch.isfinite(v) for v in named.values())
    sum(named.values()).backward()
    assert model.user_embedding.weight.grad is not None
    assert torch.isfinite(model.item_embedding.weight.grad).all()


def test_evaluation_propagates_once_and_training_forgets_the_cache(train) -> None:
    model = build("lightgcn", train)
    first = scores(model, train, [1])
    assert model._tables is not None
    model.train()
    assert model._tables is None
    with torch.no_grad():
        model.user_embedding.weight.add_(1.0)
    assert not torch.allclose(scores(model, train, [1]), first)


def test_a_checkpointed_graph_is_restored_with_its_size(train, tmp_path) -> None:
    from pretrec.checkpoint import load_model, save_model

    model = build("sgl", train)
    save_model(tmp_path / "ckpt", model, "sgl")
    loaded, _, _ = load_model(tmp_path / "ckpt")
    assert loaded.graph_users.shape == model.graph_users.shape
    torch.testing.assert_close(scores(loaded, train, [0, 2]), scores(model, train, [0, 2]))


@pytest.mark.parametrize("options, message", [
    ({"drop_ratio": 1.0}, "drop_ratio"),
    ({"temperature": 0.0}, "temperature"),
    ({"n_layers": 0}, "n_layers"),
])
def test_bad_sgl_options_are_config_errors(options, message) -> None:
    with pytest.raises(ConfigError, match=message):
        MODELS.get("sgl").config.from_dict(options)


def test_xsimgcl_contrast_layer_must_be_a_layer() -> None:
    with pytest.raises(ConfigError, match="contrast_layer"):
        MODELS.get("xsimgcl").config.from_dict({"n_layers": 2, "contrast_layer": 3})
