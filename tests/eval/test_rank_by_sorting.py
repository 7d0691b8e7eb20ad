"""Target ranks from each row's top k agree with exact counting for every rank up to k, ties and
masked (-inf) items included; a target below the k-th item is a miss (rank n_items + 1)."""

from __future__ import annotations

import pytest
import torch

from pretrec.eval import ranking


def exact_ranks(scores: torch.Tensor, targets: torch.Tensor, ties: str) -> torch.Tensor:
    """The definition: items scoring at least (pessimistic) or more than (optimistic, + 1) the
    target, counted over the whole row."""
    target_scores = scores.gather(1, targets.clamp(min=0))[:, :, None]
    if ties == "pessimistic":
        count = (scores[:, None, :] >= target_scores).sum(-1)
    else:
        count = (scores[:, None, :] > target_scores).sum(-1) + 1
    return count.to(torch.float64)


@pytest.mark.parametrize("ties", ["pessimistic", "optimistic"])
@pytest.mark.parametrize("n_targets", [1, 3, 40])
@pytest.mark.parametrize("k", [1, 10, 200])
def test_ranks_up_to_k_are_exact_and_the_rest_are_misses(ties, n_targets, k) -> None:
    generator = torch.Generator().manual_seed(n_targets + k)
    scores = torch.randint(0, 30, (50, 200), generator=generator).float()  # many ties
    scores[:, :15] = -torch.inf  # a masked block, some targets among it
    targets = torch.randint(-1, 200, (50, n_targets), generator=generator)  # -1: padding
    top_values = torch.topk(scores, k, dim=1).values
    ours = ranking.target_ranks(scores, targets, ties, top_values)
    exact = exact_ranks(scores, targets, ties)
    present = targets >= 0
    within = present & (exact <= k)
    assert torch.equal(ours[within], exact[within])
    assert (ours[present & (exact > k)] == 201).all()
    assert torch.isinf(ours[~present]).all()
