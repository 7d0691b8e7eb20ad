"""Delimited text with a header line (csv, tsv, RecBole atomic) read by pandas, checked first.

pandas fills short rows silently and reports long ones without a reliable line number, so a
vectorised byte scan first counts the fields of every record (separators outside quotes) and
names the first line whose count differs from the header's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.io.encoding import check_text
from pretrec.errors import DataError

_NEWLINE, _QUOTE = 10, 34
_SEPARATORS = {"\t": "tab", ",": "comma", ";": "semicolon"}


@dataclass(frozen=True, eq=False)
class Records:
    """The non-blank records of a delimited file.

    Attributes:
        lines: int64 (n_records,) 1-based line where each record starts.
        fields: int64 (n_records,) number of fields in each record.
    """

    lines: np.ndarray
    fields: np.ndarray


def scan_records(data: bytes, sep: str, quoted: bool) -> Records:
    """Field counts and start lines of every non-blank record of `data`.

    With `quoted`, separators and newlines inside double quotes do not count (RFC 4180: an
    escaped quote "" flips the parity twice, so parity of the running quote count is exact).
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    if not len(buf):
        return Records(np.empty(0, np.int64), np.empty(0, np.int64))
    breaks = buf == _NEWLINE
    seps = buf == ord(sep)
    if quoted:
        inside = (np.cumsum(buf == _QUOTE, dtype=np.uint8) & 1).astype(bool)  # uint8 keeps parity
        breaks &= ~inside
        seps &= ~inside
    starts = np.flatnonzero(breaks) + 1
    starts = np.concatenate([[0], starts[starts < len(buf)]])
    # a record is blank when it holds only whitespace (pandas skips those lines too)
    blank = ~np.logical_or.reduceat(buf > 32, starts)
    record_of_sep = np.searchsorted(starts, np.flatnonzero(seps), side="right") - 1
    fields = np.bincount(record_of_sep, minlength=len(starts)) + 1
    lines = np.searchsorted(np.flatnonzero(buf == _NEWLINE), starts) + 1
    return Records(lines[~blank].astype(np.int64), fields[~blank].astype(np.int64))


@dataclass(frozen=True, eq=False)
class Table:
    """A delimited file's cells, and where its rows sit in the file.

    Attributes:
        frame: one column per header field, text unless parsed as numbers.
        header_line: 1-based line of the header.
        lines: int64 (n_rows,) 1-based line of each data row; None if it cannot be told.
    """

    frame: pd.DataFrame
    header_line: int
    lines: np.ndarray | None


def read_frame(
    path: Path,
    sep: str,
    quoted: bool,
    text_columns: Callable[[list[str], int], list[str]] | None = None,
) -> Table:
    """Read a delimited file with a header into a Table.

    `text_columns(header, header_line)` names the columns to keep as strings (ids, so "007"
    stays "007"); the others get pandas' C-speed type inference. Without it all cells are text.

    DataError for an empty file, a file with only a header, or a row whose field count differs
    from the header's.
    """
    if path.is_dir():
        raise DataError("expected a file, got a directory", path)
    data = check_text(path)
    records = scan_records(data, sep, quoted)
    if not len(records.lines):
        raise DataError("empty file: expected a header line and data rows", path)
    if len(records.lines) == 1:
        raise DataError("no data rows after the header", path, int(records.lines[0]))
    expected = int(records.fields[0])
    wrong = np.flatnonzero(records.fields != expected)
    if len(wrong):
        record = int(wrong[0])
        got = int(records.fields[record])
        raise DataError(
            f"expected {expected} fields like the header, got {got}",
            path,
            int(records.lines[record]),
        )
    options = {
        "sep": sep,
        "quoting": csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
        "skipinitialspace": quoted,
        "encoding": "utf-8-sig",
        "encoding_errors": "strict",
    }
    try:
        dtype: object = str
        if text_columns is not None:
            header = [str(c) for c in pd.read_csv(io.BytesIO(data), nrows=0, **options).columns]
            dtype = dict.fromkeys(text_columns(header, int(records.lines[0])), str)
        frame = pd.read_csv(io.BytesIO(data), dtype=dtype, keep_default_na=False, **options)
    except (ValueError, pd.errors.ParserError) as error:  # ParserError is a ValueError
        raise DataError(f"cannot parse as {sep!r}-separated text: {error}", path) from None
    frame.columns = [str(c) for c in frame.columns]
    names = [str(c) for c in pd.read_csv(io.BytesIO(data), nrows=1, header=None, dtype=str,
                                         keep_default_na=False, **options).iloc[0]]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:  # pandas would rename the second copy ("a.1") and a column would be lost
        raise DataError(f"the header names column(s) {', '.join(repeated)} twice", path,
                        int(records.lines[0]))
    lines = records.lines[1:] if len(frame) == len(records.lines) - 1 else None
    return Table(frame, int(records.lines[0]), lines)


def read_fixed(path: Path, sep: str, layout: tuple[str, ...], what: str) -> Table:
    """A delimited file without a header whose every non-blank record has the fields `layout`
    names; all cells are text, quotes are plain characters.

    `what` describes the file for the missing/empty messages ("the artist -> entity links").
    DataError for a missing or empty file and for the first record with another field count.
    The Table's `header_line` is 0 (there is none); a header, if any, is the first row.
    """
    if not path.exists():
        raise DataError(f"missing file: expected {what}", path)
    if path.is_dir():
        raise DataError("expected a file, got a directory", path)
    data = check_text(path)
    records = scan_records(data, sep, quoted=False)
    fields = " ".join(layout)
    if not len(records.lines):
        raise DataError(f"empty file: expected {what}, one '{fields}' per line", path)
    wrong = np.flatnonzero(records.fields != len(layout))
    if len(wrong):
        record = int(wrong[0])
        raise DataError(
            f"expected {len(layout)} {_SEPARATORS.get(sep, repr(sep))}-separated fields "
            f"({fields}), got "
            f"{records.fields[record]}", path, int(records.lines[record]),
        )
    # lines scan_records calls blank (only whitespace, e.g. a lone separator) are skipped by
    # number so that data rows and records correspond one to one
    n_lines = data.count(b"\n") + 1
    skipped = np.setdiff1d(np.arange(1, n_lines + 1), records.lines) - 1
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=sep, header=None, names=list(layout),
                            dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE,
                            skiprows=set(skipped.tolist()), encoding="utf-8-sig",
                            skip_blank_lines=False)
    except (ValueError, pd.errors.ParserError) as error:
        raise DataError(f"cannot parse as {sep!r}-separated text: {error}", path) from None
    if len(frame) != len(records.lines):
        raise DataError(f"read {len(frame)} rows from {len(records.lines)} records; cannot "
                        f"tell which line is which", path)
    return Table(frame, 0, records.lines)
