"""The pipeline's encoding step: a model's `FeatureRequest` fulfilled from a dataset, before the
model is built (text vectors by the cached sentence encoder, token tables, attribute lists)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from pretrec.data.interactions import Dataset
from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.errors import DataError
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
    graph = knowledge_graph(dataset, n_items) if request.knowledge_graph else None
    return SideFeatures(item_text, item_text_views, user_text, tokens, has_text, attributes, graph)


def knowledge_graph(dataset: Dataset, n_items: int) -> KnowledgeGraph:
    """The dataset's knowledge graph, else its item -> attribute graph; an error without either."""
    graph = dataset.knowledge_graph
    if graph is None and dataset.item_side is not None and dataset.item_side.attributes:
        attributes = dataset.item_side.attributes
        n_attributes = 1 + max((int(a.max()) for a in attributes if len(a)), default=-1)
        graph = KnowledgeGraph.from_item_attributes(attributes, n_attributes)
    if graph is None:
        raise DataError(f"dataset '{dataset.name}' has no knowledge graph: load a kg folder "
                        f"(--format kg) or give item attributes (--item-attributes FILE)")
    if graph.n_items != n_items:
        raise DataError(f"the knowledge graph links {graph.n_items} items, the model has "
                        f"{n_items}")
    return graph


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
