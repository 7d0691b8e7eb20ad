"""Plain-text tables of metrics (mean, or mean ± std over seeds)."""

from __future__ import annotations

from collections.abc import Sequence

METRIC_COLUMNS = ("hr@5", "ndcg@5", "hr@10", "ndcg@10", "hr@20", "ndcg@20", "recall@10", "mrr@10")


def format_table(rows: dict[str, dict[str, tuple[float, float]]], with_std: bool = False,
                 columns: Sequence[str] = METRIC_COLUMNS) -> str:
    """A model x metric table; cells are mean (± std)."""
    present = [c for c in columns if any(c in r for r in rows.values())]
    width = 16 if with_std else 8
    name_width = max(8, *(len(n) for n in rows))
    lines = [f"{'model':<{name_width}} " + " ".join(f"{c:>{width}}" for c in present)]
    for name, metrics in rows.items():
        cells = []
        for column in present:
            mean, std = metrics.get(column, (float("nan"), 0.0))
            cells.append(f"{mean:.4f}±{std:.4f}".rjust(width) if with_std
                         else f"{mean:.4f}".rjust(width))
        lines.append(f"{name:<{name_width}} " + " ".join(cells))
    return "\n".join(lines)


def single(reports: dict[str, dict[str, float]]) -> dict[str, dict[str, tuple[float, float]]]:
    """{name: {metric: value}} as table rows without a std."""
    return {name: {k: (v, 0.0) for k, v in metrics.items()} for name, metrics in reports.items()}
