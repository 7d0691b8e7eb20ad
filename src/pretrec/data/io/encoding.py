"""Text data files are UTF-8: compressed, UTF-16 or undecodable files are named, never read
leniently (a replacing decoder merges distinct ids)."""

from __future__ import annotations

from pathlib import Path

from pretrec.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_text(path: Path) -> bytes:
    """The bytes of a text data file, refused with a clear message when they are compressed,
    UTF-16, or not valid UTF-8 (which a lenient decoder would replace, merging distinct ids)."""
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        raise DataError("a gzip-compressed file: decompress it first (gunzip)", path)
    if data.startswith(UTF16_BOMS):
        raise DataError("UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)", path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text (byte 0x{data[error.start]:02x}); convert the file to "
                        f"UTF-8", path, line) from None
    return data
