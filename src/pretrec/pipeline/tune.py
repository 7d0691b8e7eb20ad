"""Grid search on the validation split (never the test split).

Each combination is fitted on `split.train` through the pipeline's one `fit` and scored on
`split.valid`; the best by the validation metric wins. Optuna can replace the grid later; the
selection rule stays the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pretrec.data.interactions import Dataset
from pretrec.data.split import Split
from pretrec.eval.evaluate import Evaluator
from pretrec.eval.protocol import Protocol
from pretrec.pipeline.fitting import build_configs, fit, scorer


@dataclass(frozen=True)
class Trial:
    options: dict[str, Any]
    valid_metric: float
    seconds: float


def grid_search(
    model_name: str,
    split: Split,
    grid: Mapping[str, Sequence[Any]],
    base_options: Mapping[str, Any] | None = None,
    metric: str = "ndcg@10",
    seed: int = 0,
    protocol: Protocol | None = None,
    progress: bool = False,
    dataset: Dataset | None = None,
) -> tuple[dict[str, Any], list[Trial]]:
    """Try every combination of `grid` (on top of `base_options`); return the best and all trials.

    `dataset` supplies side information (item text, attributes) to models that read it."""
    validate = Evaluator(split, "valid", protocol)
    keys = list(grid)
    trials = []
    for values in itertools.product(*(grid[k] for k in keys)):
        options = {**(base_options or {}), **dict(zip(keys, values, strict=True))}
        if not progress:
            options["progress"] = False
        model_config, train_config = build_configs(model_name, options)
        data = dataset or Dataset.from_interactions(split.train)
        fitted = fit(model_name, data, split.train, model_config, train_config, seed,
                     validator=lambda m: validate(scorer(m, split, "valid")).metrics,
                     n_users=split.n_users, n_items=split.n_items)
        value = validate(scorer(fitted.model, split, "valid")).metrics[metric]
        trials.append(Trial(options, value, fitted.seconds))
    best = max(trials, key=lambda t: t.valid_metric)
    return best.options, trials
