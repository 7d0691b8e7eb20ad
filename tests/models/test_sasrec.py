"""SASRec: causality and padding invariance of the shared transformer encoder."""

from __future__ import annotations

import torch

from pretrec.models.sasrec import SASRec, SASRecConfig


def model() -> SASRec:
    torch.manual_seed(0)
    return SASRec(SASRecConfig(hidden_size=8, inner_size=16, max_len=6), n_users=1, n_items=10).eval()


def test_left_padding_does_not_change_states() -> None:
    sasrec = model()
    with torch.no_grad():
        short = sasrec.encode(torch.tensor([[3, 4, 5]]))
        padded = sasrec.encode(torch.tensor([[0, 0, 0, 3, 4, 5]]))
    torch.testing.assert_close(short, padded[:, 3:])


def test_a_state_never_sees_later_items() -> None:
    sasrec = model()
    with torch.no_grad():
        a = sasrec.encode(torch.tensor([[3, 4, 5, 6]]))
        b = sasrec.encode(torch.tensor([[3, 4, 5, 9]]))
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3], b[:, 3])
