"""SimGCL (Yu et al., "Are Graph Augmentations Necessary? Simple Graph Contrastive Learning for
Recommendation", SIGIR 2022).

LightGCN without graph augmentation: two extra propagations add uniform noise of length
`noise_eps` to every layer (`pretrec.augment.embedding`), and InfoNCE contrasts the batch's users
and items across the two noisy views; BPR scores the clean propagation. The read-out skips
layer 0. The model is LightGCN; the loss is `pretrec.tasks.graph_contrastive.NoiseViewsTask`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pretrec.models.lightgcn import LightGCNConfig, check_contrast


@dataclass(frozen=True)
class SimGCLConfig(LightGCNConfig):
    """LightGCN hyper-parameters plus SimGCL's noise and contrastive term (the paper's)."""

    skip_ego_layer: bool = True
    noise_eps: float = 0.1
    """Length of the noise added to each layer's output in a view."""
    contrastive_weight: float = 0.5
    """Weight of the InfoNCE term added to BPR."""
    temperature: float = 0.2
    """InfoNCE temperature (cosine similarity)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.noise_eps < 0:
            raise ValueError(f"noise_eps must be >= 0, got {self.noise_eps}")
        check_contrast(self.contrastive_weight, self.temperature)
