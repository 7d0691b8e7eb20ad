"""Augmentations: lengths, no padding leaks, multiset preserved, determinism under a seed."""

from __future__ import annotations

import torch

from pretrec.augment.sequence import crop, lengths_of, mask, reorder


def batch() -> torch.Tensor:
    return torch.tensor([[0, 0, 0, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 9], [0] * 8])


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def is_right_aligned(sequences: torch.Tensor) -> bool:
    present = sequences > 0
    return bool((present[:, 1:] >= present[:, :-1]).all())


def test_crop_keeps_a_contiguous_run_right_aligned() -> None:
    source = batch()
    cropped = crop(source, 0.5, gen())
    assert lengths_of(cropped).tolist() == [2, 4, 1, 0]
    assert is_right_aligned(cropped)
    for row, original in zip(cropped, source, strict=True):
        kept = row[row > 0].tolist()
        items = original[original > 0].tolist()
        assert any(items[i : i + len(kept)] == kept for i in range(len(items) - len(kept) + 1))


def test_mask_only_touches_items() -> None:
    masked = mask(batch(), 0.5, mask_id=99, generator=gen())
    assert ((batch() == 0) == (masked == 0)).all()
    assert ((masked == batch()) | (masked == 99)).all()
    assert (masked == 99).any()


def test_reorder_permutes_a_window_and_keeps_padding() -> None:
    source = batch()
    shuffled = reorder(source, 0.6, gen(3))
    assert ((source == 0) == (shuffled == 0)).all()
    for row, original in zip(shuffled, source, strict=True):
        assert sorted(row.tolist()) == sorted(original.tolist())
    assert not torch.equal(shuffled, source)


def test_same_seed_same_views() -> None:
    for augment in (lambda s, g: crop(s, 0.6, g), lambda s, g: mask(s, 0.3, 99, g), lambda s, g: reorder(s, 0.6, g)):
        assert torch.equal(augment(batch(), gen(7)), augment(batch(), gen(7)))
