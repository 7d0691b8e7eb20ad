"""SGL (Wu et al., "Self-supervised Graph Learning for Recommendation", SIGIR 2021).

LightGCN plus InfoNCE between two augmented views of the graph: each epoch draws two views by
edge dropout (SGL-ED, the default), node dropout (SGL-ND) or per-layer edge dropout (SGL-RW);
the users and items of each batch are contrasted with themselves across the views, the other
users (items) of the batch being the negatives. The model is `pretrec.models.lightgcn.LightGCN`;
the views and the loss are `pretrec.tasks.graph_contrastive.GraphViewsTask`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pretrec.models.lightgcn import LightGCNConfig, check_contrast


@dataclass(frozen=True)
class SGLConfig(LightGCNConfig):
    """LightGCN hyper-parameters plus SGL's views and contrastive term (SELFRec's settings)."""

    augmentation: Literal["edge", "node", "walk"] = "edge"
    """How a view is drawn: edge dropout, node dropout, or edge dropout per layer (random walk)."""
    drop_ratio: float = 0.1
    """Share of edges (or nodes) a view drops."""
    contrastive_weight: float = 0.1
    """Weight of the InfoNCE term added to BPR."""
    temperature: float = 0.2
    """InfoNCE temperature (cosine similarity)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.drop_ratio < 1:
            raise ValueError(f"drop_ratio must lie in [0, 1), got {self.drop_ratio}")
        check_contrast(self.contrastive_weight, self.temperature)
