"""Parameter counts, as every report of a neural model records them."""

from __future__ import annotations

import torch
from torch import nn


def parameter_counts(model: nn.Module) -> dict[str, int]:
    """{"total": all parameters, "trainable": those that require grad}."""
    parameters = list(model.parameters())
    return {"total": sum(p.numel() for p in parameters),
            "trainable": sum(p.numel() for p in parameters if p.requires_grad)}


def resize_to_state(module: nn.Module, state: dict[str, torch.Tensor],
                    names: tuple[str, ...]) -> None:
    """Give the parameters and buffers `names` of `module`, whose sizes come from the data (a
    graph's edges, a knowledge graph's entities), the shape they have in `state`, zero-filled,
    so that `load_state_dict(state)` fits a model built without that data (a checkpoint being
    loaded). Every other tensor keeps its shape, so a mismatch there still fails to load."""
    for name, tensor in state.items():
        if name not in names:
            continue
        owner_name, _, leaf = name.rpartition(".")
        owner = module.get_submodule(owner_name) if owner_name else module
        current = getattr(owner, leaf, None)
        if not isinstance(current, torch.Tensor) or current.shape == tensor.shape:
            continue
        fresh = torch.zeros(tensor.shape, dtype=tensor.dtype, device=current.device)
        if isinstance(current, nn.Parameter):
            setattr(owner, leaf, nn.Parameter(fresh, requires_grad=current.requires_grad))
        else:
            setattr(owner, leaf, fresh)
        if isinstance(owner, nn.Embedding):
            owner.num_embeddings = tensor.shape[0]
