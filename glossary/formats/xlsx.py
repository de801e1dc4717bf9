"""Glossaries as Excel workbooks: the first sheet, a header row, one entry per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from glossary.formats import COLUMNS, cells_of, check_header, entry_from_cells
from glossary.model import Entry
from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.xlsxio import open_workbook, set_text


def read_xlsx(path: str | Path) -> Iterator[tuple[int, Entry]]:
    workbook = open_workbook(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(header):
            raise UserError(f"{path}: empty sheet; expected a header row: {', '.join(COLUMNS)}")
        header = check_header([str(h or "") for h in header], str(path))
        for line, row in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise UserError(f"{path}: line {line}: values beyond the header's {len(header)} columns")
            cells += [""] * (len(header) - len(cells))
            try:
                yield line, entry_from_cells(dict(zip(header, cells)), line)
            except UserError as exc:
                raise UserError(f"{path}: {exc}") from None
    finally:
        workbook.close()


def write_xlsx(entries: Iterable[Entry], path: str | Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Glossary"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for entry in entries:
        sheet.append(cells_of(entry))
        for cell in sheet[sheet.max_row]:
            set_text(cell, cell.value)  # text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        count += 1
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (18, 30, 18, 26, 22, 30, 12, 20, 10, 8, 12)):
        sheet.column_dimensions[column].width = width
    with atomic_write(path, "wb") as out:
        workbook.save(out)
    return count
