"""A streaming reader of the cell values of one .xlsx sheet (SpreadsheetML), on hardened expat.

Reading a reviewed sheet back is the slow half of the review round trip: openpyxl's read-only
mode builds an object per cell and reads 100,000 review rows in about 12 s, this in about 4 s
(bench/translate_batch.py). It reads values only — shared and inline strings (rich-text runs
joined, phonetic runs left out), numbers, booleans, errors, formula results — which is all a
review import needs; styles, formulas and everything else are ignored.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tm.errors import UserError
from tm.formats.xmlsafe import hardened_parser, parse_stream

_REL_SHARED_STRINGS = "/sharedStrings"


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]  # with or without a namespace prefix


def _parser(member: str, start, end, text=None):
    parser = hardened_parser(member)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _parse(archive: zipfile.ZipFile, member: str, start, end, text=None) -> None:
    """Parse one (small) member whole."""
    parser = _parser(member, start, end, text)
    with archive.open(member) as handle:
        for _ in parse_stream(parser, handle, member):
            pass


def _sheet_paths(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """{sheet name: member path} and the shared strings member, from the workbook's relations."""
    targets: dict[str, tuple[str, str]] = {}  # relation id -> (type, target)

    def rel(name, attrs):
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    _parse(archive, "xl/_rels/workbook.xml.rels", rel, lambda name: None)
    sheets: dict[str, str] = {}

    def sheet(name, attrs):
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            if rid in targets:
                sheets[attrs.get("name", "")] = _member(targets[rid][1])

    _parse(archive, "xl/workbook.xml", sheet, lambda name: None)
    shared = next((_member(t) for kind, t in targets.values() if kind.endswith(_REL_SHARED_STRINGS)), None)
    return sheets, shared


def _member(target: str) -> str:
    """A relation target as a zip member name (relative to xl/, or absolute)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile, member: str | None) -> list[str]:
    if member is None or member not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "phonetic": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            parts.clear()
        elif name == "rPh":
            state["phonetic"] += 1
        elif name == "t" and not state["phonetic"]:
            state["in_t"] = True

    def end(name):
        name = _local(name)
        if name == "si":
            strings.append("".join(parts))
        elif name == "rPh":
            state["phonetic"] -= 1
        elif name == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            parts.append(data)

    _parse(archive, member, start, end, text)
    return strings


def _column(ref: str) -> int:
    """0-based column of a cell reference (``AB12`` → 27)."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n - 1


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "E" not in text.upper() and "." not in text else value


class Workbook:
    """An .xlsx file opened for reading values; ``sheet_names`` in workbook order."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.archive = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise UserError(f"{path}: no such file") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise UserError(f"{path}: not an .xlsx workbook ({exc})") from None
        try:
            self.sheets, shared = _sheet_paths(self.archive)
            self.strings = _shared_strings(self.archive, shared)
        except (KeyError, UserError) as exc:  # a member missing, or not XML
            names = self.archive.namelist()
            self.archive.close()
            if "content.xml" in names or self.path.suffix.lower() in (".ods", ".fods"):
                raise UserError(
                    f"{path}: is an OpenDocument spreadsheet, not an .xlsx workbook: save it as .xlsx "
                    "(LibreOffice: File › Save As › Excel 2007-365) and give that file"
                ) from None
            raise UserError(f"{path}: not an .xlsx workbook ({exc})") from None

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rows(self, sheet: str) -> Iterator[tuple[int, list]]:
        """(row number, values from column A on; None where a cell is empty) of every row
        that has a cell, in order, streamed."""
        member = self.sheets[sheet]
        if member not in self.archive.namelist():
            raise UserError(f"{self.path}: sheet {sheet!r} is missing from the file")
        done: list[tuple[int, list]] = []
        row: list = []
        cell = {"col": 0, "type": "n", "parts": [], "in_text": False, "phonetic": 0, "row": 0}
        strings = self.strings

        def start(name, attrs):
            name = _local(name)
            if name == "c":
                ref = attrs.get("r")
                cell["col"] = _column(ref) if ref else len(row)
                cell["type"] = attrs.get("t", "n")
                cell["parts"] = []
            elif name in ("v", "t") and not cell["phonetic"]:
                cell["in_text"] = True
            elif name == "rPh":
                cell["phonetic"] += 1
            elif name == "row":
                row.clear()
                cell["row"] = int(attrs.get("r", cell["row"] + 1))

        def end(name):
            name = _local(name)
            if name in ("v", "t"):
                cell["in_text"] = False
            elif name == "rPh":
                cell["phonetic"] -= 1
            elif name == "c":
                value = _value(cell["type"], "".join(cell["parts"]), strings)
                if value is not None:
                    row.extend([None] * (cell["col"] + 1 - len(row)))
                    row[cell["col"]] = value
            elif name == "row":
                done.append((cell["row"], list(row)))

        def text(data):
            if cell["in_text"]:
                cell["parts"].append(data)

        parser = _parser(member, start, end, text)
        with self.archive.open(member) as handle:
            for _ in parse_stream(parser, handle, f"{self.path}: {member}"):
                yield from done
                done.clear()


def _value(kind: str, text: str, strings: list[str]):
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind in ("inlineStr", "str", "e", "d"):
        return text if text else None
    if kind == "b":
        return text.strip() == "1"
    return _number(text) if text else None
