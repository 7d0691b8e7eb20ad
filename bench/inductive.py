"""Users or items absent from training, scored from their first 1, 3 and 5 events (issue 20).

Per seed, one `new_users` (or `new_items`) split with `--select-given` shown events (default 3)
trains every model and selects its options and epoch on the validation users only. The split
draws the same held-out users (items) for every `given` with one seed, so the training set is the
same and each fitted model is then evaluated once on test per `given`, after observing that
split's context (the shown events). A model that cannot score the held-out nodes is a row
"n/a" (`NotApplicable`), not zeros. The split seed is the run's seed: each seed holds out other
users (items).

Prints a markdown table (mean ± std over seeds) and a paired test (every seed's test users
pooled, pairs within a seed) of `--focus` against every other model, and writes the JSON.

usage: python bench/inductive.py DATASET --kind new_users --models pop,itemknn,lightgcn,graphsage \
    --seeds 0 1 2 --grid itemknn.neighbours=50,100,200 --set graphsage.epochs=60 \
    --output runs/inductive/beauty-new-users.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from pretrec.data.split_by_name import make_split
from pretrec.errors import NotApplicable
from pretrec.eval.evaluate import Evaluator
from pretrec.eval.significance import paired_test
from pretrec.experiment import check_applicable, load
from pretrec.pipeline.fitting import build_configs, fit, option_names, scorer
from pretrec.pipeline.tune import grid_search

METRICS = ("recall@20", "ndcg@20", "ndcg@10")


def model_options(pairs: list[str], models: list[str],
                  grid: bool = False) -> dict[str, dict[str, Any]]:
    """`model.key=value` pairs -> {model: {key: value}}, values read as YAML scalars; with
    `grid`, `model.key=v1,v2` -> {model: {key: [v1, v2]}}."""
    options: dict[str, dict[str, Any]] = {m: {} for m in models}
    for pair in pairs:
        target, _, value = pair.partition("=")
        model, _, key = target.partition(".")
        if model not in options or not key or not value:
            raise SystemExit(f"inductive: '{pair}' is not MODEL.KEY=VALUE for one of {models}")
        parts = [yaml.safe_load(v) for v in value.split(",")]
        options[model][key] = parts if grid else parts[0] if len(parts) == 1 else value
    return options


def fit_selected(name: str, dataset: Any, split: Any, options: dict[str, Any],
                 grid: dict[str, list[Any]], metric: str, seed: int) -> tuple[Any, dict, float]:
    """The model fitted with the options best on validation (grid searched there when given)."""
    started = time.perf_counter()
    if grid:
        options, _ = grid_search(name, split, grid, options, metric=metric, seed=seed,
                                 dataset=dataset)
    options = {**options, "progress": False}
    if "metric" in option_names(name):  # a trained model: select its epoch on `metric` too
        options["metric"] = metric
    model_config, train_config = build_configs(name, options)
    validate = Evaluator(split, "valid")
    fitted = fit(name, dataset, split.train, model_config, train_config, seed,
                 validator=lambda m: validate(scorer(m, split, "valid")).metrics,
                 n_users=split.n_users, n_items=split.n_items)
    chosen = {k: options[k] for k in grid}
    if fitted.result is not None:
        chosen.update(best_epoch=fitted.result.best_epoch, epochs_run=fitted.result.epochs_run)
    return fitted.model, chosen, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--kind", choices=("new_users", "new_items"), default="new_users")
    parser.add_argument("--models", default="pop,itemknn,lightgcn,graphsage")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--givens", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--select-given", type=int, default=3)
    parser.add_argument("--fraction", type=float, default=0.1)
    parser.add_argument("--metric", default="recall@20", help="validation selection metric")
    parser.add_argument("--set", action="append", default=[], metavar="MODEL.KEY=VALUE")
    parser.add_argument("--grid", action="append", default=[], metavar="MODEL.KEY=V1,V2")
    parser.add_argument("--focus", default="graphsage", help="the model tested against the rest")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    models = args.models.split(",")
    options = model_options(args.set, models)
    grids = model_options(args.grid, models, grid=True)
    dataset = load(args.dataset)
    results: dict[str, Any] = {
        "dataset": str(args.dataset), "kind": args.kind, "fraction": args.fraction,
        "select_given": args.select_given, "givens": args.givens, "seeds": args.seeds,
        "options": options, "grids": grids, "threads": args.threads,
        "machine": f"{platform.node()} {os.cpu_count()} cpus", "date": time.strftime("%F"),
        "runs": [],
    }
    per_user: dict[tuple[str, int], dict[int, dict[str, np.ndarray]]] = {}
    for seed in args.seeds:
        splits = {g: make_split(dataset, args.kind, seed=seed, fraction=args.fraction, given=g)
                  for g in sorted(set(args.givens) | {args.select_given})}
        train_sizes = {len(s.train) for s in splits.values()}
        assert len(train_sizes) == 1, "the givens of one seed must share their training set"
        for name in models:
            row: dict[str, Any] = {"model": name, "seed": seed}
            try:
                check_applicable(name, splits[args.select_given])
            except NotApplicable as reason:
                row["not_applicable"] = str(reason)
                results["runs"].append(row)
                print(f"seed {seed} {name}: n/a ({reason})", flush=True)
                continue
            model, chosen, seconds = fit_selected(name, dataset, splits[args.select_given],
                                                  options[name], grids[name], args.metric, seed)
            row.update(chosen=chosen, fit_seconds=round(seconds, 1), test={})
            for given in args.givens:
                split = splits[given]
                test = Evaluator(split, "test")(scorer(model, split, "test"))
                row["test"][given] = {m: test.metrics[m] for m in METRICS}
                for m in METRICS:
                    per_user.setdefault((m, given), {}).setdefault(seed, {})[name] = \
                        test.per_user[m]
            results["runs"].append(row)
            print(f"seed {seed} {name} ({seconds:.0f} s, {chosen}): " + ", ".join(
                f"given {g} {row['test'][g][args.metric]:.4f}" for g in args.givens), flush=True)
    results["paired"] = paired_tests(per_user, args.focus, models, args.givens)
    print_table(results, models, args.givens)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1, default=str))


def paired_tests(per_user: dict, focus: str, models: list[str], givens: list[int]) -> list[dict]:
    """`focus` against every other scored model, per metric and given; pairs are one seed's
    user in both models, pooled over seeds."""
    tests = []
    for (metric, given), by_seed in per_user.items():
        for other in models:
            if other == focus or any(other not in m or focus not in m for m in by_seed.values()):
                continue
            a = np.concatenate([m[other] for m in by_seed.values()])
            b = np.concatenate([m[focus] for m in by_seed.values()])
            c = paired_test(a, b, metric)
            tests.append({"metric": metric, "given": given, "a": other, "b": focus,
                          "users": c.n_users, "mean_a": c.mean_a, "mean_b": c.mean_b,
                          "t_pvalue": c.t_pvalue, "wilcoxon_pvalue": c.wilcoxon_pvalue})
    return sorted(tests, key=lambda t: (t["metric"], t["given"], t["a"]))


def print_table(results: dict, models: list[str], givens: list[int]) -> None:
    header = " | ".join(f"{m} given {g}" for g in givens for m in ("Recall@20", "NDCG@20"))
    print(f"\n| model | {header} |\n|---|" + "---|" * (2 * len(givens)))
    for name in models:
        runs = [r for r in results["runs"] if r["model"] == name]
        if any("not_applicable" in r for r in runs):
            print(f"| {name} | " + " | ".join(["n/a"] * 2 * len(givens)) + " |")
            continue
        cells = []
        for g in givens:
            for m in ("recall@20", "ndcg@20"):
                values = np.array([r["test"][g][m] for r in runs])
                std = values.std(ddof=1) if len(values) > 1 else 0.0
                cells.append(f"{values.mean():.4f} ± {std:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    for t in results["paired"]:
        if t["metric"] == "recall@20":
            print(f"given {t['given']}: {t['b']} {t['mean_b']:.4f} vs {t['a']} {t['mean_a']:.4f} "
                  f"({t['users']} users; t p={t['t_pvalue']:.2g}, "
                  f"Wilcoxon p={t['wilcoxon_pvalue']:.2g})")


if __name__ == "__main__":
    main()
