"""The review workbook's format, shared by its writer (tm.workflow.sheet_write) and its reader
(tm.workflow.sheet_read): the columns, which a translator edits, the check hash that ties a row's
cells together, and what a sheet read back holds.

Sheets: "Segments" (one row a segment; Target, Status and Comment are the cells a translator
edits), "Glossary" (the entries that occur), "Summary" (the analysis), and the hidden "_tm"
(format marker, sheet id, the documents) and "_layout" (every segment with its source and the
line breaks before its paragraph). Hidden columns on "Segments" carry what the import
needs (the proposal, the memory unit, the context) and a check hash of those and of ID and
Source, so a row whose source was edited, or whose cells were moved, is recognised and refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "tm review sheet"
# 2: the _layout sheet and a sheet id; 3: placeholders ⟦1⟧, text in braces is text (versions 1
# and 2 said {1}: tm.formats.inline.from_legacy). Every older version is still read. Columns are
# found by name, so the Fragments column (a hint, never read back) needed no new version.
FORMAT_VERSION = 3
STATUSES = ("draft", "approved", "rejected")
VISIBLE = [
    "ID",
    "Source",
    "Target",
    "Origin",
    "Match %",
    "TM source",
    "Terms",
    "Fragments",
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
WIDTHS |= {"Terms": 32, "Fragments": 40, "QA issues": 40, "MT confidence": 11, "Status": 11, "Comment": 30}
WRAPPED = ("Source", "Target", "TM source", "Terms", "Fragments", "QA issues", "Comment")
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
    sha256: str = ""  # of that file: export-doc rebuilds a .docx/.html/.xlf from it, unchanged
    format: str = "txt"  # txt | docx | html | xliff
    encoding: str = "utf-8"  # --encoding it was read with (an HTML page without a charset)


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


def refusals(sheet: ReviewSheet, tampered: str) -> list[tuple[SheetRow, str]]:
    """The rows a review must refuse, each with why: its check no longer matches (``tampered``
    says what the reader checked), its ID repeats an earlier row's, its document is unknown, or
    its status is none of STATUSES. The same rules for a workbook and an XLIFF batch."""
    refused, seen = [], set()
    known = {doc.name for doc in sheet.documents}
    for row in sheet.rows:
        if not row.intact:
            refused.append((row, tampered))
        elif row.id in seen:
            refused.append((row, "the same ID appears twice"))
        elif row.document not in known:
            refused.append((row, f"unknown document {row.document!r}"))
        elif row.status not in STATUSES:
            refused.append((row, f"status {row.status!r} is not one of {', '.join(STATUSES)}"))
        if row.intact:
            seen.add(row.id)
    return refused
