"""Augmentations: lengths, no padding leaks, multiset preserved, determinism under a seed."""

from __future__ import annotations

import torch

from pretrec.augment.sequence import crop, insert, lengths_of, mask, reorder, substitute


def batch() -> torch.Tensor:
    return torch.tensor([[0, 0, 0, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8],
                         [0, 0, 0, 0, 0, 0, 0, 9], [0] * 8])


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
    for augment in (lambda s, g: crop(s, 0.6, g), lambda s, g: mask(s, 0.3, 99, g),
                    lambda s, g: reorder(s, 0.6, g)):
        assert torch.equal(augment(batch(), gen(7)), augment(batch(), gen(7)))


# item i's most similar item is i + 10 (padding stays padding)
SIMILAR = torch.cat([torch.zeros(1, dtype=torch.long), torch.arange(1, 20) + 10])


def test_substitute_swaps_items_for_their_similar_item_only() -> None:
    source = batch()
    swapped = substitute(source, 0.5, SIMILAR, gen())
    assert ((source == 0) == (swapped == 0)).all()
    assert ((swapped == source) | (swapped == source + 10)).all()
    assert (swapped != source).any()


def test_insert_puts_the_similar_item_before_and_keeps_the_latest_item_last() -> None:
    source = batch()
    grown = insert(source, 0.5, SIMILAR, gen(1))
    assert is_right_aligned(grown)
    assert torch.equal(grown[:, -1], source[:, -1])
    for row, original in zip(grown, source, strict=True):
        items = [i for i in row.tolist() if i > 0]
        originals = [i for i in items if i < 11]  # what is left of the original, in order
        kept = original[original > 0].tolist()
        assert originals == kept[len(kept) - len(originals):]
        for position, item in enumerate(items):  # every inserted item precedes its source
            if item > 10:
                assert items[position + 1] == item - 10
    assert (lengths_of(grown) >= lengths_of(source)).all()
    assert (lengths_of(grown) > lengths_of(source)).any()
    assert lengths_of(grown)[3] == 0


def test_insert_by_hand() -> None:
    source = torch.tensor([[0, 0, 1, 2], [3, 4, 5, 6]])
    everything = insert(source, 1.0, SIMILAR, gen())
    assert everything.tolist() == [[11, 1, 12, 2], [15, 5, 16, 6]]


def test_policy_draws_one_augmentation_per_row_and_is_seeded() -> None:
    from pretrec.augment.policy import AugmentationPolicy

    policy = AugmentationPolicy(("mask", "substitute"), 0.6, 1.0, 0.3, 1.0, 0.2, mask_id=99,
                                similar=SIMILAR)
    source = batch()[:3]
    views = policy(source, gen(5))
    for row, original in zip(views, source, strict=True):  # all masked, or all substituted
        present = row[original > 0]
        assert bool((present == 99).all()) or torch.equal(present, original[original > 0] + 10)
    assert torch.equal(views, policy(source, gen(5)))


def test_policy_refuses_unknown_names_and_missing_similarity() -> None:
    import pytest

    from pretrec.augment.policy import AugmentationPolicy

    with pytest.raises(ValueError, match="subset"):
        AugmentationPolicy(("shuffle",), 0.6, 0.3, 0.3, 0.2, 0.2, mask_id=99)
    with pytest.raises(ValueError, match="similarity"):
        AugmentationPolicy(("insert",), 0.6, 0.3, 0.3, 0.2, 0.2, mask_id=99)
