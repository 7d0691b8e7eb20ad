"""Pre-training batches: the whole window is rebuilt exactly, cloze masks only items."""

from __future__ import annotations

import torch

from pretrec.pretrain.batches import cloze, full_window
from pretrec.sampling.batches import SequenceBatch


def test_full_window_by_hand() -> None:
    # rows [3, 4, 5] (padded) and [1, 2, 6, 7] (full width): inputs drop the last, targets the first
    inputs = torch.tensor([[0, 3, 4], [1, 2, 6]])
    targets = torch.tensor([[0, 4, 5], [2, 6, 7]])
    batch = SequenceBatch(torch.tensor([0, 1]), inputs, targets)
    assert full_window(batch).tolist() == [[0, 3, 4, 5], [1, 2, 6, 7]]


def test_cloze_masks_items_only_and_at_least_one_per_row() -> None:
    window = torch.tensor([[0, 0, 3, 4], [1, 2, 6, 7], [0, 0, 0, 9]])
    inputs, targets = cloze(window, 0.0, mask_id=99, generator=torch.Generator().manual_seed(0))
    assert inputs.tolist() == [[0, 0, 3, 99], [1, 2, 6, 99], [0, 0, 0, 99]]  # latest forced
    assert targets.tolist() == [[0, 0, 0, 4], [0, 0, 0, 7], [0, 0, 0, 9]]
    inputs, targets = cloze(window, 0.5, mask_id=99, generator=torch.Generator().manual_seed(1))
    assert ((window == 0) == (inputs == 0)).all()
    hidden = inputs == 99
    assert torch.equal(targets[hidden], window[hidden]) and (targets[~hidden] == 0).all()
