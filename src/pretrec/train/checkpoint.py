"""Checkpoints that describe themselves: safetensors weights (no pickle), the model's name and
config, the vocabularies and the library version; plus resumable trainer state."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from pretrec.data.vocab import Vocab
from pretrec.errors import PretrecError

MODEL_WEIGHTS = "model.safetensors"
MODEL_META = "model.json"
TRAINER_TENSORS = "trainer.safetensors"
TRAINER_META = "trainer.json"
ITEM_TEXT = "item_text.json"


def _contiguous(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {name: t.detach().cpu().contiguous() for name, t in tensors.items()}


def save_model(
    directory: str | Path,
    model: Any,
    model_name: str,
    user_vocab: Vocab | None = None,
    item_vocab: Vocab | None = None,
) -> Path:
    """Write weights, config and vocabularies of a fitted `Recommender` into `directory`."""
    from pretrec import __version__

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file(_contiguous(model.state()), directory / MODEL_WEIGHTS)
    meta = {
        "model": model_name,
        "config": model.config.to_dict(),
        "n_users": model.n_users,
        "n_items": model.n_items,
        "pretrec_version": __version__,
    }
    (directory / MODEL_META).write_text(json.dumps(meta, indent=2))
    if user_vocab is not None:
        user_vocab.save(directory / "user_vocab.json")
    if item_vocab is not None:
        item_vocab.save(directory / "item_vocab.json")
    return directory


def save_item_text(directory: str | Path, text: Mapping[str, np.ndarray]) -> None:
    """Write the items' text fields (in vocabulary order) next to a checkpoint."""
    payload = {name: [str(v) for v in values] for name, values in text.items()}
    (Path(directory) / ITEM_TEXT).write_text(json.dumps(payload))


def load_item_text(directory: str | Path) -> dict[str, np.ndarray] | None:
    """The text `save_item_text` wrote, or None for a checkpoint without item text."""
    path = Path(directory) / ITEM_TEXT
    if not path.exists():
        return None
    return {name: np.asarray(values, dtype=object) for name, values in json.loads(path.read_text()).items()}


def read_model_meta(directory: str | Path) -> dict[str, Any]:
    """The checkpoint's model.json: model name, config, n_users, n_items."""
    directory = Path(directory)
    if not (directory / MODEL_META).exists():
        raise PretrecError(f"{directory} is not a pretrec checkpoint (no {MODEL_META})")
    return json.loads((directory / MODEL_META).read_text())


def load_model(directory: str | Path) -> tuple[Any, Vocab | None, Vocab | None]:
    """Rebuild a model from `save_model`'s folder; returns (model, user_vocab, item_vocab)."""
    from pretrec.models import MODELS

    directory = Path(directory)
    meta = read_model_meta(directory)
    entry = MODELS.get(meta["model"])
    model = entry.model(entry.config.from_dict(meta["config"]), meta["n_users"], meta["n_items"])
    model.load_state(load_file(directory / MODEL_WEIGHTS))
    if isinstance(model, torch.nn.Module):
        model.eval()  # a loaded model scores; dropout stays off until it is trained again
    vocabs = [
        Vocab.load(directory / name) if (directory / name).exists() else None
        for name in ("user_vocab.json", "item_vocab.json")
    ]
    return model, vocabs[0], vocabs[1]


def save_trainer_state(
    directory: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    best_state: dict[str, torch.Tensor],
    progress: dict[str, Any],
    rng: np.random.Generator,
) -> None:
    """Everything needed to resume training exactly where it stopped."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors |= {f"best.{k}": v for k, v in best_state.items()}
    optimizer_state = optimizer.state_dict()
    for param_id, slots in optimizer_state["state"].items():
        for slot, value in slots.items():
            tensors[f"optim.{param_id}.{slot}"] = torch.as_tensor(value)
    tensors["torch_rng"] = torch.get_rng_state()
    save_file(_contiguous(tensors), directory / TRAINER_TENSORS)
    meta = {
        "progress": progress,
        "param_groups": optimizer_state["param_groups"],
        "numpy_rng": rng.bit_generator.state,
    }
    (directory / TRAINER_META).write_text(json.dumps(meta, default=_json_default))


def load_trainer_state(
    directory: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    rng: np.random.Generator,
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Restore model, optimizer and RNGs in place; return (best_state, progress)."""
    directory = Path(directory)
    if not (directory / TRAINER_META).exists():
        raise PretrecError(f"cannot resume: {directory} holds no trainer state")
    tensors = load_file(directory / TRAINER_TENSORS)
    meta = json.loads((directory / TRAINER_META).read_text())
    device = next(model.parameters()).device
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")}
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, param_id, slot = key.split(".", 2)
            state.setdefault(int(param_id), {})[slot] = value.to(device) if slot != "step" else value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    torch.set_rng_state(tensors["torch_rng"])
    rng.bit_generator.state = meta["numpy_rng"]
    return best, meta["progress"]


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value)}")
