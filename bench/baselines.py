"""Baselines on a real dataset: grid search on validation, then one test evaluation per model.

For each model the grid in configs/grids.yaml is searched on the validation split (the test split
is not looked at); the winning options are written to configs/<dataset>/<model>.yaml, which
`pretrec run --config` reproduces. Prints a markdown row per model with test HR/NDCG@5/10/20.

usage: python bench/baselines.py DATASET [--models pop,itemknn,ease,bprmf] [--output runs/baselines]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import yaml

from pretrec.data.split import leave_one_out
from pretrec.experiment import fit_and_evaluate, load
from pretrec.pipeline.tune import grid_search

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("hr@5", "ndcg@5", "hr@10", "ndcg@10", "hr@20", "ndcg@20")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--models", default="pop,itemknn,ease,bprmf")
    parser.add_argument("--output", default="runs/baselines")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    grids = yaml.safe_load((ROOT / "configs" / "grids.yaml").read_text())
    base = yaml.safe_load((ROOT / "configs" / "base_options.yaml").read_text())
    dataset = load(args.dataset)
    split = leave_one_out(dataset.interactions)
    stem = Path(args.dataset).stem.lower().replace("_and_outdoors", "")
    print(f"{dataset.name}: {dataset.n_users} users, {dataset.n_items} items, "
          f"{len(dataset.interactions)} interactions")
    for name in args.models.split(","):
        started = time.perf_counter()
        options = dict(base.get(name) or {})
        grid = grids.get(name) or {}
        if grid:
            options, trials = grid_search(name, split, grid, options, seed=args.seed)
            for trial in trials:
                searched = {k: trial.options[k] for k in grid}
                print(f"  {name} {searched}: valid ndcg@10 {trial.valid_metric:.4f} "
                      f"({trial.seconds:.1f}s)")
            options.pop("progress", None)
        search_seconds = time.perf_counter() - started
        config_path = ROOT / "configs" / stem / f"{name}.yaml"
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(yaml.safe_dump(
            # a config's paths are relative to the config file
            {"model": name,
             "dataset": os.path.relpath(Path(args.dataset).resolve(), config_path.parent),
             "split": "loo", "seeds": [args.seed],
             "set": options},
            sort_keys=False,
        ))
        started = time.perf_counter()
        report = fit_and_evaluate(name, dataset, split, options, args.seed,
                                  output=Path(args.output) / stem / name, progress=False).report
        seconds = time.perf_counter() - started
        cells = " | ".join(f"{report.metrics[c]:.4f}" for c in COLUMNS)
        print(f"| {dataset.name} | {name} | {cells} | {seconds:.1f} s "
              f"(search {search_seconds:.0f} s) | "
              f"`pretrec run --config {config_path.relative_to(ROOT)}` |", flush=True)


if __name__ == "__main__":
    main()
