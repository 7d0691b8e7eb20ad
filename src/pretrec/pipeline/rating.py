"""Rating prediction: random split of explicit ratings -> fit (select on validation RMSE) ->
RMSE and MAE on test.

    from pretrec.pipeline.rating import run_rating
    reports, summary = run_rating("text_mf", "../shared/data/text/ml-100k", seeds=[0, 1, 2, 3, 4])
    print(summary["rmse"])   # (mean, std) over the seeds

Each seed draws its own split: `test_fraction` of all ratings for test, `valid_fraction` for
validation (early stopping and model selection), the rest for training. With `refit` (the
default) a fresh model is then trained on training + validation ratings for the number of
epochs validation selected, so the final model sees the whole non-test share, as in the usual
80/20 protocol. Ratings seen only in test never reach the model, and nothing is tuned on test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.split import random_ratio
from pretrec.errors import ConfigError, DataError
from pretrec.eval.pointwise import mae, rmse
from pretrec.eval.report import Report
from pretrec.experiment import load, run_seeded
from pretrec.models import MODELS
from pretrec.models.rating_model import RatingModel
from pretrec.pipeline.fitting import build_configs, fit

PROTOCOL = "rating prediction (RMSE, MAE on held-out ratings)"


def rating_metrics(model: RatingModel, part: Interactions) -> dict[str, float]:
    """RMSE and MAE of `model`'s predictions on the rows of `part`."""
    predicted = model.predict(part.users, part.items)
    return {"rmse": rmse(predicted, part.weights), "mae": mae(predicted, part.weights)}


def fit_rating_model(model_name: str, dataset: Dataset, seed: int,
                     options: Mapping[str, Any] | None = None,
                     valid_fraction: float = 0.1, test_fraction: float = 0.2,
                     progress: bool = True, refit: bool = True, task: str = "rating",
                     metrics: Callable[[RatingModel, Interactions], dict[str, float]] | None = None,
                     selection: str = "rmse",
                     protocol: str = PROTOCOL) -> tuple[Report, RatingModel]:
    """One seed: split, fit with validation selection (`selection`, RMSE by default), refit on
    train + valid when asked, evaluate on test. `task` and `metrics` serve click prediction too."""
    metrics = metrics or rating_metrics
    model_name = MODELS.canonical(model_name)
    if dataset.interactions.weights is None:
        raise DataError(f"{task} prediction needs labels or ratings; "
                        f"dataset '{dataset.name}' has none")
    entry = MODELS.get(model_name)
    if entry.kind != task:
        fitting = [n for n in MODELS.names() if MODELS.get(n).kind == task]
        raise ConfigError(f"'{model_name}' is not a {task} model; "
                          f"{task} models: {', '.join(fitting)}")
    model_config, train_config = build_configs(model_name,
                                               {"metric": selection, **dict(options or {})})
    if not progress:
        train_config = train_config.replace(progress=False)
    split = random_ratio(dataset.interactions, valid_fraction, test_fraction, seed=seed)

    first = fit(model_name, dataset, split.train, model_config, train_config, seed,
                validator=lambda m: metrics(m, split.valid))
    model, result = first.model, first.result
    valid_metrics = metrics(model, split.valid)
    fit_seconds = first.seconds
    if refit:
        again = fit(model_name, dataset, split.train.concat(split.valid), model_config,
                    train_config.replace(epochs=max(result.best_epoch, 1)), seed)
        model, fit_seconds = again.model, fit_seconds + again.seconds
    report = Report(
        model=model_name,
        metrics=metrics(model, split.test),
        dataset={"name": dataset.name, "fingerprint": dataset.fingerprint(),
                 "users": dataset.n_users, "items": dataset.n_items,
                 "interactions": len(dataset.interactions)},
        split={**split.describe(), "refit_on_train_and_valid": refit},
        protocol={"name": protocol},
        seed=seed,
        config={"model": model_config.to_dict(), "train": train_config.to_dict()},
        valid_metrics=valid_metrics,
        training={"best_epoch": result.best_epoch, "epochs_run": result.epochs_run,
                  "best_valid": result.best_metric, "parameters": first.parameters,
                  "history": result.history},
        timings={"fit_seconds": fit_seconds},
    )
    return report, model


def run_rating(model: str, dataset: str | Path | Dataset, seeds: Sequence[int] = (0,),
               options: Mapping[str, Any] | None = None, valid_fraction: float = 0.1,
               test_fraction: float = 0.2, output: str | Path | None = None,
               progress: bool = True, format: str | None = None, refit: bool = True,
               overwrite: bool = False) -> tuple[list[Report], dict[str, tuple[float, float]]]:
    """One fit per seed (each its own random split); reports and metric -> (mean, sample std)."""
    data = load(dataset, format)

    def one(seed: int, folder: Path | None) -> Report:
        report = fit_rating_model(model, data, seed, options, valid_fraction, test_fraction,
                                  progress, refit)[0]
        if folder is not None:
            report.save(folder)
        return report

    return run_seeded(one, seeds, output, overwrite)


__all__ = ["fit_rating_model", "rating_metrics", "run_rating"]
