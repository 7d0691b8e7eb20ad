"""What pre-training adds: the same SASRec encoder trained from scratch, and pre-trained
self-supervised (masked item + next item + contrastive) then fine-tuned full / frozen / LoRA.

Every run selects its epoch on validation and is evaluated once on test (leave-one-out, full
ranking). Prints a markdown table and writes runs/pretrain_vs_scratch/<dataset>/summary.json.

usage: python bench/pretrain_vs_scratch.py DATASET [--seed 0] [--set KEY=VALUE ...]
       [--pretrain-set KEY=VALUE ...] [--strategies full,frozen,lora] [--output DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pretrec.config import parse_assignments
from pretrec.data.split import leave_one_out
from pretrec.experiment import fit_and_evaluate, load
from pretrec.pipeline.finetune import finetune

SHARED = {"hidden_size": 64, "n_layers": 2, "n_heads": 2, "inner_size": 256, "dropout": 0.5,
          "attention_dropout": 0.5, "max_len": 50, "learning_rate": 0.001, "batch_size": 256,
          "epochs": 200, "patience": 20}
ENCODER_SHAPE = ("hidden_size", "n_layers", "n_heads", "inner_size", "max_len")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="option of every run")
    parser.add_argument("--pretrain-set", action="append", default=[], metavar="KEY=VALUE",
                        help="option of the pre-training run only (e.g. contrastive_weight=0.1)")
    parser.add_argument("--strategies", default="full,frozen,lora")
    parser.add_argument("--output", default="runs/pretrain_vs_scratch")
    args = parser.parse_args()
    dataset = load(args.dataset)
    split = leave_one_out(dataset.interactions)
    stem = Path(args.dataset).stem
    folder = Path(args.output) / stem
    options = {**SHARED, **parse_assignments(args.set)}
    rows = []

    def record(name: str, report, seconds: float, trainable: int | None = None) -> None:
        parameters = report.transfer.get("parameters") or report.training.get("parameters") or {}
        rows.append({"run": name, "test_ndcg@10": report.metrics["ndcg@10"],
                     "test_hr@10": report.metrics["hr@10"],
                     "valid_ndcg@10": report.training.get("best_valid"),
                     "best_epoch": report.training.get("best_epoch"),
                     "epochs_run": report.training.get("epochs_run"),
                     "trainable": (trainable if trainable is not None
                                   else parameters.get("trainable")),
                     "total": parameters.get("total"), "seconds": seconds})
        r = rows[-1]
        print(f"| {name} | {r['trainable']:,} / {r['total']:,} | "
              f"{r['epochs_run']} ({r['best_epoch']}) | "
              f"{r['valid_ndcg@10']:.4f} | {r['test_ndcg@10']:.4f} | {r['test_hr@10']:.4f} | "
              f"{seconds / 60:.1f} min |",
              flush=True)

    print(f"{dataset.name}: seed {args.seed}, options {options}")
    print("| run | trained / total parameters | epochs (best) | valid NDCG@10 | test NDCG@10 "
          "| test HR@10 | wall |")
    print("|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    scratch = fit_and_evaluate("sasrec", dataset, split, options, args.seed, progress=False,
                               output=folder / "scratch").report
    record("SASRec from scratch", scratch, time.perf_counter() - started)
    started = time.perf_counter()
    pretrain_options = {**options, **parse_assignments(args.pretrain_set)}
    pre = fit_and_evaluate("pretrainer", dataset, split, pretrain_options, args.seed,
                           progress=False, output=folder / "pretrain").report
    record("pre-training only (no fine-tuning)", pre, time.perf_counter() - started)
    tuning = {k: v for k, v in options.items() if k not in ENCODER_SHAPE}
    for strategy in args.strategies.split(","):
        started = time.perf_counter()
        report = finetune(folder / "pretrain" / "checkpoint", dataset, strategy=strategy,
                          options=tuning, seeds=[args.seed],
                          output=folder / f"finetune-{strategy}", progress=False)[0]
        record(f"pre-trained + fine-tuned ({strategy})", report, time.perf_counter() - started)
    (folder / "summary.json").write_text(json.dumps({"dataset": stem, "seed": args.seed,
                                                     "options": options,
                                                     "pretrain_options": pretrain_options,
                                                     "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
