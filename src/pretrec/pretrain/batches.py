"""The batch a pre-training step sees: next-item inputs and targets, a cloze copy of each row and
two augmented views, all built on the CPU from one next-item batch."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from pretrec.sampling.batches import SequenceBatch, ViewsBatch


@dataclass(frozen=True, eq=False)
class PretrainBatch(ViewsBatch):
    """`ViewsBatch` plus a cloze task: `masked_inputs` with some items replaced by the mask token
    and `masked_targets` holding the hidden 1-based ids there (0 elsewhere)."""

    masked_inputs: torch.Tensor  # long (B, L'), L' <= max_len
    masked_targets: torch.Tensor  # long (B, L')


def full_window(batch: SequenceBatch) -> torch.Tensor:
    """(B, L + 1): each row's whole training window (inputs plus the last target), right-aligned."""
    inputs, targets = batch.inputs, batch.targets
    shifted_inputs = torch.cat([inputs[:, 1:], torch.zeros_like(inputs[:, :1])], dim=1)
    # a target is 0 only before the row's first item, where the input one step on is that item
    return torch.cat([inputs[:, :1], torch.where(targets > 0, targets, shifted_inputs)], dim=1)


def cloze(window: torch.Tensor, probability: float, mask_id: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask each item with `probability` (a row with none masked gets its latest item masked);
    returns (inputs, targets) for masked item modelling."""
    hit = (torch.rand(window.shape, generator=generator) < probability) & (window > 0)
    hit[~hit.any(1), -1] = True
    return torch.where(hit, torch.full_like(window, mask_id), window), torch.where(hit, window, 0)
