"""Model size as a knob: SASRec NDCG@10 against parameter count and epoch time.

Trains SASRec for every (hidden size x layers) pair on one dataset with the same protocol and
training budget (validation early stopping), then writes a markdown table, the JSON results and
a PNG plot (test NDCG@10 against parameters, labelled with seconds per epoch).

usage: python bench/scaling.py DATASET [--hidden 64,128,256] [--layers 2,4] [--epochs 200]
       [--patience 10] [--seed 0] [--set KEY=VALUE ...] [--output runs/scaling]
       python bench/scaling.py DATASET --merge PART.json [PART.json ...] [--output runs/scaling]

Parts of the grid can run as separate processes (each with its own --output); --merge then
joins their JSON results into one table and plot without training.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from pretrec.config import parse_assignments
from pretrec.data.split import leave_one_out
from pretrec.experiment import fit_and_evaluate, load

HEADER = ("| hidden | layers | parameters | s/epoch | epochs (best) | valid NDCG@10 | test NDCG@10 "
          "| test HR@10 |\n"
          "|---|---|---|---|---|---|---|---|")


def table_row(row: dict) -> str:
    return (f"| {row['hidden_size']} | {row['n_layers']} | {row['parameters']:,} | "
            f"{row['seconds_per_epoch']:.1f} | "
            f"{row['epochs_run']} ({row['best_epoch']}) | {row['valid_ndcg@10']:.4f} | "
            f"{row['test_ndcg@10']:.4f} | {row['test_hr@10']:.4f} |")


def train_grid(args: argparse.Namespace, shared: dict) -> list[dict]:
    """Train SASRec at every (hidden, layers) point, printing each row as it finishes."""
    dataset = load(args.dataset)
    split = leave_one_out(dataset.interactions)
    rows = []
    for hidden in (int(h) for h in args.hidden.split(",")):
        for layers in (int(n) for n in args.layers.split(",")):
            options = {**shared, "hidden_size": hidden, "inner_size": 4 * hidden,
                       "n_layers": layers}
            started = time.perf_counter()
            report = fit_and_evaluate("sasrec", dataset, split, options, args.seed,
                                      progress=False).report
            history = report.training["history"]
            row = {
                "hidden_size": hidden, "n_layers": layers,
                "parameters": report.training["parameters"]["total"],
                "seconds_per_epoch": float(np.mean([h["time/train_seconds"] for h in history])),
                "epochs_run": report.training["epochs_run"],
                "best_epoch": report.training["best_epoch"],
                "valid_ndcg@10": report.training["best_valid"],
                "test_ndcg@10": report.metrics["ndcg@10"], "test_hr@10": report.metrics["hr@10"],
                "wall_seconds": time.perf_counter() - started,
            }
            rows.append(row)
            print(table_row(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--hidden", default="64,128,256")
    parser.add_argument("--layers", default="2,4")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="shared model/train option")
    parser.add_argument("--output", default="runs/scaling")
    parser.add_argument("--merge", nargs="+", default=[], metavar="PART.json",
                        help="join earlier runs' results")
    args = parser.parse_args()
    stem = Path(args.dataset).stem
    shared = {"epochs": args.epochs, "patience": args.patience, "batch_size": 256,
              **parse_assignments(args.set)}
    print(HEADER)
    rows = []
    if args.merge:
        for part in args.merge:
            rows.extend(json.loads(Path(part).read_text())["rows"])
        for row in sorted(rows, key=lambda r: (r["hidden_size"], r["n_layers"])):
            print(table_row(row))
    else:
        rows = train_grid(args, shared)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{stem}.json").write_text(json.dumps({"dataset": stem, "seed": args.seed,
                                                      "options": shared, "rows": rows}, indent=2))
    plot(rows, stem, output / f"{stem}.png")
    print(f"wrote {output / f'{stem}.json'} and {output / f'{stem}.png'}")


def plot(rows: list[dict], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 4))
    for layers in sorted({r["n_layers"] for r in rows}):
        points = [r for r in rows if r["n_layers"] == layers]
        axis.plot([r["parameters"] for r in points], [r["test_ndcg@10"] for r in points],
                  marker="o", label=f"{layers} layers")
        for r in points:
            axis.annotate(f"h{r['hidden_size']}, {r['seconds_per_epoch']:.0f}s/ep",
                          (r["parameters"], r["test_ndcg@10"]), fontsize=7,
                          textcoords="offset points", xytext=(4, 4))
    axis.set_xscale("log")
    axis.set_xlabel("parameters")
    axis.set_ylabel("test NDCG@10 (full ranking)")
    axis.set_title(f"SASRec scaling on {title}")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
