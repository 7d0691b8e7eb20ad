"""The end-to-end demo behind `make demo`: the built-in synthetic dataset, a leave-one-out split,
every baseline trained and selected on validation, one test evaluation each, a results table."""

from __future__ import annotations

import time
from pathlib import Path

from pretrec.data.split import leave_one_out
from pretrec.data.synthetic import make_synthetic
from pretrec.eval.report import Report
from pretrec.experiment import fit_and_evaluate
from pretrec.pipeline.run_folder import close_run_folder, open_run_folder

# Model -> options for the demo; each later capability adds its models here.
DEMO_MODELS: dict[str, dict[str, object]] = {
    "pop": {},
    "itemknn": {"neighbours": 100, "shrink": 10.0},
    "ease": {"l2": 200.0},
    "bprmf": {"epochs": 40, "batch_size": 2048, "learning_rate": 0.005, "patience": 5},
    "sasrec": {"epochs": 30, "batch_size": 256, "learning_rate": 0.005, "patience": 5,
               "hidden_size": 32, "inner_size": 64, "dropout": 0.2, "attention_dropout": 0.2,
               "max_len": 20},
}


def run_demo(output: str | Path = "runs/demo", progress: bool = True,
             seed: int = 0) -> dict[str, Report]:
    """Run every demo model; reports are saved under ``output/<model>`` (the demo's own folders,
    replaced at each run)."""
    dataset = make_synthetic(seed=seed)
    split = leave_one_out(dataset.interactions)
    reports = {}
    for name, options in DEMO_MODELS.items():
        started = time.perf_counter()
        folder = open_run_folder(Path(output) / name, overwrite=True)
        result = fit_and_evaluate(name, dataset, split, options, seed, output=folder,
                                  progress=progress)
        close_run_folder(folder)
        result.report.timings["total_seconds"] = time.perf_counter() - started
        reports[name] = result.report
    return reports
