"""Building blocks of attentive propagation over a knowledge graph (KGAT, Wang et al., KDD 2019):
TransR's relation-wise projection, the softmax of edge logits over each head's edges, and the
layer that combines a node with its attended neighbourhood."""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

Aggregator = Literal["bi", "gcn", "sage"]


def project_by_relation(heads: torch.Tensor, tails: torch.Tensor, relations: torch.Tensor,
                        projections: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(heads W_r, tails W_r) for rows (n, d) and their relation ids (n,), `projections`
    (n_relations, d, k). Rows are grouped by relation, one matrix product per relation present,
    never a (n, d, k) gather of the projections."""
    if len(relations) == 0:
        empty = heads.new_zeros((0, projections.shape[-1]))
        return empty, empty
    order = torch.argsort(relations)
    present, counts = torch.unique_consecutive(relations[order], return_counts=True)
    head_rows, tail_rows = heads[order], tails[order]
    head_parts, tail_parts, start = [], [], 0
    for relation, count in zip(present.tolist(), counts.tolist(), strict=True):
        projection = projections[relation]  # (d, k)
        head_parts.append(head_rows[start: start + count] @ projection)
        tail_parts.append(tail_rows[start: start + count] @ projection)
        start += count
    restore = torch.empty_like(order)
    restore[order] = torch.arange(len(order), device=order.device)
    return torch.cat(head_parts)[restore], torch.cat(tail_parts)[restore]


def edge_softmax(heads: torch.Tensor, logits: torch.Tensor, n_nodes: int) -> torch.Tensor:
    """Softmax of each edge's logit over the edges that share its head (stable: the per-head
    maximum is subtracted first)."""
    top = torch.full((n_nodes,), -torch.inf, device=logits.device, dtype=logits.dtype)
    top = top.scatter_reduce(0, heads, logits, reduce="amax")
    weights = torch.exp(logits - top[heads])
    totals = torch.zeros(n_nodes, device=logits.device, dtype=logits.dtype)
    return weights / totals.index_add_(0, heads, weights)[heads]


class NeighbourhoodLayer(nn.Module):
    """One KGAT layer: a node e and its attended neighbourhood e_N combined by bi-interaction
    (LeakyReLU(W1 (e + e_N)) + LeakyReLU(W2 (e ⊙ e_N))), GCN (LeakyReLU(W (e + e_N))) or
    GraphSAGE (LeakyReLU(W [e, e_N])), then message dropout."""

    def __init__(self, in_size: int, out_size: int, aggregator: Aggregator, dropout: float):
        super().__init__()
        self.aggregator, self.dropout = aggregator, dropout
        self.combine = nn.Linear((2 if aggregator == "sage" else 1) * in_size, out_size)
        self.interact = nn.Linear(in_size, out_size)

    def forward(self, node: torch.Tensor, neighbourhood: torch.Tensor) -> torch.Tensor:
        if self.aggregator == "bi":
            out = (F.leaky_relu(self.combine(node + neighbourhood))
                   + F.leaky_relu(self.interact(node * neighbourhood)))
        elif self.aggregator == "gcn":
            out = F.leaky_relu(self.combine(node + neighbourhood))
        else:
            out = F.leaky_relu(self.combine(torch.cat([node, neighbourhood], -1)))
        return F.dropout(out, self.dropout, self.training)
