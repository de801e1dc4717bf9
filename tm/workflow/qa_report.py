"""`tm qa`: an Xbench-style QA report over a whole memory or a review workbook.

Checks: the same source with different targets, the same target for different sources (from
the memory's SQL, grouped by matching key and by target), glossary violations (approved
rendering missing, forbidden rendering used), numbers and software strings' variables ({0})
without a counterpart, a workbook row's placeholders that differ from its source's or are
mistyped (``⟧/1⟧``: export-doc refuses to publish it), untranslated or source-copied targets
(empty, the source itself, Chinese left in it), double spaces, and unpaired brackets or quotation
marks. Each finding names its units (ids, or segment ids of a workbook), their documents and dates.

Fast on a large memory: the glossary automaton runs over the stored matching key (already
folded), and only units where it hits are checked term by term; the number rules run only on
sources that hold a numeral."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tm.text.normalize import has_han, surface

CHECKS = (
    "same source, different targets",
    "same target, different sources",
    "rejected more than once",
    "missing term",
    "forbidden term",
    "number",
    "variable",
    "placeholder",
    "untranslated",
    "source copied",
    "double space",
    "unpaired bracket",
)
_NUMERAL_RE = re.compile(r"[0-9０-９零〇一二兩两三四五六七八九十百千萬万億亿兆]")
_DOUBLE_SPACE_RE = re.compile(r"(?<=\S) {2,}(?=\S)")
_PAIRS = {")": "(", "]": "[", "}": "{", "）": "（", "」": "「", "』": "『", "》": "《", "”": "“", "】": "【"}
_OPENERS = set(_PAIRS.values())
_BRACKET_RE = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_OPENERS)) + '"]')  # most texts have none


@dataclass
class Finding:
    check: str  # one of CHECKS
    ids: list[str]  # unit ids (or a workbook's segment ids)
    documents: list[str]
    dates: list[str]
    source: str
    target: str
    message: str


@dataclass
class Report:
    scope: str  # what was checked: the memory's location, or a workbook
    units: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(f.check for f in self.findings)
        return {check: found[check] for check in CHECKS}


@dataclass
class Item:
    """One unit or workbook row as the checks see it."""

    id: str
    source: str
    target: str
    document: str = ""
    date: str = ""
    key: str = ""  # the stored matching key, when the memory has one
    tagged: tuple[str, str] | None = None  # a workbook row's source and target with placeholders


def memory_report(memory, recognizer=None) -> Report:
    """Every check over every unit of ``memory``."""
    report = Report(memory.location)
    for check, groups in (
        ("same source, different targets", memory.inconsistent_units("source")),
        ("same target, different sources", memory.inconsistent_units("target")),
    ):
        report.findings += [_group_finding(check, units) for units in groups]
    items = (
        Item(str(u.id), u.source, u.target, u.document or "", u.changed_at or "", key)
        for u, key in memory.iter_keyed_units()
    )
    report.units = _check_items(items, recognizer, report)
    report.findings += _rejected_repeatedly(memory)
    return report


def _rejected_repeatedly(memory) -> list[Finding]:
    """Units reviewers turned down more than once: candidates for tm edit or tm delete."""
    from tm.memory.history import described

    ids = memory.rejected_units(2)
    found, rejections = memory.units_by_id(ids), memory.rejections(ids)
    out = []
    for unit_id, (unit, _) in sorted(found.items()):
        events = rejections[unit_id]
        whys = "; ".join(described(e) for e in events[-3:])
        out.append(
            Finding(
                "rejected more than once",
                [str(unit_id)],
                [unit.document or ""],
                [events[-1]["changed_at"]],
                unit.source,
                unit.target,
                f"rejected {len(events)} times: {whys}",
            )
        )
    return out


def workbook_items(path) -> list[Item]:
    """The rows of a review workbook as QA items, on their text: ⟦2⟧…⟦/2⟧ is a placeholder, not
    the number 2 (the review checks placeholders)."""
    from tm.formats.inline import plain
    from tm.workflow.sheet_read import read_workbook

    return [
        Item(
            r.id or f"row {r.number}",
            plain(r.source),
            plain(r.target),
            r.document,
            tagged=(r.source, r.target),
        )
        for r in read_workbook(path).rows
    ]


def rows_report(scope: str, rows: Iterable[Item], recognizer=None) -> Report:
    """Every check over the rows of a review workbook (consistency among its rows)."""
    from tm.text.normalize import matching_key

    rows = list(rows)
    report = Report(scope)
    by_source: dict[str, list[Item]] = {}
    by_target: dict[str, list[Item]] = {}
    for row in rows:
        row.key = matching_key(row.source)
        if row.target.strip():
            by_source.setdefault(row.key, []).append(row)
            by_target.setdefault(row.target, []).append(row)
    for check, groups, side in (
        ("same source, different targets", by_source, "target"),
        ("same target, different sources", by_target, "key"),
    ):
        for group in groups.values():
            if len({getattr(r, side) for r in group}) > 1:
                report.findings.append(_group_finding(check, group))
    report.units = _check_items(iter(rows), recognizer, report)
    return report


def _group_finding(check: str, units: list) -> Finding:
    as_items = [
        u
        if isinstance(u, Item)
        else Item(str(u.id), u.source, u.target, u.document or "", u.changed_at or "")
        for u in units
    ]
    if check.startswith("same source"):
        shown = list(dict.fromkeys(u.target for u in as_items))
        message = f"{len(shown)} translations: " + " | ".join(f"“{t}”" for t in shown[:5])
    else:
        shown = list(dict.fromkeys(u.source for u in as_items))
        message = f"{len(shown)} sources: " + " | ".join(shown[:5])
    return Finding(
        check,
        [u.id for u in as_items],
        [u.document for u in as_items],
        [u.date for u in as_items],
        as_items[0].source,
        as_items[0].target,
        message + (" …" if len(shown) > 5 else ""),
    )


def _check_items(items: Iterator[Item], recognizer, report: Report) -> int:
    count = 0
    automaton = None if recognizer is None or recognizer.empty else recognizer.automaton
    for item in items:
        count += 1
        for check, message in _item_issues(item, recognizer, automaton):
            report.findings.append(
                Finding(check, [item.id], [item.document], [item.date], item.source, item.target, message)
            )
    return count


def _item_issues(item: Item, recognizer, automaton) -> Iterator[tuple[str, str]]:
    target = item.target
    if not target.strip():
        yield "untranslated", "the target is empty"
        return
    if has_han(item.source):
        if surface(item.source) == surface(target):
            yield "source copied", "the target is the source"
            return
        if has_han(target):
            yield "untranslated", "Chinese characters in the target"
    if automaton is not None and _any_term(automaton, item.key or item.source):
        yield from _term_issues(item, recognizer)
    numbers = (item.source, target)
    if "{" in item.source or "{" in target:  # a software string's variables; their digits are no numbers
        from tm.text.variables import missing_variables, without_variables

        missing, extra = missing_variables(item.source, target)
        yield from (("variable", f"{v} is missing from the target") for v in missing)
        yield from (("variable", f"{v} is not in the source") for v in extra)
        numbers = (without_variables(item.source), without_variables(target))
    if item.tagged is not None:
        from tm.formats.inline import placeholder_issue

        if issue := placeholder_issue(*item.tagged):
            yield "placeholder", issue
    if _NUMERAL_RE.search(numbers[0]):
        from tm.text.numbers import missing_numbers

        for number in missing_numbers(*numbers):
            yield "number", f"{number.text} has no counterpart in the target"
    for x in _DOUBLE_SPACE_RE.finditer(target):
        yield (
            "double space",
            f"double space at {x.start()}: “…{target[max(0, x.start() - 15) : x.end() + 15]}…”",
        )
    for side, text in (("source", item.source), ("target", target)):
        problem = unpaired(text) if _BRACKET_RE.search(text) else None
        if problem:
            yield "unpaired bracket", f"{side}: {problem}"


def _any_term(automaton, key: str) -> bool:
    """Whether any glossary term may occur: the automaton over the folded key, no spans needed."""
    folded = "".join(key.split()).lower()
    return next(automaton.iter(folded), None) is not None


def _term_issues(item: Item, recognizer) -> Iterator[tuple[str, str]]:
    from glossary.match import find_accepted, find_forbidden

    for hit in recognizer.find(item.source):
        entry = hit.entry
        if not entry.enforced:
            continue  # a suggestion, not a rule
        if not find_accepted(item.target, entry):
            yield "missing term", f"{hit.text}: approved rendering “{entry.target}” not in the target"
        for _, (a, b) in find_forbidden(item.target, entry):
            yield "forbidden term", f"{hit.text}: forbidden “{item.target[a:b]}”; use “{entry.target}”"


def unpaired(text: str) -> str | None:
    """What is unpaired in ``text``: a closing bracket or quotation mark without its opener, or
    an opener left open; straight double quotes in odd number. None when all pair up."""
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char in _OPENERS:
            stack.append((char, i))
        elif char in _PAIRS:
            if not stack or stack[-1][0] != _PAIRS[char]:
                return f"“{char}” at {i} closes nothing"
            stack.pop()
    if stack:
        char, i = stack[-1]
        return f"“{char}” at {i} is never closed"
    if text.count('"') % 2:
        return 'an odd number of "'
    return None


def report_data(report: Report) -> dict:
    from dataclasses import asdict

    return {
        "scope": report.scope,
        "units": report.units,
        "counts": report.counts,
        "findings": [asdict(f) for f in report.findings],
    }


def write_xlsx(report: Report, path) -> None:
    """The findings as a workbook a translator filters: one row a finding (check, units,
    documents, dates, source, target, message), filters on, header frozen; counts on "Summary"."""
    from openpyxl import Workbook

    from tm.formats.atomic import atomic_write
    from tm.formats.xlsxio import clean_cell_text

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Findings")
    header = ["Check", "Units", "Documents", "Dates", "Source", "Target", "Message"]
    for letter, width in zip("ABCDEFG", (26, 16, 24, 22, 50, 50, 50)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{len(report.findings) + 1}"
    sheet.append(header)
    for f in report.findings:
        cells = [
            f.check,
            ", ".join(f.ids),
            "; ".join(dict.fromkeys(f.documents)),
            "; ".join(dict.fromkeys(f.dates)),
        ]
        sheet.append([clean_cell_text(c) for c in [*cells, f.source, f.target, f.message]])
    summary = workbook.create_sheet("Summary")
    summary.append(["checked", clean_cell_text(report.scope)])
    summary.append(["units", report.units])
    summary.append([])
    summary.append(["check", "findings"])
    for check, count in report.counts.items():
        summary.append([check, count])
    with atomic_write(path, "wb") as out:
        workbook.save(out)
