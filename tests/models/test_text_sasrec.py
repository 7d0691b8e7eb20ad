"""TextSASRec: items read through their text, so items never trained on are recommendable."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.data.cold_start import cold_start_split
from pretrec.data.interactions import ItemSide
from pretrec.data.sequences import UserHistories
from pretrec.errors import ConfigError
from pretrec.eval.groups import evaluate_groups
from pretrec.models import next_item
from pretrec.pipeline.fitting import build, build_configs, fit_built
from pretrec.random import seeded_torch
from pretrec.sampling.batches import UserBatch

OPTIONS = {"epochs": 40, "batch_size": 32, "learning_rate": 0.005, "hidden_size": 16,
           "inner_size": 32, "dropout": 0.1, "attention_dropout": 0.1, "max_len": 12,
           "patience": 40, "progress": False, "adaptor": "linear", "text_dropout": 0.0}


def fit(dataset, split, text_model, **changes):
    model_config, train_config = build_configs(
        "text_sasrec", {**OPTIONS, "text_model": str(text_model), **changes})
    with seeded_torch(0):
        model = build("text_sasrec", model_config, dataset, split.n_users, split.n_items)
    fit_built("text_sasrec", model, split.train, dataset, train_config=train_config, seed=0)
    return model


def test_text_model_recommends_cold_items_an_id_model_cannot(planted_dataset, tiny_bert) -> None:
    split = cold_start_split(planted_dataset.interactions, cold_item_fraction=0.25, seed=0)
    text = evaluate_groups(fit(planted_dataset, split, tiny_bert, fusion="text").score, split,
                           "test")
    ids = evaluate_groups(fit(planted_dataset, split, tiny_bert, fusion="id").score, split, "test")
    cold_text, cold_id = text["cold_items"].metrics["hr@10"], ids["cold_items"].metrics["hr@10"]
    assert cold_text > cold_id + 0.2, (cold_text, cold_id)
    assert text["warm_items"].metrics["hr@10"] > 0.3


def test_same_text_same_scores_under_text_fusion(planted_dataset, tiny_bert) -> None:
    text = {k: v.copy() for k, v in planted_dataset.item_side.text.items()}
    text["title"][5] = text["title"][6]  # items 5 and 6 now read the same
    dataset = dataclasses.replace(planted_dataset, item_side=ItemSide(text=text))
    split = cold_start_split(dataset.interactions, cold_item_fraction=0.25, seed=0)
    model = fit(dataset, split, tiny_bert, fusion="text", epochs=2).eval()
    with torch.inference_mode():
        table = model.tower.weight
    assert torch.equal(table[6], table[7])  # token id = item index + 1


def test_needs_item_text(planted_dataset, tiny_bert) -> None:
    bare = dataclasses.replace(planted_dataset, item_side=None)
    split = cold_start_split(bare.interactions, cold_item_fraction=0.25, seed=0)
    with pytest.raises(ConfigError, match="needs item text"):
        fit(bare, split, tiny_bert)
    assert np.all(planted_dataset.item_side.text["genres"][:20] == "action crime")


def test_augmented_text_views_are_encoded_once_per_item(planted_dataset, tiny_bert) -> None:
    split = cold_start_split(planted_dataset.interactions, cold_item_fraction=0.25, seed=0)
    model = fit(planted_dataset, split, tiny_bert, fusion="text", epochs=2, text_views=2,
                text_view_rate=0.3)
    variants = model.tower.text_variants
    assert variants.shape == (2, planted_dataset.n_items + 1, 8)
    assert not torch.equal(variants[0, 1:], model.tower.text_features[1:])  # augmented, not copies


def test_cosine_scores_are_cosine_over_temperature(planted_dataset, tiny_bert) -> None:
    split = cold_start_split(planted_dataset.interactions, cold_item_fraction=0.25, seed=0)
    model = fit(planted_dataset, split, tiny_bert, fusion="text", epochs=2,
                score_similarity="cosine", score_temperature=0.5).eval()
    states = torch.randn(3, 16)
    with torch.inference_mode():
        scaled, weights = next_item.scoring_pair(model, states)
        expected = torch.nn.functional.cosine_similarity(
            states[:, None], next_item.item_weights(model)[None], dim=-1)
        scores = model.score(UserBatch(np.arange(4), UserHistories.from_interactions(split.train)))
    torch.testing.assert_close(scaled @ weights.T, expected / 0.5)
    assert scores.abs().max() <= 1 / 0.5 + 1e-5  # a cosine is at most 1
    assert scores.std() > 0


def test_score_temperature_must_be_positive(tiny_bert) -> None:
    with pytest.raises(ConfigError, match="score_temperature"):
        build_configs("text_sasrec", {"text_model": str(tiny_bert), "score_similarity": "cosine",
                                      "score_temperature": 0.0})
