"""Glossary and number QA of translations: what a reviewer must look at before approving."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from glossary.match import Recognizer, find_accepted, find_forbidden
from glossary.numbers import missing_numbers


@dataclass
class Issue:
    kind: str  # missing-term | forbidden-term | inconsistent-term | number
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
    for number in missing_numbers(pair.source, pair.target):
        issues.append(
            Issue("number", pair.id, number.text, f"number {number.text} has no counterpart in the target")
        )
    return issues


def check_document(pairs: list[Pair], recognizer: Recognizer) -> list[Issue]:
    """All segment issues, then terms rendered in more than one accepted way."""
    renderings: dict[int, list] = defaultdict(list)
    issues = [issue for pair in pairs for issue in check_pair(pair, recognizer, renderings)]
    for uses in renderings.values():
        forms = {r.casefold() for _, _, r in uses}
        if len(forms) > 1:
            entry = uses[0][1]
            counted = ", ".join(
                f"“{r}” in {sum(1 for _, _, x in uses if x.casefold() == r.casefold())}"
                for r in sorted({u[2] for u in uses}, key=str.casefold)
            )
            issues.append(
                Issue(
                    "inconsistent-term",
                    ", ".join(sorted({u[0] for u in uses})),
                    entry.source,
                    f"{entry.source} is rendered inconsistently: {counted}; approved: “{entry.target}”",
                    expected=[entry.target],
                )
            )
    return issues
