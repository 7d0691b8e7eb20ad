"""What every next-item sequence model shares, as free functions (inheritance stays flat).

A next-item model has `config.max_len`, an `item_embedding` whose row 0 is padding, and
`encode(inputs (B, L)) -> states (B, L, H)`; items are scored by the dot product of a state with
the item embeddings (tied input/output, as in SASRec and BERT4Rec), or by their cosine over a
temperature where the config asks for it (`scoring_pair`). The training objectives over these
pieces are tasks (`pretrec.tasks.next_item`, `pretrec.tasks.contrastive`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import torch
from torch import nn
from torch.nn import functional as F

from pretrec.sampling.batches import UserBatch

# Scoring has no gradient to keep unbiased, so it always encodes in length groups.
SCORING_LENGTH_GROUPS = 8


class NextItemModel(Protocol):
    config: object
    n_items: int
    item_embedding: nn.Embedding
    device: torch.device
    mask_id: int
    """Token id of the mask (cloze models)."""
    cosine_temperature: float | None
    """None: items score by dot product; else by cosine / this temperature."""

    def encode(self, inputs: torch.Tensor) -> torch.Tensor: ...


def item_weights(model: NextItemModel) -> torch.Tensor:
    """(n_items, H) output embeddings: rows 1..n_items (padding and any mask row excluded)."""
    return model.item_embedding.weight[1 : model.n_items + 1]


def scoring_pair(model: NextItemModel, states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(states, item weights) whose dot products are the model's item scores.

    Dot product by default. A model whose config says `score_similarity: "cosine"` scores by
    cosine / `score_temperature` (UniSRec's choice): no item scores higher merely for a larger
    vector norm, which popular training items grow and items new at test time lack."""
    return scoring_states(model, states), scoring_items(model)


def scoring_states(model: NextItemModel, states: torch.Tensor) -> torch.Tensor:
    """The state side of `scoring_pair`: as they are, or unit-normalised over the temperature."""
    if model.cosine_temperature is not None:
        return F.normalize(states, dim=-1) / model.cosine_temperature
    return states


def length_groups(inputs: torch.Tensor, groups: int) -> Iterator[tuple[torch.Tensor, int]]:
    """(rows, width) for `groups` sets of rows of similar length; width = longest in the set.

    Encoding `inputs[rows, -width:]` per group gives the same states as the whole padded batch
    (padding never changes a state) at a fraction of the cost when lengths vary."""
    lengths = (inputs > 0).sum(1)
    order = torch.argsort(lengths)
    for rows in order.chunk(max(1, min(groups, len(order)))):
        yield rows, max(1, int(lengths[rows].max()))


def states_at(encode: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor,
              targets: torch.Tensor, groups: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(P, H) states and (P,) 1-based targets at every position whose target is > 0."""
    states, labels = [], []
    for rows, width in length_groups(inputs, groups):
        part_targets = targets[rows, -width:]
        has_target = part_targets > 0
        states.append(encode(inputs[rows, -width:])[has_target])
        labels.append(part_targets[has_target])
    return torch.cat(states), torch.cat(labels)


def last_states(encode: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor,
                groups: int) -> torch.Tensor:
    """(B, H): each row's state after its latest item, rows in their original order."""
    parts, order = [], []
    for rows, width in length_groups(inputs, groups):
        parts.append(encode(inputs[rows, -width:])[:, -1])
        order.append(rows)
    return torch.cat(parts)[torch.argsort(torch.cat(order))]


def last_state_queries(model: NextItemModel, batch: UserBatch) -> torch.Tensor:
    """(B, H): the state after each user's latest item, in the space the items are scored in
    (`last_state_scores` is its product with `scoring_items`)."""
    inputs = batch.sequences(model.config.max_len, model.device)  # (B, max_len)
    # most histories are far shorter than max_len: encoding length groups skips the padding
    return scoring_states(model, last_states(model.encode, inputs, SCORING_LENGTH_GROUPS))


def scoring_items(model: NextItemModel) -> torch.Tensor:
    """(n_items, H): the item side of `scoring_pair`."""
    weights = item_weights(model)
    return F.normalize(weights, dim=-1) if model.cosine_temperature is not None else weights


def last_state_scores(model: NextItemModel, batch: UserBatch) -> torch.Tensor:
    """(B, n_items): the state after the user's latest item against every item."""
    return last_state_queries(model, batch) @ scoring_items(model).T


def cloze_queries(model: NextItemModel, batch: UserBatch,
                  encode: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """(B, H): a mask token appended to each history, its (bidirectional) state from `encode`,
    as BERT4Rec reads the next item; it scores against `item_weights`."""
    history = batch.sequences(model.config.max_len - 1, model.device)  # (B, max_len - 1)
    mask = torch.full((len(history), 1), model.mask_id, device=model.device)
    inputs = torch.cat([history, mask], dim=1)  # (B, max_len)
    return last_states(encode, inputs, SCORING_LENGTH_GROUPS)  # (B, H)


def cloze_scores(model: NextItemModel, batch: UserBatch,
                 encode: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """(B, n_items): `cloze_queries` against every item."""
    return cloze_queries(model, batch, encode) @ item_weights(model).T
