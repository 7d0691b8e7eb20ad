"""A dataset's text-bearing side data, checked before a model encodes it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pretrec.config import Config
from pretrec.data.interactions import Dataset
from pretrec.errors import ConfigError
from pretrec.text.encoder import SentenceEncoder
from pretrec.text.model_folder import PACKAGED


@dataclass(frozen=True)
class UserItemTextConfig(Config):
    """Options of models that read both item text and user features as text."""

    text_model: str = PACKAGED
    """Sentence encoder: the packaged all-MiniLM-L6-v2 or a local Hugging Face model folder."""
    item_text_fields: str = ""
    """Comma-separated item fields (empty: all)."""
    user_text_fields: str = "age,gender,occupation"
    """Comma-separated user feature fields (none used when the data has no user features)."""
    text_max_length: int = 64
    """Token budget of each text."""


def item_text_fields(dataset: Dataset, n_items: int) -> dict[str, np.ndarray]:
    """`dataset`'s item text fields, checked to exist and to cover the model's items."""
    if dataset.item_side is None or not dataset.item_side.text:
        raise ConfigError(
            f"this model needs item text, and dataset '{dataset.name}' has none"
            " (text comes from RecBole .item files or a MovieLens movies.csv)"
        )
    if dataset.n_items != n_items:
        raise ConfigError(f"dataset has {dataset.n_items} items, the model {n_items}")
    return dataset.item_side.text


def user_text_fields(dataset: Dataset, n_users: int) -> dict[str, np.ndarray]:
    """`dataset`'s user feature fields (e.g. ml-100k's age, gender, occupation), checked."""
    if not dataset.user_features:
        raise ConfigError(f"this model needs user features as text, "
                          f"and dataset '{dataset.name}' has none"
                          " (they come from RecBole .user files)")
    if dataset.n_users != n_users:
        raise ConfigError(f"dataset has {dataset.n_users} users, the model {n_users}")
    return dataset.user_features


def field_list(text: str) -> list[str] | None:
    """"title, year" -> ["title", "year"]; an empty string means every field (None)."""
    names = [f.strip() for f in text.split(",") if f.strip()]
    return names or None


def encode_user_text(encoder: SentenceEncoder, dataset: Dataset, n_users: int,
                     fields: str) -> np.ndarray | None:
    """Vectors of each user's features written as text, or None when the data has no user
    features."""
    if not dataset.user_features:
        return None
    return encoder.encode_fields(user_text_fields(dataset, n_users), field_list(fields))
