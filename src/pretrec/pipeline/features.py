"""The pipeline's encoding step: a model's `FeatureRequest` fulfilled from a dataset, before the
model is built (text vectors by the cached sentence encoder, token tables, attribute lists)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from pretrec.data.interactions import Dataset
from pretrec.models.features import NO_FEATURES, FeatureRequest, SideFeatures
from pretrec.text.assemble import assemble_text
from pretrec.text.augment import TextAugmentation, TextAugmenter
from pretrec.text.encoder import DEFAULT_CACHE, SentenceEncoder
from pretrec.text.side_data import field_list, item_text_fields, user_text_fields
from pretrec.text.tuning import token_table


def compute_features(request: FeatureRequest, dataset: Dataset, n_users: int | None = None,
                     n_items: int | None = None,
                     cache_dir: str | Path | None = DEFAULT_CACHE) -> SideFeatures:
    """The features `request` asks for, from `dataset` (whose users and items the model's are:
    `n_users` and `n_items` are checked against it). `cache_dir=None` turns the embedding cache
    off."""
    if request.is_empty():
        return NO_FEATURES
    n_users = dataset.n_users if n_users is None else n_users
    n_items = dataset.n_items if n_items is None else n_items
    encoder = None
    if request.text_model:
        encoder = SentenceEncoder(request.text_model, max_length=request.text_max_length,
                                  cache_dir=cache_dir)
    item_text = item_text_views = user_text = tokens = has_text = None
    if request.item_text_fields is not None and encoder is not None:
        values, fields = item_text_fields(dataset, n_items), field_list(request.item_text_fields)
        if request.item_tokens:
            texts = assemble_text(values, fields)
            tokens = token_table(encoder, list(texts), pad_to=request.text_max_length)
            has_text = torch.from_numpy(texts != "")
        else:
            vectors = encoder.encode_fields(values, fields)
            item_text = torch.from_numpy(vectors)
            if request.item_text_views:
                item_text_views = torch.from_numpy(text_views(encoder, values, fields, vectors,
                                                              request))
    if request.user_text_fields is not None and encoder is not None and dataset.user_features:
        values = user_text_fields(dataset, n_users)
        user_text = torch.from_numpy(
            encoder.encode_fields(values, field_list(request.user_text_fields))
        )
    attributes = None
    if request.item_attributes and dataset.item_side is not None:
        attributes = dataset.item_side.attributes
    return SideFeatures(item_text, item_text_views, user_text, tokens, has_text, attributes)


def text_views(encoder: SentenceEncoder, values: dict[str, np.ndarray], fields: list[str] | None,
               vectors: np.ndarray, request: FeatureRequest) -> np.ndarray:
    """(V, n_items, d) vectors of augmented item texts; items without text stay without."""
    rate = request.item_text_view_rate
    augmenter = TextAugmenter(values, TextAugmentation(rate, rate, rate, shuffle_fields=True),
                              fields, seed=0)
    views = [encoder.encode(augmenter.texts(np.arange(len(vectors))))
             for _ in range(request.item_text_views)]
    for view in views:
        view[vectors.sum(1) == 0] = 0.0
    return np.stack(views)
