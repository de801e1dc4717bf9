"""Placeholders put back into a target made without them. The memory and the MT engine see the
plain text (tm.formats.inline.plain), so they can neither drop nor invent a placeholder; what can
be placed for certain is placed here, and QA names the rest for the reviewer to place:

- a pair around the whole sentence wraps the whole target;
- a pair around a glossary term wraps that term's accepted rendering, when it occurs once;
- standalone placeholders (⟦2/⟧: a line break, an image) at the very start or end of the source
  go to the start or end of the target.
"""

from __future__ import annotations

from glossary.match import find_accepted
from tm.formats.inline import closing, has_tags, opening, plain, standalone, tokens


def restore(source: str, target: str, recognizer=None) -> str:
    """``target`` with the source's placeholders that have a certain place in it."""
    if not target.strip() or not has_tags(source) or has_tags(target):
        return target
    pieces = list(tokens(source))
    lead = _empties(pieces)
    trail = _empties(pieces[::-1])[::-1]
    out = target.strip()
    whole = plain(source).strip()
    for n, inner in _pairs(pieces):
        if inner.strip() == whole:
            out = f"{opening(n)}{out}{closing(n)}"
        elif recognizer is not None:
            out = _wrap_term(out, n, inner, recognizer)
    return "".join(map(standalone, lead)) + out + "".join(map(standalone, trail))


def _empties(pieces: list) -> list[int]:
    """The standalone placeholders before any text (of ``pieces`` in the order given)."""
    out = []
    for kind, value in pieces:
        if kind == "text" and value.strip():
            break
        if kind == "empty":
            out.append(value)
    return out


def _pairs(pieces: list) -> list[tuple[int, str]]:
    """(number, plain text inside) of every paired placeholder."""
    open_at: dict[int, int] = {}
    text, out = "", []
    for kind, value in pieces:
        if kind == "text":
            text += value
        elif kind == "open":
            open_at[value] = len(text)
        elif kind == "close" and value in open_at:
            out.append((value, text[open_at.pop(value) :]))
    return out


def _wrap_term(target: str, n: int, inner: str, recognizer) -> str:
    hits = recognizer.find(inner.strip())
    if len(hits) != 1 or hits[0].text != inner.strip():
        return target  # not exactly one glossary term: its place in the English is not certain
    found = find_accepted(target, hits[0].entry)
    spans = {span for _, span in found}
    if len(spans) != 1:
        return target
    ((a, b),) = spans
    return f"{target[:a]}{opening(n)}{target[a:b]}{closing(n)}{target[b:]}"
