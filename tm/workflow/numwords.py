"""English numbers as a translation writes them, read and written back in the same form: digits
(1,000 · 7.5 · 75th · 150 million), number words (four, twenty-five, Fifth) and month names
(September, Sept.). Fuzzy-match repair (tm.workflow.repair) writes the query's number the way
the memory's target wrote the memory's."""

from __future__ import annotations

import re

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split()
)
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_UNITS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
)
_ORDINAL_TENS = "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9, "trillion": 10**12}
MONTHS = "January February March April May June July August September October November December".split()
_ABBREVIATIONS = {"Sept": 9, **{m[:3]: i for i, m in enumerate(MONTHS, 1) if m != "May"}}
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS)} | {w: 10 * i for i, w in enumerate(_TENS) if w != "_"}
_ORDINAL_VALUES = {w: i for i, w in enumerate(_ORDINAL_UNITS)}
_ORDINAL_VALUES |= {w: 10 * i for i, w in enumerate(_ORDINAL_TENS) if w != "_"}
_DIGITS_RE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(st|nd|rd|th)?(?:(\s+)([a-z]+))?")


def cardinal(n: int) -> str:
    """0–99 in words: four, twenty-five."""
    if n < 20:
        return _UNITS[n]
    tens, units = divmod(n, 10)
    return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")


def ordinal(n: int) -> str:
    """0–99 as an ordinal word: fifth, twenty-first, seventieth."""
    if n < 20:
        return _ORDINAL_UNITS[n]
    tens, units = divmod(n, 10)
    return f"{_TENS[tens]}-{_ORDINAL_UNITS[units]}" if units else _ORDINAL_TENS[tens]


def ordinal_suffix(n: int) -> str:
    return "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _word_value(word: str) -> tuple[int, bool] | None:
    """(value, is ordinal) of one number word, hyphenated tens included; None if it is none."""
    head, _, tail = word.lower().partition("-")
    if not tail:
        if head in _WORD_VALUES:
            return _WORD_VALUES[head], False
        return (_ORDINAL_VALUES[head], True) if head in _ORDINAL_VALUES else None
    if head not in _TENS[2:]:
        return None
    tens = 10 * _TENS.index(head)
    if tail in _UNITS[1:10]:
        return tens + _UNITS.index(tail), False
    return (tens + _ORDINAL_UNITS.index(tail), True) if tail in _ORDINAL_UNITS[1:10] else None


def phrase_value(text: str) -> float | None:
    """The value of a number as written: "1,000", "7.5", "75th", "150 million", "Fourth",
    "twenty-five", "two hundred"; None when it is not a number."""
    x = _DIGITS_RE.fullmatch(text)
    if x:
        if x.group(5) and x.group(5) not in _SCALES:
            return None
        value = float(x.group(1).replace(",", "") + (f".{x.group(2)}" if x.group(2) else ""))
        return value * _SCALES.get(x.group(5) or "", 1)
    words = text.split()
    found = _word_value(words[0]) if words else None
    if found is None or len(words) > 2 or (len(words) == 2 and words[1].lower() not in _SCALES):
        return None
    return float(found[0] * (_SCALES[words[1].lower()] if len(words) == 2 else 1))


def is_ordinal(word: str) -> bool:
    found = _word_value(word)
    return found is not None and found[1]


def digits_like(found: str, value: float) -> str | None:
    """``value`` in the digit form of ``found`` (grouping, ordinal suffix, scale word); None when
    it cannot be written so (a scale that leaves more than three decimals, an ordinal fraction)."""
    x = _DIGITS_RE.fullmatch(found)
    if x is None:
        return None
    scale = _SCALES.get(x.group(5) or "", 1)
    base = value / scale
    if abs(base * 1000 - round(base * 1000)) > 1e-6:
        return None
    text = f"{base:.3f}".rstrip("0").rstrip(".")
    integer, _, fraction = text.partition(".")
    if "," in x.group(1):
        integer = f"{int(integer):,}"
    if x.group(3):
        if fraction:
            return None
        return (
            integer + ordinal_suffix(int(integer.replace(",", ""))) + (x.group(4) or "") + (x.group(5) or "")
        )
    return integer + (f".{fraction}" if fraction else "") + (x.group(4) or "") + (x.group(5) or "")


def words_like(found: str, value: float) -> str | None:
    """``value`` as a number word in the form of ``found`` (cardinal or ordinal, case); None
    beyond 99, for a fraction, or for a phrase with a scale word."""
    if " " in found or value != int(value) or not 0 <= value < 100:
        return None
    word = ordinal(int(value)) if is_ordinal(found) else cardinal(int(value))
    if found.isupper() and len(found) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if found[0].isupper() else word


def month_number(name: str) -> int | None:
    """September, Sept, Sep → 9 (month names are capitalised: "may" is a verb)."""
    name = name.rstrip(".")
    if name in MONTHS:
        return MONTHS.index(name) + 1
    return _ABBREVIATIONS.get(name)


def month_like(name: str, month: int) -> str:
    """Month ``month`` written as ``name`` is: in full, or abbreviated (with its full stop)."""
    full = MONTHS[month - 1]
    if name.rstrip(".") in MONTHS:
        return full
    if month == 5:
        return "May"
    short = "Sept" if month == 9 and name.startswith("Sept") else full[:3]
    return short + ("." if name.endswith(".") else "")
