"""Fuzzy-match repair (Trados's auto-substitution, memoQ's fragment assembly): when a fuzzy
match's source differs from the query only in placeables — numbers and dates, glossary terms,
Latin-script names — each differing placeable's counterpart in the memory's target is replaced
by the query's rendering: `September 10` → `September 16`, `more than 20` → `more than 30`,
`Beijing` → `Moscow`, in the form the target used (digits or words, ordinal, case, plural).

It is all or nothing: the sources must be the same once placeables are set aside, and every
differing placeable's counterpart must be found exactly once in the target (outside the others');
otherwise there is no repair and the plain fuzzy match stands."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from glossary.match import find_accepted, find_rendering
from tm.text.normalize import folded_view, strip_ruby
from tm.text.numbers import source_numbers
from tm.workflow.numwords import (
    cardinal,
    digits_like,
    is_ordinal,
    month_like,
    month_number,
    ordinal,
    ordinal_suffix,
    phrase_value,
    words_like,
)

_LATIN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.&][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Fix:
    kind: str  # number | date | term | name
    source_memory: str  # the placeable in the memory's source
    source_query: str  # and in the query
    target_memory: str  # its counterpart in the memory's target
    target_query: str  # what replaced it

    def __str__(self) -> str:
        return f"{self.source_memory} → {self.source_query}: “{self.target_memory}” → “{self.target_query}”"


@dataclass
class Repair:
    target: str
    fixes: list[Fix]


@dataclass(frozen=True)
class _Placeable:
    kind: str  # number | date | term | name
    start: int
    end: int
    text: str
    value: object  # what makes two placeables the same: a number, (month, day), an entry, a name
    shape: str  # what must agree besides the value (多 after a number, a date with or without day)
    entry: object = None


def _text(text: str) -> str:
    return unicodedata.normalize("NFKC", strip_ruby(text))


def placeables(text: str, recognizer=None) -> list[_Placeable]:
    """Terms first, then Latin-script names, then numbers and dates outside both, in order."""
    found: list[_Placeable] = []
    taken: set[int] = set()

    def add(p: _Placeable) -> None:
        if not any(i in taken for i in range(p.start, p.end)):
            taken.update(range(p.start, p.end))
            found.append(p)

    for hit in recognizer.find(text) if recognizer is not None else []:
        add(_Placeable("term", hit.start, hit.end, hit.text, hit.entry.source, "", hit.entry))
    for m in _LATIN_RE.finditer(text):
        add(_Placeable("name", m.start(), m.end(), m.group(), m.group(), ""))
    numbers = source_numbers(text)
    for i, n in enumerate(numbers):
        end = n.start + len(n.text)
        if n.month:
            day = numbers[i + 1] if i + 1 < len(numbers) and numbers[i + 1].start == end else None
            last = day.start + len(day.text) if day else end
            if day is not None and text[last : last + 1] in ("日", "號", "号"):
                last += 1
            add(
                _Placeable(
                    "date", n.start, last, text[n.start : last], (n.value, day and day.value), str(bool(day))
                )
            )
        elif not (i and numbers[i - 1].month and numbers[i - 1].start + len(numbers[i - 1].text) == n.start):
            add(_Placeable("number", n.start, end, n.text, n.value, _shape(n)))
    return sorted(found, key=lambda p: p.start)


def _shape(n) -> str:
    """What besides the value a number's rendering depends on: 20多 is "more than 20", 第三 "third";
    an approximate one (数百) or a choice of two (两三) is never substituted."""
    if n.approximate or n.also:
        return "~"
    return ("+" if n.text[-1] in "多余餘" else "") + ("th" if n.text.startswith("第") else "")


def _skeleton(text: str, found: list[_Placeable]) -> list[str]:
    """The text with each placeable replaced by its kind and shape, the rest folded (script, width,
    spacing, case): two sources with equal skeletons differ in placeables only."""
    out, last = [], 0
    for p in found:
        out += [folded_view(text[last : p.start])[0].casefold(), f"\x00{p.kind}{p.shape}"]
        last = p.end
    return [*out, folded_view(text[last:])[0].casefold()]


def repair(query: str, memory_source: str, memory_target: str, recognizer=None) -> Repair | None:
    """The memory's target with the query's placeables in place of the memory's, or None."""
    query, memory_source = _text(query), _text(memory_source)
    q_found, m_found = placeables(query, recognizer), placeables(memory_source, recognizer)
    if _skeleton(query, q_found) != _skeleton(memory_source, m_found):
        return None
    changed = [(q, m) for q, m in zip(q_found, m_found) if q.value != m.value]
    if not changed:
        return None
    protected = _term_spans(memory_target, [m for m in m_found if m.kind == "term"])
    edits: list[tuple[int, int, str, Fix]] = []
    for q, m in changed:
        if (
            q.shape == "~"
            or sum(1 for other in m_found if other.kind == m.kind and other.value == m.value) > 1
        ):
            return None  # the memory's source has it twice: which counterpart is whose is unknown
        spans = _counterparts(memory_target, m, protected)
        if len(spans) != 1:
            return None
        a, b = spans[0]
        found = memory_target[a:b]
        replacement = _replacement(found, q, m)
        if replacement is None:
            return None
        edits.append((a, b, replacement, Fix(m.kind, m.text, q.text, found, replacement)))
    edits.sort()
    if any(x[1] > y[0] for x, y in zip(edits, edits[1:])):
        return None  # two counterparts overlap
    target = memory_target
    for a, b, replacement, _ in reversed(edits):
        target = target[:a] + replacement + target[b:]
    return Repair(target, [fix for *_, fix in edits])


def _term_spans(target: str, terms: list[_Placeable]) -> list[tuple[int, int]]:
    """Where the memory's terms are rendered: numbers inside them (the 14th of "14th Five-Year
    Plan") are no counterparts of numbers elsewhere."""
    return [span for t in terms for _, span in find_accepted(target, t.entry)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b and (a, b) != span for a, b in spans)


def _counterparts(target: str, m: _Placeable, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if m.kind == "term":
        spans = {span for _, span in find_accepted(target, m.entry)}
        if m.entry.case_sensitive:  # a dateline or headline in capitals: BEIJING, September 16
            spans |= {span for r in m.entry.accepted for span in find_rendering(target, r.upper(), True)}
        return [s for s in sorted(spans) if not _inside(s, spans)]  # "SCO" within "SCO member states" once
    if m.kind == "name":
        pattern = rf"(?<![\w-]){re.escape(m.text)}(?![\w-])"
        return [x.span() for x in re.finditer(pattern, target)]
    if m.kind == "date":
        month, day = m.value
        return [span for span, (mo, d) in _dates(target) if mo == month and d == day]
    return [span for span, value in _numbers(target) if value == m.value and not _inside(span, protected)]


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_DATE_RE = re.compile(
    rf"(?<![\w-])(?:(?P<month>{_MONTH})(?:(?P<gap>\s+)(?P<day>[1-9]|[12]\d|3[01])(?P<sfx>st|nd|rd|th)?(?![\d:]))?"
    rf"|(?P<day2>[1-9]|[12]\d|3[01])(?P<sfx2>st|nd|rd|th)?(?P<gap2>\s+)(?P<month2>{_MONTH}))(?![\w-])"
)
_NUMBER_RE = re.compile(
    r"(?<![\w.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?(?:\s+(?:thousand|million|billion|trillion)\b)?"
    r"(?![\w-]|[.,]\d)|(?<![\w-])[A-Za-z]+(?:-[A-Za-z]+)?(?:\s+(?:hundred|thousand|million|billion|trillion)\b)?(?![\w-])"
)


def _dates(target: str):
    """((start, end), (month, day or None)) of every date in an English text."""
    for x in _DATE_RE.finditer(target):
        day = x.group("day") or x.group("day2")
        yield x.span(), (float(month_number(x.group("month") or x.group("month2"))), day and float(day))


def _numbers(target: str):
    """((start, end), value) of every number in an English text: digits (with a scale word),
    number words, ordinals."""
    for x in _NUMBER_RE.finditer(target):
        value = phrase_value(x.group())
        if value is not None:
            yield x.span(), value


def _replacement(found: str, q: _Placeable, m: _Placeable) -> str | None:
    """The query's placeable in the form the target gave the memory's; None when there is none."""
    if m.kind == "name":
        return q.text
    if m.kind == "term":
        return _term_form(found, m.entry, q.entry)
    if m.kind == "date":
        return _date_form(found, *q.value)
    old, new = float(m.value), float(q.value)
    if found[0].isdigit():
        if not _small(old) and _small(new) and re.fullmatch(r"\d+(?:st|nd|rd|th)?", found):
            # the target writes digits from 10 and words below (news style): so does the repair
            return ordinal(int(new)) if not found.isdigit() else cardinal(int(new))
        return digits_like(found, new)
    if _small(old) and not _small(new) and new == int(new):
        return f"{int(new)}" + (ordinal_suffix(int(new)) if is_ordinal(found) else "")
    return words_like(found, new)


def _small(value: float) -> bool:
    """A whole number news style spells out (one to nine)."""
    return value == int(value) and 0 <= value < 10


def _date_form(found: str, month: float, day: float | None) -> str | None:
    x = _DATE_RE.fullmatch(found)
    had_day = x.group("day") or x.group("day2")
    if bool(had_day) != (day is not None):
        return None
    name = month_like(x.group("month") or x.group("month2"), int(month))
    if not had_day:
        return name
    day_text = str(int(day)) + (ordinal_suffix(int(day)) if x.group("sfx") or x.group("sfx2") else "")
    if x.group("month"):
        return name + x.group("gap") + day_text
    return day_text + x.group("gap2") + name


def _term_form(found: str, old, new) -> str:
    """The query's term in the form the target had the memory's: the approved rendering, or the
    alternative in the same place (Lavrov → Putin, not Vladimir Putin); plural or possessive
    ending kept; capitalised at the start of a sentence, in capitals in a dateline."""
    used = next((i for i, r in enumerate(old.accepted) if found.casefold().startswith(r.casefold())), 0)
    rendering = old.accepted[used]
    out = new.accepted[used] if used < len(new.accepted) else new.target
    head = found[: len(rendering)]
    if head.isupper() and len(head) > 1 and not rendering.isupper():
        out = out.upper()
    elif head[:1].isupper() and out[:1].islower() and rendering[:1].islower():
        out = out[0].upper() + out[1:]
    return out + found[len(rendering) :]
