"""Format detection from a path: folder layout, then file suffix, then the first lines."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np

from pretrec.data.io.kg import is_kg_folder
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
    `atomic`; one with ratings.csv and movies.csv is `movielens`; one with kg.txt and
    item_index2entity_id.txt is `kg`; a file suffix
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
        if is_kg_folder(path):
            return "kg"
        raise DataError(
            "cannot detect the format of a folder without train.txt+test.txt, a .inter file,"
            " ratings.csv+movies.csv or kg.txt+item_index2entity_id.txt",
            path,
        )
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    rows, lines = _first_rows(path)
    if not rows:
        raise DataError("empty file", path)
    widths = np.array([len(row) for row in rows])
    repeats = any(a[0] == b[0] for a, b in pairwise(rows))
    common = int(np.bincount(widths).argmax())
    if common in (2, 3, 4) and repeats:
        odd = np.flatnonzero(widths != common)
        if len(odd) and len(odd) <= len(rows) // 10:  # a pairs file with a malformed line
            row = int(odd[0])
            raise DataError(f"{widths[row]} fields where the other lines have {common} "
                            f"(user item [rating [timestamp]]); give --format seq if every line "
                            f"is a user's item sequence", path, int(lines[row]))
        if not len(odd):
            return "pairs"
    return "seq"


def _first_rows(path: Path) -> tuple[list[list[bytes]], list[int]]:
    """Tokens of the first SNIFF_LINES non-empty lines and their 1-based line numbers (reads
    no further)."""
    rows: list[list[bytes]] = []
    lines: list[int] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            tokens = line.split()
            if tokens:
                rows.append(tokens)
                lines.append(number)
                if len(rows) == SNIFF_LINES:
                    break
    return rows, lines
