"""Tables with a header: csv, tsv and parquet. Columns are mapped to roles by `columns` or by
their common names (see `pretrec.data.io.columns`). Raw ids are kept as written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pretrec.data.interactions import Dataset
from pretrec.data.io.assemble import assemble
from pretrec.data.io.columns import frame_rows, resolve_columns
from pretrec.data.io.records import read_frame
from pretrec.errors import DataError


def _load_delimited(path: Path, sep: str, columns: dict[str, str] | None, name: str) -> Dataset:
    roles: dict[str, str] = {}

    def id_columns(header: list[str], header_line: int) -> list[str]:
        # resolved on the header alone so that ids are read as text while ratings and
        # timestamps get pandas' fast numeric parse
        roles.update(resolve_columns(header, columns, path, header_line))
        return [roles["user"], roles["item"]]

    table = read_frame(path, sep, quoted=True, text_columns=id_columns)
    return assemble(frame_rows(table.frame, roles, path, table.lines), name, path)


def load_csv(path: Path, columns: dict[str, str] | None, name: str) -> Dataset:
    """A comma-separated table (Windows line endings and quoted fields are fine)."""
    return _load_delimited(path, ",", columns, name)


def load_tsv(path: Path, columns: dict[str, str] | None, name: str) -> Dataset:
    """A tab-separated table with a header line."""
    return _load_delimited(path, "\t", columns, name)


def load_parquet(path: Path, columns: dict[str, str] | None, name: str) -> Dataset:
    """A parquet table; errors name the 1-based row since there are no lines."""
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types (ArrowInvalid, OSError, ...)
        raise DataError(f"not a readable parquet file: {error}", path) from None
    if not len(frame):
        raise DataError("empty file: the table has no rows", path)
    frame.columns = [str(c) for c in frame.columns]
    roles = resolve_columns(list(frame.columns), columns, path, None)
    return assemble(frame_rows(frame.reset_index(drop=True), roles, path, None), name, path)
