"""Initialise a target sequence model from a pre-trained checkpoint, across item vocabularies.

Every encoder tensor is copied as is (shapes must match); item embedding rows are matched by raw
item id or by text fields (`pretrec.finetune.item_match`), so pre-training on one dataset and
fine-tuning on another works: items the checkpoint never saw keep their fresh initialisation and
are counted. Special tokens after the items (the
mask) are copied in order when both models have them. Text models (an `ItemTower` as item
table) keep the target's own text features and copy the adaptor, so a model pre-trained on one
catalogue reads another catalogue's items through their text; a new item's ID vector starts at
zero there, so it is read through its text alone until training gives it one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError

ENCODER = "sequence_encoder."
ITEM_EMBEDDING = ENCODER + "item_embedding.weight"
TOWER_ID_EMBEDDING = ENCODER + "item_embedding.id_embedding.weight"
TOWER_TEXT = ENCODER + "item_embedding.text_features"
ITEM_ROWS = (ITEM_EMBEDDING, TOWER_ID_EMBEDDING)
"""Per-item tables: rows are matched by raw item id, not copied whole."""
SHAPE_KEYS = ("hidden_size", "n_layers", "n_heads", "inner_size", "max_len", "norm", "positions",
              "frequency_mix", "smoothing_window", "fusion", "adaptor", "n_experts", "text_model",
              "text_max_length")
"""Config fields that fix the encoder's tensors or their meaning: a fine-tuned model inherits
them."""


@dataclass(frozen=True)
class WarmStartReport:
    """What `warm_start` copied."""

    checkpoint: str
    source_model: str
    tensors_copied: int
    items_mapped: int
    """Target items found in the checkpoint's vocabulary (see `matched_by`)."""
    items_new: int
    """Target items the checkpoint never saw: fresh embeddings."""
    matched_by: str = "id"
    """"id" (raw item ids) or the text fields items were matched by, e.g. "title,year"."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def encoder_options(source_config: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """`options` with the checkpoint's encoder shape filled in; a conflicting shape is an error."""
    merged = dict(options)
    for key in SHAPE_KEYS:
        if key not in source_config:
            continue
        if key in merged and str(merged[key]) != str(source_config[key]):
            raise ConfigError(f"{key}={merged[key]} conflicts with the checkpoint's "
                              f"{key}={source_config[key]}")
        merged[key] = source_config[key]
    return merged


def warm_start(
    target: nn.Module,
    target_items: Vocab,
    source_state: dict[str, torch.Tensor],
    source_items: Vocab,
    checkpoint: str = "",
    source_model: str = "",
    found: np.ndarray | None = None,
    matched_by: str = "id",
) -> WarmStartReport:
    """Copy the encoder of `source_state` into `target` (see the module docstring).

    `found` gives, per target item, its row in the source vocabulary or -1 (default: by raw id).
    """
    state = target.state_dict()
    copied = 0
    for key, tensor in source_state.items():
        if not key.startswith(ENCODER) or key in ITEM_ROWS or key == TOWER_TEXT:
            continue
        if key not in state or state[key].shape != tensor.shape:
            found = tuple(state[key].shape) if key in state else "nothing"
            raise ConfigError(f"checkpoint tensor {key} {tuple(tensor.shape)} does not fit the "
                              f"target ({found})")
        state[key] = tensor.clone()
        copied += 1
    tables = [key for key in ITEM_ROWS if key in source_state and key in state]
    if not tables:
        raise ConfigError("the checkpoint or the target model has no sequence encoder item "
                          "embedding")
    n_target, n_source = len(target_items), len(source_items)
    source_text_only = _has_no_item_rows(source_state, n_source)
    if _has_no_item_rows(state, n_target) or source_text_only:
        # a text-only tower on either side: no item ID vectors to carry over, items are read by text
        found, matched_by = np.full(n_target, -1, dtype=np.int64), "text only"
    elif found is None:
        found = source_items.lookup(target_items.raw(np.arange(n_target)), unknown=-1)
    elif len(found) != n_target:
        raise ConfigError(f"item match covers {len(found)} items, the target has {n_target}")
    known = np.flatnonzero(found >= 0)
    for key in tables:
        state[key] = _mapped_rows(source_state[key], state[key], known, found, n_source, n_target)
        if key == TOWER_ID_EMBEDDING and not _has_no_item_rows(state, n_target):
            # the tower adds ID to text: a random ID vector is pure noise
            state[key][torch.from_numpy(np.flatnonzero(found < 0) + 1)] = 0.0
    target.load_state_dict(state)
    return WarmStartReport(checkpoint, source_model, copied + len(tables), len(known),
                           n_target - len(known), matched_by)


def _special_start(table: torch.Tensor, n_items: int) -> int:
    """First special-token row of an item table: after the items, or row 1 of a text-only tower's
    table, which holds padding and the special tokens only (so fewer rows than items)."""
    return 1 + n_items if len(table) >= 1 + n_items else 1


def _has_no_item_rows(state: dict[str, torch.Tensor], n_items: int) -> bool:
    """Whether the model's item table is a text-only tower: no per-item ID vectors."""
    table = state.get(TOWER_ID_EMBEDDING)
    return table is not None and _special_start(table, n_items) == 1


def _mapped_rows(source: torch.Tensor, target: torch.Tensor, known: np.ndarray, found: np.ndarray,
                 n_source: int, n_target: int) -> torch.Tensor:
    """`target` with the rows of items found in the source (and the special tokens) copied."""
    embedding = target.clone()
    if source.shape[1] != embedding.shape[1]:
        raise ConfigError(f"embedding width {source.shape[1]} in the checkpoint, "
                          f"{embedding.shape[1]} in the target")
    if len(known):
        embedding[torch.from_numpy(known + 1)] = source[torch.from_numpy(found[known] + 1)]
    source_start, target_start = (_special_start(source, n_source),
                                  _special_start(embedding, n_target))
    n_special = min(len(source) - source_start, len(embedding) - target_start)
    if n_special > 0:
        embedding[target_start : target_start + n_special] = source[
            source_start : source_start + n_special
        ]
    return embedding
