"""The contract every registered model must honour (one suite over the whole registry).

Shapes, finite scores, learning on planted data (beats popularity), save/load giving identical
scores, and for neural models a finite training loss that falls.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.checkpoint import load_model, save_model
from pretrec.data.sequences import UserHistories
from pretrec.data.split import leave_one_out
from pretrec.eval.evaluate import evaluate
from pretrec.experiment import Fit, build_configs, fit
from pretrec.models import MODELS, NeuralRecommender
from pretrec.sampling.batches import UserBatch

# Small, fast settings per model for the planted data; everything else stays at its default.
FAST_OPTIONS: dict[str, dict[str, object]] = {
    "bprmf": {"epochs": 30, "batch_size": 128, "learning_rate": 0.01, "embedding_dim": 16, "patience": 30},
    "ease": {"l2": 10.0},
    "itemknn": {"neighbours": 20},
    "bert4rec": {"epochs": 40, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
                 "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 40, "mask_probability": 0.3},
    "gru4rec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.01, "hidden_size": 16, "dropout": 0.1,
                "max_len": 12, "patience": 30},
    "cl4srec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
                "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30,
                "augmentations": "crop,mask,reorder,substitute,insert"},
    "duorec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
               "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30},
    "pretrainer": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
                   "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30},
    "bsarec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
               "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30, "smoothing_window": 3},
    "text_sasrec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
                    "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30, "n_experts": 2},
    "biasedmf": {"epochs": 60, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
                 "patience": 60},
    "text_mf": {"epochs": 60, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
                "patience": 60},
    "autorec": {"epochs": 60, "batch_size": 8, "learning_rate": 0.01, "hidden_size": 16, "l2": 0.01, "patience": 60},
    "text_autorec": {"epochs": 60, "batch_size": 8, "learning_rate": 0.01, "hidden_size": 16, "l2": 0.01,
                     "patience": 60},
    "mf_click": {"epochs": 60, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
                 "patience": 60},
    "text_click": {"epochs": 60, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
                   "patience": 60},
    "sasrec": {"epochs": 30, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16, "inner_size": 32,
               "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12, "patience": 30},
}


def fitting(name: str, split, seed: int = 0, dataset=None) -> Fit:
    """Build `name` (seeded by `seed`), give it the planted data's item text and fit it on `split.train`."""
    model_config, train_config = build_configs(name, FAST_OPTIONS.get(name, {}))
    train_config = train_config.replace(progress=False)
    train = split.train
    if MODELS.get(name).kind == "click":  # 0/1 labels: the planted rating is 4 or more
        train = dataclasses.replace(train, weights=(train.weights >= 4).astype(np.float32))
    return fit(name, dataset or PLANTED, train, model_config, train_config, seed,
               n_users=split.n_users, n_items=split.n_items)


def fitted(name: str, split, seed: int = 0, dataset=None):
    return fitting(name, split, seed, dataset).model


PLANTED = None


@pytest.fixture(scope="module", autouse=True)
def planted_data(planted_dataset, tmp_path_factory):
    global PLANTED
    PLANTED = planted_dataset
    # the ensemble scores with saved members: two instant ones, fitted on the same split
    folder, split = tmp_path_factory.mktemp("ensemble-members"), leave_one_out(planted_dataset.interactions)
    for member in ("ease", "itemknn"):
        save_model(folder / member, fitted(member, split), member)
    FAST_OPTIONS["ensemble"] = {"members": f"{folder / 'ease'},{folder / 'itemknn'}", "combine": "zscore"}
    yield
    PLANTED = None
    FAST_OPTIONS.pop("ensemble")


@pytest.fixture(scope="module")
def planted_split(planted_dataset):
    return leave_one_out(planted_dataset.interactions)


@pytest.fixture(scope="module")
def popularity_ndcg(planted_split) -> float:
    return evaluate(fitted("pop", planted_split).score, planted_split, "valid").metrics["ndcg@10"]


@pytest.mark.parametrize("name", MODELS.names())
def test_scores_have_the_right_shape_and_are_finite(name: str, planted_split) -> None:
    model = fitted(name, planted_split)
    batch = UserBatch(np.array([0, 5, 7]), UserHistories.from_interactions(planted_split.train))
    with torch.inference_mode():
        scores = model.score(batch)
    assert scores.shape == (3, planted_split.n_items)
    assert torch.isfinite(scores).all()


RANKERS = [n for n in MODELS.names() if MODELS.get(n).kind == "ranking"]
RATERS = [n for n in MODELS.names() if MODELS.get(n).kind == "rating"]
CLICKERS = [n for n in MODELS.names() if MODELS.get(n).kind == "click"]


@pytest.mark.parametrize("name", [n for n in RANKERS if n != "pop"])
def test_learns_planted_tastes_better_than_popularity(name: str, planted_split, popularity_ndcg: float) -> None:
    ndcg = evaluate(fitted(name, planted_split).score, planted_split, "valid").metrics["ndcg@10"]
    assert ndcg > popularity_ndcg + 0.05, (ndcg, popularity_ndcg)


@pytest.mark.parametrize("name", CLICKERS)
def test_click_models_rank_positive_pairs_first(name: str, planted_split) -> None:
    from pretrec.pipeline.click import click_metrics

    valid = planted_split.valid
    labelled = dataclasses.replace(valid, weights=(valid.weights >= 4).astype(np.float32))
    assert click_metrics(fitted(name, planted_split), labelled)["auc"] > 0.8


@pytest.mark.parametrize("name", RATERS)
def test_rating_models_beat_the_global_mean(name: str, planted_split) -> None:
    from pretrec.pipeline.rating import rating_metrics

    model = fitted(name, planted_split)
    valid = planted_split.valid
    baseline = float(np.sqrt(np.mean((valid.weights - planted_split.train.weights.mean()) ** 2)))
    assert rating_metrics(model, valid)["rmse"] < 0.5 * baseline


@pytest.mark.parametrize("name", MODELS.names())
def test_save_and_load_give_identical_scores(name: str, planted_split, tmp_path) -> None:
    model = fitted(name, planted_split)
    save_model(tmp_path / "ckpt", model, name)
    loaded, _, _ = load_model(tmp_path / "ckpt")
    batch = UserBatch(np.arange(10), UserHistories.from_interactions(planted_split.train))
    with torch.inference_mode():
        assert torch.equal(model.score(batch), loaded.score(batch))


@pytest.mark.parametrize("name", [n for n in MODELS.names() if issubclass(MODELS.get(n).model, NeuralRecommender)])
def test_neural_training_loss_is_finite_and_falls(name: str, planted_split) -> None:
    result = fitting(name, planted_split).result
    losses = [sum(v for k, v in record.items() if k.startswith("loss/")) for record in result.history]
    assert all(np.isfinite(losses))
    assert losses[-1] < 0.8 * losses[0], losses


@pytest.mark.parametrize("name", MODELS.names())
def test_same_seed_same_scores(name: str, planted_split) -> None:
    batch = UserBatch(np.arange(6), UserHistories.from_interactions(planted_split.train))
    first, second = fitted(name, planted_split, seed=3), fitted(name, planted_split, seed=3)
    with torch.inference_mode():
        a, b = first.score(batch), second.score(batch)
    assert torch.equal(a, b)
