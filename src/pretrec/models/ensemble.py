"""Score ensemble: several trained checkpoints of one catalogue, their scores averaged per user.

Models trained from different seeds (or different models) err differently; averaging their
per-user score distributions ranks more steadily than any one of them. Members are saved run
checkpoints (`runs/NAME/checkpoint`) whose item vocabulary is the dataset's: a model trained on
another catalogue joins after `pretrec finetune --strategy zero_shot` has mapped it onto this one.
Nothing is trained; the ensemble is evaluated like any model:

    pretrec run --model ensemble --dataset ../shared/data/text/ml-100k \
        --set members=runs/zs-s0/checkpoint,runs/zs-s1/checkpoint,runs/zs-s2/checkpoint

Scores are made comparable before averaging: "softmax" turns each member's scores into a
probability over items (the natural scale of models trained with full-softmax cross-entropy);
"zscore" standardises each user's scores (any model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

import torch

from pretrec.config import Config
from pretrec.data.interactions import Interactions
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.models.base import Recommender
from pretrec.sampling.batches import UserBatch


@dataclass(frozen=True)
class EnsembleConfig(Config):
    """Which checkpoints to average, with which weights, on which scale."""

    members: str = ""
    """Comma-separated run checkpoint folders, all trained on (or mapped onto) this dataset's
    items."""
    weights: str = ""
    """Comma-separated member weights (empty: equal); normalised to sum to 1."""
    combine: Literal["softmax", "zscore"] = "softmax"
    """Per-user scale made common before averaging: probabilities over items, or standardised
    scores."""

    def member_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.members.split(",") if p.strip()]

    def member_weights(self, n: int) -> torch.Tensor:
        """(n,) weights summing to 1; a wrong count or a non-positive sum is a `ConfigError`."""
        if not self.weights.strip():
            return torch.full((n,), 1.0 / n)
        try:
            values = torch.tensor([float(w) for w in self.weights.split(",")])
        except ValueError as error:
            raise ConfigError(f"weights must be numbers, got {self.weights!r}") from error
        if len(values) != n or (values < 0).any() or values.sum() <= 0:
            raise ConfigError(f"weights {self.weights!r}: need {n} non-negative numbers with a "
                              f"positive sum")
        return values / values.sum()


def combine_scores(scores: list[torch.Tensor], weights: torch.Tensor,
                   combine: str = "softmax") -> torch.Tensor:
    """Weighted mean of (users, items) score matrices after putting each on a common per-user
    scale."""
    floats = [s.float() for s in scores]
    if combine == "softmax":
        scaled = [torch.softmax(s, dim=-1) for s in floats]
    elif combine == "zscore":
        scaled = [(s - s.mean(-1, keepdim=True)) / s.std(-1, keepdim=True).clamp_min(1e-12)
                  for s in floats]
    else:
        raise ConfigError(f"combine must be 'softmax' or 'zscore', got {combine!r}")
    return sum(w * s for w, s in zip(weights.tolist(), scaled, strict=True))


class Ensemble(Recommender):
    """Averages the scores of saved checkpoints; see the module docstring."""

    config_class = EnsembleConfig

    def __init__(self, config: EnsembleConfig, n_users: int, n_items: int):
        super().__init__(config, n_users, n_items)
        self.config: EnsembleConfig = config
        if not config.member_paths():
            raise ConfigError("an ensemble needs members: --set members=CHECKPOINT,CHECKPOINT,...")
        self.members: list[Recommender] = []
        self.member_items: list[Vocab | None] = []
        self.weights = config.member_weights(len(config.member_paths()))

    def attach(self, members: Sequence[tuple[Recommender, Vocab | None]],
               item_vocab: Vocab | None = None) -> None:
        """Take the loaded members, in the order of `config.members`, with their item vocabularies
        (`pretrec.checkpoint.build_model` loads them); each must score the items of `item_vocab`
        (the dataset's, when known)."""
        for path, (model, items) in zip(self.config.member_paths(), members, strict=True):
            if model.n_items != self.n_items:
                raise ConfigError(f"ensemble member {path} scores {model.n_items} items, "
                                  f"the dataset has {self.n_items}")
            if item_vocab is not None and items is not None and items != item_vocab:
                raise ConfigError(f"ensemble member {path} was trained on another item catalogue; "
                                  f"map it onto this dataset first "
                                  f"(pretrec finetune --strategy zero_shot or full)")
            if isinstance(model, torch.nn.Module):
                model.eval()
        self.members = [model for model, _ in members]
        self.member_items = [items for _, items in members]

    def fit(self, train: Interactions) -> Self:
        return self  # members are trained already

    def score(self, batch: UserBatch) -> torch.Tensor:
        if not self.members:
            raise ConfigError("the ensemble has no members attached "
                              "(pretrec.checkpoint.build_model loads them)")
        with torch.inference_mode():
            scores = [member.score(batch) for member in self.members]
        return combine_scores(scores, self.weights, self.config.combine)

    def state(self) -> dict[str, torch.Tensor]:
        return {}  # the members' own checkpoints hold the weights; the config names them

    def load_state(self, state: dict[str, torch.Tensor]) -> None:
        return None
