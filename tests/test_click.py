"""Click prediction: label construction, the runner, and LoRA fine-tuning of the item encoder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.errors import ConfigError, DataError
from pretrec.models import MODELS
from pretrec.pipeline.click import click_pairs, run_click
from pretrec.pipeline.fitting import build, build_configs, fit_built
from pretrec.random import seeded_torch

FAST = {"epochs": 20, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
        "patience": 20, "progress": False}


def test_rating_labels_and_sampled_negatives(planted_dataset) -> None:
    inter = planted_dataset.interactions
    rated = click_pairs(inter, "rating", threshold=4)
    assert np.array_equal(rated.weights, (inter.weights >= 4).astype(np.float32))
    sampled = click_pairs(inter, "sampled", n_negatives=2, seed=0)
    positives = inter.csr
    n_pos = positives.nnz
    assert len(sampled) == 3 * n_pos and sampled.weights.sum() == n_pos
    negatives = sampled.weights == 0
    # never an observed pair
    assert positives[sampled.users[negatives], sampled.items[negatives]].sum() == 0
    again = click_pairs(inter, "sampled", n_negatives=2, seed=0)
    # the seed fixes the negatives: same pairs for every model
    assert np.array_equal(again.items, sampled.items)
    with pytest.raises(DataError, match="labels must be"):
        click_pairs(inter, "implicit")


def test_runner_selects_on_validation_auc(planted_dataset) -> None:
    reports, summary = run_click("mf_click", planted_dataset, labels="sampled", seeds=[0],
                                 options=FAST, progress=False)
    assert summary["auc"][0] > 0.8
    assert {"log_loss", "precision_pos", "recall_neg", "f1_pos"} <= set(summary)
    history = [r["valid/auc"] for r in reports[0].training["history"]]
    assert reports[0].training["best_epoch"] == int(np.argmax(history)) + 1
    with pytest.raises(ConfigError, match="is not a click model"):
        run_click("biasedmf", planted_dataset, progress=False)


def test_lora_tunes_only_adapters_and_the_recommender(planted_dataset, tiny_bert) -> None:
    pytest.importorskip("peft")
    options = {**FAST, "epochs": 2, "text_model": str(tiny_bert), "encoder_tuning": "lora",
               "lora_rank": 2, "items_per_batch": 8}
    model_config, train_config = build_configs("text_click", options)
    with seeded_torch(0):
        model = build("text_click", model_config, planted_dataset)
    encoder_before = {k: v.clone() for k, v in model.language_model.state_dict().items()}
    pairs = click_pairs(planted_dataset.interactions, "sampled", seed=0)
    fit_built("text_click", model, pairs, planted_dataset, train_config=train_config, seed=0)
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    in_encoder = {n for n in trained if n.startswith("language_model.")}
    assert in_encoder and all("lora_" in n for n in in_encoder)
    changed = [k for k, v in model.language_model.state_dict().items()
               if not torch.equal(v, encoder_before[k])]
    assert changed and all("lora_" in k for k in changed)  # base weights never move
    probs = model.predict(pairs.users[:50], pairs.items[:50])
    assert ((probs > 0) & (probs < 1)).all()


def test_click_models_need_binary_labels(planted_dataset) -> None:
    model_config, train_config = build_configs("mf_click", FAST)
    model = MODELS.get("mf_click").build(model_config, planted_dataset.n_users,
                                         planted_dataset.n_items)
    with pytest.raises(DataError, match="0/1 labels"):  # raised when the click task is built
        fit_built("mf_click", model, planted_dataset.interactions, planted_dataset,
                  train_config=train_config)
