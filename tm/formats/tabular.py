"""TSV and CSV memories: a header row, UTF-8, one unit per row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import IO

from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.memory.units import Unit
from tm.text.files import looks_like_formula, read_csv

# (no uid: a file imported makes units of their own; a unit's identity travels with tm db copy)
COLUMNS = [f.name for f in fields(Unit) if f.name not in ("id", "uid")]
REQUIRED = ("source", "target")
ALIGNMENT_COLUMNS = ("zh_ids", "en_ids", "confidence")  # how `tm align` starts its TSV


def _delimiter(fmt: str) -> str:
    return "\t" if fmt == "tsv" else ","


class _TsvWriter:
    """TSV has no quoting (text/tab-separated-values): each cell is written as it is, so a
    target that opens with a quotation mark keeps it; a cell holding a tab or a line break,
    which TSV cannot carry, is refused (the write is atomic: nothing is left half-written)."""

    def __init__(self, out: IO[str], header: list[str]):
        self.out, self.header = out, header
        self.out.write("\t".join(header) + "\n")

    def writerow(self, row, what: str = "a row") -> None:
        cells = [str(cell) for cell in row]
        for name, cell in zip(self.header, cells):
            if any(c in cell for c in "\t\r\n"):
                raise UserError(
                    f"{what}: its {name} holds a tab or a line break, which TSV cannot carry; "
                    "export as CSV, TMX or XLSX instead"
                )
        self.out.write("\t".join(cells) + "\n")


class _CsvWriter:
    """CSV, quoted where needed; a cell a spreadsheet would run as a formula (=HYPERLINK(…),
    +, -, @) gets a leading apostrophe, as OWASP advises, which tm's reader takes off again."""

    def __init__(self, out: IO[str], header: list[str]):
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(header)

    def writerow(self, row, what: str = "a row") -> None:
        self.writer.writerow([f"'{c}" if isinstance(c, str) and looks_like_formula(c) else c for c in row])


def table_writer(out: IO[str], fmt: str, header: list[str]):
    """A row writer, the header written: CSV (quoted where needed) or TSV (never quoted).
    ``writerow(cells, what)`` names the row in an error (TSV refuses a cell it cannot carry)."""
    return _TsvWriter(out, header) if fmt == "tsv" else _CsvWriter(out, header)


def read_table(
    path: str | Path,
    fmt: str,
    source_lang: str | None = None,
    target_lang: str | None = None,
    origin: str | None = None,
    document: str | None = None,
    encoding: str = "utf-8",
    held: list[int] | None = None,
) -> Iterator[Unit]:
    """Yield units from a TSV/CSV file with a header row naming the columns. The links of a
    `tm align -o pairs.tsv` file that its ``held`` column holds back are left out, their line
    numbers added to ``held``."""
    rows = read_csv(path, _delimiter(fmt), encoding)
    _, header = next(rows)
    header = [h.strip().lower() for h in header]
    aligned = header[:3] == list(ALIGNMENT_COLUMNS)
    if aligned:  # `tm align -o pairs.tsv`: ids and confidence are the aligner's, the texts the units'
        header = [
            {"chinese": "source", "english": "target"}.get(h, "" if h in ALIGNMENT_COLUMNS else h)
            for h in header
        ]
        held_at = header.index("held") if "held" in header else None
        header = ["" if h == "held" else h for h in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        raise UserError(
            f"{path}: line 1: bad header ({'unknown: ' + ', '.join(unknown) if unknown else ''}"
            f"{'; ' if unknown and missing else ''}{'missing: ' + ', '.join(missing) if missing else ''}); "
            f"columns are: {', '.join(COLUMNS)}"
        )
    for line, row in rows:
        values = {k: (v if v != "" else None) for k, v in zip(header, row) if k}
        if aligned and not (values.get("source") and values.get("target")):
            continue  # a sentence the other side left out: no unit
        if aligned and held_at is not None and held_at < len(row) and row[held_at].strip():
            if held is not None:  # a weak link `tm align --import` would hold back for review
                held.append(line)
            continue
        if not values.get("source") or not values.get("target"):
            raise UserError(f"{path}: line {line}: empty source or target")
        defaults = {
            "source_lang": source_lang or "zh",
            "target_lang": target_lang or "en",
            "origin": "aligned" if aligned else "imported",
        }
        for name, default in defaults.items():
            if values.get(name) is None:
                values[name] = default
        if origin:
            values["origin"] = origin
        if document:  # the option names the document, whatever the file's column says
            values["document"] = document
        yield Unit(**{k: v for k, v in values.items() if v is not None})


def write_table(units: Iterator[Unit], out: IO[str], fmt: str) -> int:
    writer = table_writer(out, fmt, COLUMNS)
    count = 0
    for u in units:
        cells = ["" if getattr(u, c) is None else getattr(u, c) for c in COLUMNS]
        writer.writerow(cells, f"unit {u.id}" if u.id is not None else f"row {count + 2}")
        count += 1
    return count


def export_table(units: Iterator[Unit], path: str | Path, fmt: str) -> int:
    with atomic_write(path, newline="") as out:
        return write_table(units, out, fmt)
