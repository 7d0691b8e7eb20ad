"""Side features a model (or its task) reads, computed before the model is built.

A model class says what it needs from the data with `feature_request(config)`; the pipeline
computes that from the dataset (`pretrec.pipeline.features.compute_features`: text vectors by
the sentence encoder, token tables, attribute lists) and hands the tensors to the model's
constructor. A model never sees the dataset, and building one never encodes text. Built without
features (a checkpoint being loaded), a model makes zero buffers of the right shapes, which the
checkpoint's state then fills.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from pretrec.data.knowledge_graph import KnowledgeGraph


@dataclass(frozen=True)
class FeatureRequest:
    """What to compute for a model; the defaults ask for nothing."""

    text_model: str = ""
    """Sentence encoder (the packaged name or a local folder) for every text feature."""
    text_max_length: int = 64
    """Token budget of one text."""
    item_text_fields: str | None = None
    """Item text to encode: comma-separated fields, "" for every field, None for none."""
    item_text_views: int = 0
    """Augmented texts per item to encode as well (token dropout, deletion, insertion, shuffle)."""
    item_text_view_rate: float = 0.0
    """Strength of those augmentations."""
    user_text_fields: str | None = None
    """User features written as text ("age,gender,occupation"); None for none."""
    item_tokens: bool = False
    """The item texts tokenised (for an encoder that is fine-tuned with the model) instead of
    encoded."""
    item_attributes: bool = False
    """The items' attribute lists (S3-Rec objectives)."""
    knowledge_graph: bool = False
    """The item knowledge graph (the dataset's, or item -> attribute triples)."""

    def is_empty(self) -> bool:
        return self == FeatureRequest()


@dataclass(frozen=True, eq=False)
class SideFeatures:
    """The computed features; a field is None when it was not asked for (or the data lacks it)."""

    item_text: torch.Tensor | None = None
    """float (n_items, d): one sentence vector per item; zeros for an item without text."""
    item_text_views: torch.Tensor | None = None
    """float (V, n_items, d): vectors of V augmented texts per item."""
    user_text: torch.Tensor | None = None
    """float (n_users, d): vectors of the users' features written as text."""
    item_tokens: dict[str, torch.Tensor] | None = None
    """input_ids and attention_mask, long (n_items, text_max_length)."""
    item_has_text: torch.Tensor | None = None
    """bool (n_items,): the item has any text (with `item_tokens`)."""
    item_attributes: list[np.ndarray] | None = None
    """Per item, its attribute ids (int64 arrays)."""
    knowledge_graph: KnowledgeGraph | None = None
    """Typed (head, relation, tail) triples over entities; items are entities 0..n_items-1."""


NO_FEATURES = SideFeatures()


def text_width(features: SideFeatures, text_model: str) -> int:
    """Width of a model's text vectors: the features' when given, else the encoder's own."""
    for vectors in (features.item_text, features.user_text):
        if vectors is not None:
            return int(vectors.shape[-1])
    from pretrec.text.encoder import text_dimension  # only a checkpoint being loaded needs it

    return text_dimension(text_model)
