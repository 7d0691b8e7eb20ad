"""XSimGCL (Yu et al., "XSimGCL: Towards Extremely Simple Graph Contrastive Learning for
Recommendation", TKDE 2023).

SimGCL in one forward pass: the training propagation itself is noisy, BPR scores its read-out,
and InfoNCE contrasts that final read-out with one intermediate layer's output
(`contrast_layer`). Evaluation propagates without noise. The model is LightGCN; the loss is
`pretrec.tasks.graph_contrastive.CrossLayerTask`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pretrec.models.lightgcn import LightGCNConfig, check_contrast


@dataclass(frozen=True)
class XSimGCLConfig(LightGCNConfig):
    """LightGCN hyper-parameters plus XSimGCL's noise and cross-layer contrast (the paper's)."""

    skip_ego_layer: bool = True
    noise_eps: float = 0.2
    """Length of the noise added to each layer's output during training."""
    contrastive_weight: float = 0.2
    """Weight of the InfoNCE term added to BPR."""
    temperature: float = 0.15
    """InfoNCE temperature (cosine similarity)."""
    contrast_layer: int = 1
    """The layer (1..n_layers) whose output is contrasted with the final read-out."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.noise_eps < 0:
            raise ValueError(f"noise_eps must be >= 0, got {self.noise_eps}")
        if not 1 <= self.contrast_layer <= self.n_layers:
            raise ValueError(f"contrast_layer must lie in 1..n_layers ({self.n_layers}), "
                             f"got {self.contrast_layer}")
        check_contrast(self.contrastive_weight, self.temperature)
