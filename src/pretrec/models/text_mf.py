"""Biased matrix factorisation whose user and item vectors are shifted by their text.

    p'_u = p_u + A t_u     q'_i = q_i + B t_i     b'_u = b_u + w_u . t_u     b'_i = b_i + w_i . t_i
    r(u, i) = mu + b'_u + b'_i + <p'_u, q'_i>

t_u and t_i are frozen sentence-encoder vectors of the user's features written as text ("age:
24; gender: M; occupation: technician") and of the item's text ("title: Heat; year: 1995;
genres: Action Crime"). The ID parts are penalised as in BiasedMF; the text maps are shared by
all users/items, so an item with few ratings borrows strength from similar texts, and a new
item is rated from its text alone. In the spirit of feature-based factorisation (SVDFeature,
Chen et al. 2012) with text features from a pre-trained language model.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from pretrec.data.interactions import Dataset
from pretrec.models.biased_mf import BiasedMF, BiasedMFConfig
from pretrec.text.encoder import SentenceEncoder
from pretrec.text.model_folder import PACKAGED
from pretrec.text.side_data import field_list, item_text_fields, user_text_fields


@dataclass(frozen=True)
class TextMFConfig(BiasedMFConfig):
    """BiasedMF's hyper-parameters plus the text encoder and which fields it reads."""

    text_model: str = PACKAGED
    """Sentence encoder: the packaged all-MiniLM-L6-v2 or a local Hugging Face model folder."""
    item_text_fields: str = ""
    """Comma-separated item fields (empty: all)."""
    user_text_fields: str = "age,gender,occupation"
    """Comma-separated user feature fields (empty: all; none used when the data has none)."""
    text_max_length: int = 64
    """Token budget of each text."""
    text_dropout: float = 0.1
    """Dropout on the text vectors before their maps."""


class TextMF(BiasedMF):
    """BiasedMF with text-shifted factors and biases (module docstring)."""

    config_class = TextMFConfig

    def __init__(self, config: TextMFConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.text_encoder = SentenceEncoder(config.text_model, max_length=config.text_max_length)
        dim = self.text_encoder.dim
        self.register_buffer("user_text", torch.zeros(n_users, dim))
        self.register_buffer("item_text", torch.zeros(n_items, dim))
        self.text_dropout = nn.Dropout(config.text_dropout)
        self.user_map = nn.Linear(dim, config.embedding_dim + 1, bias=False)  # factor shift | bias
        self.item_map = nn.Linear(dim, config.embedding_dim + 1, bias=False)
        for layer in (self.user_map, self.item_map):
            nn.init.zeros_(layer.weight)  # starts as plain BiasedMF

    def use_side_information(self, dataset: Dataset) -> None:
        config: TextMFConfig = self.config  # type: ignore[assignment]
        items = self.text_encoder.encode_fields(item_text_fields(dataset, self.n_items), field_list(config.item_text_fields))
        self.item_text.copy_(torch.from_numpy(items))
        if dataset.user_features:
            values = user_text_fields(dataset, self.n_users)
            users = self.text_encoder.encode_fields(values, field_list(config.user_text_fields))
            self.user_text.copy_(torch.from_numpy(users))

    def _shifted(self, ids: torch.Tensor, factors: nn.Embedding, bias: nn.Embedding, text: torch.Tensor,
                 text_map: nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
        shift = text_map(self.text_dropout(text[ids]))
        return factors(ids) + shift[..., :-1], bias(ids).squeeze(-1) + shift[..., -1]

    def user_vectors(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._shifted(users, self.user_factors, self.user_bias, self.user_text, self.user_map)

    def item_vectors(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._shifted(items, self.item_factors, self.item_bias, self.item_text, self.item_map)
