"""A serving bundle: one self-describing folder made from a finished run, the only thing
`pretrec serve` and the Python serving API read.

    pretrec export runs/sasrec --output bundles/sasrec
    bundle = load_bundle("bundles/sasrec")
    bundle.recommender.recommend(users=["u12"], k=10)

It holds the checkpoint (safetensors weights, model.json, vocabularies, user histories, item
text when the model has it), the item vectors an index searches (`item_vectors.safetensors`, for
models whose scores are inner products), the run's evaluation report, a protocol card
(`card.json`: what the figures in the report mean: dataset fingerprint, split, protocol,
metrics, versions) and a manifest (`bundle.json`: format name and version, and every file's
size and SHA-256). Nothing in a bundle is unpickled: weights and vectors are safetensors, tables
JSON, histories a pickle-free npz. A bundle of another format version is refused, as is one
whose files do not match the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from pretrec.checkpoint import (
    HISTORIES,
    ITEM_TEXT,
    MODEL_META,
    MODEL_WEIGHTS,
    load_model,
    read_model_meta,
)
from pretrec.errors import ConfigError, PretrecError
from pretrec.files import atomic_path, check_complete, write_text
from pretrec.models.base import InnerProductScorer
from pretrec.pipeline.recommend import Recommender

BUNDLE_FORMAT = "pretrec-bundle"
FORMAT_VERSION = 1
"""Raised when the layout or meaning of a file changes; a bundle of another version is refused."""
MANIFEST = "bundle.json"
CARD = "card.json"
REPORT = "report.json"
ITEM_VECTORS = "item_vectors.safetensors"
CHECKPOINT_FILES = (MODEL_WEIGHTS, MODEL_META, "user_vocab.json", "item_vocab.json", HISTORIES)
OPTIONAL_FILES = (ITEM_TEXT,)
CARD_KEYS = ("dataset", "split", "protocol", "metrics", "metrics_std", "seed", "seeds",
             "config_hash", "versions", "counts")


@dataclass(frozen=True, eq=False)
class Bundle:
    """A loaded bundle: the recommender it serves, its protocol card and manifest."""

    path: Path
    recommender: Recommender
    card: dict[str, Any]
    manifest: dict[str, Any]
    item_vectors: np.ndarray | None
    """(n_items, d) float32 vectors whose inner product with the model's queries is its score;
    None for a model that does not score so (EASE, item-KNN, popularity)."""

    @property
    def model_name(self) -> str:
        return str(self.manifest["model"])


def export_bundle(run: str | Path, output: str | Path, overwrite: bool = False) -> Path:
    """Write the bundle of the finished run folder `run` (what `pretrec run --output` wrote)
    into `output`; the folder appears whole or not at all."""
    run, output = Path(run).expanduser(), Path(output).expanduser()
    checkpoint = _checkpoint_of(run)
    report = _read_json(run / REPORT) if (run / REPORT).is_file() else None
    if report is None:
        raise ConfigError(f"{run} has no {REPORT}: export a run folder that `pretrec run "
                          f"--output` wrote")
    if output.exists() and (not overwrite or not (output / MANIFEST).is_file()):
        raise ConfigError(f"{output} exists; choose a new folder, or pass --overwrite to "
                          f"replace an earlier bundle there")
    meta = read_model_meta(checkpoint)
    missing = [name for name in CHECKPOINT_FILES if not (checkpoint / name).is_file()]
    if missing:
        raise ConfigError(f"{checkpoint} lacks {', '.join(missing)} (written by runs since the "
                          f"recommend command); run it again to export it")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        names = list(CHECKPOINT_FILES) + [n for n in OPTIONAL_FILES if (checkpoint / n).is_file()]
        for name in names:
            shutil.copyfile(checkpoint / name, staging / name)
        if _write_item_vectors(checkpoint, staging / ITEM_VECTORS):
            names.append(ITEM_VECTORS)
        write_text(staging / REPORT, json.dumps(report, indent=2))
        write_text(staging / CARD, json.dumps(protocol_card(report, meta), indent=2))
        files = {name: _describe(staging / name) for name in [*names, REPORT, CARD]}
        manifest = {"format": BUNDLE_FORMAT, "format_version": FORMAT_VERSION,
                    "model": meta["model"], "source_run": str(run.resolve()),
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files}
        write_text(staging / MANIFEST, json.dumps(manifest, indent=2))
        if output.exists():
            shutil.rmtree(output)
        os.replace(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output


def protocol_card(report: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """What the bundle's figures mean: the report's data, split, protocol, metrics and versions,
    with the model's name and size."""
    card = {key: report[key] for key in CARD_KEYS if key in report}
    card["model"] = {"name": meta["model"], "n_users": meta["n_users"], "n_items": meta["n_items"],
                     "config": meta["config"]}
    return card


def load_bundle(path: str | Path) -> Bundle:
    """The bundle at `path`, its format version and every file's checksum verified first."""
    path = Path(path).expanduser()
    manifest = read_manifest(path)
    verify_files(path, manifest)
    vectors = load_file(path / ITEM_VECTORS)["items"] if ITEM_VECTORS in manifest["files"] else None
    return Bundle(path, Recommender.load(path), _read_json(path / CARD), manifest, vectors)


def _write_item_vectors(checkpoint: Path, file: Path) -> bool:
    """The model's retrieval item vectors into `file`; False for a model without them."""
    model, _, _ = load_model(checkpoint)
    if not isinstance(model, InnerProductScorer):
        return False
    with torch.inference_mode():
        vectors = model.retrieval_items().float().cpu().numpy()
    with atomic_path(file) as partial:
        save_file({"items": np.ascontiguousarray(vectors)}, str(partial))
    return True


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the bundle at `path`; a folder that is not a bundle, or a bundle of
    another format version, is refused with what to do."""
    if not (path / MANIFEST).is_file():
        hint = (" (a run folder: `pretrec export` it first)"
                if (path / REPORT).is_file() or (path / "checkpoint").is_dir() else "")
        raise ConfigError(f"{path} is not a pretrec bundle: no {MANIFEST}{hint}")
    manifest = _read_json(path / MANIFEST)
    if manifest.get("format") != BUNDLE_FORMAT:
        raise ConfigError(f"{path / MANIFEST}: format {manifest.get('format')!r} is not "
                          f"{BUNDLE_FORMAT!r}")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        advice = ("upgrade pretrec to read it" if newer else
                  "export the run again with this pretrec")
        raise ConfigError(f"{path}: bundle format version {version}, this pretrec reads version "
                          f"{FORMAT_VERSION}; {advice}")
    if not isinstance(manifest.get("files"), dict) or "model" not in manifest:
        raise ConfigError(f"{path / MANIFEST}: no file list or model name; export it again")
    return manifest


def verify_files(path: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is present with its recorded size and SHA-256."""
    for name, recorded in manifest["files"].items():
        file = path / Path(name).name  # names are flat; never follow a path out of the bundle
        if not file.is_file():
            raise PretrecError(f"{path}: {name} is missing; the bundle is incomplete")
        if _describe(file) != recorded:
            raise PretrecError(f"{path}: {name} does not match the manifest (changed or "
                               f"truncated since export); export the run again")


def _checkpoint_of(run: Path) -> Path:
    if not run.is_dir():
        raise ConfigError(f"run folder not found: {run}")
    check_complete(run)
    checkpoint = run / "checkpoint"
    if not (checkpoint / MODEL_META).is_file():
        raise ConfigError(f"{run} has no checkpoint/ (closed-form and neural runs write one "
                          f"with --output); nothing to export")
    return checkpoint


def _describe(file: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": file.stat().st_size, "sha256": digest.hexdigest()}


def _read_json(file: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PretrecError(f"{file}: not readable JSON ({error})") from None
    if not isinstance(loaded, dict):
        raise PretrecError(f"{file}: expected a JSON object")
    return loaded
