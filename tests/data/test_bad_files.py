"""Malformed data files are named, never read into a wrong dataset (files made in the test)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pretrec.data.io import load_dataset
from pretrec.errors import DataError


def test_a_pairs_file_with_one_short_line_is_an_error_not_sequences(tmp_path: Path) -> None:
    path = tmp_path / "ratings.txt"
    rows = [f"{u} {i} 4 {100 * u + i}" for u in range(6) for i in range(5)]
    rows[12] = "2 3 4"  # the timestamp is missing on one line
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match="line 13: 3 fields where the other lines have 4"):
        load_dataset(path)


def test_a_csv_header_that_names_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("user,item,item\n1,2,3\n1,4,5\n")
    with pytest.raises(DataError, match="line 1: the header names column\\(s\\) item twice"):
        load_dataset(path)


def test_non_utf8_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "seq.txt"
    path.write_bytes(b"1 2 3\n2 \xe9t\xe9 4\n")  # Latin-1 bytes: replacing them would merge ids
    with pytest.raises(DataError, match="line 2: not UTF-8 text"):
        load_dataset(path, format="seq")
    table = tmp_path / "t.csv"
    table.write_bytes(b"user,item\n1,caf\xe9\n1,cafe\n")
    with pytest.raises(DataError, match="line 2: not UTF-8"):
        load_dataset(table)


@pytest.mark.parametrize("kind", ["gzip", "utf16"])
def test_compressed_and_utf16_files_are_named(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "seq.txt"
    text = "1 2 3\n2 3 4\n"
    if kind == "gzip":
        path.write_bytes(gzip.compress(text.encode()))
        message = "gzip-compressed"
    else:
        path.write_bytes(text.encode("utf-16"))
        message = "UTF-16 text"
    with pytest.raises(DataError, match=message):
        load_dataset(path, format="seq")
