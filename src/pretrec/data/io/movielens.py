"""MovieLens CSV folders (ml-latest, ml-latest-small, ml-25m ...): ratings plus item text.

A folder holding ``ratings.csv`` (``userId,movieId,rating,timestamp``) and ``movies.csv``
(``movieId,title,genres``), optionally ``tags.csv`` (``userId,movieId,tag,timestamp``). Item
text fields, aligned with item indices ("" where missing):

- ``title``: the title without its trailing year, "Toy Story";
- ``year``: the year in the title's trailing parentheses, "1995";
- ``genres``: genres joined by ", " ("(no genres listed)" becomes "");
- ``tags``: the distinct user tags of the movie, most used first, joined by ", ".

Movies listed in movies.csv but never rated are appended to the item vocabulary (cold items).
Windows line endings and quoted titles are fine.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.interactions import Dataset, ItemSide
from pretrec.data.io.assemble import align_fields
from pretrec.data.io.records import read_frame
from pretrec.data.io.table import load_csv
from pretrec.data.vocab import Vocab
from pretrec.errors import DataError

REQUIRED = ("ratings.csv", "movies.csv")
NO_GENRES = "(no genres listed)"


def is_movielens_folder(path: Path) -> bool:
    return path.is_dir() and all((path / name).is_file() for name in REQUIRED)


def _columns(frame: pd.DataFrame, needed: tuple[str, ...], path: Path, line: int) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns)
        raise DataError(f"missing column(s) {', '.join(missing)}; columns: {found}", path, line)


def split_title(titles: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """("Toy Story", "1995") from "Toy Story (1995)"; titles without a year keep "" as year."""
    parts = titles.str.strip().str.extract(
        r"^(?P<title>.*?)\s*\((?P<year>\d{4})\s*(?:[-–]\s*\d{0,4})?\)$"
    )
    no_year = parts["title"].isna()
    title = parts["title"].where(~no_year, titles.str.strip())
    year = parts["year"].fillna("")
    return title.to_numpy(dtype=object), year.to_numpy(dtype=object)


def _movie_fields(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    table = read_frame(path, ",", quoted=True)
    frame = table.frame
    _columns(frame, ("movieId", "title", "genres"), path, table.header_line)
    ids = frame["movieId"].to_numpy(dtype=object)
    repeated = np.flatnonzero(frame["movieId"].duplicated().to_numpy())
    if len(repeated):
        row = int(repeated[0])
        line = None if table.lines is None else int(table.lines[row])
        raise DataError(f"movieId {ids[row]!r} is listed twice", path, line)
    title, year = split_title(frame["title"])
    genres = (frame["genres"].str.replace(NO_GENRES, "", regex=False)
              .str.replace("|", ", ", regex=False))
    return ids, {"title": title, "year": year, "genres": genres.to_numpy(dtype=object)}


def _tag_text(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(movie ids, their distinct tags joined by ", ", most used first; ties alphabetical)."""
    table = read_frame(path, ",", quoted=True)
    frame = table.frame
    _columns(frame, ("movieId", "tag"), path, table.header_line)
    tags = frame.assign(tag=frame["tag"].str.strip().str.lower())
    tags = tags[tags["tag"] != ""]
    counts = tags.groupby(["movieId", "tag"]).size().rename("n").reset_index()
    counts = counts.sort_values(["movieId", "n", "tag"], ascending=[True, False, True])
    joined = counts.groupby("movieId", sort=False)["tag"].agg(", ".join)
    return joined.index.to_numpy(dtype=object), joined.to_numpy(dtype=object)


def load_movielens(path: Path, columns: dict[str, str] | None, name: str) -> Dataset:
    """A Dataset with item text from a MovieLens CSV folder (see the module docstring)."""
    if not is_movielens_folder(path):
        raise DataError(f"expected a folder holding {' and '.join(REQUIRED)}", path)
    movie_ids, fields = _movie_fields(path / "movies.csv")
    ratings = load_csv(path / "ratings.csv", columns, name)
    vocab = ratings.item_vocab
    listed = movie_ids.astype(str)
    rated = pd.Index(vocab.raw_ids).isin(listed)
    if not rated.all():
        missing = vocab.raw_ids[~rated][0]
        raise DataError(f"movieId {missing!r} is rated but not listed in movies.csv",
                        path / "ratings.csv")
    never_rated = listed[~pd.Index(listed).isin(vocab.raw_ids)]
    item_vocab = Vocab([*vocab.raw_ids, *never_rated])  # cold items after every rated one
    text = align_fields(item_vocab, movie_ids, fields)
    tags_path = path / "tags.csv"
    if tags_path.is_file():
        tagged, tag_text = _tag_text(tags_path)
        keep = pd.Index(tagged.astype(str)).isin(item_vocab.raw_ids)  # tags of unlisted movies
        text.update(align_fields(item_vocab, tagged[keep], {"tags": tag_text[keep]}))
    else:
        text["tags"] = np.full(len(item_vocab), "", dtype=object)
    interactions = dataclasses.replace(ratings.interactions, n_items=len(item_vocab))
    return dataclasses.replace(
        ratings, interactions=interactions, item_vocab=item_vocab, item_side=ItemSide(text=text)
    )
