"""Recommendations from a saved run, in raw ids: for users it was trained on (their saved
history is the context), or for a history of raw item ids (any user, also a new one).

    recommender = Recommender.load("runs/sasrec")
    recommender.recommend(users=["u12"], k=5)            # [[("i40", 3.1), ("i7", 2.9), ...]]
    recommender.recommend(histories=[["i3", "i9"]], k=5)  # a new user, from what they did

Items the user already has are left out unless `exclude_seen=False`. A model that scores from the
user id (MF, AutoRec) cannot serve a history alone; asking it to is a clear error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from pretrec.checkpoint import load_histories, load_model
from pretrec.data.sequences import UserHistories
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError, UnknownId
from pretrec.models.base import Recommender as Model
from pretrec.sampling.batches import UserBatch

Recommendation = list[tuple[str, float]]


@dataclass(frozen=True, eq=False)
class Recommender:
    """A loaded run: its model, vocabularies and the histories of its users."""

    model: Model
    users: Vocab
    items: Vocab
    histories: UserHistories

    @classmethod
    def load(cls, run: str | Path) -> Recommender:
        """From a run folder (or its checkpoint/ folder) that `pretrec run --output` wrote."""
        folder = Path(run).expanduser()
        checkpoint = folder / "checkpoint" if (folder / "checkpoint").is_dir() else folder
        model, users, items = load_model(checkpoint)
        histories = load_histories(checkpoint)
        if users is None or items is None or histories is None:
            raise ConfigError(f"{checkpoint} lacks its vocabularies or user histories (written by "
                              f"pretrec 0.1 runs since the recommend command); run it again")
        return cls(model, users, items, histories)

    def recommend(self, users: Sequence[str] | None = None,
                  histories: Sequence[Sequence[str]] | None = None, k: int = 10,
                  exclude_seen: bool = True) -> list[Recommendation]:
        """The top `k` (raw item id, score) of each user, or of each history of raw item ids."""
        if (users is None) == (histories is None):
            raise ConfigError("give users or histories (not both)")
        if k < 1:
            raise ConfigError(f"k must be >= 1, got {k}")
        if users is not None:
            index = self.users.lookup(np.asarray(users, dtype=object).astype(str))
            unknown = [u for u, i in zip(users, index, strict=True) if i < 0]
            if unknown:
                raise UnknownId(f"unknown user(s) {unknown[:5]}: the run knows {len(self.users)} "
                                f"users; give --history ITEM ... for a new one")
            return self._top(UserBatch(index, self.histories), k, exclude_seen)
        if self.model.scores_user_ids:
            raise ConfigError(f"{type(self.model).__name__} scores from the user id, not the "
                              f"history: ask for a known user (--user)")
        context = self._histories_of(histories or [])
        return self._top(UserBatch(np.arange(context.n_users), context), k, exclude_seen)

    def _histories_of(self, histories: Sequence[Sequence[str]]) -> UserHistories:
        rows = [self.items.lookup(np.asarray(h, dtype=object).astype(str)) for h in histories]
        for history, row in zip(histories, rows, strict=True):
            unknown = [item for item, i in zip(history, row, strict=True) if i < 0]
            if unknown:
                raise UnknownId(f"unknown item(s) {unknown[:5]}: not in the run's catalogue of "
                                f"{len(self.items)} items")
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        items = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
        return UserHistories(offsets, items, len(self.items))

    def _top(self, batch: UserBatch, k: int, exclude_seen: bool) -> list[Recommendation]:
        if isinstance(self.model, torch.nn.Module):
            self.model.eval()
        with torch.inference_mode():
            scores = self.model.score(batch).float().cpu().clone()  # (B, n_items)
            if exclude_seen:
                seen = batch.history.csr(batch.users).tocoo()
                scores[torch.as_tensor(seen.row), torch.as_tensor(seen.col)] = -torch.inf
            top = torch.topk(scores, min(k, scores.shape[1]), dim=1)
        result = []
        for values, indices in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            raw = self.items.raw(np.asarray(indices))
            result.append([(str(i), float(v)) for i, v in zip(raw, values, strict=True)
                           if v != -np.inf])
        return result
