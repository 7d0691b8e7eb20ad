"""Dataset statistics for `pretrec describe`."""

from __future__ import annotations

import numpy as np

from pretrec.data.interactions import Dataset


def describe(dataset: Dataset) -> dict[str, object]:
    """Counts, density and sequence-length statistics of a dataset."""
    inter = dataset.interactions
    lengths = inter.user_counts()
    lengths = lengths[lengths > 0]
    item_counts = inter.item_counts()
    stats: dict[str, object] = {
        "name": dataset.name,
        "users": dataset.n_users,
        "items": dataset.n_items,
        "interactions": len(inter),
        "density": f"{len(inter) / max(1, dataset.n_users * dataset.n_items):.6f}",
        "items never seen": int((item_counts == 0).sum()),
        "timestamps": inter.timestamps is not None,
        "ratings": inter.weights is not None,
    }
    if len(lengths):
        stats |= {
            "seq length mean": f"{lengths.mean():.2f}",
            "seq length median": float(np.median(lengths)),
            "seq length min/max": f"{lengths.min()} / {lengths.max()}",
            "seq length p90": float(np.percentile(lengths, 90)),
        }
    if dataset.presplit is not None:
        stats["presplit train/valid/test"] = " / ".join(str(len(p)) for p in dataset.presplit)
    if dataset.knowledge_graph is not None:
        graph = dataset.knowledge_graph.describe()
        stats |= {f"kg {key}": graph[key] for key in ("entities", "relations", "triples")}
    return stats
