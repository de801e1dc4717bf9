"""Files in and out: the memory's interchange formats (TMX, TSV/CSV), spreadsheets (xlsx cells
written safely, the streaming xlsx reader), hardened XML parsing, atomic writes and the rule
every command's outputs follow.

Imports tm.text and tm.memory (the unit model) only.
"""

from __future__ import annotations

from pathlib import Path

from tm.errors import UserError

FORMATS = {".tmx": "tmx", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".csv": "csv"}


def format_of(path: str | Path, given: str | None = None) -> str:
    """The interchange format named by --format, else by the file's extension."""
    if given:
        return given
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UserError(f"{path}: cannot tell the format from the extension; pass --format tmx|tsv|csv")
    return fmt
