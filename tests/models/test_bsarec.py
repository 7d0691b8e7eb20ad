"""BSARec-style filter: hand-computed moving averages, causality, padding invariance."""

from __future__ import annotations

import pytest
import torch

from pretrec.models import MODELS
from pretrec.models.bsarec import BSARecConfig
from pretrec.models.sasrec import SASRec
from pretrec.nn.smoothing import LowHighFilter, moving_average
from pretrec.nn.transformer import EncoderShape
from pretrec.random import seeded_torch


def test_causal_moving_average_by_hand() -> None:
    x = torch.tensor([[0.0, 1.0, 2.0, 4.0, 8.0]])[..., None]  # (1, 5, 1), first position padding
    keep = torch.tensor([[0.0, 1.0, 1.0, 1.0, 1.0]])[..., None]
    got = moving_average(x, keep, window=2, causal=True)[0, :, 0]
    # window of the last 2 positions, padding excluded: [-, 1, (1+2)/2, (2+4)/2, (4+8)/2]
    torch.testing.assert_close(got[1:], torch.tensor([1.0, 1.5, 3.0, 6.0]))


def test_centred_moving_average_by_hand() -> None:
    x = torch.tensor([[1.0, 2.0, 4.0, 8.0]])[..., None]
    keep = torch.ones(1, 4, 1)
    got = moving_average(x, keep, window=3, causal=False)[0, :, 0]
    # window 3 centred: positions (t-2, t+1]: [1+2, 1+2+4, 2+4+8, 4+8] / counts [2, 3, 3, 2]
    torch.testing.assert_close(got, torch.tensor([1.5, 7 / 3, 14 / 3, 6.0]))


def test_filter_with_beta_one_is_the_identity() -> None:
    torch.manual_seed(0)
    layer = LowHighFilter(hidden_size=3, window=2)
    with torch.no_grad():
        layer.sqrt_beta.fill_(1.0)
    x, keep = torch.randn(2, 5, 3), torch.ones(2, 5, 1)
    torch.testing.assert_close(layer(x, keep, causal=True), x)


def bsarec(config: BSARecConfig) -> SASRec:
    """BSARec as the registry builds it: SASRec under a BSARecConfig."""
    return MODELS.get("bsarec").build(config, 1, 10)


def model(norm: str) -> SASRec:
    with seeded_torch(0):
        return bsarec(BSARecConfig(hidden_size=8, inner_size=16, max_len=6, norm=norm,
                                   smoothing_window=3)).eval()


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_states_ignore_padding_and_later_items(norm: str) -> None:
    bsarec = model(norm)
    with torch.no_grad():
        short = bsarec.encode(torch.tensor([[3, 4, 5]]))
        padded = bsarec.encode(torch.tensor([[0, 0, 0, 3, 4, 5]]))
        first = bsarec.encode(torch.tensor([[3, 4, 5, 9]]))
        second = bsarec.encode(torch.tensor([[3, 4, 5, 7]]))
    torch.testing.assert_close(short, padded[:, 3:])
    # earlier states never see the last item
    torch.testing.assert_close(first[:, :3], second[:, :3])
    assert not torch.allclose(first[:, 3], second[:, 3])


def test_filter_is_only_built_when_mixed() -> None:
    names = {name for name, _ in bsarec(BSARecConfig(frequency_mix=0.0)).named_parameters()}
    assert not any("filter" in name for name in names)
    names = {name for name, _ in bsarec(BSARecConfig()).named_parameters()}
    assert any("filter.sqrt_beta" in name for name in names)


def test_mix_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="frequency_mix"):
        EncoderShape(frequency_mix=1.5)
