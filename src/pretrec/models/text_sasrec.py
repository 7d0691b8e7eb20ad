"""SASRec reading items through their text: the transferable, cold-start-ready sequence model.

Each item's text (assembled from its side-data fields, e.g. "title: Heat; year: 1995; genres:
Action") is encoded once by a frozen BERT-family sentence encoder (the packaged
all-MiniLM-L6-v2 by default); an adaptor maps it to the model width, optionally summed with a
learned ID embedding (`pretrec.nn.item_tower`). The sequence encoder and next-item loss are
SASRec's. With `fusion="text"` nothing in the model is tied to an item id, so items unseen in
training (and other catalogues) are scored from their text alone.

After UniSRec (Hou et al., KDD 2022): MoE adaptor with parametric whitening over frozen text
embeddings, SASRec-style encoder; here trained with the same full-softmax next-item loss as
pretrec's SASRec (`pretrec.tasks.next_item`; with `contrastive_weight` the dropout-views task of
`pretrec.tasks.contrastive`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

import pretrec.models.next_item as next_item
from pretrec.models.base import NeuralRecommender
from pretrec.models.contrastive import ContrastiveFields
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.nn.item_tower import ItemTower
from pretrec.nn.sequence_encoder import ItemSequenceEncoder, TransformerSequenceConfig
from pretrec.sampling.batches import UserBatch
from pretrec.text.encoder import text_dimension
from pretrec.text.model_folder import PACKAGED
from pretrec.text.side_data import field_list


@dataclass(frozen=True)
class TextSASRecConfig(ContrastiveFields, TransformerSequenceConfig):
    """SASRec's hyper-parameters, how items are read from text, and an optional
    sequence-sequence contrastive term between two dropout views (0 = off)."""

    contrastive_weight: float = 0.0
    """Weight of InfoNCE between two dropout views of each sequence (UniSRec's sequence-sequence
    objective; the text dropout makes the views read their items differently). 0 turns it off."""
    temperature: float = 0.2
    """InfoNCE temperature."""
    similarity: Literal["dot", "cosine"] = "cosine"
    """Similarity of two representations in InfoNCE."""
    text_views: int = 0
    """Augmented texts encoded per item (token dropout, span deletion, insertion, field shuffle at
    rate `text_view_rate`); in training each item occurrence reads its text or one of them."""
    text_view_rate: float = 0.2
    """Strength of the text augmentations that make `text_views`."""
    softmax_trained_items_only: bool = True
    """Leave items without training interactions out of the training softmax: a new item is
    not a negative for histories from before it existed, so its text is not pushed down."""

    score_similarity: Literal["dot", "cosine"] = "dot"
    """Next-item score of an item: dot product of sequence state and item vector, or their cosine
    over `score_temperature` (UniSRec). Cosine takes vector norm, which grows with training
    frequency, out of the ranking: new items compete on direction alone."""
    score_temperature: float = 0.07
    """Temperature of cosine scores (UniSRec's 0.07)."""

    text_model: str = PACKAGED
    """Sentence encoder: the packaged all-MiniLM-L6-v2 or a local Hugging Face model folder."""
    text_fields: str = ""
    """Comma-separated item text fields in order (empty: every field the dataset has)."""
    text_max_length: int = 64
    """Token budget of an item's text."""
    fusion: Literal["text", "id", "text+id"] = "text+id"
    """Item vector: adapted text, a learned ID embedding, or their sum."""
    adaptor: Literal["linear", "moe"] = "moe"
    """Text adaptor: linear, or UniSRec's mixture of parametric-whitening experts."""
    n_experts: int = 8
    """Experts of the moe adaptor."""
    id_dropout: float = 0.0
    """With fusion "text+id": the chance, in training, that an item's ID vector is dropped, so
    the model also learns to score items from text alone (new items have only text)."""
    text_dropout: float = 0.2
    """Dropout on the frozen text features before the adaptor."""

    def __post_init__(self) -> None:
        if self.score_temperature <= 0:
            raise ValueError(f"score_temperature must be > 0, got {self.score_temperature}")

    def fields(self) -> list[str] | None:
        return field_list(self.text_fields)


class TextSASRec(NeuralRecommender):
    """SASRec over an ItemTower of frozen text embeddings (+ IDs); see the module docstring."""

    config_class = TextSASRecConfig
    ranks_new_items = True  # through the item's text

    @classmethod
    def feature_request(cls, config: TextSASRecConfig) -> FeatureRequest:
        return FeatureRequest(text_model=config.text_model, text_max_length=config.text_max_length,
                              item_text_fields=config.text_fields,
                              item_text_views=config.text_views,
                              item_text_view_rate=config.text_view_rate)

    def __init__(self, config: TextSASRecConfig, n_users: int, n_items: int,
                 features: SideFeatures = NO_FEATURES):
        text = features.item_text
        dim = text.shape[1] if text is not None else text_dimension(config.text_model)
        tower = ItemTower(n_items + 1, n_items, config.hidden_size, dim,
                          config.fusion, config.adaptor, config.text_dropout, config.n_experts,
                          config.id_dropout)
        super().__init__(config, n_users, n_items)
        self.config: TextSASRecConfig = config
        self.sequence_encoder = ItemSequenceEncoder(n_items + 1, config, tower)
        if text is not None:  # frozen features (a checkpoint's state fills them otherwise)
            tower.set_text_features(text)
        if features.item_text_views is not None:
            tower.set_text_variants(features.item_text_views)

    @property
    def cosine_temperature(self) -> float | None:
        """Cosine scores over `score_temperature` when the config asks for them, else None."""
        return self.config.score_temperature if self.config.score_similarity == "cosine" else None

    @property
    def tower(self) -> ItemTower:
        return self.sequence_encoder.item_embedding

    @property
    def item_embedding(self) -> ItemTower:
        return self.sequence_encoder.item_embedding

    def encode(self, inputs: torch.Tensor) -> torch.Tensor:
        """(B, L) right-aligned 1-based item ids -> (B, L, H) states."""
        return self.sequence_encoder(inputs, causal=True)

    def score(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_scores(self, batch)

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        return next_item.last_state_queries(self, batch)

    def retrieval_items(self) -> torch.Tensor:
        return next_item.scoring_items(self)
