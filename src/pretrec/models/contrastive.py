"""What contrastive sequence models share (CL4SRec, DuoRec), as free functions: next-item
cross-entropy plus InfoNCE between the sequence representations of two views of each row.

The representation of a sequence is the encoder's state after its latest item, the same state
that scores the next item, so the contrastive loss shapes exactly what ranking uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from pretrec import losses
from pretrec.models import next_item
from pretrec.nn.sequence_encoder import TransformerSequenceConfig
from pretrec.sampling.batches import ViewsBatch


@dataclass(frozen=True)
class ContrastiveSequenceConfig(TransformerSequenceConfig):
    """Transformer hyper-parameters plus those of the contrastive term."""

    contrastive_weight: float = 0.1
    """Weight of the InfoNCE term added to the next-item cross-entropy."""
    temperature: float = 1.0
    """InfoNCE temperature."""
    similarity: Literal["dot", "cosine"] = "dot"
    """Similarity of two representations in InfoNCE: "dot" (as released) or "cosine"."""


def torch_generator(rng: np.random.Generator) -> torch.Generator:
    """A CPU torch generator seeded from the epoch's numpy generator (augmentations are data-side)."""
    return torch.Generator().manual_seed(int(rng.integers(2**62)))


def representation(model: next_item.NextItemModel, sequences: torch.Tensor) -> torch.Tensor:
    """(B, L) right-aligned ids -> (B, H) state after each row's latest item."""
    return next_item.last_states(model.encode, sequences, model.config.length_groups)  # type: ignore[attr-defined]


def loss(model: next_item.NextItemModel, batch: ViewsBatch) -> dict[str, torch.Tensor]:
    """{"ce": next-item cross-entropy, "contrastive": weighted InfoNCE between the two views}."""
    config: ContrastiveSequenceConfig = model.config  # type: ignore[assignment]
    result = next_item.full_softmax_loss(model, batch)
    first = representation(model, batch.first_view)
    second = representation(model, batch.second_view)
    nce = losses.info_nce(first, second, config.temperature, config.similarity)
    result["contrastive"] = config.contrastive_weight * nce
    return result
