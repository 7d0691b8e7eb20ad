"""Sequence augmentations for contrastive learning (CL4SRec: Xie et al., ICDE 2022), vectorised
over a batch of right-aligned sequences (1-based ids, 0 = padding, latest item last).

Every function takes a (B, L) long tensor and a torch Generator and returns a new (B, L) tensor,
still right-aligned; padding is never turned into an item and items never into padding (except
`crop`, which removes items and pads the freed positions).
"""

from __future__ import annotations

import torch


def lengths_of(sequences: torch.Tensor) -> torch.Tensor:
    return (sequences > 0).sum(1)


def _window(lengths: torch.Tensor, size: torch.Tensor, width: int,
            generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random start (in absolute column terms) of a `size`-long window inside each row's items."""
    first = width - lengths  # column of each row's oldest item
    room = (lengths - size + 1).clamp(min=1)
    offset = (torch.rand(len(lengths), generator=generator) * room).long()
    return first + offset, size


def crop(sequences: torch.Tensor, ratio: float, generator: torch.Generator) -> torch.Tensor:
    """Keep a random contiguous run of max(1, floor(ratio * n)) items, right-aligned."""
    width = sequences.shape[1]
    lengths = lengths_of(sequences)
    size = torch.clamp((lengths.float() * ratio).floor().long(), min=1)
    size = torch.minimum(size, lengths.clamp(min=1))
    start, size = _window(lengths, size, width, generator)
    columns = torch.arange(width)[None, :]
    # column j reads start + size - width + j
    source = start[:, None] + size[:, None] - width + columns
    keep = (columns >= width - size[:, None]) & (lengths[:, None] > 0)
    return torch.where(keep, sequences.gather(1, source.clamp(0, width - 1)),
                       torch.zeros_like(sequences))


def mask(sequences: torch.Tensor, ratio: float, mask_id: int,
         generator: torch.Generator) -> torch.Tensor:
    """Replace each item by `mask_id` with probability `ratio` (padding untouched)."""
    hit = (torch.rand(sequences.shape, generator=generator) < ratio) & (sequences > 0)
    return torch.where(hit, torch.full_like(sequences, mask_id), sequences)


def reorder(sequences: torch.Tensor, ratio: float, generator: torch.Generator) -> torch.Tensor:
    """Shuffle a random contiguous run of floor(ratio * n) items in place."""
    width = sequences.shape[1]
    lengths = lengths_of(sequences)
    size = (lengths.float() * ratio).floor().long()
    start, size = _window(lengths, size, width, generator)
    columns = torch.arange(width)[None, :].expand(len(sequences), -1)
    inside = (columns >= start[:, None]) & (columns < (start + size)[:, None])
    # sort keys: outside the window a column keeps its own position; inside it gets a random
    # position within the window, so sorting permutes the window and nothing else
    keys = columns.float() + 0.5
    random_keys = (start[:, None].float()
                   + torch.rand(sequences.shape, generator=generator) * size[:, None].float())
    keys = torch.where(inside, random_keys, keys)
    return sequences.gather(1, keys.argsort(dim=1))


def substitute(sequences: torch.Tensor, ratio: float, similar: torch.Tensor,
               generator: torch.Generator) -> torch.Tensor:
    """Replace each item by its most similar item with probability `ratio` (CoSeRec, Liu et al.
    2021). similar: long (n_tokens,) mapping a 1-based id to a 1-based id, similar[0] = 0."""
    hit = (torch.rand(sequences.shape, generator=generator) < ratio) & (sequences > 0)
    return torch.where(hit, similar[sequences], sequences)


def insert(sequences: torch.Tensor, ratio: float, similar: torch.Tensor,
           generator: torch.Generator) -> torch.Tensor:
    """Before each item, with probability `ratio`, insert its most similar item (CoSeRec); the
    oldest items fall off the left edge when the row overflows, so the latest item stays last."""
    batch, width = sequences.shape
    hit = (torch.rand(sequences.shape, generator=generator) < ratio) & (sequences > 0)
    # each column becomes 1 or 2 tokens; place them right-aligned in a 2 * width buffer
    ends = (1 + hit.long()).cumsum(1)
    ends = ends - ends[:, -1:] + 2 * width - 1  # column of each original item in the buffer
    buffer = torch.zeros(batch, 2 * width, dtype=sequences.dtype)
    buffer.scatter_(1, ends, sequences)
    inserted = torch.where(hit, similar[sequences], torch.zeros_like(sequences))
    buffer.scatter_add_(1, (ends - 1).clamp(min=0), inserted)  # slot before a hit item is free
    return buffer[:, width:]
