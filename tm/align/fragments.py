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
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate, chain, islice

import numpy as np

from tm.align.unitlinks import decode_words, english_spans, english_word, keeps_cut
from tm.memory import grams as G
from tm.text.langs import family
from tm.text.normalize import folded_view

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
_PAD = np.iinfo(np.uint32).max  # above every unit id
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
    """Finds fragments against one memory; spans, their candidates, projections and the units read
    are cached for the life of the finder (one batch: the same span recurs)."""

    memory: object
    recognizer: object = None  # glossary.match.Recognizer: spans inside a term are left out
    min_count: int = MIN_COUNT
    agreement: float = MIN_AGREEMENT
    _views: dict = field(default_factory=dict)  # segment source -> its folded view, the view's spans, grams
    _units: dict = field(default_factory=dict)  # unit id -> _Unit, or None: no links, not Chinese
    _postings: dict = field(default_factory=dict)  # gram -> ids of units whose source key has it
    _spans: dict = field(default_factory=dict)  # text -> ids of units holding its grams
    _projected: dict = field(default_factory=dict)  # needle -> _Projected

    def prepare(self, sources) -> None:
        """Read the postings of every gram of these texts at once (a batch: far fewer queries)."""
        grams: set[int] = set()
        for source in sources:
            grams.update(self._view(source)[2])
        self._fetch(grams)

    def _view(self, source: str):
        """(folded view, the view's spans, its grams) of a segment's source."""
        if source not in self._views:
            view, origins = folded_view(source)
            self._views[source] = view, origins, G.inner_grams(view, "zh")  # grams[k]: view[k:k + 2]
        return self._views[source]

    def find(self, source: str) -> list[Fragment]:
        import rjieba

        view, origins, grams = self._view(source)
        if not view:
            return []
        words, at = [], 0  # (start, end) in the view
        for word in rjieba.cut(view):
            words.append((at, at + len(word)))
            at += len(word)
        self._fetch(grams)
        terms = (
            [(h.start, h.end) for h in self.recognizer.find(source, (view, origins))]
            if self.recognizer
            else []
        )
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
            got = self._project(view[a:b], lambda a=a, b=b: self._held(view, grams, a, b))
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
            for gram in missing:  # each padded with an id no unit has: see _intersect
                self._postings[gram] = np.append(got.get(gram, _NONE), _PAD).astype(np.uint32)

    def _candidates(self, grams: list[int], a: int, b: int, ids=None):
        """Units holding every gram of view[a:b] (a superset of those holding the text; None: no
        gram to ask, one character), narrowing ``ids`` when given; empty once fewer than
        ``min_count`` are left (too few to agree on anything)."""
        postings = [self._postings[gram] for gram in grams[a : b - 1]]
        postings.sort(key=len)  # the rarest first: every later step looks a few ids up
        for padded in postings:
            ids = padded[:-1] if ids is None else _intersect(ids, padded)
            if ids.size < self.min_count:
                return _NONE
        return ids

    def _held(self, view: str, grams: list[int], a: int, b: int):
        """_candidates of view[a:b], kept by text: phrases recur over a batch."""
        text = view[a:b]
        ids = self._spans.get(text, False)
        if ids is False:
            ids = self._spans[text] = self._candidates(grams, a, b)
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
            ids = self._held(view, grams, a, words[j - 1][1])
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

    def _holding(self, needle: str, ids: np.ndarray):
        """The linked units whose source holds ``needle`` (a folded view), newest first, up to
        UNITS_PER_SPAN: the candidates read newest first, as they are asked for, a few more at
        each read (most hold the span: their grams are its grams; most projections stop early)."""
        newest = ids[::-1].tolist()
        wanted = needle.casefold()
        found, start, step = 0, 0, self.min_count + 1
        while start < len(newest):
            part = newest[start : start + step]
            start, step = start + step, min(step * 2, 900)
            self._read([uid for uid in part if uid not in self._units])
            for uid in part:
                unit = self._units[uid]
                if unit is not None and wanted in unit.folded_key:
                    yield unit
                    found += 1
                    if found == UNITS_PER_SPAN:
                        return

    def _read(self, ids: list[int]) -> None:
        """Source, target and links of these units, in one query (those without links: None)."""
        if len(self._units) > 200_000:  # a long batch: units read early are seldom read again
            self._units.clear()
        for uid in ids:
            self._units[uid] = None
        for uid, source, key, target, lang, blob in self.memory.linked_sources(ids):
            if family(lang) == "zh":
                self._units[uid] = _Unit(uid, source, target, blob, "".join(key.split()))

    # -------------------------------------------------------------- projection through links

    def _project(self, needle: str, candidates) -> _Projected:
        if needle in self._projected:
            return self._projected[needle]
        ids = candidates()
        holding = self._holding(needle, ids)
        first = list(islice(holding, self.min_count))
        if len(first) < self.min_count:  # too few units to agree, whatever their links say
            self._projected[needle] = _Projected(None, 0, len(first))
            return self._projected[needle]
        votes: Counter = Counter()
        spelled: dict[str, Counter] = {}
        newest: dict[str, int] = {}
        seen = 0
        # dissent beyond it: no rendering can pass (as many units as may hold it, at most)
        allowed = (1 - self.agreement) * min(UNITS_PER_SPAN, ids.size)
        for unit in chain(first, holding):
            if not unit.ready():
                continue
            seen += 1
            rendering = project(unit, needle)
            if rendering is not None:
                key = rendering.casefold()
                votes[key] += 1
                spelled.setdefault(key, Counter())[rendering] += 1
                newest.setdefault(key, unit.id)
            if seen - max(votes.values(), default=0) > allowed:
                break
        result = _Projected(None, 0, seen)
        if votes:
            key, count = votes.most_common(1)[0]
            if count >= self.min_count and count >= self.agreement * seen:
                result = _Projected(spelled[key].most_common(1)[0][0], count, seen, newest[key])
        self._projected[needle] = result
        return result


@dataclass
class _Unit:
    """A memory unit a fragment may be projected through; its links are decoded only when it
    holds a span, and only as far as a projection reads them (no UnitLinks: a batch reads
    thousands of units, each for one or two spans)."""

    id: int
    source: str
    target: str
    blob: bytes | None
    view: str  # its matching key without spaces: the folded view its words were cut from, nearly
    folded_key: str = ""  # the view case folded: where a span is looked for first
    ends: list[int] | None = None  # where each Chinese word ends in the view
    linked: dict[int, set[int]] | None = None  # Chinese word -> English words linked to it
    links: set[tuple[int, int]] | None = None
    en_spans: list[tuple[int, int]] | None = None  # each English word's span in the target

    def __post_init__(self):
        self.folded_key = self.view.casefold()

    def ready(self) -> bool:
        """Its links decoded onto its words; False where they are not of its words or link none."""
        if self.blob is not None:
            blob, self.blob = self.blob, None
            # the key's view is the folded view its words were cut in but where the key folds a
            # character otherwise; links stored without their cut are laid on the folded view itself
            if not (keeps_cut(blob) and self._decode(blob, self.view)):
                view = folded_view(self.source)[0]
                if self._decode(blob, view):
                    self.view, self.folded_key = view, view.casefold()
        return self.ends is not None

    def _decode(self, blob: bytes, view: str) -> bool:
        zh_len, en_len, links, lengths = decode_words(blob, view)
        en_spans = english_spans(self.target)
        if not links or lengths is None or (zh_len, en_len) != (len(lengths), len(en_spans)):
            return False
        self.ends, self.links, self.en_spans = list(accumulate(lengths)), links, en_spans
        self.linked = {}
        for i, j in links:
            self.linked.setdefault(i, set()).add(j)
        return True

    def english(self, n: int) -> str:
        return english_word(self.target, self.en_spans[n])

    def find(self, needle: str) -> int:
        """Where the folded text ``needle`` is in its view, case aside, as find_in_original looks
        (as typed where case folding changes the length of either: ß); -1: nowhere."""
        folded = needle.casefold()
        if len(folded) == len(needle) and len(self.folded_key) == len(self.view):
            return self.folded_key.find(folded)
        return self.view.find(needle)


def _intersect(ids: np.ndarray, padded: np.ndarray) -> np.ndarray:
    """The ``ids`` (ascending) also in a gram's postings (ascending, then _PAD): the shorter
    looked up in the longer (a common gram's postings run to a good part of the memory). The pad
    is where any id not in the postings lands: no bounds to check (most calls look a few up)."""
    if ids.size < padded.size:
        return ids[padded[padded.searchsorted(ids)] == ids]
    other = padded[:-1]
    pos = ids.searchsorted(other)
    pos[pos == ids.size] = 0
    return other[ids[pos] == other]


def _trimmed(view: str, words, i: int, j: int) -> tuple[int, int]:
    """The range without punctuation words at its edges."""
    while i < j and not counted(view[words[i][0] : words[i][1]]):
        i += 1
    while j > i and not counted(view[words[j - 1][0] : words[j - 1][1]]):
        j -= 1
    return i, j


def project(unit: _Unit, needle: str) -> str | None:
    """The English a unit's links give the folded text ``needle`` where its view holds it: every
    word of it linked (punctuation aside), its words whole in the unit's cut, and the English
    linked to them one run into which no word outside it is linked; a leading article and edge
    punctuation left out. None where the links do not support one."""
    if not unit.ready():
        return None
    start = unit.find(needle)
    if start < 0:
        return None
    end, ends = start + len(needle), unit.ends
    first, last = bisect_right(ends, start), bisect_left(ends, end)
    if last >= len(ends) or ends[last] != end or (first and ends[first - 1] != start):
        return None  # the unit cuts the span's edge words otherwise
    inside = range(first, last + 1)
    linked = unit.linked
    if CONSISTENT and any(
        n not in linked and counted(unit.view[ends[n - 1] if n else 0 : ends[n]]) for n in inside
    ):
        return None
    english = sorted({j for n in inside for j in linked.get(n, ())})
    if not english:
        return None
    lo, hi = english[0], english[-1]
    if CONSISTENT and hi - lo + 1 > 3 * len(inside) + 4:  # linked far apart: a repetition, a pronoun
        return None
    if CONSISTENT and any(lo <= j <= hi and not first <= i <= last for i, j in unit.links):
        return None  # English of another word inside the run
    while lo <= hi and (unit.english(lo).lower() in _ARTICLES or not counted(unit.english(lo))):
        lo += 1
    while hi >= lo and not counted(unit.english(hi)):
        hi -= 1
    if hi >= lo and unit.english(hi).lower() == "'s":
        hi -= 1
    if hi < lo:
        return None
    return " ".join(unit.target[unit.en_spans[lo][0] : unit.en_spans[hi][1]].split()) or None
