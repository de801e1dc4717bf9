"""Reading a review workbook back (`tm review`, `tm export-doc`, `tm glossary check`) with
tm.formats.xlsxread, a streaming value reader; rows that fail their check are listed."""

from __future__ import annotations

from pathlib import Path

from tm.errors import UserError
from tm.workflow.sheet import (
    FORMAT,
    FORMAT_VERSION,
    HEADER,
    REQUIRED,
    DocumentLayout,
    LayoutSegment,
    ReviewSheet,
    SheetRow,
    check_hash,
    refusals,
)


def _text(value) -> str:
    """A cell as text: numbers a spreadsheet made of typed digits read back as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_workbook(path: str | Path) -> ReviewSheet:
    """The rows of a review workbook, those that fail their check listed in ``refused``."""
    from tm.formats.xlsxread import Workbook

    path = Path(path)
    with Workbook(path) as workbook:
        names = workbook.sheet_names
        _check_sheets(path, names)
        meta = [values for _, values in workbook.rows("_tm")]
        version = _version(path, meta)
        documents = _layouts(path, meta, version)
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
    if version != str(FORMAT_VERSION):
        _from_legacy(sheet)
    sheet.refused = refusals(sheet, "ID or source no longer match the check column (edited or moved)")
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


def _version(path: Path, meta: list[list]) -> str:
    """The sheet's format version, from the hidden sheet's format marker."""
    if not meta or meta[0][:1] != [FORMAT]:
        raise UserError(f"{path}: not a review sheet written by `tm translate` (no format marker)")
    version = _text(meta[0][1] if len(meta[0]) > 1 else None)
    if version not in [str(n) for n in range(1, FORMAT_VERSION + 1)]:
        raise UserError(f"{path}: review sheet format {version or '?'}; this tm reads 1 to {FORMAT_VERSION}")
    return version


def _layouts(path: Path, meta: list[list], version: str) -> list[DocumentLayout]:
    """The documents of the hidden sheet, after its format marker and header."""
    try:
        if version == "1":  # document, file, separator, segments
            return [
                DocumentLayout(_text(r[0]), _text(r[1]), int(r[3]), gap=_text(r[2]).count("\\n"))
                for r in meta[2:]
                if r and r[0] is not None
            ]
        return [
            DocumentLayout(
                _text(r[0]),
                _text(r[1]),
                int(r[2]),
                source_path=_text(r[3] if len(r) > 3 else None),
                sha256=_text(r[4] if len(r) > 4 else None),
                format=_text(r[5] if len(r) > 5 else None) or "txt",
                encoding=_text(r[6] if len(r) > 6 else None) or "utf-8",
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


def _from_legacy(sheet: ReviewSheet) -> None:
    """A sheet of versions 1 and 2 in today's placeholders (after its check hashes were checked
    on the cells as written): {1} was a placeholder, except in plain text, which had none."""
    from tm.formats.inline import from_legacy

    tagged = {doc.name: doc.format != "txt" for doc in sheet.documents}
    for row in sheet.rows:
        has = tagged.get(row.document, False)
        row.source, row.target = from_legacy(row.source, has), from_legacy(row.target, has)
        row.proposed = from_legacy(row.proposed, has)
    for doc in sheet.documents:
        for segment in doc.segments:
            segment.source = from_legacy(segment.source, tagged[doc.name])
