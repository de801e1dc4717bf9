"""Word links of a translation pair as character spans, for the steps that place or find things
by them (placeholders in proposals, fuzzy repair, term mining).

``links_of`` is the one door to the word aligner (tm.align.words): today it aligns the pair with
an aligner trained on the pairs at hand (CC-CEDICT carries so small a set), so that it can read
the links stored with a memory unit instead once the memory keeps them. A link is
((start, end) in the source, (start, end) in the target): a Chinese word and an English word."""

from __future__ import annotations

import bisect
import re
import unicodedata
from difflib import SequenceMatcher

from tm.text.normalize import folded_view

Span = tuple[int, int]
Link = tuple[Span, Span]
_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)?|'s|[^\w\s]")


def words(source: str, target: str) -> tuple[list[str], list[Span], list[str], list[Span]]:
    """(Chinese words, their spans in ``source``, English words, their spans in ``target``): the
    Chinese cut on its folded view (script, width and pinyin annotations do not change the words)."""
    import rjieba

    view, origins = folded_view(source)
    zh, zh_spans, at = [], [], 0
    for word in rjieba.cut(view):
        end = at + len(word)
        if word.strip():
            zh.append(word)
            zh_spans.append((origins[at][0], origins[end - 1][1]))
        at = end
    en, en_spans = [], []
    for m in _EN_TOKEN_RE.finditer(target):
        en.append(unicodedata.normalize("NFKC", m.group()))
        en_spans.append(m.span())
    return zh, zh_spans, en, en_spans


def aligner_for(pairs: list[tuple[str, str]], terms: list[tuple[str, str]] = ()):
    """A word aligner trained on ``pairs`` (source, target) with ``terms`` (Chinese, approved
    English) as certain links: what a memory without a stored model aligns its pairs with."""
    from tm.align.words import WordAligner

    cut = [words(s, t) for s, t in pairs]
    return WordAligner.train([(w[0], w[2]) for w in cut], list(terms))


def links_of(source: str, target: str, aligner=None) -> list[Link]:
    """The word links of a pair, as (source span, target span); ``aligner`` trained elsewhere
    (on a memory, a batch) or, without one, on this pair alone."""
    zh, zh_spans, en, en_spans = words(source, target)
    if not zh or not en:
        return []
    aligner = aligner or aligner_for([(source, target)])
    return sorted((zh_spans[i], en_spans[j]) for i, j in aligner.align(zh, en))


def terms_of(recognizer) -> list[tuple[str, str]]:
    """(Chinese form, approved rendering) of a recognizer's approved entries."""
    if recognizer is None:
        return []
    return [
        (form, entry.target)
        for entry in recognizer.entries
        if getattr(entry, "enforced", True)
        for form in entry.source_forms
    ]


def aligned_span(links: list[Link], start: int, end: int) -> Span | None:
    """The target span linked to source characters [start, end): from the first to the last
    target word linked to a source word that overlaps it."""
    found = [t for s, t in links if s[0] < end and start < s[1]]
    if not found:
        return None
    return min(a for a, _ in found), max(b for _, b in found)


class PositionMap:
    """Character positions of one text carried into another that reads the same in places (a
    segment and the memory source it matched, its pinyin, script or width aside; a fuzzy match
    where the two agree): None where the two differ."""

    def __init__(self, a: str, b: str):
        self.same = a == b
        if self.same:
            return
        va, self.oa = folded_view(a)
        vb, self.ob = folded_view(b)
        self.len_b = len(b)
        self.ends_a = [e for _, e in self.oa]
        matcher = SequenceMatcher(None, va.casefold(), vb.casefold(), autojunk=False)
        self.blocks = [m for m in matcher.get_matching_blocks() if m.size]

    def __call__(self, position: int, side: str = "start") -> int | None:
        """Where ``position`` of the first text is in the second: ``side`` "start" is the start of
        the character after it, "end" the end of the character before it."""
        if self.same:
            return position
        k = bisect.bisect_right(self.ends_a, position)  # view characters wholly before it
        if side == "end" and k == 0:
            return 0
        if side == "start" and k == len(self.oa):
            return self.len_b
        for block in self.blocks:  # the character on that side must be one the texts share
            if side == "end" and block.a < k <= block.a + block.size:
                return self.ob[block.b + k - block.a - 1][1]
            if side == "start" and block.a <= k < block.a + block.size:
                return self.ob[block.b + k - block.a][0]
        return None
