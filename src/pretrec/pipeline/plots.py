"""Pictures of runs: training curves (loss and validation metric per epoch) and a results chart
(a test metric per run, with the seeds' standard deviation as error bars), one PNG.

    pretrec plot runs/sasrec runs/bsarec --output docs/images/beauty.png
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pretrec.errors import ConfigError, PretrecError
from pretrec.files import atomic_path, check_complete


def read_run(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(report, per-seed reports: the folder's own, or its seed-N reports)."""
    check_complete(folder)
    path = folder / "report.json"
    if not path.is_file():
        raise PretrecError(f"{folder} is not a run folder (no report.json)")
    report = json.loads(path.read_text(encoding="utf-8"))
    seeds = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted(folder.glob("seed-*/report.json"))]
    return report, seeds or [report]


def plot_runs(folders: Sequence[str | Path], output: str | Path, metric: str = "ndcg@10") -> Path:
    """Draw the runs' training curves and their test `metric` into `output` (a .png)."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("plots need matplotlib: pip install 'pretrec[tune]'") from error
    if not folders:
        raise ConfigError("give at least one run folder to plot")
    output = Path(output)
    if output.suffix.lower() != ".png":
        raise ConfigError(f"--output must name a .png file, got {output}")
    runs = {Path(f).name or str(f): read_run(Path(f)) for f in folders}
    figure, (loss_axis, valid_axis, result_axis) = plt.subplots(1, 3, figsize=(15, 4.2))
    for run_index, (name, (_, seeds)) in enumerate(runs.items()):
        color = f"C{run_index % 10}"  # one colour per run, its seeds alike
        for index, seed in enumerate(seeds):
            history = seed.get("training", {}).get("history", [])
            if not history:
                continue
            epochs = [record["epoch"] for record in history]
            losses = [sum(v for k, v in record.items() if k.startswith("loss/"))
                      for record in history]
            label = name if index == 0 else None
            loss_axis.plot(epochs, losses, label=label, color=color, alpha=0.8)
            shown = f"valid/{seed.get('config', {}).get('train', {}).get('metric', metric)}"
            values = [record.get(shown) for record in history]
            if any(v is not None for v in values):
                valid_axis.plot(epochs, values, label=label, color=color, alpha=0.8)
    loss_axis.set(title="training loss", xlabel="epoch", ylabel="sum of losses")
    valid_axis.set(title="validation (selection metric)", xlabel="epoch")
    names = list(runs)
    means = [runs[n][0].get("metrics", {}).get(metric, float("nan")) for n in names]
    stds = [runs[n][0].get("metrics_std", {}).get(metric, 0.0) for n in names]
    result_axis.bar(names, means, yerr=stds, capsize=4,
                    color=[f"C{i % 10}" for i in range(len(names))])
    result_axis.set(title=f"test {metric} (mean ± std over seeds)", ylabel=metric)
    result_axis.tick_params(axis="x", rotation=30)
    for axis in (loss_axis, valid_axis):
        if axis.lines:
            axis.legend(fontsize=8)
    figure.tight_layout()
    with atomic_path(output) as partial:
        figure.savefig(partial, dpi=110, format="png")
    plt.close(figure)
    return output
