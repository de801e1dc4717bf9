"""The review workbook of `tm translate` (written) and of `tm review` / `tm export-doc` (read).

Sheets: "Segments" (one row a segment; Target, Status and Comment are the cells a translator
edits), "Glossary" (the entries that occur), "Summary" (the analysis) and a hidden "_tm" sheet
(format marker and the documents' layout). Hidden, locked columns on "Segments" carry what the
import needs (the proposal, the memory unit, the context) and a check hash of those and of ID and
Source, so a row whose source was edited, or whose cells were moved, is recognised and refused.

Written with openpyxl's write-only mode: rows stream to disk, 1.2 × faster than the normal
mode on 100,000 rows in about a quarter of the memory (bench/translate_batch.py measures both);
read back with tm.xlsxread, a streaming value reader.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tm.analysis import BANDS
from tm.atomic import atomic_write
from tm.errors import UserError
from tm.pipeline import Batch, Row
from tm.xlsxio import FORMULA_START, clean_cell_text

FORMAT = "tm review sheet"
FORMAT_VERSION = 2  # 2: the _layout sheet and a sheet id; version 1 sheets are still read
STATUSES = ("draft", "approved", "rejected")
VISIBLE = [
    "ID",
    "Source",
    "Target",
    "Origin",
    "Match %",
    "TM source",
    "Terms",
    "QA issues",
    "MT confidence",
    "Status",
    "Comment",
]
HIDDEN = ["Check", "Proposed", "Unit", "Context"]
HEADER = VISIBLE + HIDDEN
EDITABLE = ("Target", "Status", "Comment")
REQUIRED = ("ID", "Source", "Target", "Status", *HIDDEN)
WIDTHS = {"ID": 24, "Source": 60, "Target": 60, "Origin": 11, "Match %": 8, "TM source": 45}
WIDTHS |= {"Terms": 32, "QA issues": 40, "MT confidence": 11, "Status": 11, "Comment": 30}
WRAPPED = ("Source", "Target", "TM source", "Terms", "QA issues", "Comment")
# Cells with a look of their own (the rest are written plain: a styled cell costs openpyxl about
# twice as much, and 100,000 rows must be written in seconds).
STYLED = tuple(name for name in VISIBLE if name != "MT confidence")
FILLED = ("Origin", "Match %")  # coloured by origin
LINE_HEIGHT = 16  # points per wrapped line at 11 pt
MAX_LINES = 20
RIGHT = ("ID",)  # a long document name is cut on the left: paragraph:sentence stays in view
CJK_FONT = "Microsoft YaHei"  # Excel's CJK UI font; LibreOffice substitutes an installed CJK font
HEADER_FILL_COLOR = "D9D9D9"
ORIGIN_FILLS = {  # light fills by where the target came from
    "context": "C6EFCE",
    "exact": "C6EFCE",
    "near-exact": "E2F0D9",
    "fuzzy": "FFF2CC",
    "MT": "DDEBF7",
    "none": "F2F2F2",
}


def check_hash(segment_id: str, source: str, proposed: str, unit: str, context: str) -> str:
    """What ties a row's cells together; any change to them changes it."""
    data = "\x1f".join((segment_id, source, proposed, unit, context)).encode("utf-8")
    return hashlib.blake2b(data, digest_size=10, person=b"tm-review-v1").hexdigest()


# ------------------------------------------------------------------------ writing


class _Cells:
    """Styled write-only cells: one template cell per look, copied (restyling each cell through
    openpyxl's descriptors costs more than writing it)."""

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell

        self.sheet = sheet
        self.make = WriteOnlyCell
        self.templates: dict[tuple, object] = {}

    def template(self, look: tuple, **styles):
        if look not in self.templates:
            cell = self.make(self.sheet)
            for name, value in styles.items():
                setattr(cell, name, value)
            self.templates[look] = cell
        return self.templates[look]

    def cell(self, value, template):
        cell = self.make(self.sheet, value)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            cell.data_type = "s"  # text that looks like a formula stays text
        cell._style = copy(template._style)
        return cell


def _row_values(row: Row) -> dict:
    source, target = clean_cell_text(row.source), clean_cell_text(row.target)
    unit = str(row.unit_id) if row.unit_id is not None else ""
    return {
        "ID": row.id,
        "Source": source,
        "Target": target,
        "Origin": row.origin_label,
        "Match %": row.score,
        "TM source": clean_cell_text(row.tm_source),
        "Terms": "\n".join(dict.fromkeys(f"{hit.text} → {hit.entry.target}" for hit in row.terms)),
        "QA issues": "\n".join(row.issues),
        "MT confidence": round(row.confidence, 3) if row.confidence is not None else None,
        "Status": "draft",
        "Comment": "",
        "Check": check_hash(row.id, source, target, unit, row.context),
        "Proposed": target,
        "Unit": unit,
        "Context": row.context,
    }


def write_workbook(
    batch: Batch, path: Path, summary: dict, entries: list, info: dict, write_only: bool = True
) -> None:
    """Write the review workbook of ``batch`` to ``path`` atomically (``write_only=False``: the
    same sheet through openpyxl's normal mode, for the benchmark's comparison)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    _segments_sheet(workbook, batch)
    _glossary_sheet(workbook, entries)
    _summary_sheet(workbook, summary, info)
    meta = _hidden_sheet(workbook, "_tm")
    meta.append([FORMAT, FORMAT_VERSION, info.get("created", ""), uuid.uuid4().hex])
    meta.append(["document", "file", "segments", "path"])
    for doc in batch.documents:  # the path: export-doc never writes over the source release
        meta.append([doc.name, doc.path.name, len(doc.rows), clean_cell_text(str(doc.path.resolve()))])
    _layout_sheet(workbook, batch)
    with atomic_write(path, "wb") as out:
        workbook.save(out)


def _hidden_sheet(workbook, title: str):
    sheet = workbook.create_sheet(title)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return sheet


def _layout_sheet(workbook, batch: Batch) -> None:
    """Every segment in document order with its source and the line breaks before its paragraph:
    export-doc rebuilds the document from it even when rows were deleted from "Segments"."""
    sheet = _hidden_sheet(workbook, "_layout")
    cells = _Cells(sheet)
    plain = cells.template(("plain",))
    sheet.append(["ID", "Gap", "Source"])
    for doc in batch.documents:
        for row in doc.rows:
            segment = row.segment
            gap = doc.gaps[segment.para - 1] if segment.index == 1 else None
            sheet.append([row.id, gap, cells.cell(clean_cell_text(row.source), plain)])


def _segments_sheet(workbook, batch: Batch) -> None:
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet("Segments")
    letters = {name: get_column_letter(i) for i, name in enumerate(HEADER, start=1)}
    for name in HEADER:
        dims = sheet.column_dimensions[letters[name]]
        dims.width = WIDTHS.get(name, 12)
        dims.hidden = name in HIDDEN
    rows = batch.rows
    total = len(rows)
    # openpyxl's write-only sheets carry no <dimension>; its reader then parses a whole sheet
    # once more just to size it (half the time of reading 100,000 rows back). The size is known.
    sheet.calculate_dimension = lambda: f"A1:{letters[HEADER[-1]]}{total + 1}"
    sheet.freeze_panes = "A2"
    # Printed for review: landscape, as wide as the page, the header on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{letters[VISIBLE[-1]]}{total + 1}"
    status = DataValidation(
        type="list",
        formula1=f'"{",".join(STATUSES)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error=f"Choose one of: {', '.join(STATUSES)}",
    )
    status.add(f"{letters['Status']}2:{letters['Status']}{max(total, 1) + 1}")
    sheet.data_validations.append(status)
    # Locked cells cannot be typed over; filtering, sorting and resizing stay allowed.
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = protection.sort = False
    protection.formatColumns = protection.formatRows = protection.formatCells = False

    cells = _Cells(sheet)
    font = Font(name=CJK_FONT, size=11)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL_COLOR)
    header = cells.template(("header",), font=Font(name=CJK_FONT, size=11, bold=True), fill=header_fill)
    for name in STYLED:  # empty cells are not written: their column's style applies to them
        dims = sheet.column_dimensions[letters[name]]  # (set before the first row is written)
        dims.font, dims.alignment = font, _alignment(name)
        dims.protection = Protection(locked=name not in EDITABLE)
    sheet.append([cells.cell(name, header) for name in HEADER])
    looks = {  # (origin, column) -> template: a handful of looks for any number of rows
        (origin, name): cells.template(
            (origin if name in FILLED else "", name),
            font=font,
            fill=PatternFill("solid", fgColor=color) if name in FILLED else PatternFill(),
            alignment=_alignment(name),
            protection=Protection(locked=name not in EDITABLE),
        )
        for origin, color in ORIGIN_FILLS.items()
        for name in STYLED
    }
    plain = cells.template(("plain",))
    for number, row in enumerate(rows, start=2):
        values = _row_values(row)
        lines = _lines_needed(values)
        if lines > 1:  # set, not left to the application: LibreOffice does not wrap Chinese on load
            sheet.row_dimensions[number].height = LINE_HEIGHT * lines
        out = []
        for name in HEADER:
            value = values[name]
            if value is None or value == "":
                out.append(None)
            elif name in STYLED:
                out.append(cells.cell(value, looks[row.origin, name]))
            elif isinstance(value, str) and value.startswith(FORMULA_START):
                out.append(cells.cell(value, plain))  # kept text, by the rule every cell follows
            else:
                out.append(value)  # unstyled: written the cheap way
        sheet.append(out)


_WIDE_RE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def _display_width(text: str) -> int:
    """Width in column units: a wide (Chinese, full-width) character takes two."""
    return len(text) + len(_WIDE_RE.findall(text))


def _lines_needed(values: dict) -> int:
    """Lines the row's wrapped cells take at their column widths; an empty Target is given room
    for an English translation (about three letters per Chinese character)."""
    expected_target = len(values["Source"]) * 3
    lines = 1
    for name in WRAPPED:
        width = WIDTHS[name] - 2
        parts = (values[name] or "").split("\n")
        needed = sum(max(1, -(-_display_width(part) // width)) for part in parts)
        if name == "Target":
            needed = max(needed, -(-expected_target // width))
        lines = max(lines, needed)
    return min(lines, MAX_LINES)


def _alignment(name: str):
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=name in WRAPPED, vertical="top", horizontal="right" if name in RIGHT else None)


def _glossary_sheet(workbook, entries: list) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet("Glossary")
    header = ["Source", "Approved rendering", "Alternatives", "Forbidden", "Note", "Domain", "Glossary"]
    for letter, width in zip("ABCDEFGH", (18, 32, 28, 28, 45, 12, 12, 10)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet)
    bold = cells.template(("header",), font=Font(name=CJK_FONT, bold=True))
    plain = cells.template(
        ("body",), font=Font(name=CJK_FONT), alignment=Alignment(wrap_text=True, vertical="top")
    )
    sheet.append([cells.cell(name, bold) for name in [*header, "Segments"]])
    for entry, count in entries:
        values = [
            " | ".join(entry.source_forms),
            entry.target,
            " | ".join(entry.alternatives),
            " | ".join(entry.forbidden),
            entry.note or "",
            entry.domain or "",
            entry.glossary,
            count,
        ]
        sheet.append([cells.cell(clean_cell_text(v) if isinstance(v, str) else v, plain) for v in values])


def _summary_sheet(workbook, summary: dict, info: dict) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 40
    cells = _Cells(sheet)
    bold = cells.template(("bold",), font=Font(bold=True))
    for key, value in info.items():
        sheet.append([cells.cell(key, bold), clean_cell_text(str(value))])
    sheet.append([])
    for title, bands in [("Total", summary["total"])] + [
        (doc["document"], doc["bands"]) for doc in summary["documents"]
    ]:
        sheet.append([cells.cell(title, bold), "segments", "characters", "words"])
        for name in BANDS:
            cell = bands[name]
            sheet.append([name, cell["segments"], cell["characters"], cell["words"]])
        sheet.append([])
    if summary.get("timings"):
        sheet.append([cells.cell("step", bold), "seconds"])
        for step, seconds in summary["timings"].items():
            sheet.append([step, seconds])


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# ------------------------------------------------------------------------ reading


@dataclass
class SheetRow:
    number: int  # row number in the sheet, for messages
    id: str
    source: str
    target: str
    status: str  # draft | approved | rejected, or what the cell says when it is none of them
    comment: str
    proposed: str
    unit_id: int | None
    context: str
    intact: bool  # the check hash matches ID, source and the hidden cells

    @property
    def document(self) -> str:
        return self.id.rsplit(":", 2)[0]

    @property
    def position(self) -> tuple[int, int]:
        _, para, index = self.id.rsplit(":", 2)
        return int(para), int(index)


@dataclass
class LayoutSegment:
    id: str
    source: str  # as written: it stands in for a translation that is missing
    gap: int | None  # line breaks before its paragraph (its first segment only)


@dataclass
class DocumentLayout:
    name: str
    file: str
    count: int  # segments written
    segments: list[LayoutSegment] = field(default_factory=list)  # empty in version 1 sheets
    gap: int = 1  # version 1: line breaks between any two paragraphs
    source_path: str = ""  # where the source release was read (version 2)


@dataclass
class ReviewSheet:
    path: Path
    rows: list[SheetRow]
    documents: list[DocumentLayout]
    sheet_id: str = ""  # the same in every copy and round of one sheet
    refused: list[tuple[SheetRow, str]] = field(default_factory=list)  # (row, why)

    @property
    def usable(self) -> list[SheetRow]:
        refused = {id(r) for r, _ in self.refused}
        return [r for r in self.rows if id(r) not in refused]


def _text(value) -> str:
    """A cell as text: numbers a spreadsheet made of typed digits read back as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_workbook(path: str | Path) -> ReviewSheet:
    """The rows of a review workbook, those that fail their check listed in ``refused``."""
    from tm.xlsxread import Workbook

    path = Path(path)
    with Workbook(path) as workbook:
        names = workbook.sheet_names
        _check_sheets(path, names)
        meta = [values for _, values in workbook.rows("_tm")]
        documents = _layouts(path, meta)
        sheet_id = _sheet_id(meta)
        if "_layout" in names:
            _read_layout(path, documents, workbook.rows("_layout"))
        rows = workbook.rows("Segments")
        header = [_text(v).strip() for v in next(rows, (1, []))[1]]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise UserError(f"{path}: sheet 'Segments' lacks the column(s) {', '.join(missing)}")
        col = {name: header.index(name) for name in HEADER if name in header}
        out = [_sheet_row(number, values, col) for number, values in rows]
    sheet = ReviewSheet(path, [r for r in out if r is not None], documents, sheet_id)
    sheet.refused = _refusals(sheet)
    return sheet


def _check_sheets(path: Path, names: list[str]) -> None:
    """One message that says what the workbook is when it is not a review sheet."""
    if "Segments" in names and "_tm" in names:
        return
    if "Links" in names and "_tm" in names:
        raise UserError(
            f"{path}: is an alignment review sheet (written by `tm align`); store it with "
            f"`tm align --review {path} --import`"
        )
    if "_tm" in names:
        shown = ", ".join(repr(n) for n in names if not n.startswith("_"))
        raise UserError(
            f"{path}: the sheet 'Segments' is missing (the workbook has {shown}); "
            "if its tab was renamed, name it Segments again"
        )
    raise UserError(f"{path}: not a review sheet written by `tm translate` (sheets missing)")


def _layouts(path: Path, meta: list[list]) -> list[DocumentLayout]:
    """The documents of the hidden sheet, after its format marker and header."""
    if not meta or meta[0][:1] != [FORMAT]:
        raise UserError(f"{path}: not a review sheet written by `tm translate` (no format marker)")
    version = _text(meta[0][1] if len(meta[0]) > 1 else None)
    if version not in ("1", str(FORMAT_VERSION)):
        raise UserError(f"{path}: review sheet format {version or '?'}; this tm reads 1 to {FORMAT_VERSION}")
    try:
        if version == "1":  # document, file, separator, segments
            return [
                DocumentLayout(_text(r[0]), _text(r[1]), int(r[3]), gap=_text(r[2]).count("\\n"))
                for r in meta[2:]
                if r and r[0] is not None
            ]
        return [
            DocumentLayout(
                _text(r[0]), _text(r[1]), int(r[2]), source_path=_text(r[3] if len(r) > 3 else None)
            )
            for r in meta[2:]
            if r and r[0] is not None
        ]
    except (IndexError, ValueError):
        raise UserError(f"{path}: the hidden sheet _tm was changed; export a new sheet") from None


def _sheet_id(meta: list[list]) -> str:
    """The id written with the sheet; a version 1 sheet is known by its time and documents."""
    first = meta[0]
    if len(first) > 3 and first[3]:
        return _text(first[3])
    return (
        "v1|" + _text(first[2] if len(first) > 2 else "") + "|" + "|".join(_text(r[0]) for r in meta[2:] if r)
    )


def _read_layout(path: Path, documents: list[DocumentLayout], rows) -> None:
    by_name = {doc.name: doc for doc in documents}
    next(rows, None)  # the header
    for _, values in rows:
        if not values or values[0] is None:
            continue
        segment_id = _text(values[0])
        doc = by_name.get(segment_id.rsplit(":", 2)[0])
        gap = _text(values[1] if len(values) > 1 else None)
        if doc is None or (gap and not gap.isdigit()):
            raise UserError(f"{path}: the hidden sheet _layout was changed; export a new sheet")
        source = _text(values[2] if len(values) > 2 else None)
        doc.segments.append(LayoutSegment(segment_id, source, int(gap) if gap else None))


def _sheet_row(number: int, values: tuple, col: dict[str, int]) -> SheetRow | None:
    def get(name: str) -> str:
        index = col.get(name)
        return _text(values[index]) if index is not None and index < len(values) else ""

    if not any(v is not None and _text(v).strip() for v in values):
        return None  # an empty row
    segment_id, source, proposed, unit, context = (
        get(n) for n in ("ID", "Source", "Proposed", "Unit", "Context")
    )
    intact = get("Check") == check_hash(segment_id, source, proposed, unit, context)
    return SheetRow(
        number=number,
        id=segment_id,
        source=source,
        target=get("Target").strip(),  # a space typed before or after is not part of it
        status=get("Status").strip().lower() or "draft",
        comment=get("Comment"),
        proposed=proposed,
        unit_id=int(unit) if unit.isdigit() else None,
        context=context,
        intact=intact,
    )


def _refusals(sheet: ReviewSheet) -> list[tuple[SheetRow, str]]:
    refused, seen = [], set()
    known = {doc.name for doc in sheet.documents}
    for row in sheet.rows:
        if not row.intact:
            refused.append((row, "ID or source no longer match the check column (edited or moved)"))
        elif row.id in seen:
            refused.append((row, "the same ID appears twice"))
        elif row.document not in known:
            refused.append((row, f"unknown document {row.document!r}"))
        elif row.status not in STATUSES:
            refused.append((row, f"status {row.status!r} is not one of {', '.join(STATUSES)}"))
        if row.intact:
            seen.add(row.id)
    return refused
