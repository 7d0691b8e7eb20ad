"""Sentence encoder: texts -> one L2-normalised (or raw) vector each, batched and cached.

    encoder = SentenceEncoder()                       # packaged all-MiniLM-L6-v2, offline
    vectors = encoder.encode(["Toy Story (1995)", "Heat (1995)"])    # (2, 384) float32
    SentenceEncoder("path/to/bert-base-uncased", pooling="cls")      # any local BERT-family folder

Runs the Hugging Face model directly (AutoModel + AutoTokenizer), so the same module is what a
fine-tuning head trains; for a sentence-transformers folder the pooling and normalisation it
declares are used, and the vectors equal `SentenceTransformer(folder).encode(texts)`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from tqdm.auto import tqdm

from pretrec.device import resolve_device
from pretrec.errors import ConfigError
from pretrec.text.assemble import assemble_text
from pretrec.text.cache import EmbeddingCache, text_digests
from pretrec.text.model_folder import PACKAGED, fingerprint, pooling_of, resolve_model_path

DEFAULT_CACHE = Path(os.environ.get("PRETREC_CACHE", "~/.cache/pretrec")).expanduser() / "text"


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, mode: str) -> torch.Tensor:
    """(B, T, d) token states -> (B, d): the first ([CLS]) token, or the mean over real tokens."""
    if mode == "cls":
        return hidden[:, 0]
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def load_transformer(path: Path) -> tuple[Any, torch.nn.Module]:
    """(tokenizer, model) of a local folder, never downloading."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per load of a small model is noise
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot load a transformer model from {path}: {error}") from None
    return tokenizer, model


class SentenceEncoder:
    """A BERT-family text encoder with mean or CLS pooling and an on-disk embedding cache.

    Args:
        model: "all-MiniLM-L6-v2" (the packaged weights) or a local Hugging Face model folder.
        pooling: "mean", "cls", or "auto" (what a sentence-transformers folder declares, else mean).
        normalize: L2-normalise the vectors; None follows the folder (MiniLM: yes).
        max_length: token budget per text; longer texts are truncated.
        batch_size: texts per forward pass (texts are sorted by length to waste little padding).
        device: "auto" (CUDA when available), "cpu", "cuda", ...
        cache_dir: folder of the embedding cache; None turns caching off.
        progress: show a progress bar when there is more than one batch to encode; None shows
            it when stderr is a terminal.
    """

    def __init__(
        self,
        model: str | Path = PACKAGED,
        pooling: Literal["auto", "mean", "cls"] = "auto",
        normalize: bool | None = None,
        max_length: int = 64,
        batch_size: int = 64,
        device: str = "auto",
        cache_dir: str | Path | None = DEFAULT_CACHE,
        progress: bool | None = None,
    ):
        if pooling not in ("auto", "mean", "cls"):
            raise ConfigError(f"pooling must be 'auto', 'mean' or 'cls', got {pooling!r}")
        if max_length < 2 or batch_size < 1:
            raise ConfigError("max_length must be >= 2 and batch_size >= 1")
        self.path = resolve_model_path(model)
        declared = pooling_of(self.path)
        self.pooling = declared.mode if pooling == "auto" else pooling
        self.normalize = declared.normalize if normalize is None else normalize
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = resolve_device(device)
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self.progress = sys.stderr.isatty() if progress is None else progress

    @cached_property
    def _loaded(self) -> tuple[Any, torch.nn.Module]:
        tokenizer, model = load_transformer(self.path)
        return tokenizer, model.to(self.device).eval()

    @property
    def tokenizer(self) -> Any:
        return self._loaded[0]

    @property
    def model(self) -> torch.nn.Module:
        return self._loaded[1]

    @cached_property
    def dim(self) -> int:
        """Output dimension (the model's hidden size), read without loading the weights."""
        from transformers import AutoConfig

        return int(AutoConfig.from_pretrained(self.path, local_files_only=True).hidden_size)

    @cached_property
    def cache_key(self) -> str:
        """Everything the vectors depend on besides the text."""
        parts = [fingerprint(self.path), self.pooling, str(self.normalize), str(self.max_length)]
        return "-".join(parts)

    def tokenize(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        return self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self.max_length,
            return_tensors="pt"
        )

    def embed(self, tokens: dict[str, torch.Tensor]) -> torch.Tensor:
        """Pooled (and maybe normalised) vectors of a tokenised batch; keeps the autograd graph."""
        device = next(self.model.parameters()).device  # the model may have moved with its owner
        tokens = {k: v.to(device) for k, v in tokens.items()}
        hidden = self.model(**tokens).last_hidden_state
        vectors = pool(hidden, tokens["attention_mask"], self.pooling)
        return torch.nn.functional.normalize(vectors, dim=-1) if self.normalize else vectors

    @torch.no_grad()
    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        starts = range(0, len(texts), self.batch_size)
        bar = tqdm(starts, desc="encoding text", unit="batch",
                   disable=not self.progress or len(starts) < 2)
        for start in bar:
            rows = order[start : start + self.batch_size]
            out[rows] = self.embed(self.tokenize([texts[i] for i in rows])).float().cpu().numpy()
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 vectors; cached texts are not encoded again."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        if self.cache_dir is None:
            return self._encode_uncached(texts)
        cache = EmbeddingCache(self.cache_dir, self.cache_key)
        digests = text_digests(texts)
        found, rows = cache.lookup(digests)
        missing = np.flatnonzero(~found)
        if len(missing):
            new_digests, first = np.unique(digests[missing], return_index=True)
            fresh = self._encode_uncached([texts[missing[i]] for i in first])
            cache.add(new_digests, fresh)
            found, rows = cache.lookup(digests)
        assert cache.vectors is not None and found.all()
        return cache.vectors[rows]

    def encode_fields(self, values: Mapping[str, np.ndarray],
                      fields: Sequence[str] | None = None) -> np.ndarray:
        """Vectors of the texts assembled from side-data `fields` (see `assemble_text`); rows
        without any text get a zero vector rather than the encoding of an empty string."""
        texts = assemble_text(values, fields)
        vectors = self.encode(list(texts))
        vectors[texts == ""] = 0.0
        return vectors


def text_dimension(model: str | Path) -> int:
    """Width of the vectors of `model` (read from its config, without loading the weights)."""
    return SentenceEncoder(model, cache_dir=None).dim
