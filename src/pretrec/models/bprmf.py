"""Matrix factorisation trained with BPR (Rendle et al., UAI 2009) through the one training loop
(the pairs and the loss are `pretrec.tasks.pairwise.BPRTask`).

score(u, i) = <p_u, q_i>. Each training interaction is paired with `n_negatives` uniformly drawn
items the user has not interacted with; the L2 penalty applies to the embeddings a batch uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from pretrec.config import Config
from pretrec.models.base import NeuralRecommender
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class BPRMFConfig(Config):
    """Hyper-parameters of BPR matrix factorisation."""

    embedding_dim: int = 64
    """Size of user and item vectors."""
    n_negatives: int = 1
    """Negatives drawn per positive interaction."""
    l2: float = 0.0001
    """Weight of the L2 penalty on the batch's embeddings."""
    init_std: float = 0.1
    """Standard deviation of the normal initialisation."""


class BPRMF(NeuralRecommender):
    """Dot-product user/item embeddings optimised for pairwise ranking."""

    config_class = BPRMFConfig
    scores_user_ids = True

    def __init__(self, config: BPRMFConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.user_embedding = nn.Embedding(n_users, config.embedding_dim)
        self.item_embedding = nn.Embedding(n_items, config.embedding_dim)
        nn.init.normal_(self.user_embedding.weight, std=config.init_std)
        nn.init.normal_(self.item_embedding.weight, std=config.init_std)

    def pair_tables(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The user and item tables BPR scores pairs with."""
        return self.user_embedding.weight, self.item_embedding.weight

    def score(self, batch: UserBatch) -> torch.Tensor:
        return self.retrieval_queries(batch) @ self.retrieval_items().T  # (B, n_items)

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return self.user_embedding(batch.user_tensor(self.device))  # (B, d)

    def retrieval_items(self) -> torch.Tensor:
        return self.item_embedding.weight
