"""load -> split -> build -> fit (task + loop, selecting on validation) -> evaluate once on test
-> report: the one pipeline. Ranking runs here; rating and click prediction
(`pretrec.pipeline.rating`, `pretrec.pipeline.click`) fit through the same
`pretrec.pipeline.fitting.fit` and seed runner `run_seeded`.

The Python API the CLI wraps:

    from pretrec.experiment import run
    report = run("bprmf", "data/Beauty.txt", split="loo", options={"epochs": 20}, output="runs/bpr")
    print(report.metrics["ndcg@10"])
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pretrec.checkpoint import save_histories, save_item_text, save_model
from pretrec.data.interactions import Dataset
from pretrec.data.sequences import UserHistories
from pretrec.data.split import Split
from pretrec.data.split_by_name import make_split
from pretrec.errors import DataError, NotApplicable
from pretrec.eval.evaluate import Evaluator
from pretrec.eval.groups import evaluate_groups
from pretrec.eval.protocol import Protocol
from pretrec.eval.report import Report
from pretrec.models import MODELS
from pretrec.models.base import Recommender
from pretrec.pipeline.fitting import FitHooks, build_configs, fit, scorer
from pretrec.pipeline.run_folder import close_run_folder, open_run_folder

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
    model_name = MODELS.canonical(model_name)
    check_split(dataset, split, protocol)
    model_config, train_config = build_configs(model_name, options)
    if not progress:
        train_config = train_config.replace(progress=False)
    has_valid = len(split.valid) > 0
    if not has_valid:
        log.warning("the split has no validation part: training runs all %d epochs, no selection",
                    train_config.epochs)
    check_applicable(model_name, split)
    validate = Evaluator(split, "valid", protocol) if has_valid else None

    def validator(model: Any) -> dict[str, float]:
        return validate(scorer(model, split, "valid")).metrics

    fitted = fit(model_name, dataset, split.train, model_config, train_config, seed,
                 validator=validator if validate else None, hooks=hooks,
                 n_users=split.n_users, n_items=split.n_items)
    model = fitted.model
    valid_metrics, valid_seconds, valid_groups = {}, 0.0, {}
    if validate is not None:
        valid = validate(scorer(model, split, "valid"))
        valid_metrics, valid_seconds = valid.metrics, valid.seconds
        # per-group validation figures: what cold-start settings are chosen on
        valid_groups = {
            name: e.metrics
            for name, e in evaluate_groups(model.score, split, "valid", protocol).items()
        }
    test = Evaluator(split, "test", protocol, progress=progress)(scorer(model, split, "test"))
    warn_repeats(test.counts, protocol)
    unseen = test.counts.get("targets_on_items_unseen_in_train", 0)
    if unseen:
        log.warning("%d of %d test targets are items with no training event: a model that "
                    "scores items by id cannot rank them high (reports count them: "
                    "counts.targets_on_items_unseen_in_train)", unseen,
                    test.counts.get("targets", 0))
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
        # what recommendations for known users start from: everything but the test part
        save_histories(checkpoint, UserHistories.from_interactions(split.context("test")))
    return RunResult(report, model, split)


_REPEATS_WARNED: set[tuple[int, int, str]] = set()  # say each finding once, not once per model


def check_applicable(model_name: str, split: Split) -> None:
    """Refuse a model that cannot score the users or items an inductive split holds out, rather
    than report the scores of untrained parameters."""
    if split.given is None:
        return
    model = MODELS.get(model_name).model
    if split.new_users is not None and model.scores_user_ids:
        raise NotApplicable(f"{model_name} scores users by learned per-user parameters and "
                            f"cannot score users absent from training ({split.protocol})")
    if split.cold_items is not None and not model.ranks_new_items:
        raise NotApplicable(f"{model_name} has no representation of items absent from training "
                            f"({split.protocol})")


def check_split(dataset: Dataset, split: Split, protocol: Protocol) -> None:
    """Refuse a split that would give empty or meaningless metrics; warn about a tiny catalogue."""
    if len(split.test) == 0:
        raise DataError(f"the {split.protocol} split of '{dataset.name}' has no test targets: its "
                        f"users have too few events for it (leave-one-out needs 3 per user); "
                        f"{len(dataset.interactions)} events remain after filters")
    if max(protocol.ks) >= split.n_items:
        log.warning("the catalogue has %d items, no more than the largest cut-off K=%d: every "
                    "@K metric of it is trivially high", split.n_items, max(protocol.ks))


def warn_repeats(counts: Mapping[str, int], protocol: Protocol) -> None:
    """Say how many test targets repeat a context item and what the protocol does with them."""
    repeated = counts.get("targets_repeating_context", 0)
    key = (repeated, counts.get("targets", 0), protocol.mask)
    if not repeated or key in _REPEATS_WARNED:
        return
    _REPEATS_WARNED.add(key)
    share = repeated / max(counts.get("targets", 1), 1)
    rule = ("count as misses (--mask context, the default)" if protocol.mask == "context"
            else "are rankable (--mask none, repeat-aware)")
    other = "none" if protocol.mask == "context" else "context"
    log.warning("%d of %d test targets (%.1f%%) repeat an item of the user's context; they %s. "
                "The other choice: --mask %s", repeated, counts.get("targets", 0), 100 * share,
                rule, other)


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
    overwrite: bool = False,
) -> Report:
    """Load, split and run one model with one seed; returns the test `Report` (`output`: the
    run folder, refused when not empty unless `overwrite`).

    `split` is a protocol name (loo, temporal, ratio, random, presplit, cold) or a ready `Split`
    of the same dataset (for split options, e.g.
    `make_split(data, "cold", cold_item_fraction=0.3)`).
    """
    reports, _ = run_seeds(model, dataset, [seed], split, options, format, protocol, output,
                           progress, overwrite=overwrite)
    return reports[0]


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
    overwrite: bool = False,
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

    return run_seeded(one, seeds, output, overwrite)


def run_seeded(fit_one: Callable[[int, Path | None], Report], seeds: Sequence[int],
               output: str | Path | None, overwrite: bool = False,
               ) -> tuple[list[Report], dict[str, tuple[float, float]]]:
    """`fit_one(seed, folder)` per seed, each writing its run folder (`output` itself for one seed,
    `output/seed-N` for several); with several, `output/report.json` holds the mean metrics,
    their sample std and the seeds. Returns the reports and metric -> (mean, sample std).

    `output` is checked before any training: a non-empty folder is refused unless `overwrite`
    (which replaces an earlier run in it); it is marked incomplete until every seed is done."""
    if output is not None:
        output = open_run_folder(output, overwrite)
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
    if output is not None:
        close_run_folder(output)
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
