"""Glossary, number and variable QA of translations: what a reviewer must look at before approving."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from glossary.match import Recognizer, find_accepted, find_forbidden
from glossary.model import Entry
from tm.text.numbers import missing_numbers
from tm.text.variables import missing_variables, without_variables


@dataclass
class Issue:
    kind: str  # missing-term | forbidden-term | inconsistent-term | number | variable
    segment: str  # segment id
    source_text: str  # the term or number as written in the source
    message: str
    expected: list[str] = field(default_factory=list)
    found: str | None = None
    span: tuple[int, int] | None = None  # in the target, where it applies


@dataclass
class Pair:
    id: str
    source: str
    target: str


def check_pair(pair: Pair, recognizer: Recognizer, renderings: dict | None = None) -> list[Issue]:
    """Term and number issues of one segment. ``renderings`` collects, per entry, which accepted
    rendering each segment used (for the document-level consistency check)."""
    issues: list[Issue] = []
    if not pair.target.strip():
        return [Issue("untranslated", pair.id, pair.source[:30], "the target is empty")]
    for hit in recognizer.find(pair.source):
        entry = hit.entry
        if not entry.enforced:
            continue  # a proposed entry is a suggestion, shown beside the segment, never a finding
        accepted = find_accepted(pair.target, entry)
        if accepted:
            if renderings is not None:
                renderings[id(entry)].append((pair.id, entry, accepted[0][0]))
        else:
            issues.append(
                Issue(
                    "missing-term",
                    pair.id,
                    hit.text,
                    f"{hit.text}: approved rendering “{entry.target}” not in the target",
                    expected=entry.accepted,
                )
            )
        for rendering, span in find_forbidden(pair.target, entry):
            issues.append(
                Issue(
                    "forbidden-term",
                    pair.id,
                    hit.text,
                    f"{hit.text}: forbidden rendering “{pair.target[span[0] : span[1]]}”; "
                    f"use “{entry.target}”",
                    expected=[entry.target],
                    found=rendering,
                    span=span,
                )
            )
    # the digits of {0} are a variable's, checked as one: not the number 0
    for number in missing_numbers(without_variables(pair.source), without_variables(pair.target)):
        issues.append(
            Issue("number", pair.id, number.text, f"number {number.text} has no counterpart in the target")
        )
    missing, extra = missing_variables(pair.source, pair.target)
    for variable in missing:
        issues.append(Issue("variable", pair.id, variable, f"variable {variable} is missing from the target"))
    for variable in extra:
        issues.append(Issue("variable", pair.id, variable, f"variable {variable} is not in the source"))
    return issues


def check_document(pairs: list[Pair], recognizer: Recognizer) -> list[Issue]:
    """All segment issues, then terms rendered in more than one accepted way."""
    renderings: dict[int, list] = defaultdict(list)
    issues = [issue for pair in pairs for issue in check_pair(pair, recognizer, renderings)]
    for uses in renderings.values():
        if issue := _inconsistency(uses):
            issues.append(issue)
    return issues


def _inconsistency(uses: list[tuple[str, Entry, str]]) -> Issue | None:
    """The issue naming, in document order, the segments whose rendering differs from the approved one
    (from the most used one when no segment has the approved one); None when all segments agree."""
    entry = uses[0][1]
    by_form: dict[str, tuple[str, list[str]]] = {}  # casefolded → (spelling first used, segment ids)
    for segment, _, rendering in uses:
        ids = by_form.setdefault(rendering.casefold(), (rendering, []))[1]
        if segment not in ids:
            ids.append(segment)
    if len(by_form) < 2:
        return None
    reference = entry.target.casefold()
    if reference not in by_form:  # ties go to the rendering used first
        reference = max(by_form, key=lambda form: len(by_form[form][1]))
    deviating = list(dict.fromkeys(s for s, _, r in uses if r.casefold() != reference))
    counted = "; ".join(
        f"“{spelling}” in {len(ids)} segment{'s' if len(ids) > 1 else ''} ({_ids(ids)})"
        for spelling, ids in by_form.values()
    )
    message = f"{entry.source} is rendered inconsistently: {counted}; approved: “{entry.target}”"
    if reference != entry.target.casefold():
        message += f", used in none; most use “{by_form[reference][0]}”"
    # The segment ids, ", "-joined: tm.workflow.pipeline attaches the issue to each of them.
    return Issue("inconsistent-term", ", ".join(deviating), entry.source, message, expected=[entry.target])


def _ids(ids: list[str], shown: int = 10) -> str:
    """The first segment ids: the message lands in a review-sheet cell, where hundreds are unreadable."""
    return ", ".join(ids[:shown]) + (f", … ({len(ids) - shown} more)" if len(ids) > shown else "")
