"""The `kg` format: the KGCN music layout (HetRec Last.fm-2k with a Freebase knowledge graph).

Wang et al., "Knowledge Graph Convolutional Networks for Recommender Systems" (WWW 2019),
``data/music/`` of hwwang55/KGCN. A folder holding three tab-separated files:

- ``user_artists.dat``: a header line, then ``userID artistID weight`` (listening counts);
- ``item_index2entity_id.txt``: ``artistID entity_id``, one line per artist linked to the KG;
- ``kg.txt``: ``head relation tail``, entity ids and a relation name (``music.artist.origin``).

Only linked artists are items, in the order of ``item_index2entity_id.txt``; only users with an
event on a linked artist are users (first-appearance order). Events keep their file order (there
are no timestamps) and their weight as the rating (implicit feedback: most models ignore it).
Item ``i`` is entity ``i``; the other entities of ``kg.txt`` follow in order of first appearance
(head before tail), and every triple is kept. Where we differ from KGCN: its preprocess.py
writes each event as a positive (weight threshold 0) plus sampled unobserved artists as
negatives; we keep the raw events and leave negatives to the sampler.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.io.assemble import encode_ids
from pretrec.data.io.columns import check_numbers
from pretrec.data.io.records import Table, read_fixed
from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError

log = logging.getLogger(__name__)

EVENTS, LINKS, TRIPLES = "user_artists.dat", "item_index2entity_id.txt", "kg.txt"
EVENT_FIELDS = ("userID", "artistID", "weight")
_INTEGER = r"[0-9]+"


def is_kg_folder(path: Path) -> bool:
    """A folder holding kg.txt and item_index2entity_id.txt (user_artists.dat is checked on
    reading, so a folder missing only it is named as such)."""
    return path.is_dir() and (path / TRIPLES).is_file() and (path / LINKS).is_file()


def _ids(table: Table, column: str, path: Path) -> np.ndarray:
    """One column of non-negative integer ids as int64; DataError at the first other value."""
    text = table.frame[column]
    bad = np.flatnonzero(~text.str.fullmatch(_INTEGER).to_numpy(bool))
    if not len(bad):
        try:
            return text.to_numpy().astype(np.int64)
        except OverflowError:
            bad = np.flatnonzero(text.str.len().to_numpy() > 18)
            bad = bad[[int(text.iloc[row]) > np.iinfo(np.int64).max for row in bad]]
    row = int(bad[0])
    raise DataError(f"expected an integer {column} (a non-negative id), got {text.iloc[row]!r}",
                    path, int(table.lines[row]))


def _unique(values: np.ndarray, table: Table, path: Path, message: str) -> None:
    """DataError at the first repeated value: `message` formatted with the value and the line
    where it first appeared."""
    repeated = pd.Series(values).duplicated().to_numpy()
    if repeated.any():
        row = int(np.argmax(repeated))
        first = int(np.argmax(values == values[row]))
        raise DataError(message.format(value=values[row], first=int(table.lines[first])), path,
                        int(table.lines[row]))


def _events(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw (users, artists, weights) of user_artists.dat, in file order."""
    table = read_fixed(path, "\t", EVENT_FIELDS, "a header line 'userID artistID weight' and "
                       "one 'userID artistID weight' per event")
    header = table.frame.iloc[0]
    if header.str.fullmatch(_INTEGER).all():
        raise DataError(f"expected a header line ({' '.join(EVENT_FIELDS)}), got a data row",
                        path, int(table.lines[0]))
    if len(table.frame) == 1:
        raise DataError("no data rows after the header", path, int(table.lines[0]))
    rows = Table(table.frame.iloc[1:].reset_index(drop=True), int(table.lines[0]),
                 table.lines[1:])
    weight = rows.frame["weight"]
    weights = check_numbers(pd.to_numeric(weight, errors="coerce").to_numpy(np.float64),
                            "rating", path, rows.lines, lambda row: str(weight.iloc[row]))
    return _ids(rows, "userID", path), _ids(rows, "artistID", path), weights


def _links(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(artists, entities) of item_index2entity_id.txt, one to one, in file order."""
    table = read_fixed(path, "\t", ("artistID", "entity_id"), "the artist -> entity links")
    artists, entities = _ids(table, "artistID", path), _ids(table, "entity_id", path)
    _unique(artists, table, path, "artist {value} is linked twice (first on line {first})")
    _unique(entities, table, path,
            "entity {value} is linked to two artists (the other on line {first})")
    return artists, entities


def _triples(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw (heads, relation names, tails) of kg.txt, in file order."""
    table = read_fixed(path, "\t", ("head", "relation", "tail"), "knowledge graph triples")
    relations = table.frame["relation"].to_numpy(object)
    empty = np.flatnonzero(table.frame["relation"].str.strip().to_numpy(object) == "")
    if len(empty):
        raise DataError("expected a relation name, got an empty field", path,
                        int(table.lines[empty[0]]))
    return _ids(table, "head", path), relations, _ids(table, "tail", path)


def load_kg(path: Path, name: str) -> Dataset:
    """A Dataset of the linked artists' events with its `knowledge_graph` (see the module
    docstring for the layout and the index conventions)."""
    if not path.is_dir():
        raise DataError(f"expected a folder holding {EVENTS}, {LINKS} and {TRIPLES}", path)
    artists, linked_entities = _links(path / LINKS)
    heads_raw, relation_raw, tails_raw = _triples(path / TRIPLES)
    event_users, event_artists, weights = _events(path / EVENTS)

    item_of_event = pd.Index(artists).get_indexer(event_artists)  # -1: artist not linked
    linked = item_of_event >= 0
    if not linked.any():
        raise DataError(f"no event is on an artist linked in {LINKS}", path / EVENTS)
    user_vocab, users = encode_ids(event_users[linked])
    n_items = len(artists)
    inter = Interactions(users, item_of_event[linked], len(user_vocab), n_items,
                         weights=weights[linked])

    # linked entities first (unique, so they get codes 0 .. n_items - 1), then head, tail, ...
    ends = np.column_stack([heads_raw, tails_raw]).ravel()  # (2 * n_triples,) head, tail, ...
    codes, entity_ids = pd.factorize(np.concatenate([linked_entities, ends]), sort=False)
    ends_coded = codes[n_items:].reshape(-1, 2)  # (n_triples, head|tail)
    relations, relation_names = pd.factorize(relation_raw, sort=False)
    graph = KnowledgeGraph(
        heads=ends_coded[:, 0],
        relations=relations,
        tails=ends_coded[:, 1],
        n_entities=len(entity_ids),
        n_relations=len(relation_names),
        relation_names=tuple(relation_names),
        item_entities=np.arange(n_items),
        entity_vocab=Vocab([str(e) for e in entity_ids]),
    )
    log.info("%s: kept %d of %d events (%d users without a linked artist dropped)",
             path, int(linked.sum()), len(linked),
             len(np.unique(event_users)) - len(user_vocab))
    return Dataset(inter, user_vocab, Vocab([str(a) for a in artists]), name=name,
                   knowledge_graph=graph)
