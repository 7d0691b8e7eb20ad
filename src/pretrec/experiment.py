"""load -> split -> build -> fit (task + loop, selecting on validation) -> evaluate once on test
-> report: the one pipeline. Ranking runs here; rating and click prediction
(`pretrec.pipeline.rating`, `pretrec.pipeline.click`) fit through the same `fit` and seed runner
`run_seeded`.

The Python API the CLI wraps:

    from pretrec.experiment import run
    report = run("bprmf", "data/Beauty.txt", split="loo", options={"epochs": 20}, output="runs/bpr")
    print(report.metrics["ndcg@10"])
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pretrec.checkpoint import build_model, save_item_text, save_model
from pretrec.config import Config
from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.split import Split
from pretrec.data.split_by_name import make_split
from pretrec.errors import ConfigError
from pretrec.eval.evaluate import Evaluator
from pretrec.eval.groups import evaluate_groups
from pretrec.eval.protocol import Protocol
from pretrec.eval.report import Report
from pretrec.models import MODELS
from pretrec.models.base import NeuralRecommender, Recommender
from pretrec.models.features import NO_FEATURES, SideFeatures
from pretrec.nn.parameters import parameter_counts
from pretrec.pipeline.features import compute_features
from pretrec.random import seeded_torch
from pretrec.tasks.base import Task
from pretrec.tasks.catalogue import make_task
from pretrec.train.loop import TrainConfig, TrainResult, Validator, train_model

log = logging.getLogger(__name__)


def load(dataset: str | Path | Dataset | Sequence[str | Path], format: str | None = None,
         columns: dict[str, str] | None = None) -> Dataset:
    """A Dataset from a path (format auto-detected unless given) or the built-in 'synthetic'.

    `columns` maps roles (user, item, rating, timestamp) to table column names. A list of paths
    loads each and combines them (`pretrec.data.combine.concat_datasets`): users and items of
    different sources stay apart, e.g. to pre-train a text model on several catalogues.
    """
    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, list | tuple):
        from pretrec.data.combine import concat_datasets

        return concat_datasets([load(path, format, columns) for path in dataset])
    if str(dataset) == "synthetic":
        from pretrec.data.synthetic import make_synthetic

        return make_synthetic()
    from pretrec.data.io import load_dataset

    return load_dataset(dataset, format=format, columns=columns)


def build_configs(model_name: str, options: Mapping[str, Any] | None) -> tuple[Config, TrainConfig]:
    """Route flat options to the model's config or the training loop's; unknown keys are errors."""
    entry = MODELS.get(model_name)
    model_keys = set(entry.config.field_names())
    # closed-form models have no training loop: its options would be silently ignored
    neural = issubclass(entry.model, NeuralRecommender)
    train_keys = set(TrainConfig.field_names()) if neural else {"progress"}
    model_values, train_values = {}, {}
    for key, value in (options or {}).items():
        if key in model_keys:
            model_values[key] = value
        elif key in train_keys:
            train_values[key] = value
        else:
            known = sorted(model_keys | train_keys)
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"unknown option '{key}' for model '{model_name}'{hint} "
                              f"(known: {', '.join(known)})")
    return entry.config.from_dict(model_values), TrainConfig.from_dict(train_values)


class FitHooks:
    """Steps around `fit` (fine-tuning uses them to warm-start, freeze and merge adapters)."""

    def before_fit(self, model: Recommender) -> dict[str, Any]:
        """Prepare the freshly built model; returns what the report's `transfer` records."""
        return {}

    def after_fit(self, model: Recommender) -> None:
        """Finish the trained model before it is evaluated and saved."""


@dataclass(frozen=True, eq=False)
class Fit:
    """A fitted model and what fitting it took."""

    model: Recommender
    result: TrainResult | None
    """The loop's record (None for closed-form models)."""
    transfer: dict[str, Any]
    """What the hooks report (fine-tuning: what was transferred)."""
    parameters: dict[str, int]
    seconds: float


def fit(model_name: str, dataset: Dataset, train: Interactions, model_config: Config,
        train_config: TrainConfig, seed: int, validator: Validator | None = None,
        hooks: FitHooks | None = None,
        n_users: int | None = None, n_items: int | None = None) -> Fit:
    """Build `model_name` and fit it on `train`: a neural model under its task by the one loop
    (selecting its epoch with `validator`), a closed-form model by its own `fit`.

    Building, side information, the task's heads and the hooks run under one seeded torch
    generator, the loop under another: the same seed gives the same model.
    """
    hooks = hooks or FitHooks()
    n_users, n_items = n_users or dataset.n_users, n_items or dataset.n_items
    features = side_features(model_name, model_config, dataset, n_users, n_items)
    with seeded_torch(seed):  # parameter init draws from torch's global RNG
        model = build_model(model_name, model_config, n_users, n_items, features,
                            dataset.item_vocab)
        neural = isinstance(model, NeuralRecommender)
        task = make_task(model_name, model, train, features or NO_FEATURES) if neural else None
        transfer = hooks.before_fit(model)
    parameters = parameter_counts(model) if isinstance(model, NeuralRecommender) else {}
    started = time.perf_counter()
    result = fit_built(model_name, model, train, dataset, validator, train_config, seed, task)
    seconds = time.perf_counter() - started
    hooks.after_fit(model)
    if isinstance(model, torch.nn.Module):
        model.eval()
    return Fit(model, result, transfer, parameters, seconds)


def side_features(model_name: str, config: Config, dataset: Dataset, n_users: int | None = None,
                  n_items: int | None = None) -> SideFeatures | None:
    """What the model's `feature_request` asks for, computed from `dataset` (text encoded by the
    cached sentence encoder); None when it asks for nothing."""
    request = MODELS.get(model_name).model.feature_request(config)
    return None if request.is_empty() else compute_features(request, dataset, n_users, n_items)


def build(model_name: str, config: Config, dataset: Dataset, n_users: int | None = None,
          n_items: int | None = None) -> Recommender:
    """A new model of `model_name` for `dataset`'s users and items (or `n_users` x `n_items`), with
    the side features it asks for computed from `dataset`. Seed torch around it for a
    reproducible initialisation (`pretrec.random.seeded_torch`)."""
    features = side_features(model_name, config, dataset, n_users, n_items)
    return build_model(model_name, config, n_users or dataset.n_users, n_items or dataset.n_items,
                       features, dataset.item_vocab)


def fit_built(model_name: str, model: Recommender, train: Interactions,
              dataset: Dataset | None = None, validator: Validator | None = None,
              train_config: TrainConfig | None = None, seed: int = 0,
              task: Task | None = None) -> TrainResult | None:
    """Fit a model that is already built (registered as `model_name`) on `train`: a closed-form
    model by its `fit` (returns None), a neural model under its task (`make_task`, unless given)
    by the one loop (returns the loop's record). `dataset` supplies side data the task reads."""
    if not isinstance(model, NeuralRecommender):
        model.fit(train)
        return None
    if task is None:
        features = side_features(model_name, model.config, dataset) if dataset is not None else None
        with seeded_torch(seed):  # a task's heads are initialised from torch's global RNG
            task = make_task(model_name, model, train, features or NO_FEATURES)
    model.prepare(train)
    return train_model(model, task, validator, train_config or TrainConfig(), seed)


@dataclass(frozen=True, eq=False)
class RunResult:
    report: Report
    model: Recommender
    split: Split


def fit_and_evaluate(
    model_name: str,
    dataset: Dataset,
    split: Split,
    options: Mapping[str, Any] | None = None,
    seed: int = 0,
    protocol: Protocol | None = None,
    output: str | Path | None = None,
    progress: bool = True,
    hooks: FitHooks | None = None,
) -> RunResult:
    """Fit `model_name` on `split.train`, select on `split.valid`, evaluate once on `split.test`."""
    protocol = protocol or Protocol()
    model_config, train_config = build_configs(model_name, options)
    if not progress:
        train_config = train_config.replace(progress=False)
    has_valid = len(split.valid) > 0
    if not has_valid:
        log.warning("the split has no validation part: training runs all %d epochs, no selection",
                    train_config.epochs)
    validate = Evaluator(split, "valid", protocol) if has_valid else None
    fitted = fit(model_name, dataset, split.train, model_config, train_config, seed,
                 validator=(lambda m: validate(m.score).metrics) if validate else None, hooks=hooks,
                 n_users=split.n_users, n_items=split.n_items)
    model = fitted.model
    valid_metrics, valid_seconds, valid_groups = {}, 0.0, {}
    if validate is not None:
        valid = validate(model.score)
        valid_metrics, valid_seconds = valid.metrics, valid.seconds
        # per-group validation figures: what cold-start settings are chosen on
        valid_groups = {
            name: e.metrics
            for name, e in evaluate_groups(model.score, split, "valid", protocol).items()
        }
    test = Evaluator(split, "test", protocol, progress=progress)(model.score)
    groups = {name: e.metrics
              for name, e in evaluate_groups(model.score, split, "test", protocol).items()}
    training = {}
    if fitted.result is not None:
        result = fitted.result
        training = {"best_epoch": result.best_epoch, "epochs_run": result.epochs_run,
                    "best_valid": result.best_metric, "parameters": fitted.parameters,
                    "history": result.history}
    report = Report(
        model=model_name,
        metrics=test.metrics,
        dataset={"name": dataset.name, "fingerprint": dataset.fingerprint(),
                 "users": dataset.n_users, "items": dataset.n_items,
                 "interactions": len(dataset.interactions)},
        split=split.describe(),
        protocol=protocol.describe(),
        seed=seed,
        config={"model": model_config.to_dict(), "train": train_config.to_dict()},
        valid_metrics=valid_metrics,
        counts=test.counts,
        training=training,
        transfer=fitted.transfer,
        groups=groups,
        valid_groups=valid_groups,
        timings={"fit_seconds": fitted.seconds, "valid_eval_seconds": valid_seconds,
                 "test_eval_seconds": test.seconds},
    )
    if output is not None:
        report.save(output, test.users, test.per_user)
        checkpoint = save_model(Path(output) / "checkpoint", model, model_name, dataset.user_vocab,
                                dataset.item_vocab)
        if dataset.item_side is not None and dataset.item_side.text:
            # lets a fine-tuning match items by text
            save_item_text(checkpoint, dataset.item_side.text)
    return RunResult(report, model, split)


def run(
    model: str,
    dataset: str | Path | Dataset,
    split: str | Split = "loo",
    options: Mapping[str, Any] | None = None,
    seed: int = 0,
    format: str | None = None,
    protocol: Protocol | None = None,
    output: str | Path | None = None,
    progress: bool = True,
) -> Report:
    """Load, split and run one model with one seed; returns the test `Report`.

    `split` is a protocol name (loo, temporal, ratio, random, presplit, cold) or a ready `Split`
    of the same dataset (for split options, e.g.
    `make_split(data, "cold", cold_item_fraction=0.3)`).
    """
    data = load(dataset, format)
    parts = split if isinstance(split, Split) else make_split(data, split)
    return fit_and_evaluate(model, data, parts, options, seed, protocol, output, progress).report


def run_seeds(
    model: str,
    dataset: str | Path | Dataset,
    seeds: Sequence[int],
    split: str | Split = "loo",
    options: Mapping[str, Any] | None = None,
    format: str | None = None,
    protocol: Protocol | None = None,
    output: str | Path | None = None,
    progress: bool = True,
    hooks: FitHooks | None = None,
) -> tuple[list[Report], dict[str, tuple[float, float]]]:
    """Run once per seed on one split; returns the reports and metric -> (mean, std).

    With one seed the run folder is `output`; with several, each seed writes `output/seed-N`
    and `output/report.json` holds the mean metrics, their sample std and the seeds.
    """
    data = load(dataset, format)
    parts = split if isinstance(split, Split) else make_split(data, split)

    def one(seed: int, folder: Path | None) -> Report:
        return fit_and_evaluate(model, data, parts, options, seed, protocol, folder, progress,
                                hooks).report

    return run_seeded(one, seeds, output)


def run_seeded(fit_one: Callable[[int, Path | None], Report], seeds: Sequence[int],
               output: str | Path | None) -> tuple[list[Report], dict[str, tuple[float, float]]]:
    """`fit_one(seed, folder)` per seed, each writing its run folder (`output` itself for one seed,
    `output/seed-N` for several); with several, `output/report.json` holds the mean metrics,
    their sample std and the seeds. Returns the reports and metric -> (mean, sample std)."""
    reports = []
    for seed in seeds:
        folder = None
        if output is not None:
            folder = Path(output) if len(seeds) == 1 else Path(output) / f"seed-{seed}"
        reports.append(fit_one(seed, folder))
    summary = summarise(reports)
    if output is not None and len(seeds) > 1:
        aggregate = dataclasses.replace(
            reports[0],
            metrics={k: mean for k, (mean, _) in summary.items()},
            metrics_std={k: std for k, (_, std) in summary.items()},
            seeds=list(seeds),
            groups=_mean_groups([r.groups for r in reports]),
            valid_groups=_mean_groups([r.valid_groups for r in reports]),
        )
        aggregate.save(output)
    return reports, summary


def _mean_groups(per_seed: Sequence[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Group metrics averaged over seeds."""
    return {g: {k: float(np.mean([groups[g][k] for groups in per_seed])) for k in m}
            for g, m in per_seed[0].items()}


def summarise(reports: Sequence[Report]) -> dict[str, tuple[float, float]]:
    """metric -> (mean, sample std over reports; 0 for one report)."""
    names = reports[0].metrics.keys()
    summary = {}
    for name in names:
        values = np.array([r.metrics[name] for r in reports])
        summary[name] = (float(values.mean()),
                         float(values.std(ddof=1)) if len(values) > 1 else 0.0)
    return summary
