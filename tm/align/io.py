"""Alignment outputs (.tsv, .align, .tmx, .xlsx review sheet) and the reviewed sheet read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tm.align.aligner import Link
from tm.align.floor import hold_reason
from tm.align.score import format_align
from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.xlsxio import open_workbook, set_text

DOUBTFUL = 0.5  # links under this confidence, or that leave a sentence unaligned, are doubtful
DECISIONS = ("accept", "reject", "fix")
HEADER = ["Link", "Chinese", "English", "Confidence", "Shape", "Decision", "Comment"]


@dataclass
class Aligned:
    """A document pair and its links, with the sentence texts the ids point to."""

    zh: list[str]
    en: list[str]
    links: list[Link]
    zh_name: str = "zh"
    en_name: str = "en"

    def texts(self, link: Link) -> tuple[str, str]:
        return "".join(self.zh[i] for i in link.zh), " ".join(self.en[j] for j in link.en)


def doubtful(link: Link) -> bool:
    return not link.zh or not link.en or link.score < DOUBTFUL or hold_reason(link) is not None


def write_output(aligned: Aligned, path: Path) -> None:
    """Write by extension: .align, .tsv, .tmx or .xlsx (atomically)."""
    suffix = path.suffix.lower()
    if suffix == ".align":
        with atomic_write(path) as out:
            out.write(format_align([(link.zh, link.en) for link in aligned.links]))
    elif suffix in (".tsv", ".txt"):
        with atomic_write(path) as out:
            out.write(tsv(aligned))
    elif suffix == ".tmx":
        from tm.formats.tmx import export_tmx

        export_tmx(iter(units(aligned)), path, "zh")
    elif suffix == ".xlsx":
        write_review(aligned, path)
    else:
        raise UserError(f"{path}: unknown output format; use .align, .tsv, .tmx or .xlsx")


def tsv(aligned: Aligned) -> str:
    """The links as `tm import` reads them; ``held`` says why a link `tm align --import` would
    hold back (tm import leaves those rows out: empty the cell to import one)."""
    lines = ["zh_ids\ten_ids\tconfidence\tchinese\tenglish\theld"]
    for link in aligned.links:
        zh, en = aligned.texts(link)
        ids = ",".join(map(str, link.zh)), ",".join(map(str, link.en))
        lines.append(f"{ids[0]}\t{ids[1]}\t{link.score:.3f}\t{zh}\t{en}\t{hold_reason(link) or ''}")
    return "\n".join(lines) + "\n"


def units(aligned: Aligned, document: str | None = None, held: Iterable[int] = ()):
    """Memory units (origin aligned) of the links with both sides, less the ``held`` ones (link
    indices); each unit's context is its neighbours in the document, held or not."""
    kept = [k for k, link in enumerate(aligned.links) if link.zh and link.en]
    pairs = [aligned.texts(aligned.links[k]) for k in kept]
    made = units_from_pairs(pairs, document or pair_name(aligned.zh_name, aligned.en_name))
    held = set(held)
    return [unit for k, unit in zip(kept, made) if k not in held]


def describe_held(aligned: Aligned, k: int, why: str, width: int | None = None) -> str:
    """One held link for a person: its number in the review sheet, the sentence ids, why it was
    held and both texts (cut to ``width`` characters each when given)."""
    link = aligned.links[k]
    zh, en = aligned.texts(link)
    if width:
        zh, en = (t if len(t) <= width else t[: width - 1] + "…" for t in (zh, en))
    ids = f"[{','.join(map(str, link.zh))}]:[{','.join(map(str, link.en))}]"
    return f"link {k + 1} {ids}, {why}: {zh} ↔ {en}"


def pair_name(zh_name: str, en_name: str) -> str:
    """The document name aligned units are stored with unless one is given: the same whether
    the links are imported at once or after review."""
    return f"{zh_name} | {en_name}"


def units_from_pairs(pairs: list[tuple[str, str]], document: str):
    """Units in document order, each with the context of its neighbours (for 101 matches)."""
    from tm.memory.units import Unit, context_hash, neighbours

    around = neighbours([zh for zh, _ in pairs])
    return [
        Unit(zh, en, "zh", "en", origin="aligned", document=document, context=context_hash(*context))
        for (zh, en), context in zip(pairs, around)
    ]


def write_review(aligned: Aligned, path: Path) -> None:
    """A review workbook: 'Links' in document order, 'By confidence' with doubtful links on top,
    a Decision drop-down (accept / reject / fix) and editable texts; the originals are kept in
    a hidden sheet so the import can tell edits apart."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    doubt = PatternFill("solid", fgColor="FFF2CC")
    order = {
        "Links": list(range(len(aligned.links))),
        # held links first: they are not imported without a decision
        "By confidence": sorted(
            range(len(aligned.links)),
            key=lambda k: (hold_reason(aligned.links[k]) is None, aligned.links[k].score),
        ),
    }
    first = True
    for title, indices in order.items():
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = title
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        validation = DataValidation(type="list", formula1=f'"{",".join(DECISIONS)}"', allow_blank=True)
        sheet.add_data_validation(validation)
        for k in indices:
            link = aligned.links[k]
            zh, en = aligned.texts(link)
            row = sheet.max_row + 1
            values = [k + 1, zh, en, round(link.score, 3), f"{len(link.zh)}-{len(link.en)}", "", ""]
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=col)
                set_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if doubtful(link):
                    cell.fill = doubt
            validation.add(f"F{row}")
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = f"A1:G{sheet.max_row}"
        for column, width in zip("ABCDEFG", (7, 50, 60, 11, 7, 10, 30)):
            sheet.column_dimensions[column].width = width
    hidden = workbook.create_sheet("_tm")
    hidden.sheet_state = "hidden"
    hidden.append(
        ["link", "zh_ids", "en_ids", "confidence", "chinese", "english", aligned.zh_name, aligned.en_name]
    )
    for k, link in enumerate(aligned.links, start=1):
        zh, en = aligned.texts(link)
        row = [k, ",".join(map(str, link.zh)), ",".join(map(str, link.en)), link.score, zh, en]
        hidden.append([None] * len(row))
        for col, value in enumerate(row, start=1):
            set_text(hidden.cell(row=hidden.max_row, column=col), value)
    with atomic_write(path, "wb") as out:
        workbook.save(out)


@dataclass
class ReviewedLink:
    link: int
    zh: str  # edits applied
    en: str
    decision: str  # accept | reject | fix, or "" (none given: stored as accepted)
    comment: str  # the reviewer's, from either sheet

    @property
    def stored(self) -> bool:
        return self.decision != "reject" and bool(self.zh.strip() and self.en.strip())


@dataclass
class Reviewed:
    links: list[ReviewedLink]  # in document order, but those whose rows were deleted
    edited: int
    zh_name: str
    en_name: str
    deleted: list[int]  # links whose rows the reviewer deleted: skipped, and reported

    @property
    def accepted(self) -> list[tuple[str, str]]:
        """(chinese, english) to store, edits applied."""
        return [(k.zh, k.en) for k in self.links if k.stored]

    @property
    def rejected(self) -> int:
        return sum(k.decision == "reject" for k in self.links)


def read_review(path: Path) -> Reviewed:
    """Decisions, edits and comments from a review workbook (either sheet; decisions and edits
    must not disagree, comments on both are kept). A link whose row was deleted from a sheet is
    not stored, and listed in ``deleted``."""
    workbook = open_workbook(path)
    try:
        if "_tm" not in workbook.sheetnames or "Links" not in workbook.sheetnames:
            raise UserError(f"{path}: not an alignment review sheet written by `tm align` (sheets missing)")
        rows = list(workbook["_tm"].iter_rows(values_only=True))
        zh_name, en_name = (rows[0][6] or "zh"), (rows[0][7] or "en")
        original = {int(r[0]): (str(r[4] or ""), str(r[5] or "")) for r in rows[1:] if r and r[0] is not None}
        decision: dict[int, str] = {}
        text: dict[int, tuple[str, str]] = {}
        comments: dict[int, list[str]] = {}
        listed: list[set[int]] = []  # the links each visible sheet still has a row for
        for title in ("Links", "By confidence"):
            if title not in workbook.sheetnames:
                continue
            listed.append(set())
            sheet_rows = list(workbook[title].iter_rows(values_only=True))
            if not sheet_rows or list(sheet_rows[0][:6]) != HEADER[:6]:
                raise UserError(f"{path}: sheet {title!r} has lost its header row ({', '.join(HEADER)})")
            for number, row in enumerate(sheet_rows[1:], start=2):
                if not row or row[0] is None:
                    continue
                k = int(row[0])
                if k not in original:
                    raise UserError(f"{path}: sheet {title!r} row {number}: unknown link {k}")
                listed[-1].add(k)
                chosen = str(row[5] or "").strip().lower()
                if chosen and chosen not in DECISIONS:
                    raise UserError(
                        f"{path}: sheet {title!r} row {number}: decision {row[5]!r} is not "
                        f"one of {', '.join(DECISIONS)}"
                    )
                if chosen:
                    if decision.get(k, chosen) != chosen:
                        raise UserError(f"{path}: link {k} is both {decision[k]} and {chosen}")
                    decision[k] = chosen
                comment = str(row[6] or "").strip() if len(row) > 6 else ""
                if comment and comment not in comments.setdefault(k, []):
                    comments[k].append(comment)
                pair = (str(row[1] or ""), str(row[2] or ""))
                if pair != original[k]:
                    if text.get(k, pair) != pair:
                        raise UserError(f"{path}: link {k} is edited differently on the two sheets")
                    text[k] = pair
    finally:
        workbook.close()
    # A deleted row reads as "drop this link" on whichever sheet the reviewer worked in.
    deleted = [k for k in sorted(original) if any(k not in links for links in listed)]
    links = [
        ReviewedLink(k, *text.get(k, original[k]), decision.get(k, ""), "\n".join(comments.get(k, [])))
        for k in sorted(original.keys() - set(deleted))
    ]
    return Reviewed(links, len(text), str(zh_name), str(en_name), deleted)
