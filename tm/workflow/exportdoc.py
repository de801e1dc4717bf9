"""`tm export-doc`: the translated document reassembled from a review sheet, laid out as the
source (its paragraphs and the blank lines between them), sentences of a paragraph joined by a
space. The document is rebuilt from the sheet's hidden layout, so a row deleted from the visible
sheet never makes a sentence vanish: it is missing, and named."""

from __future__ import annotations

from dataclasses import dataclass

from tm.errors import UserError
from tm.formats.inline import broken_placeholder, misnested, plain
from tm.workflow.sheet import DocumentLayout, LayoutSegment, ReviewSheet, SheetRow

SHOWN = 10  # missing segments named in a message


@dataclass
class Missing:
    id: str
    why: str
    deleted: bool = False  # its row is gone from the sheet: it cannot be approved there


def assemble(
    sheet: ReviewSheet, layout: DocumentLayout, allow_draft: bool = False, allow_missing: bool = False
) -> tuple[str, list[Missing]]:
    """The document's English text and the segments that had no usable target. A missing
    segment is an error unless ``allow_missing``; then its Chinese stands in its place."""
    texts, missing = segment_targets(sheet, layout, allow_draft, allow_missing)
    paragraphs: list[tuple[int, list[str]]] = []  # (line breaks before, sentences)
    for segment in layout.segments or _from_rows(sheet, layout):
        if segment.gap is not None or not paragraphs:
            paragraphs.append((segment.gap or 0, []))
        paragraphs[-1][1].append(" ".join(plain(texts[segment.id]).split()))  # a line break typed in a cell
    first = True
    out = []
    for gap, sentences in paragraphs:
        out.append(("" if first else "\n" * max(gap, 1)) + " ".join(sentences))
        first = False
    return "".join(out) + "\n", missing


def line_ending(layout: DocumentLayout) -> str:
    """The line ending of the source release, so the English keeps it: CRLF where its lines end
    so (a release from Windows), else LF; LF where the original is no longer there."""
    try:
        with open(layout.source_path, "rb") as handle:
            head = handle.read(1 << 16)
    except (OSError, TypeError):
        return "\n"
    return "\r\n" if b"\r\n" in head or b"\r\x00\n\x00" in head else "\n"


def segment_targets(
    sheet: ReviewSheet, layout: DocumentLayout, allow_draft: bool = False, allow_missing: bool = False
) -> tuple[dict[str, str], list[Missing]]:
    """Each segment's text to export, by id, in document order, and the segments without a usable
    target (an error unless ``allow_missing``; then the Chinese stands in)."""
    rows = {r.id: r for r in sheet.usable if r.document == layout.name}
    refused = {row.id: why for row, why in sheet.refused}
    segments = layout.segments or _from_rows(sheet, layout)
    missing: list[Missing] = []
    texts: dict[str, str] = {}
    mistyped: list[str] = []
    for segment in segments:
        row = rows.get(segment.id)
        text = _usable_target(row, allow_draft) if row else None
        if text is not None and (said := broken_placeholder(row.source, text)):
            mistyped.append(f"{segment.id} (row {row.number}): {said}")
        if text is not None and misnested(text):
            text = plain(text)  # pairs out of order are never written as markup (QA names the row)
        if text is None:
            missing.append(_missing(segment.id, row, refused.get(segment.id)))
            text = segment.source
        texts[segment.id] = text
    if mistyped:  # written, it would be published as text, its link or bold run lost
        raise UserError(
            f"{layout.name}: {'; '.join(mistyped[:SHOWN])}{' …' if len(mistyped) > SHOWN else ''}; "
            "correct the target in the sheet (the Source cell shows the placeholders to copy)"
        )
    deleted = layout.count - len(segments)  # a version 1 sheet cannot say which
    if deleted > 0:
        missing.append(Missing(f"{deleted} of {layout.name}", "deleted from the sheet", True))
    if missing and not allow_missing:
        from tm.workflow.xliff_batch import reads_as_xliff

        raise UserError(_message(layout.name, missing, xliff=reads_as_xliff(sheet.path)))
    return texts, missing


def _from_rows(sheet: ReviewSheet, layout: DocumentLayout) -> list[LayoutSegment]:
    """A version 1 sheet's layout: its rows in document order, one gap between paragraphs."""
    rows = sorted((r for r in sheet.rows if r.document == layout.name), key=lambda r: r.position)
    unique = list({r.id: r for r in rows}.values())
    return [LayoutSegment(r.id, r.source, layout.gap if r.position[1] == 1 else None) for r in unique]


def _missing(segment_id: str, row: SheetRow | None, refusal: str | None) -> Missing:
    if refusal:
        return Missing(segment_id, f"refused: {refusal}")
    if row is None:
        return Missing(segment_id, "row deleted from the sheet", True)
    return Missing(segment_id, "no target" if not row.target else row.status)


def _message(name: str, missing: list[Missing], xliff: bool) -> str:
    """What is missing, in two groups: rows a reviewer can still approve, and rows that are gone."""
    approve = "mark them translated or final in the CAT tool" if xliff else "approve them in the sheet"
    parts = []
    open_ = [m for m in missing if not m.deleted]
    gone = [m for m in missing if m.deleted]
    if open_:
        parts.append(
            f"{len(open_)} segment(s) have no approved translation: {_listing(open_, True)}; {approve} "
            "or use --allow-draft"
        )
    if gone:
        parts.append(
            f"segment rows were deleted from the sheet: {_listing(gone, False)}; "
            "export a new sheet, or use --allow-missing to keep their Chinese in place"
        )
    return f"{name}: " + ". ".join(parts) + ("; --allow-missing keeps the Chinese" if not gone else "")


def _listing(missing: list[Missing], why: bool) -> str:
    shown = ", ".join(f"{m.id} ({m.why})" if why else m.id for m in missing[:SHOWN])
    return shown + (f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else "")


def _usable_target(row: SheetRow, allow_draft: bool) -> str | None:
    if not row.target:
        return None
    if row.status == "approved" or (allow_draft and row.status == "draft"):
        return row.target
    return None
