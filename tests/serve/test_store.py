"""The durable store: events and items come back in order after reopening, a store is bound to
one bundle, and a file that is not SQLite is refused with a message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pretrec.errors import ConfigError
from pretrec.serve.store import SqliteStore


def test_events_and_items_survive_reopening_in_order(tmp_path: Path) -> None:
    file = tmp_path / "state.sqlite"
    store = SqliteStore(file)
    assert [store.append_event(u, i, t) for u, i, t in
            [("u1", "i1", 1.0), ("u2", "i2", None), ("u1", "i3", 3.0)]] == [1, 2, 3]
    store.add_item("new", {"title": "Ünïcode"}, np.arange(4, dtype=np.float32))
    store.close()
    again = SqliteStore(file)
    assert [(e.user_id, e.item_id, e.timestamp) for e in again.events()] == [
        ("u1", "i1", 1.0), ("u2", "i2", None), ("u1", "i3", 3.0)]
    (item,) = list(again.items())
    assert item.item_id == "new" and item.text == {"title": "Ünïcode"}
    np.testing.assert_array_equal(item.vector, np.arange(4, dtype=np.float32))
    assert again.count_events() == 3
    journal = again._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_a_store_serves_one_bundle(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "state.sqlite")
    store.check_bundle("abc")
    store.check_bundle("abc")
    with pytest.raises(ConfigError, match="another bundle"):
        store.check_bundle("def")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "state.sqlite"
    file.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="not a usable SQLite"):
        SqliteStore(file)
