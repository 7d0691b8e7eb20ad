"""Format detection from a path: folder layout, then file suffix, then the first lines."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from pretrec.data.io.movielens import is_movielens_folder
from pretrec.errors import DataError

SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".inter": "atomic",
}
SNIFF_LINES = 50


def detect_format(path: str | Path) -> str:
    """The reader name for `path`.

    A folder with train.txt and test.txt is `presplit`; a folder holding a `.inter` file is
    `atomic`; one with ratings.csv and movies.csv is `movielens`; a file suffix
    .inter/.csv/.tsv/.parquet names its format. Otherwise the first 50 non-empty lines decide: all
    with the same 2-4 tokens and a user (first token) repeated on consecutive lines is `pairs`,
    anything else `seq`.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or directory", path)
    if path.is_dir():
        if (path / "train.txt").is_file() and (path / "test.txt").is_file():
            return "presplit"
        if any(path.glob("*.inter")):
            return "atomic"
        if is_movielens_folder(path):
            return "movielens"
        raise DataError(
            "cannot detect the format of a folder without train.txt+test.txt, a .inter file"
            " or ratings.csv+movies.csv",
            path,
        )
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    rows = _first_rows(path)
    if not rows:
        raise DataError("empty file", path)
    widths = {len(row) for row in rows}
    repeats = any(a[0] == b[0] for a, b in pairwise(rows))
    if len(widths) == 1 and widths.pop() in (2, 3, 4) and repeats:
        return "pairs"
    return "seq"


def _first_rows(path: Path) -> list[list[bytes]]:
    """Tokens of the first SNIFF_LINES non-empty lines (reads no further)."""
    rows: list[list[bytes]] = []
    with path.open("rb") as handle:
        for line in handle:
            tokens = line.split()
            if tokens:
                rows.append(tokens)
                if len(rows) == SNIFF_LINES:
                    break
    return rows
