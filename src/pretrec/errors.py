"""User-facing errors: every failure a user can cause is one of these, with a message that says
what was wrong and where, never a traceback from deep inside numpy or pandas."""

from __future__ import annotations

from pathlib import Path


class PretrecError(Exception):
    """Base class of every error pretrec raises on purpose."""


class DataError(PretrecError):
    """Malformed or unusable input data.

    Carries the file, the 1-based line number (when one applies) and what was expected, so the
    message reads ``data.txt, line 3: expected 2 columns, got 3``.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = self.path + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)


class UnknownId(DataError):
    """A user or item id that the run, bundle or service does not know (HTTP 404)."""


class NotApplicable(PretrecError):
    """A model that cannot be evaluated on a split (users or items it has no way to score)."""


class ConfigError(PretrecError):
    """An unknown or ill-typed configuration key or value."""


class RegistryError(PretrecError, KeyError):
    """An unknown name asked of a registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])
