"""The review loop through a CAT tool: `tm translate -o batch.xlf` writes the batch as XLIFF
(tm.formats.xliff_review) with the same check hash as a review sheet's rows, and `tm review
batch.xlf` reads it back as the ReviewSheet that tm.workflow.review imports. A unit the CAT tool
marked done (2.0 state translated, reviewed or final; 1.2 translated, signed-off or final, or
approved="yes") is an approved row, any other a draft; notes the translator added there are the
row's comment. The batch also carries each document's layout and original (path, checksum,
format), so `tm export-doc batch.xlf` writes the document as it does from a sheet."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.inline import from_legacy, legacy
from tm.formats.xliff_review import XFile, XUnit, read_batch, write_batch, xml_text
from tm.workflow.pipeline import Batch, Document, Row
from tm.workflow.sheet import DocumentLayout, LayoutSegment, ReviewSheet, SheetRow, check_hash, refusals

XLIFF_SUFFIXES = (".xlf", ".xliff")
CAT_SUFFIXES = (".sdlxliff", ".mqxliff", ".mxliff")  # XLIFF 1.2 as Trados, memoQ and Phrase keep it


def is_xliff(path: str | Path) -> bool:
    return Path(path).suffix.lower() in XLIFF_SUFFIXES


def reads_as_xliff(path: str | Path) -> bool:
    """Whether `tm review` reads ``path`` as XLIFF: by its name (a CAT tool's own too), else by
    its content (an .xml or a name without an extension)."""
    from tm.formats.documents import sniff

    suffix = Path(path).suffix.lower()
    if suffix in XLIFF_SUFFIXES + CAT_SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            return suffix != ".xlsx" and sniff(handle.read(4096)) == "xliff"
    except OSError:
        return False  # the workbook reader says what is wrong with the file


def _memory_source(tm_source: str) -> str:
    """The memory's side of a fuzzy match's marked source (``[-yours-]{+memory's+}``)."""
    return re.sub(r"\{\+(.*?)\+\}", r"\1", re.sub(r"\[-.*?-\]", "", tm_source))


def _unit(row: Row, doc: Document) -> XUnit:
    source, target = xml_text(row.source), xml_text(row.target)
    unit = str(row.unit_id) if row.unit_id is not None else ""
    context = xml_text(row.context)
    return XUnit(
        id=row.id,
        source=source,
        target=target,
        state="draft",  # every unit starts as a sheet's row does: only what the translator marks is stored
        origin=row.origin,
        score=row.score,
        match_source=xml_text(_memory_source(row.tm_source)) if row.origin == "fuzzy" else "",
        notes=[xml_text(n) for n in dict.fromkeys(f"{h.text} → {h.entry.target}" for h in row.terms)],
        fragments=[xml_text(f"fragment: {f.label}") for f in row.fragments],
        proposed=target,
        unit=unit,
        context=context,
        check=check_hash(row.id, source, target, unit, context),
        gap=doc.gaps[row.segment.para - 1] if row.segment.index == 1 else None,
    )


def write_xliff(batch: Batch, path: Path, version: str) -> None:
    """The batch as one XLIFF file, a <file> per document, written atomically."""
    files = [
        XFile(
            doc.name,
            doc.path.name,
            [_unit(row, doc) for row in doc.rows],
            path=xml_text(str(doc.path.resolve())),  # export-doc never writes over the source release
            sha256=doc.sha256,
            format=doc.format,
        )
        for doc in batch.documents
    ]
    with atomic_write(path, "wb") as out:
        write_batch(out, files, version, uuid.uuid4().hex)


def read_xliff(path: str | Path) -> ReviewSheet:
    """The units of a batch file as review rows; those that fail their check are refused."""
    path = Path(path)
    _version, sheet_id, files = read_batch(path)
    if not any(xfile.units for xfile in files):
        raise UserError(f"{path}: holds no units written by `tm translate`")
    rows: list[SheetRow] = []
    documents = []
    for xfile in files:
        documents.append(_layout(xfile))
        for unit in xfile.units:
            # a batch of the {1} notation was hashed in it; its tm:proposed is read into ⟦1⟧
            source = legacy(unit.source) if xfile.legacy else unit.source
            intact = unit.check == check_hash(unit.id, source, unit.proposed, unit.unit, unit.context)
            if xfile.legacy:
                unit.proposed = from_legacy(unit.proposed, documents[-1].format != "txt")
            rows.append(
                SheetRow(
                    number=len(rows) + 1,
                    id=unit.id,
                    source=unit.source,
                    target=unit.target.strip(),
                    status="approved" if unit.approved else "draft",
                    comment=unit.comment,
                    proposed=unit.proposed,
                    unit_id=int(unit.unit) if unit.unit.isdigit() else None,
                    context=unit.context,
                    intact=intact,
                )
            )
    sheet = ReviewSheet(path, rows, documents, sheet_id)
    sheet.refused = [
        (row, _STRIPPED if not row.id else why)
        for row, why in refusals(sheet, "ID, source or the tm attributes no longer match the check (edited)")
    ]
    return sheet


# A unit without tm:id was not edited: the tool that saved the file dropped tm's attributes.
_STRIPPED = (
    "the unit has lost tm's attributes (tm:id, tm:check…): the CAT tool that saved the file did "
    "not keep them; have it keep extension attributes, or review in the .xlsx sheet"
)


def _layout(xfile: XFile) -> DocumentLayout:
    """A document of the batch as export-doc rebuilds it. A batch written before the layout was
    carried has one line break between paragraphs, and no original to rebuild a .docx from."""
    from tm.formats.documents import EXTENSIONS

    layout = DocumentLayout(
        xfile.name,
        xfile.original,
        len(xfile.units) if xfile.segments is None else xfile.segments,
        source_path=xfile.path,
        sha256=xfile.sha256,
        format=xfile.format or EXTENSIONS.get(Path(xfile.original).suffix.lower(), "txt"),
    )
    if xfile.segments is not None:  # an id twice (a unit copied) is refused, never written twice
        segments: dict[str, LayoutSegment] = {}
        for u in xfile.units:
            segments.setdefault(u.id, LayoutSegment(u.id, u.source, u.gap))
        layout.segments = list(segments.values())
    return layout
