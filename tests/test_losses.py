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
    logsigmoid = torch.nn.functional.logsigmoid
    expected = (-beta * logsigmoid(pos) - logsigmoid(-neg).sum(-1)).mean()
    got = losses.gbce(pos, neg, n_items=101, calibration=1.0)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)


def test_sampled_softmax_by_hand_and_log_q() -> None:
    pos, neg = torch.tensor([1.0]), torch.tensor([[0.0, 1.0]])
    # -log(e^1 / (e^1 + e^0 + e^1))
    expected = -math.log(math.e / (2 * math.e + 1))
    assert losses.sampled_softmax(pos, neg).item() == pytest.approx(expected, rel=1e-6)
    # a constant log q shifts every logit equally: no change
    shifted = losses.sampled_softmax(pos, neg, torch.tensor([0.3]), torch.tensor([[0.3, 0.3]]))
    assert shifted.item() == pytest.approx(expected, rel=1e-6)


def test_full_cross_entropy_matches_sampled_softmax_over_all_items() -> None:
    states = torch.tensor([[1.0, 0.0]])
    weights = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    full = losses.full_cross_entropy(states, weights, torch.tensor([0]))
    scores = states @ weights.T
    sampled = losses.sampled_softmax(scores[:, 0], scores[:, 1:])
    assert full.item() == pytest.approx(sampled.item(), rel=1e-6)


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
    dot = losses.info_nce(first, first.clone(), similarity="dot")
    assert dot.item() == pytest.approx(expected, rel=1e-6)
    cosine = losses.info_nce(first, first.clone())
    assert cosine.item() == pytest.approx(-math.log(math.e / (math.e + 2)), rel=1e-6)
    with pytest.raises(ValueError, match="similarity"):
        losses.info_nce(first, first, similarity="l2")


def test_full_cross_entropy_leaves_non_candidates_out_of_the_softmax() -> None:
    states = torch.tensor([[1.0, 0.0]])
    items = torch.tensor([[2.0, 0.0], [1.0, 0.0], [5.0, 0.0]])  # logits 2, 1, 5
    candidates = torch.tensor([True, True, False])
    expected = -(2.0 - math.log(math.exp(2.0) + math.exp(1.0)))  # item 3 is not in the softmax
    got = losses.full_cross_entropy(states, items, torch.tensor([0]), candidates)
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_full_cross_entropy_matches_torch_cross_entropy_on_a_batch() -> None:
    """Three positions over four items: the mean of -log softmax(logits)[target], with the
    logits states @ items.T written out by hand and fed to torch's own cross entropy."""
    states = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, -1.0]])
    items = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    logits = torch.tensor([  # row p, column i: states[p] . items[i]
        [1.0, 0.0, 1.0, -1.0],
        [0.0, 2.0, 2.0, 1.0],
        [1.0, -1.0, 0.0, -1.5],
    ])
    targets = torch.tensor([0, 3, 2])
    got = losses.full_cross_entropy(states, items, targets)
    expected = torch.nn.functional.cross_entropy(logits, targets)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
    # the same by hand: -(logit of the target - log of the sum of exp(logits)), averaged
    by_hand = [
        -(1.0 - math.log(math.e + 1 + math.e + math.exp(-1))),
        -(1.0 - math.log(1 + 2 * math.exp(2) + math.e)),
        -(0.0 - math.log(math.e + math.exp(-1) + 1 + math.exp(-1.5))),
    ]
    assert got.item() == pytest.approx(sum(by_hand) / 3, rel=1e-6)


def test_full_cross_entropy_with_candidates_matches_cross_entropy_over_the_candidates() -> None:
    """Masking items out equals a softmax over the candidate columns only, targets re-indexed."""
    states = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    items = torch.tensor([[3.0, 0.0], [1.0, 2.0], [0.0, -1.0], [2.0, 5.0]])
    candidates = torch.tensor([False, True, True, True])  # item 0 (logit 3 for row 0) left out
    targets = torch.tensor([1, 3])
    got = losses.full_cross_entropy(states, items, targets, candidates)
    candidate_logits = torch.tensor([[1.0, 0.0, 2.0], [2.0, -1.0, 5.0]])  # items 1, 2, 3
    expected = torch.nn.functional.cross_entropy(candidate_logits, torch.tensor([0, 2]))
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
    by_hand = (-(1.0 - math.log(math.e + 1 + math.exp(2)))
               - (5.0 - math.log(math.exp(2) + math.exp(-1) + math.exp(5)))) / 2
    assert got.item() == pytest.approx(by_hand, rel=1e-6)
    # all items as candidates is the unmasked loss
    everything = losses.full_cross_entropy(states, items, targets, torch.ones(4, dtype=torch.bool))
    assert everything.item() == pytest.approx(
        losses.full_cross_entropy(states, items, targets).item(), rel=1e-6)


def test_full_cross_entropy_gradient_is_softmax_minus_one_hot() -> None:
    """d loss / d state = sum_i (softmax_i - [i = target]) * item_i, for one position."""
    states = torch.tensor([[0.5, -1.0]], requires_grad=True)
    items = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    losses.full_cross_entropy(states, items, torch.tensor([2])).backward()
    logits = [0.5, -1.0, -0.5]
    total = sum(math.exp(v) for v in logits)
    probability = [math.exp(v) / total for v in logits]
    expected = [probability[0] + probability[2] - 1, probability[1] + probability[2] - 1]
    assert states.grad[0].tolist() == pytest.approx(expected, rel=1e-5)


def test_full_cross_entropy_is_infinite_when_the_target_is_not_a_candidate() -> None:
    """A target masked out of the softmax has probability 0: the loss is +inf, never a finite
    number that would hide the caller's mistake."""
    states, items = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    loss = losses.full_cross_entropy(states, items, torch.tensor([0]), torch.tensor([False, True]))
    assert math.isinf(loss.item()) and loss.item() > 0
