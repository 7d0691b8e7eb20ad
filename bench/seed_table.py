"""One BENCHMARKS.md row (mean ± std over seeds) from the run folders of separate seeds.

Seeds of one configuration are often run as separate processes (in parallel, one thread each);
this reads their report.json files, checks they differ only in the seed, and prints the row.

usage: python bench/seed_table.py RUN_DIR [RUN_DIR ...] [--ks 10]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import numpy as np


def read_report(folder: Path) -> dict:
    path = folder / "report.json" if folder.is_dir() else folder
    if not path.exists():
        sys.exit(f"seed_table: no report.json in {folder}")
    return json.loads(path.read_text())


def same_setting(reports: list[dict]) -> None:
    """Exit unless the reports share model, dataset, split and config (seed aside)."""
    def setting(report: dict) -> tuple:
        config = copy.deepcopy(report["config"])
        # where, not what
        for bookkeeping in ("progress", "checkpoint_dir", "resume", "tensorboard_dir"):
            config.get("train", {}).pop(bookkeeping, None)
        return (report["model"], json.dumps(report["dataset"], sort_keys=True),
                json.dumps(report["split"], sort_keys=True), json.dumps(config, sort_keys=True))

    first = setting(reports[0])
    for report in reports[1:]:
        if setting(report) != first:
            sys.exit("seed_table: the runs differ in more than the seed "
                     "(model, data, split or config)")


def mean_std(values: list[float], digits: int = 4) -> str:
    array = np.asarray(values, dtype=float)
    std = array.std(ddof=1) if len(array) > 1 else 0.0
    return f"{array.mean():.{digits}f} ± {std:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    reports = [read_report(folder) for folder in args.runs]
    same_setting(reports)
    seeds = sorted(int(report["seed"]) for report in reports)
    k = args.k
    cells = {
        "seeds": ", ".join(map(str, seeds)),
        f"test NDCG@{k}": mean_std([r["metrics"][f"ndcg@{k}"] for r in reports]),
        f"test HR@{k}": mean_std([r["metrics"][f"hr@{k}"] for r in reports]),
        f"best valid NDCG@{k}": mean_std([r["training"]["best_valid"] for r in reports]),
        "best epoch": ", ".join(str(r["training"]["best_epoch"]) for r in reports),
        "fit min (mean)": f"{np.mean([r['timings']['fit_seconds'] for r in reports]) / 60:.1f}",
    }
    print(f"model {reports[0]['model']} on {reports[0]['dataset'].get('name', '?')}")
    print("| " + " | ".join(cells) + " |")
    print("|" + "---|" * len(cells))
    print("| " + " | ".join(cells.values()) + " |")


if __name__ == "__main__":
    main()
