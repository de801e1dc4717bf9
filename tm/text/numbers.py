"""The number check of CAT QA: numbers in a Chinese source must have a counterpart in English.

Source: Arabic numbers (7.5%, 2020, 1,000), with scale words (11.6万亿 = 11.6 trillion, 1.5億,
1300多万, 1.2兆); Chinese numerals with a measure word or unit (8個, 20多項, 75周年, 兩國), with a
big unit (十四亿, 三亿五千万) or a decimal (三点五); percentages and per mille (百分之二十五点五 → 25.5,
千分之五 → 5 or 0.5 percent); ordinals in names (十四五 → 14th Five-Year Plan, 五中全会 → fifth plenary
session, 第十三届 → 13th); approximate quantities (数百万 → millions, 几十 → dozens); enumerations
(一是 → First); dates (9月16日 → September 16).
Target: digits (with commas, %, ordinals 75th), number phrases (11.6 trillion, one hundred and
twenty, a thousand, seventy-fifth), approximate quantities (dozens, tens of thousands, several
hundred) and month names. A source number is satisfied by any target number of the same value; an
approximate one also by an approximate one of the same order of magnitude; a month also by its name.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

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
_CN_DIGIT = "零〇一二兩两三四五六七八九"
# Measure words and units after which a Chinese numeral is a quantity, not part of a word.
_MEASURES = (
    "個个項项年月日天周週歲岁名位次家國国人條条件份種种點点屆届輪轮批架艘座所篇部"
    "倍元美小時时分秒公里米噸吨%％"
)
# Before a numeral: an approximate quantity (数百万 "millions", 上百 "hundreds").
_APPROX = "数數几幾上"
_DATE_RE = re.compile(rf"([0-9０-９{_CN_NUM}]+)月(?:([0-9０-９{_CN_NUM}]+)[日號号])?")
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
# After an Arabic number, 万/亿 (also 千万, 百亿, 万亿) multiply it; so do 千 and 兆 (a trillion), except as
# the kilo- and mega- of a unit (3千米 3 km, 兆瓦 megawatt). 多/余 between: 1300多万 "over 13 million".
_ARABIC_RE = re.compile(
    r"(\d+(?:[.,]\d+)*)([多余餘])?((?:[十百千]?[萬万億亿])+|[千兆](?![米克瓦卡焦帕赫字伏位比欧歐]))?"
)
_SCALE_CHARS = {**_CN_UNITS, **_CN_BIG, "兆": 1_000_000_000_000}
_PERCENT_RE = re.compile(rf"([百千萬万])分之(\d+(?:\.\d+)?|[{_CN_NUM}]+(?:[点點][{_CN_DIGIT}]+)?)")
_PER_PERCENT = {"百": 1, "千": 10, "萬": 100, "万": 100}  # 千分之五 is also 0.5 percent
# “十四五”(规划): the 14th Five-Year Plan; its 五 is "Five-Year", not a number of its own.
_PLAN_RE = re.compile(
    r"(?<![零〇一二兩两三四五六七八九十])(十[一二三四五六七八九]?|[一二三四五六七八九])五"
    r"(?=[”」』\"]|规划|規劃|计划|計劃|时期|時期|期间|期間)"
)
_PLENUM_RE = re.compile(rf"([{_CN_NUM}]+)中全[会會]")  # 五中全会: the fifth plenary session
# Words made of numerals that are no quantity: 十分 "very", 百分点 "percentage point" (its number comes
# before it), 千家万户 "every household", 成千上万 "thousands".
_NOT_NUMBERS_RE = re.compile(
    rf"(?<![{_CN_DIGIT}])十分(?![钟鐘之])|百分[点點比]|千家[万萬][户戶]|成千上[万萬]"
)
_CN_QUANTITY_RE = re.compile(
    rf"(?<![\d{_CN_NUM}])([{_APPROX}])?(第)?([{_CN_NUM}]+)(?:[点點]([{_CN_DIGIT}]+)([萬万億亿]*))?"
    rf"(?![{_CN_NUM}])([多余餘])?"
)
_HAN_RE = re.compile(r"[\u3400-\u9fff]")

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
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
    )
}
_EN_ORDINAL_TENS = {
    w: 10 * i
    for i, w in enumerate(
        "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
    )
    if w != "_"
}
_EN_SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Approximate quantities, chained by "of" or a scale word: "tens of thousands", "several hundred".
_EN_APPROX = {
    "tens": 10,
    "dozens": 10,
    "scores": 10,
    "hundreds": 100,
    "thousands": 1_000,
    "millions": 1_000_000,
    "billions": 1_000_000_000,
    "trillions": 1_000_000_000_000,
}
_EN_APPROX_LINKS = {**_EN_APPROX, "dozen": 10, "hundred": 100, **_EN_SCALES}
_EN_FEW = {"several", "few", "some", "many", "numerous"}
_EN_SINGLES = {
    "twice": 2.0,
    "dozen": 12.0,
    "decade": 10.0,
    "decades": 10.0,
    "century": 100.0,
    "centuries": 100.0,
    "centennial": 100.0,
    "centenary": 100.0,
    "hundredth": 100.0,
    "millennium": 1000.0,
    "thousandth": 1000.0,
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
_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[A-Za-z]+")


@dataclass(frozen=True)
class SourceNumber:
    value: float
    text: str  # as written in the source
    start: int
    month: bool = False
    also: tuple[float, ...] = ()  # other values a right rendering may give (千分之五: 0.5 percent)
    approximate: bool = False  # 数百万: value is the order of magnitude


@dataclass
class TargetNumbers:
    values: set[float] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    approximate: set[float] = field(default_factory=set)  # orders of magnitude: "dozens" → 10


def chinese_numeral(text: str) -> int | None:
    """一百二十 → 120, 兩 → 2, 三萬 → 30000, 十一万亿 → 11e12, 二〇二〇 → 2020; None if not a numeral."""
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
            # What is already below this unit belongs to it: 十一万亿 is (十一万) × 亿.
            unit = _CN_BIG[c]
            total = total - total % unit + (total % unit + section + (digit or 0)) * unit
            section, digit = 0, None
    return total + section + (digit or 0)


def _decimal(integer: str, fraction: str | None) -> float | None:
    """三 and 五 → 3.5 (the digits after 点 are read one by one)."""
    value = chinese_numeral(integer)
    if value is None or not fraction:
        return value
    return float(f"{value}.{''.join(str(_CN_DIGITS[c]) for c in fraction)}")


def _value(text: str) -> float | None:
    text = unicodedata.normalize("NFKC", text)
    if _DIGITS_RE.fullmatch(text):
        return float(text.replace(",", "")) if text.count(".") <= 1 else None
    integer, _, fraction = text.replace("點", "点").partition("点")
    return _decimal(integer, fraction)


def source_numbers(text: str) -> list[SourceNumber]:
    """The numbers a translation of this Chinese text has to carry over."""
    text_nfkc = unicodedata.normalize("NFKC", text)  # same length for digits and CJK
    if len(text_nfkc) != len(text):
        text_nfkc = text
    found: list[SourceNumber] = []
    taken: set[int] = set()

    def take(start: int, end: int) -> bool:
        """Claim a span for one reading; False if an earlier reading holds part of it."""
        if any(i in taken for i in range(start, end)):
            return False
        taken.update(range(start, end))
        return True

    for m in _NOT_NUMBERS_RE.finditer(text_nfkc):
        take(m.start(), m.end())
    for m in _DATE_RE.finditer(text_nfkc):
        month = _value(m.group(1))
        if month and 1 <= month <= 12 and take(m.start(1), m.end(1)):
            found.append(SourceNumber(month, m.group(1) + "月", m.start(), month=True))
            if m.group(2) and (day := _value(m.group(2))) and take(m.start(2), m.end(2)):
                found.append(SourceNumber(day, m.group(2), m.start(2)))
    for m in _PERCENT_RE.finditer(text_nfkc):
        value = _value(m.group(2))
        if value is not None and take(m.start(), m.end()):
            per = _PER_PERCENT[m.group(1)]
            found.append(SourceNumber(value, m.group(), m.start(), also=(value / per,) if per > 1 else ()))
    for regex in (_PLAN_RE, _PLENUM_RE):
        for m in regex.finditer(text_nfkc):
            value = chinese_numeral(m.group(1))
            if value and take(m.start(), m.end()):
                found.append(SourceNumber(float(value), m.group(), m.start()))
    for m in _ARABIC_RE.finditer(text_nfkc):
        value = _value(m.group(1))
        if value is not None and take(m.start(), m.end()):
            value *= math.prod(_SCALE_CHARS[c] for c in m.group(3) or "")
            found.append(SourceNumber(value, m.group(), m.start()))
    for m in _CN_QUANTITY_RE.finditer(text_nfkc):
        number = _chinese_quantity(m, text_nfkc[m.end() : m.end() + 1])
        if number is not None and take(m.start(), m.end()):
            found.append(number)
    return sorted(found, key=lambda n: n.start)


def _chinese_quantity(m: re.Match, after: str) -> SourceNumber | None:
    """A Chinese numeral that is a quantity by its context, or None (一起, 千万不要, 一点一滴)."""
    approx, _, run, fraction, scale, _ = m.groups()
    approximate = bool(approx) and not any(c in _CN_DIGITS for c in run)
    text = m.group() if approximate else m.group()[len(approx or "") :]
    start = m.end() - len(text)
    if run[0] in _CN_BIG and not approximate:  # 万一 "in case", 亿万 "countless"
        return None
    if approximate:
        return SourceNumber(float(chinese_numeral(run)), text, start, approximate=True)
    if fraction is not None:  # a decimal is a number unless it runs into a word: 一点一滴
        if _HAN_RE.match(after) and after not in _MEASURES:
            return None
        value = _decimal(run, fraction) * math.prod(_CN_BIG[c] for c in scale)
        return SourceNumber(value, text, start)
    big = run[-1] in _CN_BIG and any(c in _CN_DIGITS for c in run)  # 十四亿 needs no measure word
    if not (after in _MEASURES or after == "是" or big):
        return None
    if len(run) == 2 and all(c in _CN_DIGITS and c not in "零〇" for c in run):
        # 两三个, 三四年: "two or three", either will do
        first, second = (float(_CN_DIGITS[c]) for c in run)
        return SourceNumber(first, text, start, also=(second,))
    return SourceNumber(float(chinese_numeral(run)), text, start)


def target_numbers(text: str) -> TargetNumbers:
    """The numbers, orders of magnitude and months mentioned in an English text."""
    found = TargetNumbers()
    tokens = _EN_TOKEN_RE.findall(text.replace("%", " "))
    words = [t.lower() for t in tokens]
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _MONTHS:
            found.months.add(_MONTHS.index(word) + 1)
        elif word in _MONTH_ABBR and tokens[i][0].isupper():
            found.months.add(_MONTH_ABBR[word])
        if word in _ONE_WORDS:
            found.values.add(1.0)
            if word == "both":
                found.values.add(2.0)
        if word in _EN_SINGLES:
            found.values.add(_EN_SINGLES[word])
        if word in _EN_APPROX or (word in _EN_FEW and nxt in _EN_APPROX_LINKS):
            found.approximate.add(_magnitude(words, i if word in _EN_APPROX else i + 1))
        base = _word_value(word)
        if base is None and word in ("a", "an") and (nxt == "hundred" or nxt in _EN_SCALES):
            base = 1.0  # a thousand
        if base is not None:
            found.values.add(base)
            found.values.add(_phrase_value(words, i, base))
    return found


def _word_value(word: str) -> float | None:
    """The value of one token: 1,000 / 75th / seventy / fifth."""
    number = re.fullmatch(rf"({_DIGITS_RE.pattern})(?:st|nd|rd|th)?", word)
    if number:
        return float(number.group(1).replace(",", "")) if number.group(1).count(".") <= 1 else None
    for table in (_EN_WORDS, _EN_TENS, _EN_ORDINALS, _EN_ORDINAL_TENS):
        if word in table:
            return float(table[word])
    return None


def _phrase_value(words: list[str], start: int, base: float) -> float:
    """The value of the number phrase starting at words[start]: 11.6 trillion, one hundred and
    twenty, seventy-fifth, two thousand five hundred."""
    total, current, last = 0.0, base, words[start]
    for word in words[start + 1 :]:
        value = _word_value(word) if not word[0].isdigit() else None
        if word == "hundred":
            current *= 100
        elif word in _EN_SCALES:
            total, current = total + current * _EN_SCALES[word], 0.0
        elif word == "and" and last in ("hundred", *_EN_SCALES):
            pass
        elif value is not None and value < 100 and last in ("hundred", "and", *_EN_SCALES):
            current += value
        elif value is not None and value < 10 and last in _EN_TENS:
            current += value  # seventy-fifth
        else:
            break
        last = word
    return total + current


def _magnitude(words: list[str], start: int) -> float:
    """The order of magnitude of an approximate quantity: tens of thousands → 1e4."""
    magnitude, i = 1.0, start
    while i < len(words) and words[i] in _EN_APPROX_LINKS:
        magnitude *= _EN_APPROX_LINKS[words[i]]
        i += 2 if i + 2 < len(words) and words[i + 1] == "of" and words[i + 2] in _EN_APPROX else 1
    return magnitude


def missing_numbers(source: str, target: str) -> list[SourceNumber]:
    """Source numbers without a counterpart in the target, each number once."""
    found = target_numbers(target)
    out: list[SourceNumber] = []
    for n in source_numbers(source):
        if any((n.value, n.text) == (o.value, o.text) for o in out):
            continue
        if n.month and (int(n.value) in found.months or n.value in found.values):
            continue
        pool = found.values | found.approximate if n.approximate else found.values
        if not any(math.isclose(want, v, rel_tol=1e-9) for want in (n.value, *n.also) for v in pool):
            out.append(n)
    return out
