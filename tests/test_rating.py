"""Rating prediction: the runner selects on validation RMSE (minimised), text helps cold items."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pretrec.errors import ConfigError, DataError
from pretrec.pipeline.fitting import build, build_configs, fit_built
from pretrec.pipeline.rating import rating_metrics, run_rating
from pretrec.random import seeded_torch

FAST = {"epochs": 25, "batch_size": 64, "learning_rate": 0.02, "embedding_dim": 8, "l2": 0.001,
        "patience": 25, "progress": False}


def test_runner_minimises_validation_rmse_and_reports_test(planted_dataset) -> None:
    reports, summary = run_rating("biasedmf", planted_dataset, seeds=[0, 1], options=FAST,
                                  progress=False)
    assert set(summary) == {"rmse", "mae"} and summary["rmse"][0] < 1.0
    for report in reports:
        history = [r["valid/rmse"] for r in report.training["history"]]
        assert report.training["best_epoch"] == int(np.argmin(history)) + 1  # smallest error kept
        assert report.training["best_valid"] == pytest.approx(min(history))
        assert report.valid_metrics["rmse"] == pytest.approx(min(history), rel=1e-5)
        assert report.split["refit_on_train_and_valid"]
    assert reports[0].metrics != reports[1].metrics  # each seed draws its own split


def test_runner_refuses_data_without_ratings_and_ranking_models(planted_dataset) -> None:
    bare = dataclasses.replace(planted_dataset, interactions=dataclasses.replace(
        planted_dataset.interactions, weights=None))
    with pytest.raises(DataError, match="needs labels or ratings"):
        run_rating("biasedmf", bare, options=FAST, progress=False)
    with pytest.raises(ConfigError, match="is not a rating model"):
        run_rating("sasrec", planted_dataset, progress=False)


def fit(name: str, dataset, train, text_model) -> object:
    options = {**FAST, "epochs": 40} | ({"text_model": str(text_model), "text_dropout": 0.0}
                                        if name == "text_mf" else {})
    model_config, train_config = build_configs(name, options)
    with seeded_torch(0):
        model = build(name, model_config, dataset)
    fit_built(name, model, train, dataset, train_config=train_config, seed=0)
    return model


def test_text_rates_items_nobody_rated_from_their_genre(planted_dataset, tiny_bert) -> None:
    inter = planted_dataset.interactions
    ratings = np.where(inter.items < 20, 5.0, 1.0)  # the genre decides the rating
    dataset = dataclasses.replace(planted_dataset,
                                  interactions=dataclasses.replace(inter, weights=ratings))
    cold = np.isin(inter.items, [3, 4, 33, 34])
    train, test = dataset.interactions.select(~cold), dataset.interactions.select(cold)
    errors = {name: rating_metrics(fit(name, dataset, train, tiny_bert), test)["rmse"]
              for name in ("biasedmf", "text_mf")}
    assert errors["text_mf"] < 0.5 * errors["biasedmf"], errors


def test_autorec_reads_the_item_text_of_items_nobody_rated(planted_dataset, tiny_bert) -> None:
    inter = planted_dataset.interactions
    ratings = np.where(inter.items < 20, 5.0, 1.0)
    dataset = dataclasses.replace(planted_dataset,
                                  interactions=dataclasses.replace(inter, weights=ratings))
    cold = np.isin(inter.items, [3, 4, 33, 34])
    train, test = dataset.interactions.select(~cold), dataset.interactions.select(cold)
    options = {"epochs": 60, "batch_size": 8, "learning_rate": 0.01, "hidden_size": 16, "l2": 0.01,
               "progress": False}
    errors = {}
    for name in ("autorec", "text_autorec"):
        extra = {"text_model": str(tiny_bert)} if name == "text_autorec" else {}
        model_config, train_config = build_configs(name, {**options, **extra})
        with seeded_torch(0):
            model = build(name, model_config, dataset)
        fit_built(name, model, train, dataset, train_config=train_config, seed=0)
        errors[name] = rating_metrics(model, test)["rmse"]
    assert errors["text_autorec"] < 0.8 * errors["autorec"], errors
