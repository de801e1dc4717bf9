"""Sentence segmentation of Chinese and English documents, keeping paragraphs and positions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from tm.text.normalize import has_han, matching_key, strip_ruby

_ZH_END = "。！？；?!…"
_CLOSERS = "”’」』）)]】》〉\"'"
# A full-width full stop ends a sentence too (converted releases use it), but not between digits (１．５).
_ZH_BOUNDARY_RE = re.compile(
    f"(?:[{re.escape(_ZH_END)}]|(?<![0-9０-９])．(?![0-9０-９]))+[{re.escape(_CLOSERS)}]*"
)

# Abbreviations that never end an English sentence when followed by a space.
_EN_NEVER_FINAL = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "mt",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "cmdr",
    "sen",
    "rep",
    "gov",
    "pres",
    "amb",
    "rev",
    "hon",
    "no",
    "nos",
    "art",
    "fig",
    "vol",
    "pp",
    "p",
    "vs",
    "v",
    "e.g",
    "i.e",
    "cf",
    "approx",
    "dept",
    "est",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
# Abbreviations that end a sentence only when an obvious sentence opener follows.
_EN_MAYBE_FINAL = {
    "etc",
    "a.m",
    "p.m",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "inc",
    "ltd",
    "co",
    "corp",
    "jr",
    "sr",
}
_EN_OPENERS = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "we",
    "they",
    "i",
    "you",
    "in",
    "on",
    "at",
    "but",
    "and",
    "a",
    "an",
    "there",
    "his",
    "her",
    "our",
    "their",
    "its",
    "as",
    "for",
    "if",
    "when",
    "while",
    "after",
    "before",
    "meanwhile",
    "however",
}
_EN_CANDIDATE_RE = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s+\S)")
_EN_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True)
class Segment:
    """One sentence of a document: where it stands and its text as given."""

    doc: str
    para: int  # 1-based paragraph number
    index: int  # 1-based position within the paragraph
    text: str  # as given, annotations included

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.para}:{self.index}"

    @cached_property
    def clean(self) -> str:
        """The text with interlinear pinyin removed: what translators read."""
        return strip_ruby(self.text)

    @cached_property
    def key(self) -> str:
        return matching_key(self.text)


def split_zh(paragraph: str) -> list[str]:
    """Split after 。！？；…… and ?!, keeping closing quotes and brackets with the sentence."""
    out: list[str] = []
    start = 0
    for match in _ZH_BOUNDARY_RE.finditer(paragraph):
        piece = paragraph[start : match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return out


def _en_is_boundary(text: str, mark_start: int, mark: str, next_word: str) -> bool:
    if not mark.startswith("."):
        return True
    if mark.startswith("..") or mark.startswith("…"):
        return next_word[:1].isupper()
    before = _EN_WORD_BEFORE_RE.search(text[: mark_start + 1])
    if before is None:
        return True
    word = before.group(1)
    lower = word.lower()
    if len(word) == 1 and word.isupper():
        return False  # an initial: J. K. Rowling
    if lower in _EN_NEVER_FINAL:
        return False
    if lower in _EN_MAYBE_FINAL or re.fullmatch(r"(?:[a-z]\.)+[a-z]", lower):
        return next_word.strip("\"'“‘(").lower() in _EN_OPENERS
    return True


def split_en(paragraph: str) -> list[str]:
    """Split English sentences, minding abbreviations, initials, decimals and quotes."""
    out: list[str] = []
    start = 0
    for match in _EN_CANDIDATE_RE.finditer(paragraph):
        following = paragraph[match.end() :].lstrip()
        next_word = following.split(None, 1)[0] if following else ""
        first = next_word.lstrip("\"'“‘([")[:1]
        if not first or first.islower():
            continue
        if not _en_is_boundary(paragraph, match.start(), match.group(0), next_word):
            continue
        out.append(paragraph[start : match.end()].strip())
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return [s for s in out if s]


def guess_lang(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if has_han(text) else "en"


def _join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one: next to Chinese no space is added, between English one."""
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += ("" if has_han(out[-1:]) or has_han(line[:1]) else " ") + line
    return out


def paragraphs(text: str, mode: str = "line") -> list[str]:
    """Paragraphs of a document: one per non-empty line, or per blank-line block."""
    if mode == "blank":
        blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
        return [
            _join_lines([line.strip() for line in b.splitlines() if line.strip()])
            for b in blocks
            if b.strip()
        ]
    return [line.strip() for line in text.splitlines() if line.strip()]


def paragraph_gaps(text: str, mode: str = "line") -> list[int]:
    """Line breaks before each paragraph of ``paragraphs(text, mode)`` (0 before the first): the
    blank lines between paragraphs, so the translation is laid out as the source was."""
    separator = r"(\n)" if mode == "line" else r"(\n\s*\n)"
    pieces = re.split(separator, text.replace("\r\n", "\n"))
    gaps, pending = [], 0
    for n, piece in enumerate(pieces):
        if n % 2:  # a separator
            pending += piece.count("\n")
        elif piece.strip():
            gaps.append(pending if gaps else 0)
            pending = 0
        else:
            pending += piece.count("\n")
    return gaps


def segment_text(
    text: str, doc: str = "doc", lang: str | None = None, para_mode: str = "line"
) -> list[Segment]:
    """All sentences of a document with their document, paragraph and position."""
    lang = lang or guess_lang(text)
    split = split_zh if lang.startswith("zh") else split_en
    segments: list[Segment] = []
    for p, para in enumerate(paragraphs(text, para_mode), start=1):
        for i, sentence in enumerate(split(para), start=1):
            segments.append(Segment(doc, p, i, sentence))
    return segments
