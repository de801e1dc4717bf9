"""Reading text files in the encodings releases arrive in, with clear errors instead of mojibake."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tm.errors import UserError

ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")
# Control characters no text file holds, and private-use characters (what GB18030 makes of Big5
# bytes): a "text" decoded with them is binary, or in another encoding.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")
# An HTML or XHTML page opens so, after a byte-order mark (markup_head), an XML declaration, comments
# (each matched one way only: a nested .*? took minutes on a run of empty comments).
HTML_START = re.compile(
    rb"\s*(<\?xml[^>]*\?>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.I | re.S,
)
_UTF16_STARTS = (
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),  # an XML declaration in UTF-16 without a mark (XML 1.0, appendix F)
    (b"\x00<\x00?", "utf-16-be"),
)
_SAVE_AS_TEXT = "save it as plain text (UTF-8) and try again"
_SAVE_AS_CSV = "save the sheet as CSV or plain text (UTF-8) and try again"
# Folders that tell apart the Office zip containers people mistake for text files.
_OFFICE_FOLDERS = (
    (
        "word/",
        "a Word document (.docx)",
        "give it the .docx extension (or pass --format docx): tm reads Word files",
    ),
    ("xl/", "an Excel workbook (.xlsx)", _SAVE_AS_CSV),
    ("ppt/", "a PowerPoint presentation (.pptx)", _SAVE_AS_TEXT),
)
_OPENDOCUMENT = {  # by the last word of the package's mimetype
    "spreadsheet": ("an OpenDocument spreadsheet (.ods)", _SAVE_AS_CSV),
    "text": ("an OpenDocument text document (.odt)", _SAVE_AS_TEXT),
    "presentation": ("an OpenDocument presentation (.odp)", _SAVE_AS_TEXT),
}


def _utf8_codec(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def markup_head(data: bytes) -> bytes:
    """The first 4 KB of a file as bytes a markup sniffer can match: UTF-16 (by its mark, or an
    XML declaration in it) decoded, a UTF-8 byte-order mark dropped."""
    head = data[:4096]
    for start, codec in _UTF16_STARTS:
        if head.startswith(start):
            skip = len(start) if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else 0
            return head[skip:].decode(codec, "ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)


def _fits(data: bytes, encoding: str) -> bool:
    """Whether data reads as text in encoding: decodes strictly, into no control or private-use
    characters. UTF-16 only with its byte-order mark (without one, any even run of bytes decodes)."""
    if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return _not_text(text) is None


def decode(data: bytes, encoding: str = "utf-8", name: str = "input", option: str = "--encoding") -> str:
    """Decode bytes strictly; a UTF-8 byte-order mark is dropped. ``option`` is the command-line
    option that chose the encoding, named in the advice of the errors."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}; try one of: {', '.join(ENCODINGS)}") from None
    if not _utf8_codec(encoding) and not data.isascii() and _is_utf8(data):
        # Legacy codecs (and UTF-16) decode most UTF-8 Chinese without an error, into mojibake.
        raise UserError(
            f"{name}: is UTF-8 text; decoding it as {encoding} would give mojibake: pass {option} utf-8"
        )
    offset_shift = 0
    if _utf8_codec(encoding) and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        offset_shift = len(codecs.BOM_UTF8)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4].hex(" ")
        raise UserError(
            f"{name}: not valid {encoding} at byte offset {exc.start + offset_shift} "
            f"(bytes {bad}); {_other_encodings(data, encoding, option)}"
        ) from None
    if not _utf8_codec(encoding) and (odd := _not_text(text)):
        # GB18030 decodes Big5 bytes without an error, into private-use characters.
        position, char = odd
        raise UserError(
            f"{name}: decoding it as {encoding} gives U+{ord(char):04X} at character {position + 1}, "
            f"which no text holds (private-use, unassigned or a control character); "
            f"{_other_encodings(data, encoding, option)}"
        )
    return text


def _not_text(text: str) -> tuple[int, str] | None:
    """The first character no real text holds: a control or private-use character, or one that
    Unicode leaves unassigned."""
    found = _NOT_TEXT.search(text)
    unassigned = [c for c in set(text) if ord(c) > 0x7F and unicodedata.category(c) == "Cn"]
    positions = [text.index(c) for c in unassigned] + ([found.start()] if found else [])
    if not positions:
        return None
    first = min(positions)
    return first, text[first]


def _other_encodings(data: bytes, tried: str, option: str) -> str:
    """Advice naming only the encodings the bytes really decode in."""
    others = [e for e in ENCODINGS if codecs.lookup(e).name != codecs.lookup(tried).name]
    fitting = [e for e in others if _fits(data, e)]
    if not fitting:
        listed = f"{', '.join(others[:-1])} or {others[-1]}"
        return f"nor is it text in {listed} (the other encodings tm reads): is it a text file?"
    if len(fitting) == 1:
        return f"it reads as {fitting[0]}: pass {option} {fitting[0]}"
    choices = " or ".join(f"{option} {e}" for e in fitting)
    return f"it decodes as {' and as '.join(fitting)}: pass the one it was written in ({choices})"


def _zip_kind(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, EOFError):
        return "a damaged zip archive", "give the plain-text file instead"
    for folder, kind, advice in _OFFICE_FOLDERS:
        if any(n.startswith(folder) for n in names):
            return kind, advice
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        return _OPENDOCUMENT.get(mimetype.rsplit(".", 1)[-1], ("an OpenDocument file", _SAVE_AS_TEXT))
    return "a zip archive", "unpack it and give the plain-text file inside"


def _file_kind(data: bytes) -> tuple[str, str] | None:
    """(what the file is, what to do) for the formats people give instead of plain text."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Office file (.doc or .xls)", _SAVE_AS_TEXT
    if data.startswith(b"%PDF"):
        return "a PDF document", "copy its text into a plain-text file (UTF-8) and try again"
    if data.startswith(b"{\\rtf"):
        return "an RTF document (.rtf)", _SAVE_AS_TEXT
    if HTML_START.match(markup_head(data)):
        return "an HTML page", "give it the .html extension (or pass --format html): tm reads web pages"
    return None


def read_text(path: str | Path, encoding: str = "utf-8", option: str = "--encoding") -> str:
    """Read a whole text file; missing files, other file types and bad bytes become a UserError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a text file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    kind = _file_kind(data)
    if kind:
        raise UserError(f"{path}: is {kind[0]}, not a text file; {kind[1]}")
    return decode(data, encoding, str(path), option)


# What a spreadsheet runs as a formula when a cell opens with it: a CSV export puts an apostrophe
# before such a cell (and before one that already opens with an apostrophe and one of them, so
# that reading takes exactly one off).
FORMULA_START = ("=", "+", "-", "@")


def looks_like_formula(cell: str) -> bool:
    """A cell a spreadsheet would run, or one whose own apostrophe a reader would take off."""
    return cell.startswith(FORMULA_START) or (cell[:1] == "'" and cell[1:2] in FORMULA_START)


def read_csv(path: str | Path, delimiter: str, encoding: str = "utf-8") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV/TSV file: the header row first, then the non-blank rows, each
    checked to have as many cells as the header. TSV has no quoting: a cell that opens with a
    quotation mark is text, not the start of a quoted field that swallows the rows after it."""
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(
        read_text(path, encoding).splitlines(keepends=True), delimiter=delimiter, quoting=quoting
    )
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
        if delimiter != "\t":  # the apostrophe a CSV export put before a formula-like cell
            row = [c[1:] if c.startswith("'") and looks_like_formula(c[1:]) else c for c in row]
        yield reader.line_num, row
