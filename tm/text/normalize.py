"""Normalization of Chinese and English text, and the matching keys used for lookups.

The original text is never replaced: display and export use it (ruby-stripped at most);
the keys exist only to find things.

- ``strip_ruby``: drops interlinear pinyin ``國(guó)`` where the reading is valid for the
  character before it; ``(SCO)``, ``(2020)``, ``(新華社)`` stay.
- ``matching_key``: ruby-stripped, width-folded (NFKC), script-folded (traditional →
  simplified), whitespace-normalized. ``三股勢(shì)力``, ``三股勢力`` and ``三股势力`` share one.
- ``loose_key``: the matching key without punctuation, spaces and case; equal loose keys
  with different texts are the 99% band of the memory.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE = re.compile(f"[{_HAN}]")
# A Han character followed by one parenthesized pinyin syllable (tone marks or a tone number).
_RUBY_RE = re.compile(f"([{_HAN}])" r"[(（]([a-zA-ZüÜvV\u00c0-\u024f\u0300-\u036f]{1,8}[0-5]?)[)）]")
_SPACE_RE = re.compile(r"\s+")
_SPACE_SEARCH = re.compile(r"\s").search
_NOT_SPACE_RUNS = re.compile(r"\S+").finditer
_SPACE_BETWEEN_HAN_RE = re.compile(
    f"(?<=[{_HAN}，。、；：？！“”‘’（）《》]) (?=[{_HAN}，。、；：？！“”‘’（）《》])"
)


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def _fold_reading(reading: str) -> str:
    return unicodedata.normalize("NFC", reading.lower().replace("v", "ü"))


@lru_cache(maxsize=65536)
def _readings(char: str) -> frozenset[str]:
    """All pinyin readings of a character, with tone marks and with tone numbers."""
    from pypinyin import Style, pinyin

    found: set[str] = set()
    for style in (Style.TONE, Style.TONE3, Style.NORMAL):
        for reading in pinyin(char, style=style, heteronym=True, errors="ignore")[0:1]:
            for r in reading:
                folded = _fold_reading(r)
                found.add(folded)
                if style is Style.TONE3 and not folded[-1:].isdigit():
                    found.add(folded + "5")  # neutral tone written as 5
    return frozenset(found)


def is_reading_of(reading: str, char: str) -> bool:
    return _fold_reading(reading) in _readings(char)


def strip_ruby(text: str) -> str:
    """Remove interlinear pinyin annotations; everything else stays as it was."""
    return count_ruby(text)[0]


def count_ruby(text: str) -> tuple[str, int]:
    """``strip_ruby`` plus the number of annotations removed."""
    removed = 0

    def drop_valid(match: re.Match[str]) -> str:
        nonlocal removed
        char, reading = match.group(1), match.group(2)
        if not is_reading_of(reading, char):
            return match.group(0)
        removed += 1
        return char

    while True:  # until no annotation is left, so that 行(háng)(xíng) loses both
        stripped = _RUBY_RE.sub(drop_valid, text)
        if stripped == text:
            return text, removed
        text = stripped


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text) if has_han(text) else text


def normalize_space(text: str) -> str:
    """Collapse whitespace runs to one space, trim, and drop spaces between Chinese characters."""
    text = _SPACE_RE.sub(" ", text).strip()
    return _SPACE_BETWEEN_HAN_RE.sub("", text)


def _key_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = normalize_space(text)
    return strip_ruby(text)


def matching_key(text: str) -> str:
    """The lookup key of a segment or term; idempotent."""
    key = _key_once(text)
    for _ in range(4):  # folding steps can expose one another's input; stop at the fixed point
        if _is_fixed_point(key):
            break
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def _is_fixed_point(key: str) -> bool:
    """A cheap proof that _key_once(key) == key: each step would leave it unchanged."""
    return (
        "(" not in key
        and unicodedata.is_normalized("NFKC", key)
        and to_simplified(key) == key
        and normalize_space(key) == key
    )


_NOT_WORD_RE = re.compile(r"[\W_]+")


def loose_key(key: str) -> str:
    """A matching key with punctuation, symbols, spaces and case removed."""
    return _NOT_WORD_RE.sub("", key).casefold()


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", char))


def surface(text: str) -> str:
    """The text as a translator sees it: pinyin stripped, NFC, whitespace normalized."""
    return normalize_space(strip_ruby(unicodedata.normalize("NFC", text)))


def folded_view(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A script- and width-folded copy of ``text`` without annotations or whitespace, and for
    each of its characters the (start, end) span it came from in ``text``.

    Searching a space-free matching key in the view gives spans in the original text.
    """
    if _RUBY_RE.search(text) is None:  # no annotation: most text, folded a character at once
        folded = "".join(map(_fold_char, text))
        if len(folded) == len(text):  # each character folds to one
            if not _SPACE_SEARCH(folded):
                return folded, list(zip(range(len(text)), range(1, len(text) + 1)))
            spans: list[tuple[int, int]] = []
            for run in _NOT_SPACE_RUNS(folded):  # a few runs: each one's spans at once
                spans += zip(range(run.start(), run.end()), range(run.start() + 1, run.end() + 1))
            return _SPACE_RE.sub("", folded), spans
    skip = {m.start(2) - 1: m.end() for m in _RUBY_RE.finditer(text) if is_reading_of(m.group(2), m.group(1))}
    view: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if i in skip:
            i = skip[i]
            continue
        char = text[i]
        if not char.isspace():
            for folded in _fold_char(char):
                if not folded.isspace():
                    view.append(folded)
                    spans.append((i, i + 1))
        i += 1
    return "".join(view), spans


def find_in_original(text: str, key: str) -> list[tuple[int, int]]:
    """Spans of ``text`` (as given) where the matching key ``key`` occurs."""
    needle = "".join(key.split())
    if not needle:
        return []
    view, spans = folded_view(text)
    view_cf, needle_cf = view.casefold(), needle.casefold()
    if len(view_cf) != len(view):  # casefolding changed lengths: search case-sensitively
        view_cf, needle_cf = view, needle
    found, start = [], view_cf.find(needle_cf)
    while start >= 0:
        end = start + len(needle_cf)
        found.append((spans[start][0], spans[end - 1][1]))
        start = view_cf.find(needle_cf, end)
    return found
