"""Graph models side by side: pretrec's LightGCN / SGL against RecBole 1.2.1's, same split, same
epochs, same hyper-parameters, same masks; training seconds per epoch, validation pass seconds
and Recall@20 / NDCG@20 after each epoch.

One run, one machine: pretrec splits the data once (a seeded per-user random 8/1/1, or the
folder's own parts with a carved validation share), writes the three parts as RecBole atomic
files (`benchmark_filename`), and both frameworks train one after the other, never at once.
RecBole runs in its own venv (`recbole_venv.py`, `recbole_driver.py`, ../shared/PEERS.md) with
torch anomaly detection off unless `--recbole-anomaly on`; its ranking passes are given the same
masks as pretrec's (validation: the user's training items; test: training and validation items).
Both sides run a fixed number of epochs (no early stopping) and validate after each.

Hyper-parameters are shared (embedding size, layers, batch, learning rate, L2 weight, SGL's
drop ratio, temperature and weight); the L2 terms differ in definition (pretrec: weight x sum of
squares / batch on the layer-0 embeddings; RecBole: weight x its EmbLoss), which the report says.

usage: python bench/peer_recbole_graph.py ../shared/data/seq/ml-1m.txt --models lightgcn,sgl \
    --epochs 5 --threads 2 [--only pretrec|recbole|both] [--output runs/peers/graph-ml-1m.json]
       python bench/peer_recbole_graph.py ../shared/data/graph/gowalla --epochs 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from recbole_venv import run_driver, write_pairs

METRICS = ("recall@20", "ndcg@20")
RECBOLE_NAMES = {"lightgcn": "LightGCN", "sgl": "SGL"}


def make_split(args: argparse.Namespace) -> tuple[Any, Any]:
    """(dataset, split): a folder's parts with a carved validation share, or a random 8/1/1."""
    from pretrec.data.split_by_name import make_split as split_by_name
    from pretrec.experiment import load

    if args.dataset.is_dir():
        dataset = load(args.dataset, "presplit")
        return dataset, split_by_name(dataset, "presplit", seed=args.seed, valid_fraction=0.1)
    dataset = load(args.dataset)
    return dataset, split_by_name(dataset, "ratio", seed=args.seed, by_time=0,
                                  valid_fraction=0.1, test_fraction=0.1)


def pairs(part: Any) -> list[tuple[int, int]]:
    """Distinct (user, item) index pairs of a split part."""
    coo = part.csr.tocoo()
    return list(zip(coo.row.tolist(), coo.col.tolist(), strict=True))


def shared_options(args: argparse.Namespace, model: str) -> dict[str, Any]:
    options: dict[str, Any] = {"embedding_dim": args.embedding_dim, "n_layers": args.n_layers,
                               "batch_size": args.batch_size, "learning_rate": args.learning_rate,
                               "l2": args.l2, "epochs": args.epochs}
    if model == "sgl":
        options |= {"augmentation": "edge", "drop_ratio": args.drop_ratio,
                    "temperature": args.temperature, "contrastive_weight": args.ssl_weight}
    return options


def run_pretrec(args: argparse.Namespace, model: str, dataset: Any, split: Any) -> dict[str, Any]:
    import torch

    import pretrec
    from pretrec.experiment import fit_and_evaluate

    torch.set_num_threads(args.threads)
    options = shared_options(args, model) | {"patience": args.epochs, "metric": "recall@20",
                                             "device": args.device}
    started = time.perf_counter()
    report = fit_and_evaluate(model, dataset, split, options, args.seed, progress=False).report
    history = report.training["history"]
    return {
        "framework": "pretrec", "model": model, "version": pretrec.__version__,
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "anomaly_enabled": torch.is_anomaly_enabled(),
        "epochs": [{"epoch": r["epoch"], "train_seconds": r["time/train_seconds"],
                    "valid_seconds": r["time/valid_seconds"],
                    **{f"valid_{m}": r[f"valid/{m}"] for m in METRICS}} for r in history],
        "best_epoch": report.training["best_epoch"],
        "test": {m: report.metrics[m] for m in METRICS},
        "test_pass_seconds": report.timings["test_eval_seconds"],
        "fit_seconds": report.timings["fit_seconds"], "wall_seconds": time.perf_counter() - started,
    }


def run_recbole(args: argparse.Namespace, model: str, split: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="peer-recbole-graph-") as work:
        work_dir = Path(work)
        folder = work_dir / "data"
        folder.mkdir()
        parts = {"train": pairs(split.train), "valid": pairs(split.valid),
                 "test": pairs(split.test)}
        for part, rows in parts.items():
            with (folder / f"data.{part}.inter").open("w") as out:
                out.write("user_id:token\titem_id:token\n")
                out.writelines(f"{user}\t{item}\n" for user, item in rows)
        masks = {"valid": str(write_pairs(work_dir / "mask-valid.tsv", parts["train"])),
                 "test": str(write_pairs(work_dir / "mask-test.tsv",
                                         parts["train"] + parts["valid"]))}
        options = shared_options(args, model)
        config = {
            "data_path": str(work_dir), "checkpoint_dir": str(work_dir / "saved"),
            "benchmark_filename": ["train", "valid", "test"], "load_col": None,
            "embedding_size": options["embedding_dim"], "n_layers": options["n_layers"],
            "reg_weight": options["l2"], "train_batch_size": options["batch_size"],
            "learning_rate": options["learning_rate"], "epochs": options["epochs"],
            "stopping_step": options["epochs"], "eval_step": 1, "seed": args.seed,
            "train_neg_sample_args": {"distribution": "uniform", "sample_num": 1,
                                      "alpha": 1.0, "dynamic": False, "candidate_num": 0},
            "eval_args": {"mode": "full", "group_by": "user", "order": "RO"},
            "metrics": ["Recall", "NDCG"], "topk": [20], "valid_metric": "Recall@20",
            "metric_decimal_place": 10, "show_progress": False, "reproducibility": True,
            "use_gpu": args.device == "cuda", "eval_batch_size": 4096,
        }
        if model == "sgl":
            config |= {"type": "ED", "drop_ratio": options["drop_ratio"],
                       "ssl_tau": options["temperature"],
                       "ssl_weight": options["contrastive_weight"]}
        spec = {"model": RECBOLE_NAMES[model], "dataset": "data", "config": config,
                "threads": args.threads, "max_seconds": 0, "masks": masks,
                "anomaly_detection": args.recbole_anomaly == "on"}
        return run_driver(spec, work_dir)


def summarise(sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for name, side in sides.items():
        epochs = side["epochs"]
        summary[name] = {
            "train_seconds_per_epoch_median": statistics.median(e["train_seconds"]
                                                                for e in epochs),
            "valid_pass_seconds_median": statistics.median(e["valid_seconds"] for e in epochs),
            "epochs": len(epochs),
            "valid_recall@20_last": epochs[-1]["valid_recall@20"],
            "valid_recall@20_best": max(e["valid_recall@20"] for e in epochs),
            "test": {m: side["test"][m] for m in METRICS},
        }
    if {"pretrec", "recbole"} <= set(sides):
        summary["ratio_recbole_over_pretrec"] = {
            key: summary["recbole"][key] / max(summary["pretrec"][key], 1e-9)
            for key in ("train_seconds_per_epoch_median", "valid_pass_seconds_median")}
    return summary


def print_table(model: str, summary: dict[str, Any]) -> None:
    names = [n for n in ("pretrec", "recbole") if n in summary]
    ratio = summary.get("ratio_recbole_over_pretrec", {})
    print(f"\n{model}\n| | " + " | ".join(names) + " | RecBole / pretrec |")
    print("|---" * (len(names) + 2) + "|")
    for label, key in (("train s / epoch (median)", "train_seconds_per_epoch_median"),
                       ("full-ranking valid pass s (median)", "valid_pass_seconds_median")):
        cells = [f"{summary[n][key]:.2f}" for n in names]
        shown = f"{ratio[key]:.2f}x" if key in ratio else ""
        print(f"| {label} | " + " | ".join(cells) + f" | {shown} |")
    for label, key in (("epochs", "epochs"),
                       ("valid Recall@20, last epoch", "valid_recall@20_last"),
                       ("valid Recall@20, best epoch", "valid_recall@20_best")):
        cells = [f"{summary[n][key]:.4f}" if isinstance(summary[n][key], float)
                 else str(summary[n][key]) for n in names]
        print(f"| {label} | " + " | ".join(cells) + " | |")
    for metric in METRICS:
        cells = [f"{summary[n]['test'][metric]:.4f}" for n in names]
        print(f"| test {metric} (best valid epoch) | " + " | ".join(cells) + " | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path,
                        help="a pairs/seq file (random 8/1/1 per user) or a train/test folder")
    parser.add_argument("--models", default="lightgcn,sgl")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--device", default="cpu", help="cpu or cuda; both sides")
    parser.add_argument("--only", choices=("pretrec", "recbole", "both"), default="both")
    parser.add_argument("--recbole-anomaly", choices=("off", "on"), default="off")
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--n-layers", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2048)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--l2", type=float, default=0.0001)
    parser.add_argument("--drop-ratio", type=float, default=0.1)
    parser.add_argument("--temperature", type=float, default=0.2)
    parser.add_argument("--ssl-weight", type=float, default=0.1)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    output = args.output or Path("runs") / "peers" / f"graph-{args.dataset.stem}.json"
    dataset, split = make_split(args)
    results: dict[str, Any] = {}
    for model in args.models.split(","):
        sides: dict[str, dict[str, Any]] = {}
        if args.only in ("pretrec", "both"):
            sides["pretrec"] = run_pretrec(args, model, dataset, split)
        if args.only in ("recbole", "both"):
            sides["recbole"] = run_recbole(args, model, split)
        summary = summarise(sides)
        print_table(model, summary)
        results[model] = {"summary": summary, "runs": sides}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({
        "dataset": str(args.dataset), "split": split.describe(),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "models": results,
    }, indent=1))
    print(f"\nwrote {output}")


if __name__ == "__main__":
    main()
