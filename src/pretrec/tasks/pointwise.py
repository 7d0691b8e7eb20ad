"""Rating regression and click classification on (user, item, label) rows: squared error on
ratings, or binary cross-entropy on logits for 0/1 labels, plus an L2 penalty on the factors and
biases a batch touches (the model's `penalty(users, items)`).

Batches are shuffled training rows; a model that encodes item text per step (a tuned encoder)
takes batches holding every row of a few items instead, so each step encodes few texts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.errors import DataError
from pretrec.sampling.batches import RatingBatch
from pretrec.tasks.base import Task


def rating_batches(train: Interactions, batch_size: int,
                   rng: np.random.Generator) -> Iterator[RatingBatch]:
    """Shuffled (user, item, rating) minibatches of every training row."""
    order = rng.permutation(len(train))
    users = torch.from_numpy(train.users[order])
    items = torch.from_numpy(train.items[order])
    ratings = torch.from_numpy(train.weights[order])
    for start in range(0, len(order), batch_size):
        stop = start + batch_size
        yield RatingBatch(users[start:stop], items[start:stop], ratings[start:stop])


def item_grouped_batches(train: Interactions, items_per_batch: int,
                         rng: np.random.Generator) -> Iterator[RatingBatch]:
    """Batches holding every training row of `items_per_batch` random items (rows shuffled
    within): a model that encodes item text per step encodes few texts per batch."""
    items = np.unique(train.items)
    groups = np.empty(train.n_items, dtype=np.int64)
    groups[items[rng.permutation(len(items))]] = np.arange(len(items)) // items_per_batch
    order = np.lexsort((rng.random(len(train)), groups[train.items]))
    bounds = np.searchsorted(groups[train.items][order], np.arange(groups[items].max() + 2))
    users, item_ids, ratings = (torch.from_numpy(a[order])
                                for a in (train.users, train.items, train.weights))
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if stop > start:
            yield RatingBatch(users[start:stop], item_ids[start:stop], ratings[start:stop])


def check_labels(train: Interactions, binary: bool) -> None:
    """DataError unless `train` has ratings (or, for a click task, 0/1 labels) as weights."""
    if train.weights is None:
        raise DataError("a rating model needs ratings: this data has no rating column")
    if binary and not np.isin(train.weights, (0.0, 1.0)).all():
        raise DataError("a click model needs 0/1 labels as weights")


class PointwiseTask(Task):
    """Squared error (ratings) or binary cross-entropy (clicks) plus the batch's L2 penalty."""

    def __init__(self, train: Interactions, binary: bool, l2: float, items_per_batch: int = 0):
        check_labels(train, binary)
        self.train, self.binary, self.l2, self.items_per_batch = train, binary, l2, items_per_batch

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[RatingBatch]:
        if self.items_per_batch:
            return item_grouped_batches(self.train, self.items_per_batch, rng)
        return rating_batches(self.train, batch_size, rng)

    def n_batches(self, batch_size: int) -> int:
        if self.items_per_batch:
            return -(-len(np.unique(self.train.items)) // self.items_per_batch)
        return -(-len(self.train) // batch_size)

    def loss(self, model: Any, batch: RatingBatch) -> dict[str, torch.Tensor]:
        predicted = model.predict_tensor(batch.users, batch.items)
        if self.binary:
            error = torch.nn.functional.binary_cross_entropy_with_logits(predicted, batch.ratings)
        else:
            error = torch.mean((predicted - batch.ratings) ** 2)
        penalty = model.penalty(batch.users, batch.items)
        return {"bce" if self.binary else "mse": error, "l2": self.l2 * penalty / len(batch.users)}
