"""Files written atomically: a temporary file beside the target, renamed over it when complete,
so a killed run never leaves half a report, a truncated checkpoint or a torn cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pretrec.errors import PretrecError

INCOMPLETE = ".incomplete"
"""Present in a run folder from the start of a run to its end (`pretrec.pipeline.run_folder`)."""


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; on success it replaces `path`, on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_path(path) as partial:
        partial.write_text(text, encoding="utf-8")


def check_complete(folder: str | Path) -> None:
    """Refuse a run folder (or a checkpoint inside one) whose run did not finish."""
    folder = Path(folder)
    for place in (folder, folder.parent):
        if (place / INCOMPLETE).exists():
            raise PretrecError(f"{place} is marked incomplete: the run that wrote it did not "
                               f"finish (killed or failed); run it again with --overwrite")
