"""Losses against small hand-computed cases."""

from __future__ import annotations

import math

import pytest
import torch

from pretrec import losses


def test_bpr_and_bce_by_hand() -> None:
    pos, neg = torch.tensor([2.0]), torch.tensor([[0.0, 1.0]])
    # bpr: mean(-log σ(2-0), -log σ(2-1)) = (log(1+e^-2) + log(1+e^-1)) / 2
    expected_bpr = (math.log1p(math.exp(-2)) + math.log1p(math.exp(-1))) / 2
    assert losses.bpr(pos, neg).item() == pytest.approx(expected_bpr, rel=1e-6)
    # bce: -log σ(2) - log(1-σ(0)) - log(1-σ(1)) = log(1+e^-2) + log 2 + log(1+e)
    expected_bce = math.log1p(math.exp(-2)) + math.log(2) + math.log1p(math.e)
    assert losses.binary_cross_entropy(pos, neg).item() == pytest.approx(expected_bce, rel=1e-6)


def test_gbce_reduces_to_bce_at_zero_calibration_and_scales_the_positive_term() -> None:
    pos, neg = torch.tensor([0.5, -1.0]), torch.tensor([[0.2, 0.1], [0.0, -0.3]])
    assert losses.gbce(pos, neg, n_items=101, calibration=0.0).item() == pytest.approx(
        losses.binary_cross_entropy(pos, neg).item(), rel=1e-6)
    # t = 1: β = α (1 - 1/α + 1/α) = α = 2 / 100
    beta = 2 / 100
    expected = (-beta * torch.nn.functional.logsigmoid(pos) - torch.nn.functional.logsigmoid(-neg).sum(-1)).mean()
    assert losses.gbce(pos, neg, n_items=101, calibration=1.0).item() == pytest.approx(expected.item(), rel=1e-6)


def test_sampled_softmax_by_hand_and_log_q() -> None:
    pos, neg = torch.tensor([1.0]), torch.tensor([[0.0, 1.0]])
    # -log(e^1 / (e^1 + e^0 + e^1))
    expected = -math.log(math.e / (2 * math.e + 1))
    assert losses.sampled_softmax(pos, neg).item() == pytest.approx(expected, rel=1e-6)
    # a constant log q shifts every logit equally: no change
    shifted = losses.sampled_softmax(pos, neg, torch.tensor([0.3]), torch.tensor([[0.3, 0.3]]))
    assert shifted.item() == pytest.approx(expected, rel=1e-6)


def test_full_cross_entropy_matches_sampled_softmax_over_all_items() -> None:
    states, weights = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    full = losses.full_cross_entropy(states, weights, torch.tensor([0]))
    scores = states @ weights.T
    assert full.item() == pytest.approx(losses.sampled_softmax(scores[:, 0], scores[:, 1:]).item(), rel=1e-6)


def test_info_nce_by_hand() -> None:
    # two pairs of orthogonal unit vectors: a1 = b1 = e1, a2 = b2 = e2; temperature 1
    first = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    second = first.clone()
    # each row: partner similarity 1, other two 0 -> -log(e / (e + 1 + 1))
    expected = -math.log(math.e / (math.e + 2))
    assert losses.info_nce(first, second).item() == pytest.approx(expected, rel=1e-6)
    # lower temperature sharpens a correct match: loss falls
    assert losses.info_nce(first, second, temperature=0.1).item() < expected


def test_info_nce_dot_similarity_by_hand() -> None:
    first = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    # dot: partner 4, the others 0 -> -log(e^4 / (e^4 + 2)); cosine ignores the scale
    expected = -math.log(math.exp(4) / (math.exp(4) + 2))
    assert losses.info_nce(first, first.clone(), similarity="dot").item() == pytest.approx(expected, rel=1e-6)
    assert losses.info_nce(first, first.clone()).item() == pytest.approx(-math.log(math.e / (math.e + 2)), rel=1e-6)
    with pytest.raises(ValueError, match="similarity"):
        losses.info_nce(first, first, similarity="l2")


def test_full_cross_entropy_leaves_non_candidates_out_of_the_softmax() -> None:
    states = torch.tensor([[1.0, 0.0]])
    items = torch.tensor([[2.0, 0.0], [1.0, 0.0], [5.0, 0.0]])  # logits 2, 1, 5
    candidates = torch.tensor([True, True, False])
    expected = -(2.0 - math.log(math.exp(2.0) + math.exp(1.0)))  # item 3 is not in the softmax
    got = losses.full_cross_entropy(states, items, torch.tensor([0]), candidates)
    assert float(got) == pytest.approx(expected, rel=1e-6)
