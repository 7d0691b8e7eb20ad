"""Top-k retrieval over item vectors with FAISS: exact inner product by default, HNSW or IVF-PQ
when a catalogue is too large to scan per request.

    index = ItemIndex.build(item_vectors, kind="exact")      # (n_items, d) float32
    scores, items = index.search(user_vectors, k=10, exclude=[[3, 7], []])

`exclude` (per query: item indices never to return, e.g. the user's history) is honoured by
asking the index for k + len(exclude) candidates and dropping them, so a result has k items
whenever the catalogue has them. Rows the index could not fill (an approximate index on a tiny
catalogue) come back as item -1 with score -inf. `add` appends new items (their index is the
next free one), the path a new item takes to be recommendable at once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from pretrec.errors import ConfigError

IndexKind = Literal["exact", "hnsw", "ivfpq"]
KINDS: tuple[str, ...] = ("exact", "hnsw", "ivfpq")


@functools.cache
def _faiss() -> Any:
    try:
        import faiss
    except ImportError:
        raise ConfigError("the item index needs faiss: pip install 'pretrec[serve]' "
                          "(or faiss-cpu>=1.15.1)") from None
    return faiss


@dataclass(frozen=True)
class IndexOptions:
    """Options of the approximate kinds (the exact index has none)."""

    hnsw_neighbours: int = 32
    """HNSW: links per node (M)."""
    hnsw_search_depth: int = 128
    """HNSW: candidate list size at query time (efSearch); larger is slower and more exact."""
    ivf_lists: int = 0
    """IVF-PQ: coarse clusters; 0 chooses about 4 sqrt(n_items)."""
    ivf_probes: int = 16
    """IVF-PQ: clusters visited per query (nprobe)."""
    pq_bytes: int = 0
    """IVF-PQ: bytes per compressed vector; 0 chooses d/4 rounded to a divisor of d."""


class ItemIndex:
    """A FAISS inner-product index over item vectors, row i being item i."""

    def __init__(self, index: Any, kind: str, dim: int):
        self._index, self.kind, self.dim = index, kind, dim

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "exact",
              options: IndexOptions | None = None) -> ItemIndex:
        """An index of `vectors` ((n_items, d)); approximate kinds are trained on them."""
        vectors = _as_matrix(vectors, "item vectors")
        if kind not in KINDS:
            raise ConfigError(f"unknown index kind {kind!r}; choose one of {', '.join(KINDS)}")
        faiss, options = _faiss(), options or IndexOptions()
        n, dim = vectors.shape
        if kind == "exact":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, options.hnsw_neighbours, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = options.hnsw_search_depth
        else:
            lists = options.ivf_lists or max(1, min(int(4 * np.sqrt(n)), n // 39))  # ~39 per list
            code = options.pq_bytes or _pq_bytes(dim)
            if dim % code:
                raise ConfigError(f"pq_bytes {code} must divide the vector size {dim}")
            if n < 256:  # each sub-quantiser learns 256 codes by k-means over the items
                raise ConfigError(f"ivfpq needs at least 256 items to train on (got {n}); "
                                  f"use the exact or hnsw index")
            index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, lists, code, 8,
                                     faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
            index.nprobe = min(options.ivf_probes, lists)
        index.add(vectors)
        return cls(index, kind, dim)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> np.ndarray:
        """Append items; returns their indices."""
        vectors = _as_matrix(vectors, "new item vectors", self.dim)
        start = len(self)
        self._index.add(vectors)
        return np.arange(start, start + len(vectors))

    def search(self, queries: np.ndarray, k: int,
               exclude: Sequence[Sequence[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, items), each (n_queries, k), best first, without each query's `exclude`."""
        queries = _as_matrix(queries, "queries", self.dim)
        if k < 1:
            raise ConfigError(f"k must be >= 1, got {k}")
        if exclude is not None and len(exclude) != len(queries):
            raise ConfigError(f"exclude has {len(exclude)} lists for {len(queries)} queries")
        widest = max((len(e) for e in exclude), default=0) if exclude is not None else 0
        asked = min(k + widest, len(self))
        scores, items = self._index.search(queries, asked)
        if exclude is not None and widest:
            for row, banned in enumerate(exclude):  # per query, not per interaction
                drop = np.isin(items[row], np.asarray(banned, dtype=np.int64))
                items[row][drop], scores[row][drop] = -1, -np.inf
        return _first_k(scores, items, k)


def _first_k(scores: np.ndarray, items: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best valid entries of each row (FAISS pads with -1), padded with -1 / -inf."""
    scores = np.where(items < 0, -np.inf, scores).astype(np.float32)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    scores, items = np.take_along_axis(scores, order, 1), np.take_along_axis(items, order, 1)
    if scores.shape[1] < k:
        pad = k - scores.shape[1]
        scores = np.pad(scores, ((0, 0), (0, pad)), constant_values=-np.inf)
        items = np.pad(items, ((0, 0), (0, pad)), constant_values=-1)
    return scores, np.where(np.isinf(scores), -1, items)


def _pq_bytes(dim: int) -> int:
    code = max(1, dim // 4)
    while dim % code:
        code -= 1
    return code


def _as_matrix(values: Any, what: str, dim: int | None = None) -> np.ndarray:
    matrix = np.ascontiguousarray(np.asarray(values, dtype=np.float32))
    if matrix.ndim != 2 or not len(matrix):
        raise ConfigError(f"{what} must be a non-empty 2-d array, got shape {matrix.shape}")
    if dim is not None and matrix.shape[1] != dim:
        raise ConfigError(f"{what} have size {matrix.shape[1]}, the index holds size {dim}")
    if not np.isfinite(matrix).all():
        raise ConfigError(f"{what} contain NaN or infinite values")
    return matrix
