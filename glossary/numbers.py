"""The number check of CAT QA: numbers in a Chinese source must have a counterpart in English.

Source: Arabic numbers (7.5%, 2020, 1,000), Chinese numerals with a measure word or unit
(8個, 20多項, 75周年, 兩國, 三萬), enumerations (一是 → First), dates (9月16日 → September 16).
Target: digits (with commas, %, ordinals 75th, scale words 1.5 million), number words (eight,
twenty-five, first), month names. A source number is satisfied by any target number of the
same value; a month also by the month's name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}
_CN_NUM = "零〇一二兩两三四五六七八九十百千萬万億亿"
# Measure words and units after which a Chinese numeral is a quantity, not part of a word.
_MEASURES = (
    "個个項项年月日天周週歲岁名位次家國国人條条件份種种點点屆届輪轮批架艘座所篇部"
    "倍元美元億亿萬万千百小時时分秒公里米噸吨%％"
)
_DATE_RE = re.compile(rf"([0-9０-９{_CN_NUM}]+)月(?:([0-9０-９{_CN_NUM}]+)[日號号])?")
_ARABIC_RE = re.compile(r"\d+(?:[.,]\d+)*")
_CN_QUANTITY_RE = re.compile(rf"(第)?([{_CN_NUM}]+)(多)?(?=[{_MEASURES}]|是)")

_EN_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_EN_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
    )
}
_EN_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_ONE_WORDS = {"a", "an", "one", "single", "once", "sole", "both"}  # 一個 is often "a"
_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[A-Za-z]+(?:-[A-Za-z]+)?")


@dataclass(frozen=True)
class SourceNumber:
    value: float
    text: str  # as written in the source
    start: int
    month: bool = False


def chinese_numeral(text: str) -> int | None:
    """一百二十 → 120, 兩 → 2, 三萬 → 30000, 二〇二〇 → 2020; None if not a numeral."""
    if not text or any(c not in _CN_NUM for c in text):
        return None
    if all(c in _CN_DIGITS for c in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[c]) for c in text))  # digit by digit: 二〇二〇
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:
            total += (section + (digit or 0)) * _CN_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def _value(text: str) -> float | None:
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit() or _ARABIC_RE.fullmatch(text):
        return float(text.replace(",", "")) if text.count(".") <= 1 else None
    return chinese_numeral(text)


def source_numbers(text: str) -> list[SourceNumber]:
    """The numbers a translation of this Chinese text has to carry over."""
    text_nfkc = unicodedata.normalize("NFKC", text)  # same length for digits and CJK
    if len(text_nfkc) != len(text):
        text_nfkc = text
    found: list[SourceNumber] = []
    taken: set[int] = set()
    for m in _DATE_RE.finditer(text_nfkc):
        month = _value(m.group(1))
        if month and 1 <= month <= 12:
            found.append(SourceNumber(month, m.group(1) + "月", m.start(), month=True))
            taken.update(range(m.start(1), m.end(1)))
            if m.group(2) and (day := _value(m.group(2))):
                found.append(SourceNumber(day, m.group(2), m.start(2)))
                taken.update(range(m.start(2), m.end(2)))
    for m in _ARABIC_RE.finditer(text_nfkc):
        if m.start() in taken:
            continue
        value = _value(m.group())
        after = text_nfkc[m.end() : m.end() + 1]
        if value is not None and after in _CN_BIG:  # 1.5億 = 150 million
            value *= _CN_BIG[after]
            taken.add(m.end())
        if value is not None:
            found.append(SourceNumber(value, m.group(), m.start()))
    for m in _CN_QUANTITY_RE.finditer(text_nfkc):
        if m.start(2) in taken or m.group(2)[0] in _CN_BIG:
            continue
        value = chinese_numeral(m.group(2))
        if value is not None:
            found.append(SourceNumber(float(value), m.group(0), m.start()))
    return sorted(found, key=lambda n: n.start)


def target_numbers(text: str) -> tuple[set[float], set[int]]:
    """(number values, months) mentioned in an English text."""
    values: set[float] = set()
    months: set[int] = set()
    tokens = _EN_TOKEN_RE.findall(text.replace("%", " "))
    lowered = [t.lower() for t in tokens]
    for i, tok in enumerate(lowered):
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        scale = _EN_SCALES.get(nxt, 1)
        number = re.fullmatch(r"(\d+(?:[.,]\d+)*)(?:st|nd|rd|th)?", tok)
        if number:
            base = float(number.group(1).replace(",", "")) if number.group(1).count(".") <= 1 else None
            if base is not None:
                values.add(base)
                values.add(base * scale)
            continue
        parts = tok.split("-")
        if all(p in _EN_WORDS or p in _EN_TENS or p in _EN_ORDINALS for p in parts):
            base = sum(_EN_WORDS.get(p, 0) + _EN_TENS.get(p, 0) + _EN_ORDINALS.get(p, 0) for p in parts)
            values.add(float(base))
            values.add(float(base * scale))
        if tok in _ONE_WORDS:
            values.add(1.0)
            if tok == "both":
                values.add(2.0)
        if tok in _MONTHS:
            months.add(_MONTHS.index(tok) + 1)
        elif tok in _MONTH_ABBR and tokens[i][0].isupper():
            months.add(_MONTH_ABBR[tok])
        if tok == "dozen":
            values.add(12.0)
        if tok in ("decade", "decades"):
            values.add(10.0)
        if tok in ("century", "centuries", "centennial"):
            values.add(100.0)
    return values, months


def missing_numbers(source: str, target: str) -> list[SourceNumber]:
    """Source numbers without a counterpart in the target."""
    values, months = target_numbers(target)
    out = []
    for n in source_numbers(source):
        if n.month and (int(n.value) in months or n.value in values):
            continue
        if not n.month and any(abs(n.value - v) < 1e-9 for v in values):
            continue
        out.append(n)
    return out
