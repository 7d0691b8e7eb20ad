"""Matrix factorisation trained with BPR (Rendle et al., UAI 2009) through the one training loop.

score(u, i) = <p_u, q_i>. Each training interaction is paired with `n_negatives` uniformly drawn
items the user has not interacted with; the L2 penalty applies to the embeddings a batch uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from pretrec import losses
from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.base import NeuralRecommender
from pretrec.sampling.batches import PairBatch, UserBatch
from pretrec.sampling.negatives import sample_negatives


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

    def __init__(self, config: BPRMFConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.user_embedding = nn.Embedding(n_users, config.embedding_dim)
        self.item_embedding = nn.Embedding(n_items, config.embedding_dim)
        nn.init.normal_(self.user_embedding.weight, std=config.init_std)
        nn.init.normal_(self.item_embedding.weight, std=config.init_std)

    def train_batches(
        self, train: Interactions, batch_size: int, rng: np.random.Generator
    ) -> Iterator[PairBatch]:
        positives = train.csr.tocoo()  # deduplicated (user, item) pairs
        order = rng.permutation(positives.nnz)
        users, items = positives.row[order].astype(np.int64), positives.col[order].astype(np.int64)
        negatives = sample_negatives(users, self.config.n_negatives, self.n_items, rng, train.csr)
        for start in range(0, len(users), batch_size):
            stop = start + batch_size
            yield PairBatch(
                users=torch.from_numpy(users[start:stop]),
                positives=torch.from_numpy(items[start:stop]),
                negatives=torch.from_numpy(negatives[start:stop]),
            )

    def loss(self, batch: PairBatch) -> dict[str, torch.Tensor]:
        user = self.user_embedding(batch.users)  # (B, d)
        positive = self.item_embedding(batch.positives)  # (B, d)
        negative = self.item_embedding(batch.negatives)  # (B, n_neg, d)
        positive_scores = (user * positive).sum(-1)
        negative_scores = torch.einsum("bd,bnd->bn", user, negative)
        return {
            "bpr": losses.bpr(positive_scores, negative_scores),
            "l2": self.config.l2 * losses.l2_penalty(user, positive, negative,
                                                     batch_size=len(user)),
        }

    def score(self, batch: UserBatch) -> torch.Tensor:
        user = self.user_embedding(batch.user_tensor(self.device))  # (B, d)
        return user @ self.item_embedding.weight.T  # (B, n_items)
