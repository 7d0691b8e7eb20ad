"""RecBole atomic files: ``NAME.inter`` and optional ``NAME.item`` / ``NAME.user`` in one folder.

Tab-separated, no quoting, a typed header (``user_id:token  item_id:token  rating:float ...``).
Ratings become weights, timestamps timestamps. Every non-id field of the item file becomes an
`ItemSide.text` string array aligned with item indices ("" for items without a row); items listed
there but never interacted with are appended to the item vocabulary (cold-start items). The user
file becomes `Dataset.user_features` the same way, users without interactions included.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from pretrec.data.interactions import Dataset, ItemSide
from pretrec.data.io.assemble import align_fields, assemble
from pretrec.data.io.columns import frame_rows, resolve_columns
from pretrec.data.io.records import Table, read_frame
from pretrec.errors import DataError

TYPES = ("token", "token_seq", "float", "float_seq")


def inter_file(path: Path) -> Path:
    """The `.inter` file of a folder (``FOLDER/FOLDER.inter`` or its only `.inter`) or path."""
    if not path.is_dir():
        if path.suffix != ".inter":
            raise DataError("expected a RecBole .inter file or a folder holding one", path)
        return path
    candidates = sorted(path.glob("*.inter"))
    named = path / f"{path.name}.inter"
    if named.is_file():
        return named
    if len(candidates) == 1:
        return candidates[0]
    found = ", ".join(c.name for c in candidates) or "none"
    raise DataError(f"expected one .inter file in the folder, found: {found}", path)


def _not_float(header: list[str], header_line: int) -> list[str]:
    return [field for field in header if not field.endswith(":float")]


def read_atomic(path: Path, parse_floats: bool = False) -> Table:
    """A Table whose columns are the header's field names, types checked and stripped.

    With `parse_floats`, `:float` fields are parsed as numbers; otherwise every cell is text.
    """
    table = read_frame(path, "\t", quoted=False, text_columns=_not_float if parse_floats else None)
    names = []
    for field in table.frame.columns:
        name, colon, kind = field.rpartition(":")
        if not colon or not name:
            raise DataError(
                f"header field {field!r} lacks a ':type' suffix (types: {', '.join(TYPES)})",
                path,
                table.header_line,
            )
        if kind not in TYPES:
            raise DataError(
                f"header field {field!r} has unknown type {kind!r} (types: {', '.join(TYPES)})",
                path,
                table.header_line,
            )
        names.append(name)
    table.frame.columns = names
    return table


def _side_table(path: Path, id_field: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(raw ids, other fields as str arrays) of an `.item` / `.user` file, one row per id."""
    table = read_atomic(path)
    frame = table.frame
    if id_field not in frame.columns:
        found = ", ".join(frame.columns)
        raise DataError(f"no {id_field!r} field; fields: {found}", path, table.header_line)
    ids = frame[id_field].astype(object).to_numpy()
    repeated = np.flatnonzero(pd.Series(ids).duplicated().to_numpy())
    if len(repeated):
        row = int(repeated[0])
        line = None if table.lines is None else int(table.lines[row])
        raise DataError(f"{id_field} {ids[row]!r} is listed twice", path, line)
    fields = {c: frame[c].astype(object).to_numpy() for c in frame.columns if c != id_field}
    return ids, fields


def load_atomic(path: Path, columns: dict[str, str] | None, name: str) -> Dataset:
    """A Dataset from a RecBole atomic folder or `.inter` file, side files included."""
    inter_path = inter_file(path)
    table = read_atomic(inter_path, parse_floats=True)
    roles = resolve_columns(list(table.frame.columns), columns, inter_path, table.header_line)
    rows = frame_rows(table.frame, roles, inter_path, table.lines)

    item_path = inter_path.with_suffix(".item")
    user_path = inter_path.with_suffix(".user")
    item_ids, item_fields = (
        _side_table(item_path, roles["item"]) if item_path.is_file() else (None, {})
    )
    user_ids, user_fields = (
        _side_table(user_path, roles["user"]) if user_path.is_file() else (None, {})
    )
    dataset = assemble(rows, name, inter_path, extra_users=user_ids, extra_items=item_ids)
    item_side = None
    if item_ids is not None:
        item_side = ItemSide(text=align_fields(dataset.item_vocab, item_ids, item_fields))
    user_features = None
    if user_ids is not None:
        user_features = align_fields(dataset.user_vocab, user_ids, user_fields)
    return dataclasses.replace(dataset, item_side=item_side, user_features=user_features)
