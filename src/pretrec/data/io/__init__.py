"""Readers: every supported file layout -> one `Dataset`.

    dataset = load_dataset("../shared/data/seq/Beauty.txt")        # detected: seq
    dataset = load_dataset("ratings.csv", columns={"user": "uid", "item": "sku"})

Formats: ``seq`` (user item item ...), ``pairs`` (user item [rating [timestamp]]), ``atomic``
(RecBole .inter/.item/.user), ``movielens`` (ratings.csv + movies.csv [+ tags.csv]), ``csv`` /
``tsv`` / ``parquet`` (header + column roles), ``presplit`` (folder with train/valid/test seq
files) and ``kg`` (the KGCN music folder: events, artist -> entity links, knowledge graph
triples; fills `Dataset.knowledge_graph`). Malformed input raises `DataError` naming
the file, the line and what was expected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pretrec.data.interactions import Dataset
from pretrec.data.io.atomic import load_atomic
from pretrec.data.io.kg import load_kg
from pretrec.data.io.movielens import load_movielens
from pretrec.data.io.pairs import load_pairs
from pretrec.data.io.presplit import load_presplit
from pretrec.data.io.seq import load_seq
from pretrec.data.io.sniff import detect_format
from pretrec.data.io.table import load_csv, load_parquet, load_tsv
from pretrec.errors import DataError

log = logging.getLogger(__name__)

Reader = Callable[[Path, dict[str, str] | None, str], Dataset]

# filled explicitly; readers of id-only files take no column mapping
READERS: dict[str, Reader] = {
    "seq": lambda path, columns, name: load_seq(path, name),
    "pairs": lambda path, columns, name: load_pairs(path, name),
    "presplit": lambda path, columns, name: load_presplit(path, name),
    "kg": lambda path, columns, name: load_kg(path, name),
    "atomic": load_atomic,
    "movielens": load_movielens,
    "csv": load_csv,
    "tsv": load_tsv,
    "parquet": load_parquet,
}
FORMATS = tuple(READERS)
TAKES_COLUMNS = ("atomic", "movielens", "csv", "tsv", "parquet")


def load_dataset(
    path: str | Path,
    format: str | None = None,
    columns: dict[str, str] | None = None,
    name: str | None = None,
) -> Dataset:
    """Read `path` into a Dataset.

    Args:
        path: a file, or a folder for the `atomic`, `movielens`, `presplit` and `kg` formats.
        format: one of FORMATS; detected from the path and first lines when None.
        columns: role ("user", "item", "rating", "timestamp") -> column name, for tables and
            atomic files; roles left out are guessed from common column names.
        name: dataset name; defaults to the file stem or folder name.
    """
    path = Path(path)
    if format is not None and format not in READERS:
        raise DataError(f"unknown format {format!r}; known formats: {', '.join(FORMATS)}", path)
    if not path.exists():
        raise DataError("no such file or directory", path)
    chosen = format or detect_format(path)
    if columns is not None and chosen not in TAKES_COLUMNS:
        raise DataError(
            f"columns= applies to {', '.join(TAKES_COLUMNS)} only, not to {chosen}", path
        )
    default_name = path.resolve().name if path.is_dir() else path.stem
    dataset = READERS[chosen](path, columns, name or default_name)
    log.info(
        "loaded %s (%s): %d users, %d items, %d interactions",
        path,
        chosen,
        dataset.n_users,
        dataset.n_items,
        len(dataset.interactions),
    )
    return dataset


__all__ = ["FORMATS", "load_dataset", "detect_format"]
