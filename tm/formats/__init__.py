"""Files in and out: the memory's interchange formats (TMX, TSV/CSV), spreadsheets (xlsx cells
written safely, the streaming xlsx reader), hardened XML parsing, atomic writes and the rule
every command's outputs follow.

Imports tm.text and tm.memory (the unit model) only.
"""

from __future__ import annotations

from pathlib import Path

from tm.errors import UserError

FORMATS = {".tmx": "tmx", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".csv": "csv"}


# Files people hand `tm import` that are not memories: what they are, and the command that takes them.
_NOT_A_MEMORY = {
    ".xlsx": "an Excel workbook: a review sheet is stored with `tm review FILE`; a memory kept in a "
    "spreadsheet, save it as CSV",
    ".docx": "a Word release: `tm translate FILE` pre-translates it, `tm align FILE ENGLISH` aligns it",
    ".html": "a web page: `tm translate FILE` pre-translates it, `tm align FILE ENGLISH` aligns it",
    ".htm": "a web page: `tm translate FILE` pre-translates it, `tm align FILE ENGLISH` aligns it",
    ".xlf": "an XLIFF file: a batch reviewed in a CAT tool is stored with `tm review FILE`",
    ".xliff": "an XLIFF file: a batch reviewed in a CAT tool is stored with `tm review FILE`",
    ".tbx": "a termbase: `tm glossary import FILE` takes it",
}


def format_of(path: str | Path, given: str | None = None) -> str:
    """The interchange format named by --format, else by the file's extension."""
    if given:
        return given
    suffix = Path(path).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        if suffix in _NOT_A_MEMORY:
            raise UserError(f"{path}: is {_NOT_A_MEMORY[suffix]}; `tm import` reads TMX, TSV and CSV")
        raise UserError(f"{path}: cannot tell the format from the extension; pass --format tmx|tsv|csv")
    return fmt
