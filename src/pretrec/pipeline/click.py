"""Buy/click prediction: binary labels on (user, item) pairs -> AUC, log loss and a per-class
precision/recall/F1 report.

    from pretrec.pipeline.click import run_click
    reports, summary = run_click("text_click", "../shared/data/text/ml-100k", labels="rating",
                                 seeds=[0, 1, 2])

Labels come from the interactions in one of two ways, fixed by the seed so every model sees the
same pairs:
- `labels="rating"`: every rating is a pair, positive when rating >= `threshold` (4 by default);
- `labels="sampled"`: every observed pair is a positive, and `n_negatives` items the user never
  interacted with are drawn uniformly per positive as negatives.
The pairs are then split at random (test, validation, train) like ratings; validation AUC picks
the epoch, and the model is refit on train + valid for that many epochs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from pretrec.data.interactions import Dataset, Interactions
from pretrec.errors import DataError
from pretrec.eval.pointwise import auc, classification_report, log_loss
from pretrec.eval.report import Report
from pretrec.experiment import load, run_seeded
from pretrec.models.rating_model import RatingModel
from pretrec.pipeline.rating import fit_rating_model
from pretrec.random import make_rng
from pretrec.sampling.negatives import sample_negatives

Labels = Literal["rating", "sampled"]


def click_pairs(inter: Interactions, labels: Labels = "rating", threshold: float = 4.0,
                n_negatives: int = 1, seed: int = 0) -> Interactions:
    """(user, item) pairs with 0/1 labels as weights (see the module docstring)."""
    if labels == "rating":
        if inter.weights is None:
            raise DataError("labels='rating' needs ratings; use labels='sampled' for implicit data")
        return dataclasses.replace(inter, weights=(inter.weights >= threshold).astype(np.float32))
    if labels != "sampled":
        raise DataError(f"labels must be 'rating' or 'sampled', got {labels!r}")
    positives = inter.csr.tocoo()
    users, items = positives.row.astype(np.int64), positives.col.astype(np.int64)
    negatives = sample_negatives(users, n_negatives, inter.n_items, make_rng(seed),
                                 inter.csr).reshape(-1)
    all_users = np.concatenate([users, np.repeat(users, n_negatives)])
    all_items = np.concatenate([items, negatives])
    targets = np.concatenate([np.ones(len(users)), np.zeros(len(negatives))]).astype(np.float32)
    return Interactions(all_users, all_items, inter.n_users, inter.n_items, weights=targets)


def click_metrics(model: RatingModel, part: Interactions) -> dict[str, float]:
    """AUC, log loss and the per-class report of `model`'s probabilities on `part`."""
    probs = model.predict(part.users, part.items)
    return {"auc": auc(probs, part.weights), "log_loss": log_loss(probs, part.weights),
            **classification_report(probs, part.weights)}


def run_click(model: str, dataset: str | Path | Dataset, labels: Labels = "rating",
              seeds: Sequence[int] = (0,), options: Mapping[str, Any] | None = None,
              threshold: float = 4.0, n_negatives: int = 1, valid_fraction: float = 0.1,
              test_fraction: float = 0.2, output: str | Path | None = None,
              progress: bool = True, refit: bool = True,
              overwrite: bool = False) -> tuple[list[Report], dict[str, tuple[float, float]]]:
    """One fit per seed (pairs and split drawn from the seed); reports and metric -> (mean, std)."""
    data = load(dataset)
    if labels == "rating":
        what = f"rating >= {threshold:g}"
    else:
        what = f"{n_negatives} sampled negatives per positive"
    protocol = f"click prediction ({what}; AUC, log loss on held-out pairs)"

    def one(seed: int, folder: Path | None) -> Report:
        labelled = dataclasses.replace(data, interactions=click_pairs(data.interactions, labels,
                                                                      threshold, n_negatives, seed))
        report = fit_rating_model(model, labelled, seed, options, valid_fraction, test_fraction,
                                  progress, refit, task="click", metrics=click_metrics,
                                  selection="auc", protocol=protocol)[0]
        if folder is not None:
            report.save(folder)
        return report

    return run_seeded(one, seeds, output, overwrite)

__all__ = ["click_metrics", "click_pairs", "run_click"]
