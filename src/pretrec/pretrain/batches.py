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
    segment_masked: torch.Tensor  # long (B, L'): the window with one contiguous segment masked
    segment_only: torch.Tensor  # long (B, L'): that segment alone, every other item masked


def full_window(batch: SequenceBatch) -> torch.Tensor:
    """(B, L + 1): each row's whole training window (inputs plus the last target), right-aligned."""
    inputs, targets = batch.inputs, batch.targets
    shifted_inputs = torch.cat([inputs[:, 1:], torch.zeros_like(inputs[:, :1])], dim=1)
    # a target is 0 only before the row's first item, where the input one step on is that item
    return torch.cat([inputs[:, :1], torch.where(targets > 0, targets, shifted_inputs)], dim=1)


def cloze(window: torch.Tensor, probability: float, mask_id: int,
          generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask each item with `probability` (a row with none masked gets its latest item masked);
    returns (inputs, targets) for masked item modelling."""
    hit = (torch.rand(window.shape, generator=generator) < probability) & (window > 0)
    hit[~hit.any(1), -1] = True
    return torch.where(hit, torch.full_like(window, mask_id), window), torch.where(hit, window, 0)


def segments(window: torch.Tensor, ratio: float, mask_id: int,
             generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """S3-Rec's segment task: pick a contiguous run of max(1, floor(ratio * n)) items per row;
    return (window with the run masked, the run alone with the row's other items masked)."""
    width = window.shape[1]
    lengths = (window > 0).sum(1)
    size = torch.clamp((lengths.float() * ratio).floor().long(), min=1)
    first = width - lengths
    start = first + (torch.rand(len(window), generator=generator)
                     * (lengths - size + 1).clamp(min=1)).long()
    columns = torch.arange(width)[None, :]
    inside = (columns >= start[:, None]) & (columns < (start + size)[:, None]) & (window > 0)
    mask = torch.full_like(window, mask_id)
    return torch.where(inside, mask, window), torch.where(inside | (window == 0), window, mask)
