"""An on-disk cache of text embeddings, one entry per distinct text.

Keyed by the encoder's settings (model content, pooling, token budget) and each text's own hash,
so a re-run encodes nothing and changing one item's text re-encodes only that item.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

DIGEST_BYTES = 16


def text_digests(texts: list[str]) -> np.ndarray:
    """(n,) 'S16' array of blake2b digests of the UTF-8 texts."""
    return np.array(
        [hashlib.blake2b(t.encode(), digest_size=DIGEST_BYTES).digest() for t in texts],
        dtype=f"S{DIGEST_BYTES}",
    )


class EmbeddingCache:
    """Vectors of previously encoded texts for one encoder setting, stored in `folder/key.npz`."""

    def __init__(self, folder: str | Path, key: str):
        self.path = Path(folder) / f"{key}.npz"
        self.digests = np.empty(0, dtype=f"S{DIGEST_BYTES}")
        self.vectors: np.ndarray | None = None
        if self.path.is_file():
            with np.load(self.path) as stored:
                self.digests, self.vectors = stored["digests"], stored["vectors"]

    def __len__(self) -> int:
        return len(self.digests)

    def lookup(self, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found mask, row of each found digest in `self.vectors`; -1 where not found)."""
        if not len(self.digests):
            return np.zeros(len(digests), dtype=bool), np.full(len(digests), -1)
        order = np.argsort(self.digests)
        at = np.searchsorted(self.digests[order], digests).clip(max=len(order) - 1)
        found = self.digests[order][at] == digests
        return found, np.where(found, order[at], -1)

    def add(self, digests: np.ndarray, vectors: np.ndarray) -> None:
        """Store new entries and write the file atomically (a crash never leaves half a file)."""
        digests, first = np.unique(digests, return_index=True)
        vectors = vectors[first]
        new = ~self.lookup(digests)[0]
        self.digests = np.concatenate([self.digests, digests[new]])
        old = (self.vectors if self.vectors is not None
               else np.empty((0, vectors.shape[1]), vectors.dtype))
        self.vectors = np.concatenate([old, vectors[new]])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + f".{os.getpid()}.tmp.npz")
        np.savez(partial, digests=self.digests, vectors=self.vectors)
        os.replace(partial, self.path)
