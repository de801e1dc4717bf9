"""Placeholders put back into a target made without them. The memory and the MT engine see the
plain text (tm.formats.inline.plain), so they can neither drop nor invent a placeholder; each is
placed here where the source says and the target shows, and QA names the rest for the reviewer:

- a pair around the whole sentence wraps the whole target;
- a pair around a glossary term wraps that term's accepted rendering, when it occurs once;
- standalone placeholders (⟦2/⟧: a line break, an image) at the very start or end of the source
  go to the start or end of the target;
- with word links of the pair (tm.workflow.wordlinks: the word aligner for a memory's target,
  the engine's attention for MT), any other pair goes around the English its words are linked
  to (when no English word inside is linked only to words outside the pair), and a standalone
  one after the English of the word before it (or before that of the word after it). One whose
  words have no link, or whose place would cross a pair already placed, is left out.
"""

from __future__ import annotations

from glossary.match import find_accepted
from tm.formats.inline import closing, escape, has_tags, opening, plain, standalone, tokens
from tm.workflow.wordlinks import Link, PositionMap, aligned_span


def restore(source: str, target: str, recognizer=None, links: list[Link] | None = None, mapped=None) -> str:
    """``target`` with the source's placeholders placed. ``links``: word links between the text
    they were made on and ``target`` stripped; ``mapped`` carries positions of the plain source
    into that text (a PositionMap; None: it is the plain source)."""
    if not target.strip() or not has_tags(source) or has_tags(target):
        return target
    pieces = list(tokens(source))
    text = plain(target).strip()
    whole = plain(source).strip()
    pairs: dict[int, tuple[int, int]] = {}
    empties: dict[int, int] = {}
    lead = _empties(pieces)
    trail = _empties(pieces[::-1])
    for n in lead:
        empties[n] = 0
    for n in trail:
        empties.setdefault(n, len(text))
    spans = _pairs(pieces)
    sources = {n: span for n, _, span in spans}
    for n, inner, _ in spans:
        if inner.strip() == whole:
            pairs[n] = (0, len(text))
        elif (
            recognizer is not None
            and (found := _term_span(text, inner, recognizer))
            and _fits(n, found, pairs, sources)
        ):
            pairs[n] = found
    if links:
        mapped = mapped or (lambda position, side="start": position)
        for n, _, (start, end) in spans:
            if n not in pairs:
                found = _linked_pair(text, links, mapped, start, end)
                if found and _fits(n, found, pairs, sources):
                    pairs[n] = found
        for n, position in _positions(pieces).items():
            if n not in empties:
                found = _linked_position(text, links, mapped, position)
                if found is not None and not any(a < found < b for a, b in pairs.values()):
                    empties[n] = found
    return _spliced(text, pairs, empties)


def _spliced(text: str, pairs: dict[int, tuple[int, int]], empties: dict[int, int]) -> str:
    """``text`` escaped, with the placeholders inserted: at one position closings first (the
    inner one first), then standalone ones, then openings (the outer one first)."""
    marks = [(b, 0, -a, closing(n)) for n, (a, b) in pairs.items()]
    marks += [(p, 1, n, standalone(n)) for n, p in empties.items()]
    marks += [(a, 2, -b, opening(n)) for n, (a, b) in pairs.items()]
    out, last = [], 0
    for position, _, _, mark in sorted(marks):
        out += [escape(text[last:position]), mark]
        last = position
    return "".join(out) + escape(text[last:])


def _relation(one: tuple[int, int], other: tuple[int, int]) -> str:
    (a, b), (x, y) = one, other
    if b <= x or y <= a:
        return "apart"
    if (a, b) == (x, y):
        return "same"
    return "inside" if x <= a and b <= y else "around" if a <= x and y <= b else "crossing"


def _fits(n: int, span: tuple[int, int], placed: dict[int, tuple[int, int]], sources: dict) -> bool:
    """A span that stands to every pair placed as its source span does to theirs (apart, inside,
    around): sound markup, and a bold run not swallowing a link it was beside."""
    for m, other in placed.items():
        said, found = _relation(sources[n], sources[m]), _relation(span, other)
        if found != said and not (found == "same" and said in ("inside", "around", "same")):
            return False
    return True


def _word_edges(text: str, a: int, b: int) -> tuple[int, int]:
    """A span widened to whole words (attention links pieces of words)."""
    while 0 < a < len(text) and text[a - 1].isalnum() and text[a].isalnum():
        a -= 1
    while 0 < b < len(text) and text[b - 1].isalnum() and text[b].isalnum():
        b += 1
    return a, b


def _linked_pair(text, links, mapped, start: int, end: int) -> tuple[int, int] | None:
    a, b = mapped(start, "start"), mapped(end, "end")
    if a is None or b is None or a >= b:
        return None
    span = aligned_span(links, a, b)
    if span is None or not _consistent(links, (a, b), span):
        return None
    return _word_edges(text, *span)


def _consistent(links: list[Link], source: tuple[int, int], target: tuple[int, int]) -> bool:
    """No English word inside the span is linked only to words outside the pair: the span is
    the pair's words' English, not a stretch that runs over another's (a poor model's attention)."""
    inside: dict[tuple[int, int], bool] = {}
    for s, t in links:
        if target[0] <= t[0] and t[1] <= target[1]:
            inside[t] = inside.get(t, False) or (s[0] < source[1] and source[0] < s[1])
    return all(inside.values())


def _linked_position(text, links, mapped, position: int) -> int | None:
    """Where a standalone placeholder between source words goes: after the English of the word
    right before it, else before the English of the word right after it."""
    before, after = mapped(position, "end"), mapped(position, "start")
    if before is not None:
        ends = [s for s, _ in links if s[1] <= before]
        if ends:
            word = max(ends, key=lambda s: s[1])
            if word[1] == before:
                return _word_edges(text, 0, max(t[1] for s, t in links if s == word))[1]
    if after is not None:
        starts = [s for s, _ in links if s[0] >= after]
        if starts:
            word = min(starts)
            if word[0] == after:
                return _word_edges(text, min(t[0] for s, t in links if s == word), len(text))[0]
    return None


def _empties(pieces: list) -> list[int]:
    """The standalone placeholders before any text (of ``pieces`` in the order given)."""
    out = []
    for kind, value in pieces:
        if kind == "text" and value.strip():
            break
        if kind == "empty":
            out.append(value)
    return out


def _positions(pieces: list) -> dict[int, int]:
    """Each standalone placeholder's position in the plain source, spaces before it skipped back
    over (its word is the one before)."""
    out, text = {}, ""
    for kind, value in pieces:
        if kind == "text":
            text += value
        elif kind == "empty":
            out[value] = len(text.rstrip())
    return out


def _pairs(pieces: list) -> list[tuple[int, str, tuple[int, int]]]:
    """(number, plain text inside, its span in the plain source) of every paired placeholder."""
    open_at: dict[int, int] = {}
    text, out = "", []
    for kind, value in pieces:
        if kind == "text":
            text += value
        elif kind == "open":
            open_at[value] = len(text)
        elif kind == "close" and value in open_at:
            start = open_at.pop(value)
            out.append((value, text[start:], (start, len(text))))
    return out


def _term_span(target: str, inner: str, recognizer) -> tuple[int, int] | None:
    hits = recognizer.find(inner.strip())
    if len(hits) != 1 or hits[0].text != inner.strip():
        return None  # not exactly one glossary term: its place in the English is not certain
    spans = {span for _, span in find_accepted(target, hits[0].entry)}
    return next(iter(spans)) if len(spans) == 1 else None


def place_in_matches(jobs: list, recognizer=None, memory=None) -> None:
    """Placeholders of the segments the memory answered, placed by the word links of the pair each
    target came from: ``jobs`` are (row, the memory unit, whether it was repaired). A unit's links
    are those ``memory`` holds for it; a repaired target is linked to the segment itself."""
    from tm.workflow.wordlinks import aligner_for, links_of, terms_of, unit_links

    def own(unit, repaired: bool) -> bool:  # the unit's target as it stands: its links serve
        return memory is not None and not repaired and unit.target.strip() == unit.target

    stored = unit_links(memory, [u for _, u, repaired in jobs if own(u, repaired)]) if memory else {}
    fresh = {
        id(row): (plain(row.source) if repaired else unit.source, plain(row.target).strip())
        for row, unit, repaired in jobs
        if not own(unit, repaired)
    }
    terms = terms_of(recognizer.entries if recognizer is not None else [])
    aligner = aligner_for(list(fresh.values()), terms) if fresh else None
    for row, unit, _ in jobs:
        if id(row) in fresh:
            source, target = fresh[id(row)]
            links = links_of(source, target, aligner)
        else:
            source, links = unit.source, stored.get(unit.id, [])
        row.target = restore(
            row.source, row.target, recognizer, links, PositionMap(plain(row.source), source)
        )
