"""Where an English output renders a glossary term, and the text with a rendering spliced in:
what glossary enforcement (tm.mt.enforce) and the engine's flags are made of."""

from __future__ import annotations

import re
from collections import defaultdict

from glossary.match import find_accepted, find_forbidden

_OPENING = ("(", "[", "“", "‘", '"', "-", "—")  # no space after these (nor before a dash:
_CLOSING = tuple(".,;:!?)]”’'\"%…-—")  # "policy—the Belt and Road", "rule-based")
_SENTENCE_END_RE = re.compile(r"(?:^|[.!?]['\"’”)]*)\s*$")


def rendered(text: str, entry) -> list[tuple[int, int]]:
    """Where the text renders the entry: its accepted renderings, overlapping matches counted
    once ("climate change" and its alternative "climate" are one rendering)."""
    spans = sorted(span for _, span in find_accepted(text, entry))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def forbidden_spans(text: str, entry, hits) -> list[tuple[int, int]]:
    """The entry's forbidden renderings in the text, in output order, leaving out those inside
    an accepted rendering of any term of the part (a forbidden "evil" of one entry is no fault
    inside another's "three evil forces")."""
    accepted = [span for hit in hits for span in rendered(text, hit.entry)]
    found = [span for _, span in find_forbidden(text, entry)]
    return sorted(s for s in found if not any(a <= s[0] and s[1] <= b for a, b in accepted))


def by_entry(hits) -> list[list[int]]:
    """The hits' indexes grouped by entry (a term occurring twice is one entry), in order."""
    groups: dict[int, list[int]] = defaultdict(list)
    for index, hit in enumerate(hits):
        groups[id(hit.entry)].append(index)
    return list(groups.values())


def missing(text: str, hits) -> list[str]:
    """The approved renderings of entries the text renders fewer times than they occur."""
    entries = [(hits[group[0]].entry, len(group)) for group in by_entry(hits)]
    return [entry.target for entry, n in entries if len(rendered(text, entry)) < n]


def needs_enforcing(text: str, hits) -> bool:
    """A term rendered fewer times than it occurs, or a forbidden rendering in the text."""
    return bool(missing(text, hits)) or any(forbidden_spans(text, hit.entry, hits) for hit in hits)


def cased(rendering: str, before: str, case_sensitive: bool) -> str:
    """The rendering as the sentence needs it: capitalised where a sentence begins (a rendering
    whose first word has capitals of its own, "iPhone", stays as it is)."""
    first = rendering.split()[0] if rendering.split() else ""
    if not case_sensitive and first.islower() and _SENTENCE_END_RE.search(before):
        return rendering[0].upper() + rendering[1:]
    return rendering


def _append(before: str, words: str) -> str:
    """Words after a text, one space between, none after an opening bracket or quote."""
    before = before.rstrip(" ")
    return before + words if not before or before.endswith(_OPENING) else f"{before} {words}"


def _attach(head: str, after: str) -> str:
    """The rest of a sentence after a text: a space before it, none before closing punctuation."""
    after = after.lstrip(" ")
    return head + after if not after or after.startswith(_CLOSING) else f"{head} {after}"


def splice(text: str, span: tuple[int, int], entry) -> tuple[str, int]:
    """The text with the entry's approved rendering in place of the span, and where it ends."""
    a, b = span
    head = _append(text[:a], cased(entry.target, text[:a], entry.case_sensitive))
    return _attach(head, text[b:]), len(head)
