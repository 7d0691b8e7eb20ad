"""Zero-shot interest: a content-based baseline with no training at all.

A user's text profile is the mean sentence-encoder vector of the items in their history (the
latest `profile_length` of them, optionally weighted toward the recent ones); every item is
scored by its cosine similarity to that profile. It needs item text and nothing else, so it
works on a catalogue no model was trained on, and is the floor a trained text model must beat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.errors import ConfigError
from pretrec.models.base import Recommender
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.sampling.batches import UserBatch
from pretrec.text.encoder import text_dimension
from pretrec.text.model_folder import PACKAGED


@dataclass(frozen=True)
class TextProfileConfig(Config):
    """Which encoder reads the item text, and how a history becomes a profile."""

    text_model: str = PACKAGED
    """Sentence encoder: the packaged all-MiniLM-L6-v2 or a local Hugging Face model folder."""
    text_fields: str = ""
    """Comma-separated item text fields (empty: all)."""
    text_max_length: int = 64
    """Token budget of an item's text."""
    profile_length: int = 20
    """Latest history items averaged into the profile."""
    recency_decay: float = 1.0
    """Weight of the k-th latest item is decay**k (1 = plain mean)."""


class TextProfile(Recommender):
    """Cosine between the mean text vector of a user's recent items and every item's text vector."""

    config_class = TextProfileConfig
    ranks_new_items = True  # through the item's text
    config: TextProfileConfig

    @classmethod
    def feature_request(cls, config: TextProfileConfig) -> FeatureRequest:
        return FeatureRequest(text_model=config.text_model, text_max_length=config.text_max_length,
                              item_text_fields=config.text_fields)

    def __init__(self, config: TextProfileConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items)
        if not 0 < config.recency_decay <= 1 or config.profile_length < 1:
            raise ConfigError("recency_decay must be in (0, 1] and profile_length >= 1")
        if features.item_text is not None:
            self.item_vectors = torch.nn.functional.normalize(features.item_text, dim=-1)
        else:  # a checkpoint's state fills them
            self.item_vectors = torch.zeros(n_items, text_dimension(config.text_model))

    def fit(self, train: Interactions) -> Self:
        if not bool(self.item_vectors.abs().sum()):
            raise ConfigError("text_profile has no item vectors: "
                              "build it with the item text features")
        return self

    def score(self, batch: UserBatch) -> torch.Tensor:
        config = self.config
        # 1-based, latest last
        sequences = torch.from_numpy(batch.history.padded(batch.users, config.profile_length))
        age = torch.arange(config.profile_length - 1, -1, -1, dtype=torch.float32)  # 0 = latest
        weights = (config.recency_decay**age)[None] * (sequences > 0)
        table = torch.cat([torch.zeros(1, self.item_vectors.shape[1]), self.item_vectors])
        profile = (weights.unsqueeze(-1) * table[sequences]).sum(1)
        return torch.nn.functional.normalize(profile, dim=-1) @ self.item_vectors.T

    def state(self) -> dict[str, torch.Tensor]:
        return {"item_vectors": self.item_vectors}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.item_vectors = state["item_vectors"]
