"""Column roles (user, item, rating, timestamp) of tabular sources, and their validation.

Shared by the csv/tsv/parquet and RecBole atomic readers. A role is taken from the `columns`
mapping when given, otherwise guessed from common names (case-insensitive).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.io.assemble import RawRows
from pretrec.errors import DataError

ROLES = ("user", "item", "rating", "timestamp")
CANDIDATES: dict[str, tuple[str, ...]] = {
    "user": ("user", "user_id", "userid", "uid"),
    "item": ("item", "item_id", "itemid", "movieid", "movie_id", "iid"),
    "rating": ("rating", "score"),
    "timestamp": ("timestamp", "time", "ts"),
}


def resolve_columns(
    found: list[str], columns: dict[str, str] | None, path: Path, line: int | None
) -> dict[str, str]:
    """Role -> column name. Explicit entries must exist; user and item must be resolvable.

    `line` is where the header sits (None for parquet), for error messages.
    """
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(ROLES))
    if unknown:
        raise DataError(f"unknown column roles {unknown}; roles are {', '.join(ROLES)}", path)
    listing = ", ".join(found)
    for role, column in columns.items():
        if column not in found:
            raise DataError(f"{role} column {column!r} not found; columns: {listing}", path, line)
    lowered = {name.lower(): name for name in reversed(found)}  # first spelling wins
    taken = set(columns.values())
    for role in ROLES:
        if role in columns:
            continue
        for candidate in CANDIDATES[role]:
            column = lowered.get(candidate)
            if column is not None and column not in taken:
                columns[role] = column
                taken.add(column)
                break
    for role in ("user", "item"):
        if role not in columns:
            raise DataError(
                f"no {role} column (pass columns={{'{role}': NAME}}); columns: {listing}",
                path,
                line,
            )
    return columns


def row_error(path: Path, lines: np.ndarray | None, row: int, message: str) -> DataError:
    """DataError at a data row: its file line when known, else 'row N' (parquet)."""
    if lines is None:
        return DataError(f"row {row + 1}: {message}", path)
    return DataError(message, path, int(lines[row]))


def check_numbers(
    numbers: np.ndarray,
    role: str,
    path: Path,
    lines: np.ndarray | None,
    text_of: Callable[[int], str],
) -> np.ndarray:
    """`numbers` (NaN where unparsable) as float64; DataError at the first non-finite value or,
    for ratings, the first negative one. `text_of(row)` gives the raw text for the message."""
    numbers = np.asarray(numbers, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(numbers))
    if len(bad):
        row = int(bad[0])
        raise row_error(path, lines, row, f"expected a numeric {role}, got {text_of(row)!r}")
    if role == "rating":
        negative = np.flatnonzero(numbers < 0)
        if len(negative):
            row = int(negative[0])
            raise row_error(path, lines, row, f"expected a rating >= 0, got {text_of(row)!r}")
    return numbers


def _ids(series: pd.Series, role: str, path: Path, lines: np.ndarray | None) -> np.ndarray:
    """Raw ids of one column as an object array of strings (or int64 for integer columns)."""
    if pd.api.types.is_integer_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy(np.int64)
    if pd.api.types.is_float_dtype(series.dtype):  # integer ids stored as float, e.g. by pandas
        values = series.to_numpy(np.float64)
        bad = np.flatnonzero(~np.isfinite(values) | (values != np.round(values)))
        if len(bad):
            row = int(bad[0])
            raise row_error(path, lines, row, f"expected a {role} id, got {values[row]!r}")
        return values.astype(np.int64)
    values = series.astype(object).to_numpy()
    missing = np.flatnonzero(pd.isna(values) | (values == ""))
    if len(missing):
        raise row_error(path, lines, int(missing[0]), f"missing {role} id")
    return values


def frame_rows(
    frame: pd.DataFrame, roles: dict[str, str], path: Path, lines: np.ndarray | None
) -> RawRows:
    """RawRows from a table whose columns were resolved to roles; `lines[row]` is the file line
    of each data row (None when unknown)."""
    numbers: dict[str, np.ndarray] = {}
    for role in ("rating", "timestamp"):
        if role in roles:
            column = frame[roles[role]]
            parsed = pd.to_numeric(column, errors="coerce").to_numpy(np.float64, na_value=np.nan)
            numbers[role] = check_numbers(
                parsed, role, path, lines, lambda row, c=column: str(c.iloc[row])
            )
    return RawRows(
        users=_ids(frame[roles["user"]], "user", path, lines),
        items=_ids(frame[roles["item"]], "item", path, lines),
        timestamps=numbers.get("timestamp"),
        weights=numbers.get("rating"),
    )
