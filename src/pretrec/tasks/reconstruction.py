"""I-AutoRec's objective (Sedhain et al., WWW 2015): reconstruct each item's observed ratings from
its code, squared error over observed entries only, with an L2 penalty on the encoder and decoder
weights scaled as the batch's share of all rated items. Batches are random sets of rated items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pretrec.data.interactions import Interactions
from pretrec.sampling.batches import IndexBatch
from pretrec.tasks.base import Task
from pretrec.tasks.pointwise import check_labels


class ReconstructionTask(Task):
    """Masked squared error of `model.reconstruct(items)` against the training ratings."""

    def __init__(self, train: Interactions, l2: float):
        check_labels(train, binary=False)
        self.rated = np.flatnonzero(np.bincount(train.items, minlength=train.n_items) > 0)
        self.l2 = l2

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[IndexBatch]:
        order = self.rated[rng.permutation(len(self.rated))]
        for start in range(0, len(order), batch_size):
            yield IndexBatch(torch.from_numpy(order[start : start + batch_size]))

    def n_batches(self, batch_size: int) -> int:
        return -(-len(self.rated) // batch_size)

    def loss(self, model: Any, batch: IndexBatch) -> dict[str, torch.Tensor]:
        items = batch.index
        predicted = model.reconstruct(items)  # (B, n_users)
        mask = model.observed[items]
        squared = ((predicted - model.ratings[items]) ** 2 * mask).sum()
        n = mask.sum().clamp(min=1)
        penalty = self.l2 / 2 * (model.encoder.weight.pow(2).sum()
                                 + model.decoder.weight.pow(2).sum())
        # per observed rating, with the penalty scaled as the batch's share of all items
        share = len(items) / max(int(model.observed.any(1).sum()), 1)
        return {"mse": squared / n, "l2": penalty * share / n}
