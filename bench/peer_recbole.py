"""Time to quality: pretrec's SASRec against RecBole 1.2.1's SASRec (CE loss), side by side.

One run, one machine, one data file, one split (leave-one-out by position), one metric
definition; the two frameworks train one after the other, never at once. RecBole is installed
from PyPI into its own venv `.peers/recbole` (see ../shared/PEERS.md) and runs in a subprocess
(`recbole_venv.py`, `recbole_driver.py`).

What an epoch is: RecBole trains on every prefix of every training sequence as its own sample
(`train_batch_size` prefixes per step); pretrec trains on one sequence per user, a target at
every position (`batch_size` users per step, length-bucketed). Both see the same targets per
epoch (pretrec keeps only each user's last `max_len + 1` training items), in far fewer steps.

Time to quality: target = min(best valid NDCG@10 of each side); per side, the cumulative
training seconds up to the first epoch whose valid NDCG@10 reaches the target, plus one
full-ranking validation pass (the median of that side's passes).

Protocol: by default RecBole's full-ranking evaluation is given pretrec's masking (every context
item of the user scored -inf, a target that repeats one included); RecBole alone masks nothing
for sequential models (`--recbole-masking native`).

The peer at its best: importing RecBole's model package switches torch anomaly detection on for
the whole process (../shared/PEERS.md), which slows its training about 2.4x. The driver switches
it off again after the imports (`--recbole-anomaly on` keeps it, to measure the difference) and
both sides record `torch.is_anomaly_enabled()` (RecBole's with every epoch).
Ties: pretrec counts tied items as ranked above the target,
RecBole ranks by `torch.topk` order.

usage: python bench/peer_recbole.py ../shared/data/seq/Beauty.txt --epochs 200 --patience 10 \
    --threads 2 --max-seconds 3600 [--only both] [--output runs/peers/recbole-Beauty.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from recbole_venv import run_driver, write_pairs

METRIC = "ndcg@10"

# RecBole settings that fix the protocol; hyper-parameters come from the command line.
RECBOLE_PROTOCOL: dict[str, Any] = {
    "loss_type": "CE",
    "train_neg_sample_args": None,
    "eval_args": {"split": {"LS": "valid_and_test"}, "order": "TO", "mode": "full"},
    "metrics": ["NDCG", "Hit"],
    "topk": [10],
    "valid_metric": "NDCG@10",
    "load_col": None,  # load every column of the atomic file, the timestamp included
    "eval_step": 1,
    "show_progress": False,
    "metric_decimal_place": 10,  # RecBole rounds metrics to 4 places by default
    "reproducibility": True,
}


def read_sequences(path: Path) -> dict[str, list[str]]:
    """user -> items in time order, from a seq file (`user item item ...`; a user may span
    lines)."""
    sequences: dict[str, list[str]] = {}
    with path.open() as lines:
        for line in lines:
            tokens = line.split()
            if len(tokens) > 1:
                sequences.setdefault(tokens[0], []).extend(tokens[1:])
    return sequences


def write_atomic(sequences: dict[str, list[str]], folder: Path, name: str) -> Path:
    """RecBole's atomic `.inter` file; the timestamp is the position in the user's sequence."""
    (folder / name).mkdir(parents=True, exist_ok=True)
    path = folder / name / f"{name}.inter"
    with path.open("w") as out:
        out.write("user_id:token\titem_id:token\ttimestamp:float\n")
        for user, items in sequences.items():
            out.writelines(f"{user}\t{item}\t{position}\n" for position, item in enumerate(items))
    return path


def epoch_sizes(sequences: dict[str, list[str]], batch_size: int,
                max_len: int) -> dict[str, dict[str, int]]:
    """Steps and targets per epoch of each framework, from leave-one-out training lengths."""
    train = [len(s) - 2 if len(s) >= 3 else len(s) for s in sequences.values()]
    trained = [n for n in train if n >= 2]
    prefixes = sum(n - 1 for n in trained)  # RecBole: one sample per prefix
    return {
        "pretrec": {"sequences": len(trained),
                    "targets": sum(min(n, max_len + 1) - 1 for n in trained),
                    "batches": math.ceil(len(trained) / batch_size)},
        "recbole": {"targets": prefixes, "batches": math.ceil(prefixes / batch_size)},
    }


def context_pairs(sequences: dict[str, list[str]], held_out: int) -> list[tuple[str, str]]:
    """(user, item) tokens of each user's context when the last `held_out` items are held out
    (2: what validation masks, 1: what test masks); users of fewer than 3 items have none."""
    return [(user, item) for user, items in sequences.items() if len(items) >= 3
            for item in items[: len(items) - held_out]]


def run_recbole(args: argparse.Namespace, data_path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="peer-recbole-") as work:
        work_dir = Path(work)
        name = "data"
        started = time.perf_counter()
        sequences = read_sequences(data_path)
        write_atomic(sequences, work_dir, name)
        masks = None
        if args.recbole_masking == "pretrec":
            masks = {part: str(write_pairs(work_dir / f"mask-{part}.tsv",
                                           context_pairs(sequences, held_out)))
                     for part, held_out in (("valid", 2), ("test", 1))}
        convert_seconds = time.perf_counter() - started
        config = {
            **RECBOLE_PROTOCOL,
            "data_path": str(work_dir), "checkpoint_dir": str(work_dir / "saved"),
            "hidden_size": args.hidden_size, "n_layers": args.n_layers, "n_heads": args.n_heads,
            "inner_size": args.inner_size, "hidden_dropout_prob": args.dropout,
            "attn_dropout_prob": args.attention_dropout, "MAX_ITEM_LIST_LENGTH": args.max_len,
            "train_batch_size": args.batch_size, "learning_rate": args.learning_rate,
            "epochs": args.epochs, "seed": args.seed, "use_gpu": args.device != "cpu",
            # RecBole stops once `stopping_step` validations in a row did not reach the best;
            # pretrec after `patience` validations without improvement: the same at patience - 1
            "stopping_step": max(args.patience - 1, 0),
        }
        spec = {"model": "SASRec", "dataset": name, "config": config, "threads": args.threads,
                "max_seconds": args.max_seconds, "masks": masks,
                "anomaly_detection": args.recbole_anomaly == "on"}
        result = run_driver(spec, work_dir)
    result["convert_seconds"] = convert_seconds
    return result


def run_pretrec(args: argparse.Namespace, data_path: Path) -> dict[str, Any]:
    import torch

    import pretrec
    from pretrec.data.split_by_name import make_split
    from pretrec.experiment import fit_and_evaluate, load

    torch.set_num_threads(args.threads)
    options = {"hidden_size": args.hidden_size, "n_layers": args.n_layers, "n_heads": args.n_heads,
               "inner_size": args.inner_size, "dropout": args.dropout,
               "attention_dropout": args.attention_dropout, "max_len": args.max_len,
               "batch_size": args.batch_size, "learning_rate": args.learning_rate,
               "epochs": args.epochs, "patience": args.patience, "device": args.device,
               "max_seconds": args.max_seconds or 0.0}
    started = time.perf_counter()
    # what experiment.run("sasrec", path, options=..., seed=...) does, with the loop's time cap
    dataset = load(data_path, "seq")
    report = fit_and_evaluate("sasrec", dataset, make_split(dataset, "loo"), options, args.seed,
                              progress=False).report
    wall = time.perf_counter() - started
    history = report.training["history"]
    capped = bool(args.max_seconds) and report.training["epochs_run"] < args.epochs and \
        report.timings["fit_seconds"] >= args.max_seconds
    return {
        "framework": "pretrec", "version": pretrec.__version__, "torch": torch.__version__,
        "threads": torch.get_num_threads(), "anomaly_enabled": torch.is_anomaly_enabled(),
        "epochs": [{"epoch": r["epoch"], "train_seconds": r["time/train_seconds"],
                    "valid_seconds": r["time/valid_seconds"], "valid_ndcg@10": r[f"valid/{METRIC}"]}
                   for r in history],
        "best_epoch": report.training["best_epoch"],
        "best_valid_ndcg@10": report.training["best_valid"],
        "valid_users": report.split["valid"], "test_users": report.split["test"],
        "test": {"ndcg@10": report.metrics["ndcg@10"], "hr@10": report.metrics["hr@10"]},
        "final_valid_pass_seconds": report.timings["valid_eval_seconds"],
        "test_pass_seconds": report.timings["test_eval_seconds"],
        "fit_seconds": report.timings["fit_seconds"], "wall_seconds": wall,
        "stopped": "max_seconds" if capped else "patience_or_epochs",
    }


def time_to_quality(side: dict[str, Any], target: float) -> dict[str, float]:
    """Training seconds until valid NDCG@10 first reaches `target`, plus one validation pass."""
    valid_pass = statistics.median(e["valid_seconds"] for e in side["epochs"])
    train_seconds = 0.0
    for epoch in side["epochs"]:
        train_seconds += epoch["train_seconds"]
        if epoch["valid_ndcg@10"] >= target:
            return {"epoch": epoch["epoch"], "train_seconds": train_seconds,
                    "valid_pass_seconds": valid_pass,
                    "seconds": train_seconds + valid_pass}
    raise ValueError(f"{side['framework']} never reached valid NDCG@10 {target}")


def summarise(sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for name, side in sides.items():
        summary[name] = {
            "train_seconds_per_epoch_median": statistics.median(e["train_seconds"]
                                                                for e in side["epochs"]),
            "valid_pass_seconds_median": statistics.median(e["valid_seconds"]
                                                           for e in side["epochs"]),
            "epochs_run": len(side["epochs"]), "best_epoch": side["best_epoch"],
            "best_valid_ndcg@10": side["best_valid_ndcg@10"], "test": side["test"],
        }
    if len(sides) == 2:
        target = min(side["best_valid_ndcg@10"] for side in sides.values())
        summary["target_valid_ndcg@10"] = target
        for name, side in sides.items():
            summary[name]["time_to_quality"] = time_to_quality(side, target)
        ratio = {key: summary["recbole"][key] / max(summary["pretrec"][key], 1e-9)
                 for key in ("train_seconds_per_epoch_median", "valid_pass_seconds_median")}
        ratio["time_to_quality"] = (summary["recbole"]["time_to_quality"]["seconds"]
                                    / summary["pretrec"]["time_to_quality"]["seconds"])
        summary["ratio_recbole_over_pretrec"] = ratio
    return summary


def print_tables(sides: dict[str, dict[str, Any]], sizes: dict[str, dict[str, int]],
                 summary: dict[str, Any]) -> None:
    names = list(sides)
    ratio = summary.get("ratio_recbole_over_pretrec", {})
    target = summary.get("target_valid_ndcg@10")

    def row(label: str, cells: list[str], ratio_cell: str = "") -> None:
        print(f"| {label} | " + " | ".join(cells) + (f" | {ratio_cell} |" if ratio else " |"))

    print("\n| | " + " | ".join(names) + (" | RecBole / pretrec |" if ratio else " |"))
    print("|---" * (len(names) + 1 + bool(ratio)) + "|")
    row("batches / epoch",
        [str(sides[n].get("batches_per_epoch", sizes[n]["batches"])) for n in names])
    row("targets / epoch", [str(sizes[n]["targets"]) for n in names])
    row("train s / epoch (median)",
        [f"{summary[n]['train_seconds_per_epoch_median']:.2f}" for n in names],
        f"{ratio.get('train_seconds_per_epoch_median', 0):.2f}x")
    row("full-ranking valid pass s (median)",
        [f"{summary[n]['valid_pass_seconds_median']:.2f}" for n in names],
        f"{ratio.get('valid_pass_seconds_median', 0):.2f}x")
    row("epochs run (best)",
        [f"{summary[n]['epochs_run']} ({summary[n]['best_epoch']})" for n in names])
    row("best valid NDCG@10", [f"{summary[n]['best_valid_ndcg@10']:.4f}" for n in names])
    if target is not None:
        reached = [summary[n]["time_to_quality"] for n in names]
        cells = [f"{r['seconds']:.1f} s (epoch {r['epoch']})" for r in reached]
        row(f"time to valid NDCG@10 >= {target:.4f}", cells, f"{ratio['time_to_quality']:.2f}x")
    row("test NDCG@10", [f"{summary[n]['test']['ndcg@10']:.4f}" for n in names])
    row("test HR@10", [f"{summary[n]['test']['hr@10']:.4f}" for n in names])
    print("\n| epoch | " + " | ".join(f"{n} train s | {n} valid NDCG@10" for n in names) + " |")
    print("|---" * (1 + 2 * len(names)) + "|")
    for index in range(max(len(sides[n]["epochs"]) for n in names)):
        cells = []
        for n in names:
            epochs = sides[n]["epochs"]
            cells += [f"{epochs[index]['train_seconds']:.2f}",
                      f"{epochs[index]['valid_ndcg@10']:.4f}"] \
                if index < len(epochs) else ["", ""]
        print(f"| {index + 1} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path,
                        help="a pretrec seq file: `user item item ...` per line")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10,
                        help="validations without improvement before stopping")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--device", default="auto",
                        help="auto (cuda when there is one), cpu or cuda; both sides")
    parser.add_argument("--only", choices=("pretrec", "recbole", "both"), default="both")
    parser.add_argument("--max-seconds", type=float, default=0.0,
                        help="stop a side after the epoch that ends past this much training "
                             "wall time (0: no cap)")
    parser.add_argument("--recbole-masking", choices=("pretrec", "native"), default="pretrec",
                        help="'pretrec': RecBole's ranking masks context items as pretrec's does; "
                             "'native': RecBole's own (nothing masked for sequential models)")
    parser.add_argument("--recbole-anomaly", choices=("off", "on"), default="off",
                        help="torch anomaly detection in the RecBole process: 'off' (the peer at "
                             "its best) or 'on' (as importing RecBole leaves it)")
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--n-layers", type=int, default=2)
    parser.add_argument("--n-heads", type=int, default=2)
    parser.add_argument("--inner-size", type=int, default=256)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--attention-dropout", type=float, default=0.5)
    parser.add_argument("--max-len", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--output", type=Path,
                        help="JSON path (default runs/peers/recbole-<dataset>.json)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    output = args.output or Path("runs") / "peers" / f"recbole-{args.dataset.stem}.json"
    sizes = epoch_sizes(read_sequences(args.dataset), args.batch_size, args.max_len)
    sides: dict[str, dict[str, Any]] = {}
    if args.only in ("pretrec", "both"):
        sides["pretrec"] = (run_pretrec(args, args.dataset)
                            | {"batches_per_epoch": sizes["pretrec"]["batches"]})
    if args.only in ("recbole", "both"):
        sides["recbole"] = run_recbole(args, args.dataset)
    summary = summarise(sides)
    print_tables(sides, sizes, summary)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({
        "dataset": str(args.dataset),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "epoch_sizes": sizes, "summary": summary, "runs": sides,
    }, indent=1))
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
