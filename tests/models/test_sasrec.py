"""SASRec: causality and padding invariance of the shared transformer encoder."""

from __future__ import annotations

import pytest
import torch

from pretrec.errors import ConfigError
from pretrec.models.sasrec import SASRec, SASRecConfig


def model(norm: str = "post", positions: str = "from_end") -> SASRec:
    torch.manual_seed(0)
    config = SASRecConfig(hidden_size=8, inner_size=16, max_len=6, norm=norm, positions=positions)
    return SASRec(config, n_users=1, n_items=10).eval()


@pytest.mark.parametrize(("norm", "positions"),
                         [("pre", "from_end"), ("post", "from_end"), ("post", "from_start")])
def test_left_padding_does_not_change_states(norm: str, positions: str) -> None:
    sasrec = model(norm, positions)
    with torch.no_grad():
        short = sasrec.encode(torch.tensor([[3, 4, 5]]))
        padded = sasrec.encode(torch.tensor([[0, 0, 0, 3, 4, 5]]))
    torch.testing.assert_close(short, padded[:, 3:])


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_a_state_never_sees_later_items(norm: str) -> None:
    sasrec = model(norm)
    with torch.no_grad():
        a = sasrec.encode(torch.tensor([[3, 4, 5, 6]]))
        b = sasrec.encode(torch.tensor([[3, 4, 5, 9]]))
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3], b[:, 3])


def test_both_layouts_end_layer_normalised_and_differ() -> None:
    inputs = torch.tensor([[0, 3, 4, 5]])
    with torch.no_grad():
        states = {norm: model(norm).encode(inputs) for norm in ("pre", "post")}
    for output in states.values():  # a fresh LayerNorm (weight 1, bias 0) is the last step
        torch.testing.assert_close(output.mean(-1), torch.zeros(1, 4), atol=1e-5, rtol=0)
    assert not torch.allclose(states["pre"], states["post"])


def test_unknown_layout_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="norm"):
        SASRecConfig.from_dict({"norm": "middle"})


def test_length_groups_give_the_loss_of_the_whole_padded_batch() -> None:
    from pretrec.models import next_item
    from pretrec.sampling.batches import SequenceBatch
    from pretrec.tasks.next_item import next_item_loss

    torch.manual_seed(0)
    sasrec = SASRec(SASRecConfig(hidden_size=8, inner_size=16, max_len=6, length_groups=1),
                    1, 10).eval()
    inputs = torch.tensor([[0, 0, 0, 0, 3, 4], [1, 2, 3, 4, 5, 6], [0, 0, 0, 7, 8, 9],
                           [0, 0, 0, 0, 0, 2]])
    targets = torch.tensor([[0, 0, 0, 0, 4, 5], [2, 3, 4, 5, 6, 7], [0, 0, 0, 8, 9, 1],
                            [0, 0, 0, 0, 0, 3]])
    batch = SequenceBatch(torch.arange(4), inputs, targets)
    whole = next_item_loss(sasrec, batch, sasrec.config.length_groups)
    grouped = SASRec(SASRecConfig(hidden_size=8, inner_size=16, max_len=6, length_groups=3),
                     1, 10).eval()
    grouped.load_state_dict(sasrec.state_dict())
    torch.testing.assert_close(next_item_loss(grouped, batch, grouped.config.length_groups), whole)
    with torch.no_grad():
        last = next_item.last_states(sasrec.encode, inputs, groups=3)
        torch.testing.assert_close(last, sasrec.encode(inputs)[:, -1])
