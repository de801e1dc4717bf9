"""Glossaries as CSV or TSV: UTF-8, a header row naming the columns, one entry per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from glossary.formats import COLUMNS, cells_of, check_header, entry_from_cells
from glossary.model import Entry
from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.tabular import table_writer
from tm.text.files import read_csv


def read_table(path: str | Path, fmt: str, encoding: str = "utf-8") -> Iterator[tuple[int, Entry]]:
    rows = read_csv(path, "\t" if fmt == "tsv" else ",", encoding)
    _, header = next(rows)
    header = check_header(header, str(path))
    for line, row in rows:
        try:
            yield line, entry_from_cells(dict(zip(header, row)), line)
        except UserError as exc:
            raise UserError(f"{path}: {exc}") from None


def write_table(entries: Iterable[Entry], path: str | Path, fmt: str) -> int:
    count = 0
    with atomic_write(path, newline="") as out:
        writer = table_writer(out, fmt, COLUMNS)
        for entry in entries:
            writer.writerow(cells_of(entry), f"entry {entry.source}")
            count += 1
    return count
