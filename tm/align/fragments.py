"""Fragments: the longest spans of a segment the memory holds inside its sources, each with the
English its units' word links give it (issue 23, point 3), for what the memory cannot match whole.

A segment is cut into words as the units are (rjieba on the folded view); for each start the span
is grown word by word while the memory's sources still hold it (bigram postings, then the text
itself only for the maximal spans: a batch reads every gram's postings once, in bulk), which
gives the maximal spans in one sweep. Each span (≥ MIN_WORDS words, ≥ MIN_CHARS
characters, not inside a glossary term) is projected through the stored links of up to
UNITS_PER_SPAN units holding it: every word of it linked, the English linked to it one run that
no word outside the span is linked into. The rendering most units agree on is proposed only when
at least MIN_COUNT units and MIN_AGREEMENT of the units examined give it (the confidence
threshold, chosen on held-out units by bench/fragments.py: one unit's links alone are right about
two times in three): a fragment never proposes English the alignment does not support. Units
without stored links are not read (aligning them on the fly would cost a batch a model);
`tm align --words` links them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from tm.align.unitlinks import UnitLinks, decode, tokens
from tm.memory import grams as G
from tm.text.langs import family
from tm.text.normalize import find_in_original, folded_view

MIN_WORDS = 2
MIN_CHARS = 4  # Han characters, or letters and digits
UNITS_PER_SPAN = 12  # units a span is projected through (the newest holding it)
MIN_COUNT = 3  # units that must give the proposed rendering
MIN_AGREEMENT = 0.9  # and their share of the units examined
MAX_FRAGMENTS = 5  # shown per segment
MAX_TRIES = 4  # shorter spans tried where a maximal one has no supported rendering
CONSISTENT = True  # the checks below on the links (off only in bench/fragments.py, to weigh them)
_ARTICLES = frozenset(("the", "a", "an"))
_NONE = np.empty(0, dtype=np.uint32)
_COUNTED_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]|[^\W_]")


@dataclass
class Fragment:
    start: int  # span in the segment's source as given
    end: int
    text: str  # that span
    rendering: str  # the English most of its units link it to
    count: int  # units giving that rendering
    seen: int  # units examined (holding the span, with links)
    unit_id: int  # the newest unit giving it

    @property
    def label(self) -> str:
        return f"{self.text} → {self.rendering} ({self.count})"

    def data(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "rendering": self.rendering,
            "count": self.count,
            "seen": self.seen,
            "unit": self.unit_id,
        }


def counted(text: str) -> int:
    """Characters as the analysis counts them (no punctuation)."""
    return len(_COUNTED_RE.findall(text))


def covered(source: str, fragments: list[Fragment]) -> int:
    """Characters of ``source`` inside some fragment (overlaps once)."""
    marks = bytearray(len(source))
    for f in fragments:
        marks[f.start : f.end] = b"\x01" * (f.end - f.start)
    return counted("".join(c for c, m in zip(source, marks) if m))


@dataclass
class _Projected:
    rendering: str | None
    count: int = 0
    seen: int = 0
    unit_id: int = 0


@dataclass
class FragmentFinder:
    """Finds fragments against one memory; spans, occurrences and units' links are cached for the
    life of the finder (one batch: the same span recurs)."""

    memory: object
    recognizer: object = None  # glossary.match.Recognizer: spans inside a term are left out
    min_count: int = MIN_COUNT
    agreement: float = MIN_AGREEMENT
    _occurs: dict = field(default_factory=dict)  # needle -> ids of units holding it (≤ UNITS_PER_SPAN)
    _links: dict = field(default_factory=dict)  # unit id -> (UnitLinks, folded view, target) or None
    _postings: dict = field(default_factory=dict)  # gram -> ids of units whose source key has it
    _spans: dict = field(default_factory=dict)  # text -> ids of units holding its grams
    _projected: dict = field(default_factory=dict)  # needle -> _Projected

    def prepare(self, sources) -> None:
        """Read the postings of every gram of these texts at once (a batch: far fewer queries)."""
        grams: set[int] = set()
        for source in sources:
            grams.update(G.inner_grams(folded_view(source)[0], "zh"))
        self._fetch(grams)

    def find(self, source: str) -> list[Fragment]:
        import rjieba

        view, origins = folded_view(source)
        if not view:
            return []
        words, at = [], 0  # (start, end) in the view
        for word in rjieba.cut(view):
            words.append((at, at + len(word)))
            at += len(word)
        grams = G.inner_grams(view, "zh")  # grams[k]: view[k] and view[k + 1]
        self._fetch(grams)
        terms = [(h.start, h.end) for h in self.recognizer.find(source)] if self.recognizer else []
        found: list[Fragment] = []
        queue, tries = self._maximal(view, words, grams), 0
        while queue:
            i, j = queue.pop(0)
            i, j = _trimmed(view, words, i, j)
            if not self._wanted(view, words, i, j):
                continue
            start, end = origins[words[i][0]][0], origins[words[j - 1][1] - 1][1]
            if any(a <= start and end <= b for a, b in terms):
                continue
            if any(f.start <= start and end <= f.end for f in found):
                continue
            a, b = words[i][0], words[j - 1][1]
            got = self._project(view[a:b], lambda a=a, b=b: self._candidates(grams, a, b))
            if got.rendering is not None:
                found.append(
                    Fragment(start, end, source[start:end], got.rendering, got.count, got.seen, got.unit_id)
                )
            elif tries < MAX_TRIES:  # a shorter span may be linked where the whole is not
                tries += 2
                queue += [(i, j - 1), (i + 1, j)]
        found.sort(key=lambda f: (-counted(f.text), f.start))
        return found[:MAX_FRAGMENTS]

    # -------------------------------------------------------------- spans the memory holds

    def _fetch(self, grams) -> None:
        missing = [g for g in set(grams) if g not in self._postings]
        if missing:
            got = self.memory.gram_postings(missing)
            for gram in missing:
                self._postings[gram] = got.get(gram, _NONE)

    def _candidates(self, grams: list[int], a: int, b: int, ids=None):
        """Units holding every gram of view[a:b] (a superset of those holding the text; None: no
        gram to ask, one character), narrowing ``ids`` when given; empty once fewer than
        ``min_count`` are left (too few to agree on anything)."""
        for gram in grams[a : b - 1]:
            other = self._postings[gram]
            if ids is None:
                ids = other
            else:
                pos = other.searchsorted(ids)
                pos[pos == other.size] = 0
                ids = ids[other[pos] == ids] if other.size else _NONE
            if ids.size < self.min_count:
                return _NONE
        return ids

    def _maximal(self, view: str, words: list[tuple[int, int]], grams: list[int]) -> list[tuple[int, int]]:
        """Word ranges [i, j) whose grams all occur in ``min_count`` units, none inside another: for
        each start the range is grown while they do (a range inside such a one is such a one too).
        The text itself is checked later, for these only."""
        out, j = [], 0
        spans = self._spans  # text -> its candidates: phrases recur over a batch
        if len(spans) > 500_000:
            spans.clear()
        for i in range(len(words)):
            j = max(j, i + 1)
            a = words[i][0]
            text = view[a : words[j - 1][1]]
            ids = spans.get(text, False)
            if ids is False:
                ids = spans[text] = self._candidates(grams, a, words[j - 1][1])
            while j < len(words) and (ids is None or ids.size >= self.min_count):
                text = view[a : words[j][1]]
                grown = spans.get(text, False)
                if grown is False:
                    grown = spans[text] = self._candidates(grams, words[j - 1][1] - 1, words[j][1], ids)
                if grown is not None and grown.size < self.min_count:
                    break
                ids, j = grown, j + 1
            if j - i >= MIN_WORDS and (not out or j > out[-1][1]):
                out.append((i, j))
        return out

    def _wanted(self, view: str, words, i: int, j: int) -> bool:
        return j - i >= MIN_WORDS and counted(view[words[i][0] : words[j - 1][1]]) >= MIN_CHARS

    def _ids(self, needle: str, candidates) -> list[int]:
        """Units whose source holds ``needle`` (a folded view), newest first, up to UNITS_PER_SPAN."""
        if needle in self._occurs:
            return self._occurs[needle]
        ids: list[int] = []
        newest = candidates()[::-1].tolist()
        wanted = needle.casefold()
        step = 4 * UNITS_PER_SPAN
        for start in range(0, len(newest), step):
            part = newest[start : start + step]
            step = min(step * 4, 900)
            for uid, key, lang, _ in self.memory.candidate_keys(part):
                if family(lang) == "zh" and wanted in "".join(key.split()).casefold():
                    ids.append(uid)
            if len(ids) >= UNITS_PER_SPAN:
                break
        ids = sorted(ids, reverse=True)[:UNITS_PER_SPAN]
        self._occurs[needle] = ids
        return ids

    # -------------------------------------------------------------- projection through links

    def _project(self, needle: str, candidates) -> _Projected:
        if needle in self._projected:
            return self._projected[needle]
        ids = self._ids(needle, candidates)
        result = _Projected(None, 0, len(ids))
        if len(ids) < self.min_count:  # too few units to agree, whatever their links say
            self._projected[needle] = result
            return result
        self._load(ids)
        votes: Counter = Counter()
        spelled: dict[str, Counter] = {}
        newest: dict[str, int] = {}
        seen = 0
        allowed = (1 - self.agreement) * len(ids)  # dissent beyond it: no rendering can pass
        for uid in ids:
            got = self._unit_links(uid)
            if got is None:
                continue
            seen += 1
            rendering = project(got[0], got[1], got[2], needle)
            if rendering is not None:
                key = rendering.casefold()
                votes[key] += 1
                spelled.setdefault(key, Counter())[rendering] += 1
                newest.setdefault(key, uid)
            if seen - max(votes.values(), default=0) > allowed:
                break
        result = _Projected(None, 0, seen)
        if votes:
            key, count = votes.most_common(1)[0]
            if count >= self.min_count and count >= self.agreement * seen:
                result = _Projected(spelled[key].most_common(1)[0][0], count, seen, newest[key])
        self._projected[needle] = result
        return result

    def _load(self, ids: list[int]) -> None:
        """The stored links and texts of these units (words are cut when first projected)."""
        missing = [i for i in ids if i not in self._links]
        if not missing:
            return
        blobs = self.memory.links_of(missing)
        units = self.memory.units_by_id([i for i in missing if i in blobs])
        for uid in missing:
            unit = units.get(uid, (None,))[0]
            self._links[uid] = (unit.source, unit.target, blobs[uid]) if unit is not None else None

    def _unit_links(self, uid: int):
        """(UnitLinks, (folded view, spans), target) of a loaded unit; None: no links, or its
        words are cut otherwise now."""
        got = self._links.get(uid)
        if got is None or isinstance(got[0], UnitLinks):
            return got
        source, target, blob = got
        zh, zh_spans, en, en_spans = tokens(source, target)
        zh_len, en_len, links = decode(blob)
        fine = (zh_len, en_len) == (len(zh), len(en)) and links
        found = UnitLinks(zh, zh_spans, en, en_spans, links), folded_view(source), target
        self._links[uid] = found if fine else None
        return self._links[uid]


def _trimmed(view: str, words, i: int, j: int) -> tuple[int, int]:
    """The range without punctuation words at its edges."""
    while i < j and not counted(view[words[i][0] : words[i][1]]):
        i += 1
    while j > i and not counted(view[words[j - 1][0] : words[j - 1][1]]):
        j -= 1
    return i, j


def project(links: UnitLinks, source, target: str, needle: str) -> str | None:
    """The English a unit's links give the folded text ``needle`` where its source (as given, or
    its folded view and the view's spans) holds it: every word of it linked (punctuation aside),
    its words whole in the unit's cut, and the English linked to them one run into which no word
    outside it is linked; a leading article and edge punctuation left out. None where the links
    do not support one."""
    if isinstance(source, str):
        spans = find_in_original(source, needle)
        if not spans:
            return None
        start, end = spans[0]
    else:  # the folded view, searched as find_in_original does
        view, origins = source
        v, n = view.casefold(), needle.casefold()
        if len(v) != len(view) or len(n) != len(needle):  # casefolding changed lengths
            v, n = view, needle
        at = v.find(n)
        if at < 0:
            return None
        start, end = origins[at][0], origins[at + len(needle) - 1][1]
    inside = [n for n, (a, b) in enumerate(links.zh_spans) if a < end and start < b]
    if not inside or any(not (start <= links.zh_spans[n][0] and links.zh_spans[n][1] <= end) for n in inside):
        return None  # the unit cuts the span's edge words otherwise
    mine = set(inside)
    linked: dict[int, set[int]] = {}
    for i, j in links.links:
        linked.setdefault(i, set()).add(j)
    if CONSISTENT and any(n not in linked and counted(links.zh[n]) for n in inside):
        return None
    english = sorted({j for n in inside for j in linked.get(n, ())})
    if not english:
        return None
    lo, hi = english[0], english[-1]
    if CONSISTENT and hi - lo + 1 > 3 * len(inside) + 4:  # linked far apart: a repetition, a pronoun
        return None
    if CONSISTENT and any(lo <= j <= hi and i not in mine for i, j in links.links):
        return None  # English of another word inside the run
    while lo <= hi and (links.en[lo].lower() in _ARTICLES or not counted(links.en[lo])):
        lo += 1
    while hi >= lo and not counted(links.en[hi]):
        hi -= 1
    if hi >= lo and links.en[hi].lower() == "'s":
        hi -= 1
    if hi < lo:
        return None
    return " ".join(target[links.en_spans[lo][0] : links.en_spans[hi][1]].split()) or None
