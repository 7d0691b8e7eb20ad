"""Paired comparison of two runs on the same users: difference, paired t-test and Wilcoxon."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from pretrec.errors import PretrecError
from pretrec.eval.report import load_per_user


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
    return Comparison(metric, len(a), float(a.mean()), float(b.mean()), float(diff.mean()), t_p, w_p)


def compare_runs(run_a: str | Path, run_b: str | Path, metrics: list[str] | None = None) -> list[Comparison]:
    """Paired tests of every shared per-user metric of two run folders (users intersected)."""
    users_a, values_a = load_per_user(run_a)
    users_b, values_b = load_per_user(run_b)
    shared, index_a, index_b = np.intersect1d(users_a, users_b, return_indices=True)
    if len(shared) != len(users_a) or len(shared) != len(users_b):
        raise PretrecError(
            f"the runs evaluated different users ({len(users_a)} vs {len(users_b)}, "
            f"{len(shared)} shared): were they made on the same split?"
        )
    names = metrics or sorted(set(values_a) & set(values_b), key=_metric_order)
    return [paired_test(values_a[m][index_a], values_b[m][index_b], m) for m in names]


def _metric_order(name: str) -> tuple[str, int]:
    base, _, k = name.partition("@")
    return base, int(k) if k.isdigit() else 0
