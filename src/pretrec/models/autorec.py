"""I-AutoRec: an item-based autoencoder over the rating matrix (Sedhain et al., WWW 2015),
optionally reading user and item text.

Each item is the vector of its training ratings by every user (0 where unrated). The encoder
maps it to a hidden code, the decoder back to one rating per user; only observed ratings count
in the squared error, and an L2 penalty covers both weight matrices:

    h_i = sigmoid(V^T r_i + A t_i + c)          r(u, i) = <W_u + B t_u, h_i> + b_u

With text (`TextAutoRec`), t_i is the frozen sentence-encoder vector of the item's text and t_u
that of the user's features written as text: an item with few ratings is encoded from its text
as well, and the decoder's per-user weights W_u (ID parameters) get a shift shared across users
with similar profiles. Without text, A and B are absent and this is plain I-AutoRec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures, text_width
from pretrec.models.rating_model import RatingModel
from pretrec.sampling.batches import UserBatch
from pretrec.text.side_data import (
    UserItemTextConfig,
)


@dataclass(frozen=True)
class AutoRecConfig(Config):
    """Hyper-parameters of I-AutoRec."""

    hidden_size: int = 500
    """Width of the item code."""
    l2: float = 1.0
    """L2 penalty on the encoder and decoder weights, relative to the batch's squared error sum."""
    input_dropout: float = 0.0
    """Dropout on the input ratings (a denoising autoencoder when > 0)."""
    init_std: float = 0.03
    """Standard deviation of the normal initialisation of the weights."""


def add_autorec_layers(model: nn.Module, n_users: int, n_items: int, config: AutoRecConfig) -> None:
    """Register I-AutoRec's encoder V, per-user decoder rows W_u and biases, input dropout and
    the training-rating buffers on `model`."""
    model.encoder = nn.Linear(n_users, config.hidden_size)
    model.decoder = nn.Embedding(n_users, config.hidden_size)  # W_u: one row per user
    model.user_bias = nn.Embedding(n_users, 1)
    nn.init.normal_(model.encoder.weight, std=config.init_std)
    nn.init.zeros_(model.encoder.bias)
    nn.init.normal_(model.decoder.weight, std=config.init_std)
    nn.init.zeros_(model.user_bias.weight)
    model.input_dropout = nn.Dropout(config.input_dropout)
    # the training ratings are the model's input at prediction time too: kept as buffers
    model.register_buffer("ratings", torch.zeros(n_items, n_users))
    model.register_buffer("observed", torch.zeros(n_items, n_users, dtype=torch.bool))


def keep_ratings(model: Any, train: Interactions) -> None:
    """Copy the training ratings (and which are observed) into the model's buffers."""
    ratings = torch.zeros(model.n_items, model.n_users)
    observed = torch.zeros(model.n_items, model.n_users, dtype=torch.bool)
    items, users = torch.from_numpy(train.items), torch.from_numpy(train.users)
    ratings[items, users] = torch.from_numpy(train.weights)  # a repeated pair keeps its latest row
    observed[items, users] = True
    model.ratings.copy_(ratings.to(model.ratings.device))
    model.observed.copy_(observed.to(model.observed.device))


def reconstruct(model: Any, items: torch.Tensor) -> torch.Tensor:
    """(B, n_users) predicted ratings of every user for `items` (B,), unclipped."""
    users = torch.arange(model.n_users, device=items.device)
    return model.item_code(items) @ model.decoder_rows(users).T + model.user_bias.weight.T  # (B, U)


def pair_prediction(model: Any, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """(B,) predicted ratings of (users[b], items[b]), unclipped."""
    code = model.item_code(items)
    return (code * model.decoder_rows(users)).sum(-1) + model.user_bias(users).squeeze(-1)


def autorec_scores(model: Any, batch: UserBatch) -> torch.Tensor:
    """(B, n_items) clipped predictions of every item for the batch's users."""
    users = batch.user_tensor(model.device)
    codes = model.item_code(torch.arange(model.n_items, device=model.device))
    return model.clipped(model.decoder_rows(users) @ codes.T + model.user_bias(users))


class AutoRec(RatingModel):
    """Item-based autoencoder over the training rating matrix (module docstring)."""

    config_class = AutoRecConfig
    config: AutoRecConfig

    def __init__(self, config: AutoRecConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        add_autorec_layers(self, n_users, n_items, config)

    def prepare(self, train: Interactions) -> None:
        super().prepare(train)
        keep_ratings(self, train)

    def item_code(self, items: torch.Tensor) -> torch.Tensor:
        """(B, hidden) code of items from their training ratings."""
        return torch.sigmoid(self.encoder(self.input_dropout(self.ratings[items])))

    def decoder_rows(self, users: torch.Tensor) -> torch.Tensor:
        return self.decoder(users)

    def reconstruct(self, items: torch.Tensor) -> torch.Tensor:
        return reconstruct(self, items)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return pair_prediction(self, users, items)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return autorec_scores(self, batch)


@dataclass(frozen=True)
class TextAutoRecConfig(AutoRecConfig, UserItemTextConfig):
    """I-AutoRec's hyper-parameters plus the text encoder and fields."""


class TextAutoRec(RatingModel):
    """I-AutoRec whose item code also reads the item's text and whose per-user decoder rows are
    shifted by the user's text (module docstring)."""

    config_class = TextAutoRecConfig
    config: TextAutoRecConfig

    @classmethod
    def feature_request(cls, config: TextAutoRecConfig) -> FeatureRequest:
        return FeatureRequest(text_model=config.text_model, text_max_length=config.text_max_length,
                              item_text_fields=config.item_text_fields,
                              user_text_fields=config.user_text_fields)

    def __init__(self, config: TextAutoRecConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        super().__init__(config, n_users, n_items)
        add_autorec_layers(self, n_users, n_items, config)
        dim = text_width(features, config.text_model)
        self.register_buffer("item_text", torch.zeros(n_items, dim))
        self.register_buffer("user_text", torch.zeros(n_users, dim))
        for name in ("item_text", "user_text"):
            if getattr(features, name) is not None:
                getattr(self, name).copy_(getattr(features, name))
        self.item_text_map = nn.Linear(dim, config.hidden_size, bias=False)
        self.user_text_map = nn.Linear(dim, config.hidden_size, bias=False)
        nn.init.normal_(self.item_text_map.weight, std=config.init_std)
        nn.init.zeros_(self.user_text_map.weight)

    def item_code(self, items: torch.Tensor) -> torch.Tensor:
        ratings = self.input_dropout(self.ratings[items])
        return torch.sigmoid(self.encoder(ratings) + self.item_text_map(self.item_text[items]))

    def decoder_rows(self, users: torch.Tensor) -> torch.Tensor:
        return self.decoder(users) + self.user_text_map(self.user_text[users])

    def prepare(self, train: Interactions) -> None:
        super().prepare(train)
        keep_ratings(self, train)

    def reconstruct(self, items: torch.Tensor) -> torch.Tensor:
        return reconstruct(self, items)

    def predict_tensor(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return pair_prediction(self, users, items)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return autorec_scores(self, batch)
