"""The task contract the training loop relies on."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from pretrec.sampling.batches import TensorBatch


class Task(ABC):
    """An objective and its batches, built once from the training split.

    - `batches(batch_size, rng)`: one epoch of batches (CPU tensors; the loop moves them).
    - `loss(model, batch)`: named scalar losses; the loop minimises their sum and logs each.
    - `modules()`: training-only heads (e.g. S3-Rec's attribute heads) that the loop optimises
      with the model; they are not part of the model and not checkpointed.
    """

    @abstractmethod
    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[TensorBatch]:
        """One epoch of training batches."""

    @abstractmethod
    def loss(self, model: Any, batch: Any) -> dict[str, torch.Tensor]:
        """Named scalar losses of `model` on `batch`."""

    def n_batches(self, batch_size: int) -> int | None:
        """Batches in one epoch, when known in advance (a progress bar's total); else None."""
        return None

    def modules(self) -> list[nn.Module]:
        """Training-only modules optimised alongside the model (none by default)."""
        return []
