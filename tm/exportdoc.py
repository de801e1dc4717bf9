"""`tm export-doc`: the translated document reassembled from a review sheet, paragraphs as in
the source, sentences of a paragraph joined by a space."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tm.errors import UserError
from tm.sheets import DocumentLayout, ReviewSheet, SheetRow


@dataclass
class Missing:
    id: str
    why: str


def assemble(
    sheet: ReviewSheet, layout: DocumentLayout, allow_draft: bool = False, allow_missing: bool = False
) -> tuple[str, list[Missing]]:
    """The document's English text and the segments that had no usable target. A missing
    segment is an error unless ``allow_missing``; then its source stands in its place."""
    refused = {id(row): why for row, why in sheet.refused}
    rows = [r for r in sheet.rows if r.document == layout.name]
    missing = [Missing(r.id, f"refused: {refused[id(r)]}") for r in rows if id(r) in refused]
    paragraphs: dict[int, list[str]] = defaultdict(list)
    for row in sorted((r for r in rows if id(r) not in refused), key=lambda r: r.position):
        text = _usable_target(row, allow_draft)
        if text is None:
            missing.append(Missing(row.id, _why(row)))
            text = row.source
        paragraphs[row.position[0]].append(" ".join(text.split()))  # a line break typed in a cell
    deleted = layout.segments - len({r.id for r in rows})
    if deleted > 0:
        missing.append(Missing(layout.name, f"{deleted} segment row(s) deleted from the sheet"))
    if missing and not allow_missing:
        shown = "; ".join(f"{m.id} ({m.why})" for m in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise UserError(
            f"{len(missing)} segment(s) of {layout.name} have no approved translation: {shown}{more}. "
            "Approve them in the sheet, or use --allow-draft / --allow-missing"
        )
    text = layout.separator.join(" ".join(paragraphs[p]) for p in sorted(paragraphs))
    return text + "\n", missing


def _usable_target(row: SheetRow, allow_draft: bool) -> str | None:
    if not row.target:
        return None
    if row.status == "approved" or (allow_draft and row.status == "draft"):
        return row.target
    return None


def _why(row: SheetRow) -> str:
    if not row.target:
        return "no target"
    return row.status
