"""SASRec: self-attentive sequential recommendation (Kang & McAuley, ICDM 2018).

A causal transformer reads the user's items in time order; the output at each position scores
every item as the next one by a dot product with the (shared) item embeddings. Trained here with
full-softmax cross-entropy over all items at every position, which Klenitskiy & Vasilev
(RecSys 2023) showed lifts SASRec well above its originally published BCE figures.
Layout as RecBole's SASRec by default: layer norm on the embeddings and after each residual sum
(post-LN), GELU feed-forward, BERT-style N(0, 0.02) initialisation (`norm="pre"` selects pre-LN
blocks). Positions count back from the latest item, as in the paper's left-padded sequences.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

import pretrec.models.next_item as next_item
from pretrec.models.base import NeuralRecommender
from pretrec.nn.sequence_encoder import ItemSequenceEncoder, TransformerSequenceConfig
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class SASRecConfig(TransformerSequenceConfig):
    """Hyper-parameters of SASRec: the shared transformer ones (see `TransformerSequenceConfig`)."""


class SASRec(NeuralRecommender):
    """Causal transformer over item sequences with a tied full-softmax output; also the model of
    BSARec (a config with the frequency filter on), CL4SRec and DuoRec (other tasks, and for
    CL4SRec one extra token, the mask)."""

    config_class = SASRecConfig
    cosine_temperature: float | None = None  # dot-product scores

    def __init__(self, config: TransformerSequenceConfig, n_users: int, n_items: int,
                 n_extra_tokens: int = 0):
        super().__init__(config, n_users, n_items)
        # token ids: 0 padding, 1..n_items items, then special tokens (CL4SRec's mask)
        self.sequence_encoder = ItemSequenceEncoder(n_items + 1 + n_extra_tokens, config)

    @property
    def item_embedding(self) -> nn.Embedding:
        return self.sequence_encoder.item_embedding

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned 1-based item ids -> (B, L, H) states."""
        return self.sequence_encoder(inputs, causal=True)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_scores(self, batch)

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_queries(self, batch)

    def retrieval_items(self) -> torch.Tensor:
        return next_item.scoring_items(self)
