"""What `tm glossary check` checks: --source/--target, two aligned files, a TSV or a review
workbook, read into documents of (id, source, target) pairs (consistency is a matter of each
document)."""

from __future__ import annotations

from glossary.qa import Pair
from tm.errors import UserError
from tm.text.files import read_text


def check_inputs(files, source_text, target_text, tsv_file, encoding: str) -> list[list[Pair]]:
    """The documents to check, each a list of pairs; a wrong combination of inputs is a UserError."""
    if source_text is not None or target_text is not None:
        if source_text is None or target_text is None or files or tsv_file:
            raise UserError("give both --source and --target, and nothing else")
        return [[Pair("1", source_text, target_text)]]
    if tsv_file:
        if files:
            raise UserError("give --tsv FILE or files, not both")
        rows = [line.split("\t") for line in read_text(tsv_file, encoding).splitlines() if line.strip()]
        if rows and rows[0][:2] == ["source", "target"]:
            rows = rows[1:]
        bad = next((n for n, r in enumerate(rows, 1) if len(r) < 2), None)
        if bad:
            raise UserError(f"{tsv_file}: row {bad} has no tab-separated target")
        return [[Pair(str(n), r[0], r[1]) for n, r in enumerate(rows, 1)]]
    if len(files) == 2:
        zh = read_text(files[0], encoding).splitlines()
        en = read_text(files[1], encoding).splitlines()
        if len(zh) != len(en):
            raise UserError(
                f"{files[0]} has {len(zh)} lines, {files[1]} has {len(en)}: "
                "aligned files need one segment per line on both sides"
            )
        return [[Pair(str(n), s, t) for n, (s, t) in enumerate(zip(zh, en), 1) if s.strip()]]
    if len(files) == 1:
        from tm.formats.inline import plain
        from tm.workflow.sheet_read import read_workbook

        by_document: dict[str, list[Pair]] = {}  # consistency is a matter of each document
        for row in read_workbook(files[0]).rows:
            # Terms and numbers are checked on the text: ⟦2⟧…⟦/2⟧ is a placeholder, not the number 2.
            pair = Pair(row.id or f"row {row.number}", plain(row.source), plain(row.target))
            by_document.setdefault(row.document, []).append(pair)
        return list(by_document.values())
    raise UserError("give --source and --target, two aligned files, --tsv FILE or a review workbook")
