"""S3-Rec's attribute objectives (Zhou et al., CIKM 2020), as heads on a sequence encoder:

- associated attribute prediction (AAP): an item's embedding predicts the item's attributes;
- masked attribute prediction (MAP): the contextual state at a masked position predicts the
  attributes of the hidden item.
Both score every attribute with a bilinear form (h W) . a and take the multi-label binary
cross-entropy against the item's attribute set, as the paper does.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def attribute_matrix(attributes: list[np.ndarray], n_attributes: int,
                     n_tokens: int) -> torch.Tensor:
    """float (n_tokens, n_attributes) multi-hot rows; row 1 + i is item i, other tokens are
    empty."""
    lengths = np.array([len(a) for a in attributes], dtype=np.int64)
    rows = 1 + np.repeat(np.arange(len(attributes)), lengths)
    columns = np.concatenate(attributes) if len(attributes) else np.zeros(0, dtype=np.int64)
    matrix = torch.zeros(n_tokens, n_attributes)
    matrix[torch.from_numpy(rows), torch.from_numpy(columns.astype(np.int64))] = 1.0
    return matrix


class AttributeHeads(nn.Module):
    """Attribute embeddings and the AAP / MAP bilinear maps (training-only: not checkpointed)."""

    def __init__(self, attributes: torch.Tensor, hidden_size: int, init_std: float):
        super().__init__()
        self.register_buffer("attributes", attributes, persistent=False)  # (n_tokens, n_attributes)
        self.embedding = nn.Parameter(torch.randn(attributes.shape[1], hidden_size) * init_std)
        self.associated = nn.Linear(hidden_size, hidden_size, bias=False)
        self.masked = nn.Linear(hidden_size, hidden_size, bias=False)

    def loss(self, head: nn.Linear, states: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """BCE of (states W) . attribute embeddings against the tokens' attribute sets."""
        logits = head(states) @ self.embedding.T  # (P, n_attributes)
        return F.binary_cross_entropy_with_logits(logits, self.attributes[tokens])

    def associated_loss(self, item_embeddings: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """AAP: item embeddings (P, H) of items (P,) (1-based) predict their attributes."""
        return self.loss(self.associated, item_embeddings, items)

    def masked_loss(self, states: torch.Tensor, hidden_items: torch.Tensor) -> torch.Tensor:
        """MAP: states (P, H) at masked positions predict the hidden items' (P,) attributes."""
        return self.loss(self.masked, states, hidden_items)
