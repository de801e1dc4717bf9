"""Variables of software strings in a text: ICU/Java MessageFormat arguments (``{0}``, ``{name}``,
``{0,number,#.##}``, ``{count, plural, one {…} other {…}}``) and Python's ``{0:.2f}``, ``{name!r}``.
A translation must keep each of them as written; the sub-messages of a plural or select are
text, and the arguments inside them count too."""

from __future__ import annotations

import re
from collections import Counter

_HEAD_RE = re.compile(r"\{\s*(\d+|[A-Za-z_][A-Za-z0-9_]*)\s*([},:!])")
_TYPES = "number|date|time|plural|select|selectordinal|spellout|ordinal|duration|choice"
_TYPE_RE = re.compile(rf"\s*({_TYPES})\s*(?:,|\}})")
_SUBMESSAGES = {"plural", "select", "selectordinal"}  # their {…} parts are translated text
_SELECTOR_RE = re.compile(r"\s*(?:offset:\s*\d+\s*)?(=?[\w-]+)\s*\{")


def variables(text: str) -> Counter:
    """The variables of ``text`` as a translation must keep them: ``{0}``, ``{name}``, a typed
    one by name and type (``{count, plural}``, ``{0, number}``), a Python one whole."""
    found: Counter = Counter()
    _scan(text, 0, len(text), found)
    return found


def without_variables(text: str) -> str:
    """The text with its variables blanked, so their digits are not taken for numbers."""
    spans: list[tuple[int, int]] = []
    _scan(text, 0, len(text), Counter(), spans)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def missing_variables(source: str, target: str) -> tuple[list[str], list[str]]:
    """(variables of the source the target lacks, variables the target adds), each sorted."""
    want, have = variables(source), variables(target)
    return sorted((want - have).elements()), sorted((have - want).elements())


def _scan(text: str, start: int, end: int, found: Counter, spans: list | None = None) -> None:
    pos = start
    while True:
        head = _HEAD_RE.search(text, pos, end)
        if head is None:
            return
        name, mark = head.group(1), head.group(2)
        close = _matching(text, head.start(), end)
        if close is None:
            pos = head.end()
            continue
        if mark == "}":
            found[f"{{{name}}}"] += 1
        elif mark in ":!":
            found[re.sub(r"\s+", "", text[head.start() : close + 1])] += 1
        else:
            kind = _TYPE_RE.match(text, head.end(), close + 1)
            if kind is None:  # "{1, 2}": not an argument
                pos = head.end()
                continue
            found[f"{{{name}, {kind.group(1)}}}"] += 1
            if kind.group(1) in _SUBMESSAGES:
                if spans is not None:  # the head, and below each selector (=0 is no number)
                    spans += [(head.start(), kind.end()), (close, close + 1)]
                _submessages(text, kind.end(), close, found, spans)
                pos = close + 1
                continue
        if spans is not None:
            spans.append((head.start(), close + 1))
        pos = close + 1


def _submessages(text: str, pos: int, end: int, found: Counter, spans: list | None) -> None:
    """The arguments inside ``one {…} other {…}`` up to ``end`` (the plural's closing brace)."""
    while (selector := _SELECTOR_RE.match(text, pos, end)) is not None:
        close = _matching(text, selector.end() - 1, end)
        if close is None:
            return
        if spans is not None:
            spans += [(selector.start(), selector.end()), (close, close + 1)]
        _scan(text, selector.end(), close, found, spans)
        pos = close + 1


def _matching(text: str, open_at: int, end: int) -> int | None:
    """Where the brace opened at ``open_at`` closes (nested braces counted), None if never."""
    depth = 0
    for i in range(open_at, end):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return None
