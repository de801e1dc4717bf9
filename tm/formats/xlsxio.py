"""Spreadsheet helpers shared by every .xlsx the tool writes or reads (openpyxl)."""

from __future__ import annotations

from pathlib import Path

from tm.errors import UserError
from tm.text.files import FORMULA_START  # (spreadsheet writers import it from here)


def clean_cell_text(text: str) -> str:
    """Text an .xlsx cell can hold: control characters other than tab and newline removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_text(cell, value) -> None:
    """Put a value in a cell: text without the control characters a cell cannot hold, and text
    that looks like a formula stays text."""
    if isinstance(value, str):
        value = clean_cell_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"


def open_workbook(path: str | Path):
    """A read-only workbook, or one clear error for a missing or non-.xlsx file."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from tm.formats.zipcheck import check_zip

    if Path(path).suffix.lower() in (".xlsx", ".xlsm") and Path(path).is_file():
        check_zip(path)  # openpyxl reads a member whole: a bomb would fill the memory first
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except InvalidFileException:  # by its extension: a .tsv, .csv or .xlf given for a workbook
        raise UserError(f"{path}: not an .xlsx workbook (by its extension); give the .xlsx file") from None
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{path}: not an .xlsx workbook ({exc})") from None
