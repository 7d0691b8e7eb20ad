"""GRU4Rec's alignment helper and that padding never reaches the recurrent state."""

from __future__ import annotations

import torch

from pretrec.models.gru4rec import GRU4Rec, GRU4RecConfig, shift_alignment


def test_shift_alignment_round_trip() -> None:
    right = torch.tensor([[0, 0, 5, 6], [1, 2, 3, 4], [0, 0, 0, 9]])
    lengths = torch.tensor([2, 4, 1])
    left = shift_alignment(right, lengths, to_left=True)
    assert left[:, :1].flatten().tolist() == [5, 1, 9]
    assert left[0, :2].tolist() == [5, 6]
    assert torch.equal(shift_alignment(left, lengths, to_left=False), right)


def test_left_padding_does_not_change_the_last_state() -> None:
    torch.manual_seed(0)
    model = GRU4Rec(GRU4RecConfig(hidden_size=8, dropout=0.0), n_users=1, n_items=10).eval()
    short = torch.tensor([[3, 4, 5]])
    padded = torch.tensor([[0, 0, 0, 3, 4, 5]])
    with torch.no_grad():
        torch.testing.assert_close(model.encode(short)[:, -1], model.encode(padded)[:, -1])
