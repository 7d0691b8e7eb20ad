"""Propagation over a normalised user-item adjacency (LightGCN's light graph convolution).

E^(l+1) = A E^(l), no weights and no non-linearity; `propagate` returns every layer's output so
a model can read out their mean (LightGCN) or contrast two layers (XSimGCL). The adjacency is
symmetric (`pretrec.data.user_item_graph`), so the backward pass is the same sparse product
A @ grad, which spares torch the transpose of a CSR matrix on every step.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
import torch


def sparse_tensor(adjacency: sp.csr_matrix, device: torch.device | str = "cpu") -> torch.Tensor:
    """The scipy CSR as a float32 torch sparse CSR tensor on `device`."""
    adjacency = adjacency.tocsr()
    with warnings.catch_warnings():  # "sparse CSR support is in beta": the product is stable
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            torch.from_numpy(adjacency.indptr.astype(np.int64)),
            torch.from_numpy(adjacency.indices.astype(np.int64)),
            torch.from_numpy(adjacency.data.astype(np.float32)),
            size=adjacency.shape, device=device,
        )


class _SymmetricProduct(torch.autograd.Function):
    """A @ X for a symmetric sparse A: the gradient with respect to X is A @ grad."""

    @staticmethod
    def forward(ctx, adjacency: torch.Tensor, dense: torch.Tensor) -> torch.Tensor:
        ctx.adjacency = adjacency
        return adjacency @ dense

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[None, torch.Tensor]:
        return None, ctx.adjacency @ grad


class _SparseProduct(torch.autograd.Function):
    """A @ X for a sparse A whose transpose is kept beside it: the backward pass is Aᵀ @ grad,
    with no CSR transpose on every step."""

    @staticmethod
    def forward(ctx, matrix: torch.Tensor, transpose: torch.Tensor,
                dense: torch.Tensor) -> torch.Tensor:
        ctx.transpose = transpose
        return matrix @ dense

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[None, None, torch.Tensor]:
        return None, None, ctx.transpose @ grad


def sparse_product(matrix: torch.Tensor, transpose: torch.Tensor,
                   dense: torch.Tensor) -> torch.Tensor:
    """`matrix @ dense` (sparse CSR times dense) whose gradient uses the given `transpose`."""
    return _SparseProduct.apply(matrix, transpose, dense)


def sparse_tensor_with_transpose(matrix: sp.spmatrix,
                                 device: torch.device | str = "cpu") -> torch.Tensor:
    """`sparse_tensor(matrix)` carrying its transpose as the attribute `transposed`, built once,
    for `spmm`'s backward pass (a layer that takes the matrix as its argument keeps working)."""
    tensor = sparse_tensor(matrix, device)
    tensor.transposed = sparse_tensor(sp.csr_matrix(matrix).T.tocsr(), device)
    return tensor


def spmm(matrix: torch.Tensor, dense: torch.Tensor) -> torch.Tensor:
    """`matrix @ dense`; the backward pass goes through `matrix.transposed` when the matrix
    carries one (`sparse_tensor_with_transpose`), else through torch's CSR transpose."""
    transpose = getattr(matrix, "transposed", None)
    return matrix @ dense if transpose is None else sparse_product(matrix, transpose, dense)


def propagate(adjacency: torch.Tensor | Sequence[torch.Tensor], embeddings: torch.Tensor,
              n_layers: int,
              perturb: Callable[[torch.Tensor], torch.Tensor] | None = None) -> list[torch.Tensor]:
    """[E^(0), ..., E^(n_layers)] for E^(0) = `embeddings` (n_nodes, d).

    `adjacency` is one symmetric sparse matrix, or one per layer (a random-walk view).
    `perturb`, when given, is applied to each layer's output (SimGCL's noise).
    """
    per_layer = (list(adjacency) if isinstance(adjacency, (list, tuple))
                 else [adjacency] * n_layers)
    if len(per_layer) != n_layers:
        raise ValueError(f"{len(per_layer)} adjacency matrices for {n_layers} layers")
    layers = [embeddings]
    for matrix in per_layer:
        output = _SymmetricProduct.apply(matrix, layers[-1])
        layers.append(perturb(output) if perturb is not None else output)
    return layers
