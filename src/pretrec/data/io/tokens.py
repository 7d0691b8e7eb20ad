"""Whitespace-separated id files (seq, pairs, presplit) scanned as one numpy byte buffer.

The happy path never loops in Python: token offsets and line numbers come from vectorised byte
comparisons and the numbers from `np.fromstring` (C). Only when a check fails do we look closer,
to name the offending line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pretrec.data.io.encoding import check_text
from pretrec.errors import DataError

_SPACE, _TAB, _CR, _NEWLINE = 32, 9, 13, 10
_INT64_MAX = np.iinfo(np.int64).max
_BOM = b"\xef\xbb\xbf"


def _is_space(buf: np.ndarray) -> np.ndarray:
    """The bytes `bytes.split()` and `np.fromstring(sep=" ")` treat as separators:
    ' \\t\\n\\v\\f\\r'."""
    return (buf == _SPACE) | ((buf >= _TAB) & (buf <= _CR))


@dataclass(frozen=True, eq=False)
class TokenFile:
    """Every token of a text file with the 1-based line it sits on.

    Attributes:
        path: the file, for error messages.
        data: the raw bytes.
        starts: int64 (n_tokens,) byte offset where each token begins.
        lines: int64 (n_tokens,) 1-based line number of each token.
    """

    path: Path
    data: bytes
    starts: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, token: int) -> str:
        """The token at index `token`, decoded for an error message."""
        start = int(self.starts[token])
        head = self.data[start : start + 80].split(maxsplit=1)[0]
        return head.decode("utf-8", errors="replace")

    def line_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """(index of the first token, token count) of every non-empty line, in file order."""
        new_line = np.ones(len(self.lines), dtype=bool)
        new_line[1:] = self.lines[1:] != self.lines[:-1]
        first = np.flatnonzero(new_line)
        return first, np.diff(np.append(first, len(self.lines)))

    def error(self, token: int, message: str) -> DataError:
        return DataError(message, self.path, int(self.lines[token]))


def scan(path: Path) -> TokenFile:
    """Read `path` and locate its tokens; DataError when it is a folder or holds no tokens."""
    if path.is_dir():
        raise DataError("expected a file, got a directory", path)
    data = check_text(path)
    if data.startswith(_BOM):  # blank it out in place so byte offsets stay valid
        data = b"   " + data[3:]
    buf = np.frombuffer(data, dtype=np.uint8)
    space = _is_space(buf)
    # a token starts at a non-space byte that follows a space (or the start of the file)
    starts = np.flatnonzero(~space[1:] & space[:-1]) + 1
    if len(buf) and not space[0]:
        starts = np.concatenate([[0], starts])
    if not len(starts):
        raise DataError("empty file: expected whitespace-separated ids", path)
    newlines = np.flatnonzero(buf == _NEWLINE)
    lines = np.searchsorted(newlines, starts) + 1
    return TokenFile(path, data, starts.astype(np.int64), lines.astype(np.int64))


def non_digit_tokens(tokens: TokenFile) -> np.ndarray:
    """Sorted indices of tokens holding any byte other than 0-9."""
    buf = np.frombuffer(tokens.data, dtype=np.uint8)
    odd = np.flatnonzero(~_is_space(buf) & ((buf < 48) | (buf > 57)))
    return np.unique(np.searchsorted(tokens.starts, odd, side="right") - 1)


def parse_ids(tokens: TokenFile) -> np.ndarray:
    """All tokens as int64 ids; DataError at the first token that is not a non-negative integer."""
    bad = non_digit_tokens(tokens)
    if len(bad):
        raise tokens.error(bad[0], f"expected an integer id, got {tokens.text(bad[0])!r}")
    values = _from_string(tokens, np.int64)
    # fromstring saturates on overflow instead of failing: check the (rare) saturated values
    for token in np.flatnonzero(values == _INT64_MAX):
        if int(tokens.text(token)) > _INT64_MAX:
            raise tokens.error(token, f"id {tokens.text(token)!r} does not fit in 64 bits")
    return values


def parse_numbers(tokens: TokenFile) -> np.ndarray:
    """All tokens as float64; DataError at the first token that is not a number."""
    return _from_string(tokens, np.float64)


def _from_string(tokens: TokenFile, dtype: type) -> np.ndarray:
    try:
        values = np.fromstring(tokens.data, dtype=dtype, sep=" ")
    except ValueError:
        values = np.empty(0, dtype=dtype)
    if len(values) == len(tokens):
        return values
    # slow path, only on failure: find the first token Python cannot parse either
    convert = int if dtype is np.int64 else float
    for token in range(len(tokens)):
        text = tokens.text(token)
        try:
            convert(text)
        except ValueError:
            raise tokens.error(token, f"expected a number, got {text!r}") from None
    raise DataError("could not parse the file as numbers", tokens.path)
