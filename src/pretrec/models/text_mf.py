"""Biased matrix factorisation whose user and item vectors are shifted by their text.

    p'_u = p_u + A t_u     q'_i = q_i + B t_i     b'_u = b_u + w_u . t_u     b'_i = b_i + w_i . t_i
    r(u, i) = mu + b'_u + b'_i + <p'_u, q'_i>

t_u and t_i are frozen sentence-encoder vectors of the user's features written as text ("age:
24; gender: M; occupation: technician") and of the item's text ("title: Heat; year: 1995;
genres: Action Crime"). The ID parts are penalised as in BiasedMF; the text maps are shared by
all users/items, so an item with few ratings borrows strength from similar texts, and a new
item is rated from its text alone. In the spirit of feature-based factorisation (SVDFeature,
Chen et al. 2012) with text features from a pre-trained language model.

`encoder_tuning="lora"` (or `"full"`) fine-tunes the sentence encoder on the item texts with the
model: the texts are tokenised once, and training batches hold every training pair of a few
items (`items_per_batch`) so each step encodes only those items' texts. User texts (short
feature strings) stay frozen.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from pretrec.models.biased_mf import (
    BiasedMFConfig,
    add_factors,
    factor_penalty,
    factor_prediction,
    factor_scores,
)
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures, text_width
from pretrec.models.rating_model import RatingModel
from pretrec.sampling.batches import UserBatch
from pretrec.text.encoder import SentenceEncoder
from pretrec.text.side_data import (
    UserItemTextConfig,
)
from pretrec.text.tuning import Tuning, encode_rows, prepare_language_model


@dataclass(frozen=True)
class TextMFConfig(BiasedMFConfig, UserItemTextConfig):
    """BiasedMF's hyper-parameters plus the text encoder and which fields it reads."""

    text_dropout: float = 0.1
    """Dropout on the text vectors before their maps."""
    encoder_tuning: Tuning = "frozen"
    """Item-text encoder: frozen vectors (cached), LoRA adapters through peft, or every weight."""
    lora_rank: int = 8
    """LoRA rank (encoder_tuning="lora")."""
    lora_alpha: float = 16.0
    """LoRA scaling (encoder_tuning="lora")."""
    items_per_batch: int = 64
    """With a tuned encoder: items whose training pairs make one batch (their texts are encoded
    once per step)."""


class TextMF(RatingModel):
    """BiasedMF with text-shifted factors and biases (module docstring)."""

    config_class = TextMFConfig
    config: TextMFConfig

    @classmethod
    def feature_request(cls, config: TextMFConfig) -> FeatureRequest:
        return FeatureRequest(text_model=config.text_model, text_max_length=config.text_max_length,
                              item_text_fields=config.item_text_fields,
                              user_text_fields=config.user_text_fields,
                              item_tokens=config.encoder_tuning != "frozen")

    def __init__(self, config: TextMFConfig, n_users: int, n_items: int, binary: bool = False,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items, binary)
        add_factors(self, n_users, n_items, config.embedding_dim, config.init_std)
        self.tuned = config.encoder_tuning != "frozen"
        # a tuned encoder is part of the model (optimiser, checkpoint); frozen text is features
        self.text_encoder = (SentenceEncoder(config.text_model, max_length=config.text_max_length)
                             if self.tuned else None)
        dim = text_width(features, config.text_model)
        self.register_buffer("user_text", torch.zeros(n_users, dim))
        self.register_buffer("item_text", torch.zeros(n_items, dim))
        for name in ("user_text", "item_text"):
            if getattr(features, name) is not None:
                getattr(self, name).copy_(getattr(features, name))
        self.text_dropout = nn.Dropout(config.text_dropout)
        self.user_map = nn.Linear(dim, config.embedding_dim + 1, bias=False)  # factor shift | bias
        self.item_map = nn.Linear(dim, config.embedding_dim + 1, bias=False)
        for layer in (self.user_map, self.item_map):
            nn.init.zeros_(layer.weight)  # starts as plain BiasedMF
        if self.text_encoder is not None:
            self.language_model = prepare_language_model(self.text_encoder.model,
                                                         config.encoder_tuning, config.lora_rank,
                                                         config.lora_alpha)
            self.register_buffer("item_tokens",
                                 torch.zeros(n_items, config.text_max_length, dtype=torch.long))
            self.register_buffer("item_token_mask",
                                 torch.zeros(n_items, config.text_max_length, dtype=torch.long))
            self.register_buffer("item_has_text", torch.zeros(n_items, dtype=torch.bool))
            if features.item_tokens is not None and features.item_has_text is not None:
                self.item_tokens.copy_(features.item_tokens["input_ids"])
                self.item_token_mask.copy_(features.item_tokens["attention_mask"])
                self.item_has_text.copy_(features.item_has_text)

    def _shifted(self, ids: torch.Tensor, factors: nn.Embedding, bias: nn.Embedding,
                 text: torch.Tensor, text_map: nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
        shift = text_map(self.text_dropout(text))
        return factors(ids) + shift[..., :-1], bias(ids).squeeze(-1) + shift[..., -1]

    def item_text_vectors(self, items: torch.Tensor) -> torch.Tensor:
        if self.text_encoder is None:
            return self.item_text[items]
        table = {"input_ids": self.item_tokens, "attention_mask": self.item_token_mask}
        return (encode_rows(self.text_encoder, table, items)
                * self.item_has_text[items].unsqueeze(-1))

    def user_vectors(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._shifted(users, self.user_factors, self.user_bias, self.user_text[users],
                             self.user_map)

    def item_vectors(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._shifted(items, self.item_factors, self.item_bias,
                             self.item_text_vectors(items), self.item_map)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return factor_prediction(self, users, items)

    def penalty(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return factor_penalty(self, users, items)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return factor_scores(self, batch)
