"""Word links of a translation pair as character spans, for the steps that place or find things
by them (placeholders in proposals, term mining).

A link is ((start, end) in the source, (start, end) in the target): a Chinese word and an English
word. A memory unit's links are the ones stored with it (tm.align.unitlinks: aligned when it was
stored, or now with the memory's model); a pair the memory does not hold (a repaired fuzzy
match) is aligned with an aligner trained on the pairs at hand, CC-CEDICT carrying so small a set."""

from __future__ import annotations

import bisect
import re
from difflib import SequenceMatcher

from tm.align.unitlinks import tokens as words
from tm.text.normalize import folded_view

Span = tuple[int, int]
Link = tuple[Span, Span]
_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)?|'s|[^\w\s]")


def unit_links(memory, units, aligner=None) -> dict[int, list[Link]]:
    """Each memory unit's links (by unit id), as character spans of its source and target."""
    from tm.align.unitlinks import links_of as stored

    return {
        uid: sorted((found.zh_spans[i], found.en_spans[j]) for i, j in found.links)
        for uid, found in stored(memory, units, aligner).items()
    }


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


def terms_of(entries) -> list[tuple[str, str]]:
    """(Chinese form, approved rendering) of the approved glossary entries, simplified forms too
    (the words are cut on the folded text): certain links."""
    from tm.text.normalize import to_simplified

    return [
        (spelled, entry.target)
        for entry in entries
        if entry.enforced
        for form in entry.source_forms
        for spelled in dict.fromkeys((form, to_simplified(form)))
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


_ARTICLES = frozenset(("the", "a", "an"))


def rendering_of(links: list[Link], target: str, start: int, end: int) -> str | None:
    """The English the source characters [start, end) are linked to, as a phrase: from the first
    to the last linked word of the longest run, a leading article left out (Chinese has none).
    A run breaks where words between are the English of other source words, or more than six
    words come between (a word linked twice: a pronoun, a repetition)."""
    spans = sorted({t for s, t in links if s[0] < end and start < s[1]})
    if not spans:
        return None
    others = {t for s, t in links if not (s[0] < end and start < s[1])}
    runs = [[spans[0]]]
    for span in spans[1:]:
        gap = (runs[-1][-1][1], span[0])
        if len(_EN_TOKEN_RE.findall(target[gap[0] : gap[1]])) > 6 or any(
            gap[0] <= a and b <= gap[1] for a, b in others
        ):
            runs.append([])
        runs[-1].append(span)
    run = max(runs, key=len)
    words = _EN_TOKEN_RE.findall(target[run[0][0] : run[-1][1]])
    while words and (words[0].lower() in _ARTICLES or not words[0][0].isalnum()):
        words.pop(0)
    while words and not words[-1][0].isalnum():
        words.pop()
    if not words:
        return None
    first = target.index(words[0], run[0][0])
    last = target.rindex(words[-1], 0, run[-1][1]) + len(words[-1])
    while first > 1 and target[first - 1] in "-‐" and target[first - 2].isalnum():  # Bao-yu, Xi-feng
        first -= 2
        while first > 0 and target[first - 1].isalnum():
            first -= 1
    while last + 1 < len(target) and target[last] in "-‐" and target[last + 1].isalnum():
        last += 2
        while last < len(target) and target[last].isalnum():
            last += 1
    phrase = " ".join(target[first:last].split())
    return re.sub(r"['’]s$", "", phrase) or None  # a possessive is the same rendering


TRAIN_LIMIT = 50_000  # units an aligner is trained on where the memory stored none: a minute or so


def memory_renderings(memory, limit: int = TRAIN_LIMIT):
    """For term mining: a function (unit, term keys) → {key: the English its words are linked to
    in the unit's target}, from the links stored with each unit, else aligned now with the
    memory's model (or one trained on its first ``limit`` units)."""
    from itertools import islice

    from tm.align.unitlinks import alignable, current_aligner
    from tm.text.normalize import find_in_original

    pairs = []
    if memory.word_model() is None:
        units = (u for u in memory.iter_units() if alignable(u.source_lang, u.target_lang))
        pairs = [(w[0], w[2]) for w in (words(u.source, u.target) for u in islice(units, limit))]
    aligner = current_aligner(memory, pairs)

    def renderings(unit, keys) -> dict[str, str]:
        links = unit_links(memory, [unit], aligner).get(unit.id, [])
        out = {}
        for key in keys:
            spans = find_in_original(unit.source, key)
            found = rendering_of(links, unit.target, *spans[0]) if spans else None
            if found:
                out[key] = found
        return out

    return renderings
