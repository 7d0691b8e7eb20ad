"""The model contract every recommender follows, so one evaluator and one training loop serve all.

A model is built from ``(config, n_users, n_items)`` and, when its `feature_request(config)` asks
for side data, the tensors computed from it before it is built (`features=`, see
`pretrec.models.features`); it never holds the dataset.
- `score(batch)` returns a float tensor (B, n_items): higher is better, finite everywhere.
- `state()` / `load_state()` expose learned tensors for safetensors checkpoints.
Closed-form models derive from `Recommender` and learn in `fit(train) -> self`. Neural models
derive from `NeuralRecommender`: they compute (encode, score, and the forward pieces a task
needs) and never train themselves; a task (`pretrec.tasks`) turns their outputs into losses and
the one loop (`pretrec.train.loop`) optimises them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Protocol, runtime_checkable

import torch
from torch import nn

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.models.features import FeatureRequest
from pretrec.sampling.batches import UserBatch


class Recommender(ABC):
    """Base of every model; see the module docstring for the contract."""

    config_class: ClassVar[type[Config]]
    scores_user_ids: ClassVar[bool] = False
    """The model scores from the user's id (learned per-user parameters), not only from the
    history: it cannot serve a user it was not trained on."""
    ranks_new_items: ClassVar[bool] = False
    """The model can rank an item that had no training event (from its text, or from the
    events `observe` shows it); otherwise such an item has no learned representation."""

    def __init__(self, config: Config, n_users: int, n_items: int):
        self.config = config
        self.n_users = int(n_users)
        self.n_items = int(n_items)

    @abstractmethod
    def score(self, batch: UserBatch) -> torch.Tensor:
        """float (len(batch), n_items) scores for the batch's users given their history."""

    @classmethod
    def feature_request(cls, config: Config) -> FeatureRequest:
        """The side features the model reads (item text vectors, user text, ...); none by
        default."""
        return FeatureRequest()

    def observe(self, interactions: Interactions) -> None:
        """Events known after training (an inductive split's shown events, live events) that
        the model may use when scoring, without retraining. Most models ignore them."""
        return None

    @abstractmethod
    def state(self) -> dict[str, torch.Tensor]:
        """Learned tensors by name (what a checkpoint stores)."""

    @abstractmethod
    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        """Restore tensors produced by `state`."""


class NeuralRecommender(nn.Module, Recommender):
    """A torch model trained by the one training loop under a task."""

    def __init__(self, config: Config, n_users: int, n_items: int):
        nn.Module.__init__(self)
        Recommender.__init__(self, config, n_users, n_items)

    def prepare(self, train: Interactions) -> None:
        """Keep the statistics of the training data the model computes with (a global mean, an
        input matrix) before the first epoch; most models need none."""
        return None

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def state(self) -> dict[str, torch.Tensor]:
        return {name: tensor.detach().cpu() for name, tensor in self.state_dict().items()}

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        self.load_state_dict(state)


@runtime_checkable
class InnerProductScorer(Protocol):
    """A model whose scores are inner products:
    `score(batch) == retrieval_queries(batch) @ retrieval_items().T`. An item index
    (`pretrec.serve.index`) searches `retrieval_items()` with the queries instead of scoring
    every item; the contract suite checks the identity for every model that has both."""

    def retrieval_queries(self, batch: UserBatch) -> torch.Tensor:
        """(B, d) query vectors of the batch's users."""
        ...

    def retrieval_items(self) -> torch.Tensor:
        """(n_items, d) item vectors, row i being item i."""
        ...
