"""The model contract every recommender follows, so one evaluator and one training loop serve all.

A model is built from ``(config, n_users, n_items)`` and never holds the dataset.
- `fit(train, validator=..., seed=...)` learns from training interactions and returns self.
- `score(batch)` returns a float tensor (B, n_items): higher is better, finite everywhere.
- `state()` / `load_state()` expose learned tensors for safetensors checkpoints.
Neural models derive from `NeuralRecommender` and instead provide `train_batches` and
`loss(batch) -> named losses`; their `fit` is the one loop in `pretrec.train.loop`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar, Self

import numpy as np
import torch
from torch import nn

from pretrec.config import Config
from pretrec.data.interactions import Dataset, Interactions
from pretrec.sampling.batches import TensorBatch, UserBatch

if TYPE_CHECKING:
    from pretrec.train.loop import TrainConfig, TrainResult

Validator = Callable[["Recommender"], dict[str, float]]


class Recommender(ABC):
    """Base of every model; see the module docstring for the contract."""

    config_class: ClassVar[type[Config]]
    task: ClassVar[str] = "ranking"
    """"ranking" (top-K from interactions) or "rating" (predicts explicit ratings)."""

    def __init__(self, config: Config, n_users: int, n_items: int):
        self.config = config
        self.n_users = int(n_users)
        self.n_items = int(n_items)
        self.fit_result: TrainResult | None = None

    @abstractmethod
    def fit(
        self,
        train: Interactions,
        validator: Validator | None = None,
        seed: int = 0,
        train_config: TrainConfig | None = None,
    ) -> Self:
        """Learn from `train`; neural models select their best epoch with `validator`."""

    @abstractmethod
    def score(self, batch: UserBatch) -> torch.Tensor:
        """float (len(batch), n_items) scores for the batch's users given their history."""

    def use_side_information(self, dataset: Dataset) -> None:
        """Take what the model needs from the dataset's side data (item attributes, text) before
        `fit`; most models need nothing."""
        return None

    @abstractmethod
    def state(self) -> dict[str, torch.Tensor]:
        """Learned tensors by name (what a checkpoint stores)."""

    @abstractmethod
    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        """Restore tensors produced by `state`."""


class NeuralRecommender(nn.Module, Recommender):
    """A torch model trained by the one training loop."""

    def __init__(self, config: Config, n_users: int, n_items: int):
        nn.Module.__init__(self)
        Recommender.__init__(self, config, n_users, n_items)

    @abstractmethod
    def train_batches(
        self, train: Interactions, batch_size: int, rng: np.random.Generator
    ) -> Iterator[TensorBatch]:
        """One epoch of training batches, built vectorised from `train`."""

    @abstractmethod
    def loss(self, batch: TensorBatch) -> dict[str, torch.Tensor]:
        """Named scalar losses; the loop minimises their sum and logs each."""

    def fit(
        self,
        train: Interactions,
        validator: Validator | None = None,
        seed: int = 0,
        train_config: TrainConfig | None = None,
    ) -> Self:
        from pretrec.train.loop import TrainConfig, train_model

        self.fit_result = train_model(self, train, validator, train_config or TrainConfig(), seed)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def state(self) -> dict[str, torch.Tensor]:
        return {name: tensor.detach().cpu() for name, tensor in self.state_dict().items()}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.load_state_dict(state)
