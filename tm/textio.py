"""Reading text files in the encodings releases arrive in, with clear errors instead of mojibake."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from tm.errors import UserError

ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")


def decode(data: bytes, encoding: str = "utf-8", name: str = "input") -> str:
    """Decode bytes strictly; a UTF-8 byte-order mark is dropped."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}; try one of: {', '.join(ENCODINGS)}") from None
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        offset_shift = len(codecs.BOM_UTF8)
    else:
        offset_shift = 0
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4].hex(" ")
        others = [e for e in ENCODINGS if e != encoding.lower()]
        raise UserError(
            f"{name}: not valid {encoding} at byte offset {exc.start + offset_shift} "
            f"(bytes {bad}); if the file is in another encoding, pass --encoding "
            f"({' or '.join(others[:2])})"
        ) from None


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """Read a whole text file; missing files and bad bytes become a UserError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a text file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    return decode(data, encoding, str(path))


def read_csv(path: str | Path, delimiter: str, encoding: str = "utf-8") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV/TSV file: the header row first, then the non-blank rows, each
    checked to have as many cells as the header."""
    reader = csv.reader(read_text(path, encoding).splitlines(keepends=True), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise UserError(f"{path}: empty file; expected a header row")
    yield 1, header
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UserError(
                f"{path}: line {reader.line_num}: {len(row)} columns, the header has {len(header)}"
            )
        yield reader.line_num, row
