"""Parameter counts, as every report of a neural model records them."""

from __future__ import annotations

from torch import nn


def parameter_counts(model: nn.Module) -> dict[str, int]:
    """{"total": all parameters, "trainable": those that require grad}."""
    parameters = list(model.parameters())
    return {"total": sum(p.numel() for p in parameters),
            "trainable": sum(p.numel() for p in parameters if p.requires_grad)}
