"""Model checkpoints that describe themselves: safetensors weights (no pickle), the model's name
and config, the vocabularies and the library version. Training (the pipeline) writes them;
fine-tuning, ensembles and serving read them; nothing here trains (trainer state for resuming
is `pretrec.train.checkpoint`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from pretrec.config import Config
from pretrec.data.sequences import UserHistories
from pretrec.data.vocab import Vocab
from pretrec.device import on_host
from pretrec.errors import ConfigError, PretrecError
from pretrec.files import atomic_path, check_complete, write_text
from pretrec.models import MODELS
from pretrec.models.base import Recommender
from pretrec.models.ensemble import Ensemble
from pretrec.models.features import SideFeatures

MODEL_WEIGHTS = "model.safetensors"
MODEL_META = "model.json"
ITEM_TEXT = "item_text.json"
HISTORIES = "histories.npz"


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
    with atomic_path(directory / MODEL_WEIGHTS) as partial:
        save_file(on_host(model.state()), partial)
    meta = {
        "model": model_name,
        "config": model.config.to_dict(),
        "n_users": model.n_users,
        "n_items": model.n_items,
        "pretrec_version": __version__,
    }
    write_text(directory / MODEL_META, json.dumps(meta, indent=2))
    if user_vocab is not None:
        user_vocab.save(directory / "user_vocab.json")
    if item_vocab is not None:
        item_vocab.save(directory / "item_vocab.json")
    return directory


def save_item_text(directory: str | Path, text: Mapping[str, np.ndarray]) -> None:
    """Write the items' text fields (in vocabulary order) next to a checkpoint."""
    payload = {name: [str(v) for v in values] for name, values in text.items()}
    write_text(Path(directory) / ITEM_TEXT, json.dumps(payload))


def save_histories(directory: str | Path, histories: UserHistories) -> None:
    """Write each user's items in time order (what the model scores from) next to a checkpoint,
    so `pretrec recommend` can serve the users it was trained on."""
    with atomic_path(Path(directory) / HISTORIES) as partial:
        np.savez_compressed(partial, offsets=histories.offsets,
                            items=histories.items.astype(np.int32),
                            n_items=np.array(histories.n_items))


def load_histories(directory: str | Path) -> UserHistories | None:
    """The histories `save_histories` wrote, or None for a checkpoint without them."""
    path = Path(directory) / HISTORIES
    if not path.exists():
        return None
    with np.load(path) as stored:
        return UserHistories(stored["offsets"].astype(np.int64), stored["items"].astype(np.int64),
                             int(stored["n_items"]))


def load_item_text(directory: str | Path) -> dict[str, np.ndarray] | None:
    """The text `save_item_text` wrote, or None for a checkpoint without item text."""
    path = Path(directory) / ITEM_TEXT
    if not path.exists():
        return None
    return {name: np.asarray(values, dtype=object)
            for name, values in json.loads(path.read_text()).items()}


def read_model_meta(directory: str | Path) -> dict[str, Any]:
    """The checkpoint's model.json: model name, config, n_users, n_items."""
    directory = Path(directory)
    if not (directory / MODEL_META).exists():
        raise PretrecError(f"{directory} is not a pretrec checkpoint (no {MODEL_META})")
    check_complete(directory)
    try:
        meta = json.loads((directory / MODEL_META).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PretrecError(f"{directory / MODEL_META}: not a readable checkpoint record "
                           f"({error})") from None
    missing = [key for key in ("model", "config", "n_users", "n_items") if key not in meta]
    if missing:
        raise PretrecError(f"{directory / MODEL_META}: missing {', '.join(missing)}")
    return meta


def build_model(name: str, config: Config, n_users: int, n_items: int,
                features: SideFeatures | None = None,
                item_vocab: Vocab | None = None) -> Recommender:
    """A new model of registered `name` (with the side `features` it asked for); an ensemble gets
    its saved members attached, checked against `item_vocab` when given."""
    model = MODELS.get(name).build(config, n_users, n_items, features)
    if isinstance(model, Ensemble):
        model.attach([load_member(path) for path in model.config.member_paths()], item_vocab)
    return model


def load_member(path: Path) -> tuple[Recommender, Vocab | None]:
    """(model, item vocabulary) of an ensemble member's checkpoint folder."""
    if not (path / MODEL_META).is_file():
        raise ConfigError(f"ensemble member {path} is not a run checkpoint (no {MODEL_META})")
    model, _, items = load_model(path)
    return model, items


def load_model(directory: str | Path) -> tuple[Any, Vocab | None, Vocab | None]:
    """Rebuild a model from `save_model`'s folder; returns (model, user_vocab, item_vocab)."""
    directory = Path(directory)
    meta = read_model_meta(directory)
    entry = MODELS.get(meta["model"])
    model = build_model(meta["model"], entry.config.from_dict(meta["config"]), meta["n_users"],
                        meta["n_items"])
    try:
        state = load_file(directory / MODEL_WEIGHTS)
    except (OSError, SafetensorError) as error:  # missing, truncated or not safetensors
        raise PretrecError(f"{directory / MODEL_WEIGHTS}: cannot read the weights ({error}); "
                           "the checkpoint is incomplete or corrupt") from None
    try:
        model.load_state(state)
    except (RuntimeError, KeyError, ValueError) as error:  # names or shapes differ
        first = str(error).strip().splitlines()[0][:300]
        raise PretrecError(f"{directory}: the weights do not fit a '{meta['model']}' built from "
                           f"its model.json ({first})") from None
    if isinstance(model, torch.nn.Module):
        model.eval()  # a loaded model scores; dropout stays off until it is trained again
    vocabs = [
        Vocab.load(directory / name) if (directory / name).exists() else None
        for name in ("user_vocab.json", "item_vocab.json")
    ]
    return model, vocabs[0], vocabs[1]


