"""The model side of the service, with no HTTP in it: a bundle's model, its item index, the live
catalogue and every user's history (training interactions, then live events), kept in step with
a durable `EventStore`.

    engine = Engine(load_bundle("bundles/sasrec"), SqliteStore("state.sqlite"))
    engine.add_event("u12", "i40")
    engine.recommend([Query.of_user(engine, "u12", k=10)])

`recommend` takes a list of queries and answers them with one model call (the micro-batcher in
`pretrec.serve.batching` gathers concurrent requests into such lists). Models whose score is an
inner product are answered through the FAISS index (`ItemIndex`, exact by default); the others
score the whole catalogue and keep the top k.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from pretrec.data.sequences import UserHistories
from pretrec.errors import ConfigError, UnknownId
from pretrec.models.base import InnerProductScorer
from pretrec.sampling.batches import UserBatch
from pretrec.serve.bundle import Bundle
from pretrec.serve.index import IndexOptions, ItemIndex
from pretrec.serve.store import EventStore

MAX_K = 1000
"""The largest k a request may ask for."""
EXPLAIN_LENGTH = 50
"""Explanations weigh at most this many of the history's latest items (one model row each)."""


@dataclass(frozen=True)
class Query:
    """One recommendation request in item indices: whose context, how many, what to leave out."""

    history: tuple[int, ...]
    user: int = -1  # the training user's index, for models that score from the user id; else -1
    k: int = 10
    exclude: frozenset[int] = field(default_factory=frozenset)


class Engine:
    """A bundle served: recommendations, live events, new items, similar items, explanations."""

    def __init__(self, bundle: Bundle, store: EventStore, index_kind: str = "exact",
                 index_options: IndexOptions | None = None):
        recommender = bundle.recommender
        self.bundle, self.store, self.model = bundle, store, recommender.model
        if isinstance(self.model, torch.nn.Module):
            self.model.eval()
        self.n_model_items = len(recommender.items)
        self.item_ids: list[str] = [str(i) for i in recommender.items.raw(
            np.arange(self.n_model_items))]
        self.item_of = {item: i for i, item in enumerate(self.item_ids)}
        self._users, self._histories = recommender.users, recommender.histories
        self._live: dict[str, list[int]] = {}
        self._new_vectors: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()  # guards the catalogue and histories, not the model
        vectors = bundle.item_vectors
        use_index = vectors is not None and isinstance(self.model, InnerProductScorer)
        self.index = ItemIndex.build(vectors, index_kind, index_options) if use_index else None
        store.check_bundle(bundle.manifest["files"]["model.safetensors"]["sha256"])
        for stored in store.items():
            self._add_item(stored.item_id, stored.vector)
        for event in store.events():
            self._append(event.user_id, self.item_of[event.item_id])

    # ----- state -----

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def knows_user(self, user_id: str) -> bool:
        return user_id in self._live or self._training_user(user_id) >= 0

    def history(self, user_id: str) -> list[int]:
        """The user's items in order: training interactions, then live events."""
        with self._lock:
            trained = self._training_user(user_id)
            if trained < 0 and user_id not in self._live:
                raise UnknownId(f"unknown user_id {user_id!r}: not in the bundle's "
                                f"{len(self._users)} users and no event recorded for it")
            start, end = ((self._histories.offsets[trained], self._histories.offsets[trained + 1])
                          if trained >= 0 else (0, 0))
            return [int(i) for i in self._histories.items[start:end]] + self._live.get(user_id, [])

    def item_index(self, item_id: str) -> int:
        index = self.item_of.get(item_id)
        if index is None:
            raise UnknownId(f"unknown item_id {item_id!r}: not in the catalogue of "
                            f"{self.n_items} items")
        return index

    def add_event(self, user_id: str, item_id: str, timestamp: float | None = None) -> int:
        """Record an interaction (durable when this returns); a new user_id is created."""
        item = self.item_index(item_id)
        seq = self.store.append_event(user_id, item_id, timestamp)
        self._append(user_id, item)
        return seq

    def add_item(self, item_id: str, text: dict[str, object]) -> int:
        """Add an item to the catalogue, embedded from its text by models that can."""
        if item_id in self.item_of:
            raise ConfigError(f"item_id {item_id!r} is already in the catalogue")
        embed = getattr(self.model, "embed_new_items", None)
        if embed is None or self.index is None:
            raise ConfigError(f"{type(self.model).__name__} cannot embed an item from its text; "
                              f"serve a text model (text_sasrec) to add items at run time")
        vector = np.asarray(embed([text]), dtype=np.float32)[0]
        self.store.add_item(item_id, text, vector)
        return self._add_item(item_id, vector)

    def _add_item(self, item_id: str, vector: np.ndarray | None) -> int:
        with self._lock:
            if self.index is not None and vector is not None:
                self.index.add(vector[None, :])
                self._new_vectors[len(self.item_ids)] = vector
            self.item_of[item_id] = len(self.item_ids)
            self.item_ids.append(item_id)
            return self.item_of[item_id]

    def _append(self, user_id: str, item: int) -> None:
        with self._lock:
            self._live.setdefault(user_id, []).append(item)

    def _training_user(self, user_id: str) -> int:
        return int(self._users.lookup(np.asarray([user_id], dtype=object))[0])

    # ----- queries -----

    def query(self, user_id: str | None = None, history: Sequence[str] | None = None,
              k: int = 10, exclude_seen: bool = True, exclude: Sequence[str] = ()) -> Query:
        """A `Query` from raw ids, every id checked (unknown ones raise `UnknownId`)."""
        if (user_id is None) == (history is None):
            raise ConfigError("give user_id or history (not both)")
        if not 1 <= k <= MAX_K:
            raise ConfigError(f"k must be between 1 and {MAX_K}, got {k}")
        items = self.history(user_id) if user_id is not None else [
            self.item_index(i) for i in history or []]
        user = self._training_user(user_id) if user_id is not None else -1
        if self.model.scores_user_ids and user < 0:
            raise ConfigError(f"{type(self.model).__name__} scores from the user id: it serves "
                              f"only the {len(self._users)} users it was trained on")
        banned = {self.item_index(i) for i in exclude}
        if exclude_seen:
            banned.update(items)
        return Query(tuple(items), user, k, frozenset(banned))

    def recommend(self, queries: Sequence[Query]) -> list[list[tuple[str, float]]]:
        """Each query's top k (item_id, score), best first, in one model call."""
        if not queries:
            return []
        widest = max(q.k for q in queries)
        exclude = [sorted(q.exclude) for q in queries]
        with torch.inference_mode():
            batch = self._batch([q.history for q in queries], [q.user for q in queries])
            if self.index is not None:
                queries_vectors = self.model.retrieval_queries(batch).float().cpu().numpy()
                scores, items = self.index.search(queries_vectors, widest, exclude)
            else:
                scores, items = self._full_top(batch, widest, exclude)
        return [[(self.item_ids[i], float(s)) for s, i in zip(row_s[:q.k], row_i[:q.k],
                                                                 strict=True) if i >= 0]
                for q, row_s, row_i in zip(queries, scores, items, strict=True)]

    def similar(self, item_id: str, k: int = 10) -> list[tuple[str, float]]:
        """Items closest to `item_id`: by inner product of item vectors for models that have
        them, else the model's recommendations for a history of that one item."""
        item = self.item_index(item_id)
        if not 1 <= k <= MAX_K:
            raise ConfigError(f"k must be between 1 and {MAX_K}, got {k}")
        if self.index is None:
            return self.recommend([Query((item,), -1, k, frozenset([item]))])[0]
        vector = self._item_vector(item)
        scores, items = self.index.search(vector[None, :], k, [[item]])
        return [(self.item_ids[i], float(s)) for s, i in zip(scores[0], items[0], strict=True)
                if i >= 0]

    def explain(self, query: Query, item_id: str) -> tuple[float, list[tuple[str, float]]]:
        """The item's score for the query and, for each of the latest `EXPLAIN_LENGTH` history
        items, how much the score falls when that one item is left out of the history
        (occlusion; positive = the item pushed the score up). One model call of L + 1 rows."""
        target = self.item_index(item_id)
        if target >= self.n_model_items:
            raise ConfigError(f"item {item_id!r} was added after training; only its vector is "
                              f"known, so occlusion of the history cannot be scored for it")
        history = query.history[-EXPLAIN_LENGTH:]
        variants = [history] + [history[:j] + history[j + 1:] for j in range(len(history))]
        with torch.inference_mode():
            batch = self._batch(variants, [query.user] * len(variants))
            scores = self.model.score(batch)[:, target].float().cpu().numpy()
        contributions = [(self.item_ids[item], float(scores[0] - scores[j + 1]))
                         for j, item in enumerate(history)]
        return float(scores[0]), contributions

    def _batch(self, histories: Sequence[Sequence[int]], users: Sequence[int]) -> UserBatch:
        if self.model.scores_user_ids:  # the model reads the training user's row
            return UserBatch(np.asarray(users, dtype=np.int64), self._histories)
        # items added after training are unknown to the model's embeddings: not in its context
        rows = [np.asarray([i for i in h if i < self.n_model_items], dtype=np.int64)
                for h in histories]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=offsets[1:])
        items = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        return UserBatch(np.arange(len(rows)), UserHistories(offsets, items, self.n_model_items))

    def _full_top(self, batch: UserBatch, k: int, exclude: list[list[int]]
                  ) -> tuple[np.ndarray, np.ndarray]:
        scores = self.model.score(batch).float().cpu().clone()  # (B, n_model_items)
        rows = np.repeat(np.arange(len(exclude)), [len(e) for e in exclude])
        columns = np.concatenate([np.asarray(e, dtype=np.int64) for e in exclude])
        keep = columns < scores.shape[1]
        scores[torch.as_tensor(rows[keep]), torch.as_tensor(columns[keep])] = -torch.inf
        top = torch.topk(scores, min(k, scores.shape[1]), dim=1)
        items = top.indices.numpy().copy()
        items[~torch.isfinite(top.values).numpy()] = -1
        return top.values.numpy(), items

    def _item_vector(self, item: int) -> np.ndarray:
        if item < self.n_model_items and self.bundle.item_vectors is not None:
            return self.bundle.item_vectors[item]
        return self._new_vectors[item]
