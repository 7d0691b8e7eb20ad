"""Run folders that never mix and never lie: checked before any training, refused when they
already hold something (unless overwriting a previous run), marked incomplete while a run
writes them, and refused by later commands while the mark is there (a killed run).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pretrec.errors import ConfigError
from pretrec.files import INCOMPLETE

RUN_FILES = ("report.json", INCOMPLETE)
"""A folder holding one of these is a pretrec run folder (and may be overwritten)."""


def is_run_folder(folder: Path) -> bool:
    return (any((folder / name).exists() for name in RUN_FILES)
            or any(folder.glob("seed-*/report.json")))


def open_run_folder(folder: str | Path, overwrite: bool = False) -> Path:
    """Check `folder` can take a new run, empty it when `overwrite` and it holds an earlier run,
    create it and mark it incomplete. Raises a clear error instead of mixing runs."""
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"output {folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not overwrite:
            raise ConfigError(f"output folder {folder} is not empty: pass --overwrite to replace "
                              f"the run in it, or choose another folder")
        if not is_run_folder(folder):
            raise ConfigError(f"output folder {folder} holds files that are not a pretrec run; "
                              f"refusing to delete them, choose another folder")
        shutil.rmtree(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / INCOMPLETE).write_text("a run is writing this folder, or was killed doing so\n")
    except OSError as error:
        reason = error.strerror or error
        raise ConfigError(f"output folder {folder} cannot be written: {reason}") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"output folder {folder} is not writable")
    return folder


def close_run_folder(folder: str | Path) -> None:
    """The run finished: remove the incomplete mark."""
    (Path(folder) / INCOMPLETE).unlink(missing_ok=True)
