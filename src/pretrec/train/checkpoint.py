"""Resumable trainer state: model, optimiser and random generators after an epoch (safetensors
tensors plus a JSON record; no pickle)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from pretrec.device import on_host
from pretrec.errors import PretrecError
from pretrec.files import atomic_path, write_text

TRAINER_TENSORS = "trainer.safetensors"
TRAINER_META = "trainer.json"


def save_trainer_state(
    directory: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    best_state: dict[str, torch.Tensor],
    progress: dict[str, Any],
    rng: np.random.Generator,
    heads: Sequence[torch.nn.Module] = (),
) -> None:
    """Everything needed to resume training exactly where it stopped (`heads`: a task's
    training-only modules, saved with the model)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    for index, head in enumerate(heads):
        tensors |= {f"head{index}.{k}": v for k, v in head.state_dict().items()}
    tensors |= {f"best.{k}": v for k, v in best_state.items()}
    optimizer_state = optimizer.state_dict()
    for param_id, slots in optimizer_state["state"].items():
        for slot, value in slots.items():
            tensors[f"optim.{param_id}.{slot}"] = torch.as_tensor(value)
    tensors["torch_rng"] = torch.get_rng_state()
    with atomic_path(directory / TRAINER_TENSORS) as partial:
        save_file(on_host(tensors), partial)
    meta = {
        "progress": progress,
        "param_groups": optimizer_state["param_groups"],
        "numpy_rng": rng.bit_generator.state,
    }
    write_text(directory / TRAINER_META, json.dumps(meta, default=_json_default))


def load_trainer_state(
    directory: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    rng: np.random.Generator,
    heads: Sequence[torch.nn.Module] = (),
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Restore model, task heads, optimizer and RNGs in place; return (best_state, progress)."""
    directory = Path(directory)
    if not (directory / TRAINER_META).exists():
        raise PretrecError(f"cannot resume: {directory} holds no trainer state")
    tensors = load_file(directory / TRAINER_TENSORS)
    meta = json.loads((directory / TRAINER_META).read_text())
    device = next(model.parameters()).device
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    for index, head in enumerate(heads):
        prefix = f"head{index}."
        head.load_state_dict({k[len(prefix):]: v for k, v in tensors.items()
                              if k.startswith(prefix)})
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")}
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, param_id, slot = key.split(".", 2)
            state.setdefault(int(param_id), {})[slot] = (value.to(device) if slot != "step"
                                                         else value)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    torch.set_rng_state(tensors["torch_rng"])
    rng.bit_generator.state = meta["numpy_rng"]
    return best, meta["progress"]


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value)}")
