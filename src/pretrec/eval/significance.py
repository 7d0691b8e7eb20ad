"""Paired comparison of two runs on the same users: difference, paired t-test and Wilcoxon.

A side may be several runs of one model (seeds): each user's value is then the mean over them, so
the test asks whether the model, not one seed of it, differs. A multi-seed run folder (with
`seed-N` subfolders and no per-user file of its own) counts as all its seeds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from pretrec.errors import PretrecError
from pretrec.eval.report import PER_USER_FILE, REPORT_FILE, load_per_user
from pretrec.files import check_complete

Runs = str | Path | Sequence[str | Path]


@dataclass(frozen=True)
class Comparison:
    metric: str
    n_users: int
    mean_a: float
    mean_b: float
    difference: float
    t_pvalue: float
    wilcoxon_pvalue: float


def paired_test(a: np.ndarray, b: np.ndarray, metric: str = "") -> Comparison:
    """Compare per-user values `a` and `b` (same users, same order), NaN users dropped."""
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2:
        raise PretrecError("a paired test needs at least two users with values in both runs")
    diff = b - a
    if np.allclose(diff, 0):
        t_p = w_p = 1.0
    else:
        # a constant non-zero difference has zero variance: t is infinite, its p-value 0
        constant = np.allclose(diff, diff[0])
        t_p = 0.0 if constant else float(stats.ttest_rel(b, a).pvalue)
        w_p = float(stats.wilcoxon(b, a, zero_method="wilcox").pvalue)
    return Comparison(metric, len(a), float(a.mean()), float(b.mean()), float(diff.mean()), t_p,
                      w_p)


def compare_runs(run_a: Runs, run_b: Runs, metrics: list[str] | None = None) -> list[Comparison]:
    """Paired tests of every shared per-user metric of two sides, each one run folder or several
    (per-user values averaged over a side's runs; see the module docstring)."""
    check_same_evaluation(run_folders(run_a) + run_folders(run_b))
    users_a, values_a = load_averaged(run_a)
    users_b, values_b = load_averaged(run_b)
    shared, index_a, index_b = np.intersect1d(users_a, users_b, return_indices=True)
    if len(shared) != len(users_a) or len(shared) != len(users_b):
        raise PretrecError(
            f"the runs evaluated different users ({len(users_a)} vs {len(users_b)}, "
            f"{len(shared)} shared): were they made on the same split?"
        )
    shared_metrics = set(values_a) & set(values_b)
    missing = [m for m in metrics or [] if m not in shared_metrics]
    if missing:
        known = ", ".join(sorted(shared_metrics, key=_metric_order))
        raise PretrecError(f"metric(s) {', '.join(missing)} not saved by both runs; they have: "
                           f"{known}")
    names = metrics or sorted(shared_metrics, key=_metric_order)
    return [paired_test(values_a[m][index_a], values_b[m][index_b], m) for m in names]


def evaluation_of(folder: Path) -> tuple[object, object, object]:
    """(dataset fingerprint, split, protocol name) of a run folder's report."""
    check_complete(folder)
    path = folder / REPORT_FILE
    if not path.is_file():
        raise PretrecError(f"{folder} is not a run folder (no {REPORT_FILE})")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PretrecError(f"{path}: not a readable report ({error})") from None
    split = {k: v for k, v in report.get("split", {}).items() if k != "refit_on_train_and_valid"}
    return (report.get("dataset", {}).get("fingerprint"), json.dumps(split, sort_keys=True),
            report.get("protocol", {}).get("name"))


def check_same_evaluation(folders: list[Path]) -> None:
    """Refuse to pair runs of different data, splits or protocols (equal user counts do not
    make them comparable)."""
    first = evaluation_of(folders[0])
    for folder in folders[1:]:
        other = evaluation_of(folder)
        for what, a, b in zip(("dataset", "split", "protocol"), first, other, strict=True):
            if a != b:
                raise PretrecError(f"{folder} and {folders[0]} were evaluated on different "
                                   f"{what}s: a paired test needs the same users and targets")


def run_folders(runs: Runs) -> list[Path]:
    """The run folders of one side: a folder, a list of them, or a multi-seed folder's seeds."""
    folders = [Path(runs)] if isinstance(runs, str | Path) else [Path(r) for r in runs]
    expanded = []
    for folder in folders:
        seeds = sorted(folder.glob("seed-*"))
        expanded += seeds if not (folder / PER_USER_FILE).exists() and seeds else [folder]
    if not expanded:
        raise PretrecError("no run folders to compare")
    return expanded


def load_averaged(runs: Runs) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(users, metric -> per-user values averaged over the side's runs); the runs must share
    users."""
    folders = run_folders(runs)
    users, values = load_per_user(folders[0])
    order = np.argsort(users)
    users, values = users[order], {m: v[order].astype(float) for m, v in values.items()}
    for folder in folders[1:]:
        other_users, other = load_per_user(folder)
        if not np.array_equal(np.sort(other_users), users):
            raise PretrecError(f"{folder} evaluated other users than {folders[0]}: "
                               f"not seeds of one split")
        other_order = np.argsort(other_users)
        values = {m: v + other[m][other_order] for m, v in values.items() if m in other}
    return users, {m: v / len(folders) for m, v in values.items()}


def _metric_order(name: str) -> tuple[str, int]:
    base, _, k = name.partition("@")
    return base, int(k) if k.isdigit() else 0
