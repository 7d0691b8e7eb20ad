"""Durable serving state: live events and items added after export, behind a small interface.

`EventStore` is what the service needs: append an event (durable when the call returns), add an
item, and read both back in order at start-up. `SqliteStore` is the default: one embedded SQLite
file in WAL mode with `synchronous=FULL`, so an acknowledged event survives a killed process and a
power cut, and readers never block the writer. `SqliteStore(":memory:")` keeps nothing (a server
started without `--state`). A server database (Postgres, ...) can replace it by implementing the
same five methods.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pretrec.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    timestamp REAL
);
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    vector BLOB
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Event:
    """One stored interaction; `seq` orders events across users."""

    seq: int
    user_id: str
    item_id: str
    timestamp: float | None


@dataclass(frozen=True, eq=False)
class StoredItem:
    """An item added after export, with its text fields and (for text models) its vector."""

    item_id: str
    text: dict[str, Any]
    vector: np.ndarray | None  # float32 (d,)


class EventStore(Protocol):
    """The state a service keeps across restarts."""

    def append_event(self, user_id: str, item_id: str, timestamp: float | None) -> int:
        """Store one event; durable on return. Returns its sequence number."""
        ...

    def events(self) -> Iterator[Event]:
        """Every stored event, in the order they were appended."""
        ...

    def add_item(self, item_id: str, text: dict[str, Any], vector: np.ndarray | None) -> None:
        """Store a new item; durable on return."""
        ...

    def items(self) -> Iterator[StoredItem]:
        """Every stored item, in the order they were added."""
        ...

    def check_bundle(self, fingerprint: str) -> None:
        """Bind the store to one bundle; refuse a store written for another."""
        ...


class SqliteStore:
    """An `EventStore` in one SQLite file (WAL journal, full sync on every commit)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            # one connection shared by the server's threads, serialised by the lock below
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise ConfigError(f"{self.path}: not a usable SQLite state file ({error})") from None
        self._lock = threading.Lock()

    def append_event(self, user_id: str, item_id: str, timestamp: float | None) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO events (user_id, item_id, timestamp) VALUES (?, ?, ?)",
                (user_id, item_id, timestamp))
            return int(cursor.lastrowid or 0)

    def events(self) -> Iterator[Event]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, user_id, item_id, timestamp FROM events ORDER BY seq").fetchall()
        return (Event(int(s), u, i, t) for s, u, i, t in rows)

    def count_events(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def add_item(self, item_id: str, text: dict[str, Any], vector: np.ndarray | None) -> None:
        blob = None if vector is None else np.asarray(vector, dtype="<f4").tobytes()
        with self._lock:
            self._db.execute("INSERT INTO items (item_id, text, vector) VALUES (?, ?, ?)",
                             (item_id, json.dumps(text, ensure_ascii=False), blob))

    def items(self) -> Iterator[StoredItem]:
        with self._lock:
            rows = self._db.execute(
                "SELECT item_id, text, vector FROM items ORDER BY seq").fetchall()
        return (StoredItem(i, json.loads(t),
                           None if v is None else np.frombuffer(v, dtype="<f4").copy())
                for i, t, v in rows)

    def check_bundle(self, fingerprint: str) -> None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'bundle'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta (key, value) VALUES ('bundle', ?)",
                                 (fingerprint,))
            elif row[0] != fingerprint:
                raise ConfigError(f"{self.path} holds the state of another bundle (its model "
                                  f"weights differ); give a new --state file for this one")

    def close(self) -> None:
        with self._lock:
            self._db.close()
