"""Graph views for contrastive learning on the user-item graph (SGL, Wu et al., SIGIR 2021).

Each augmentation keeps the node set (so a view has the graph's shape) and returns the edges it
keeps, as (users, items) arrays; the caller normalises the view's adjacency afresh, as SGL does.
- edge dropout: every edge is dropped independently with probability `ratio`;
- node dropout: a `ratio` share of users and of items loses all its edges;
- random walk: edge dropout drawn anew for every propagation layer (`views_per_layer`);
- stability-weighted item dropout (KGCL, Yang et al., SIGIR 2022): an item keeps its edges
  with a probability that grows with a per-item score (`weighted_item_dropout`).
"""

from __future__ import annotations

import numpy as np

AUGMENTATIONS = ("edge", "node", "walk")


def edge_dropout(users: np.ndarray, items: np.ndarray, ratio: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The edges that survive independent dropping with probability `ratio`."""
    keep = rng.random(len(users)) >= ratio
    return users[keep], items[keep]


def node_dropout(users: np.ndarray, items: np.ndarray, n_users: int, n_items: int, ratio: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The edges whose user and item both survive dropping `ratio` of the users and items."""
    user_kept = rng.random(n_users) >= ratio
    item_kept = rng.random(n_items) >= ratio
    keep = user_kept[users] & item_kept[items]
    return users[keep], items[keep]


def stability_keep_rates(stability: np.ndarray, drop: float, floor: float = 0.3,
                         ceiling: float = 0.95) -> np.ndarray:
    """Each item's probability of keeping its edges (KGCL): exp(stability) min-max scaled,
    at least `floor`, then scaled to a mean of 1 - `drop` and capped at `ceiling`."""
    scaled = np.exp(stability.astype(np.float64))
    spread = scaled.max() - scaled.min() if len(scaled) else 0.0
    scaled = (scaled - scaled.min()) / spread if spread > 0 else np.ones_like(scaled)
    scaled = np.maximum(scaled, floor)
    return np.minimum((1 - drop) / scaled.mean() * scaled, ceiling)


def weighted_item_dropout(users: np.ndarray, items: np.ndarray, keep_rates: np.ndarray,
                          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The edges of the items that survive, item i with probability keep_rates[i]."""
    keep = (rng.random(len(keep_rates)) < keep_rates)[items]
    return users[keep], items[keep]


def views_per_layer(augmentation: str, n_layers: int) -> int:
    """How many edge sets one view needs: one per layer for a random walk, else one."""
    if augmentation not in AUGMENTATIONS:
        raise ValueError(f"augmentation must be one of {AUGMENTATIONS}, got {augmentation!r}")
    return n_layers if augmentation == "walk" else 1


def augment(augmentation: str, users: np.ndarray, items: np.ndarray, n_users: int, n_items: int,
            ratio: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One edge set of a view: node dropout for "node", edge dropout for "edge" and "walk"."""
    if augmentation == "node":
        return node_dropout(users, items, n_users, n_items, ratio, rng)
    views_per_layer(augmentation, 1)  # validates the name
    return edge_dropout(users, items, ratio, rng)
