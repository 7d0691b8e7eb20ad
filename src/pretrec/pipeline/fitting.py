"""Build and fit any registered model: the one path every workflow trains through.

    fitted = fit("sasrec", dataset, split.train, model_config, train_config, seed=0,
                 validator=lambda model: evaluator(model.score).metrics)

`fit` computes the side features the model asks for (`pretrec.pipeline.features`), builds the
model under a seeded torch generator, makes its task (`pretrec.tasks.catalogue`), runs the hooks
(fine-tuning's warm start), then trains it by the one loop, or by its own `fit` when it is
closed-form. Ranking (`pretrec.experiment`), rating, click, grid search and fine-tuning all call it.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from pretrec.checkpoint import build_model
from pretrec.config import Config
from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.split import Split
from pretrec.errors import ConfigError
from pretrec.models import MODELS
from pretrec.models.base import NeuralRecommender, Recommender
from pretrec.models.features import NO_FEATURES, SideFeatures
from pretrec.nn.parameters import parameter_counts
from pretrec.pipeline.features import compute_features
from pretrec.random import seeded_torch
from pretrec.sampling.batches import UserBatch
from pretrec.tasks.base import Task
from pretrec.tasks.catalogue import make_task
from pretrec.train.loop import TrainConfig, TrainResult, Validator, train_model


def option_names(model_name: str) -> set[str]:
    """Every option `model_name` takes: its config's fields and, for a neural model, the loop's."""
    entry = MODELS.get(model_name)
    neural = issubclass(entry.model, NeuralRecommender)
    loop = set(TrainConfig.field_names()) if neural else {"progress"}
    return set(entry.config.field_names()) | loop


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
    return train_model(model, task, validator, train_config or TrainConfig(), seed,
                       data=train.fingerprint())


def scorer(model: Any, split: Split, part: str) -> Callable[[UserBatch], torch.Tensor]:
    """The model's score function for ranking `part` of `split`; on an inductive split the model
    first observes that ranking's context (what is shown of the held-out users or items)."""
    if split.given is not None:
        model.observe(split.context(part))
    return model.score
