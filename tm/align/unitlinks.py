"""Word links of the memory's units: which Chinese words of a unit translate which English words.

Both sides are cut into words as the matching keys see them (script, width and pinyin
annotations folded, so 三股勢(shì)力 and 三股势力 are the same words), each word keeping its
span in the text as stored. The links come from tm.align.words' aligner, trained on the memory
(`tm align --words`, stored in it) with the glossary's approved renderings as certain links;
before any training, from the dictionary alone. The memory keeps them as bytes (encode/decode
here): a unit stored later is aligned with the stored model as it comes (a review, an edit, a
small import), a large import is left for `tm align --words`, and a look-up aligns on the fly
what it finds without links.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from tm.align.wordlex import glossary_terms
from tm.align.words import WordAligner, approved_renderings
from tm.text.langs import family
from tm.text.normalize import folded_view, matching_key

INCREMENTAL_LIMIT = 2000  # units aligned as they are stored; a larger import waits for --words
TRAIN_LIMIT = 100_000  # pairs the aligner is trained on (spread over the memory)
TERMS_LIMIT = 200  # glossary terms changed at once whose units are aligned again as they change
_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)?|'s|[^\w\s]")
_ARTICLES = frozenset(("the", "a", "an"))
_HEADER = struct.Struct("<BHH")  # format, Chinese words, English words
Span = tuple[int, int]


@dataclass
class UnitLinks:
    """A unit's words (each with its span in the text as stored) and the links between them."""

    zh: list[str]
    zh_spans: list[Span]
    en: list[str]
    en_spans: list[Span]
    links: set[tuple[int, int]]

    def counterpart(self, span: Span, side: str = "source") -> Span | None:
        """The span of the other side aligned to ``span`` of ``side`` (characters of the stored
        source, or target): from the first to the last word linked to the words it overlaps."""
        mine, theirs = (self.zh_spans, self.en_spans) if side == "source" else (self.en_spans, self.zh_spans)
        words = {n for n, (a, b) in enumerate(mine) if a < span[1] and span[0] < b}
        mine_of = (lambda i, j: i) if side == "source" else (lambda i, j: j)
        linked = sorted({(j if side == "source" else i) for i, j in self.links if mine_of(i, j) in words})
        if side == "source":  # Chinese has no articles: a rendering is the words after one
            linked = [j for j in linked if self.en[j].lower() not in _ARTICLES] or linked
        if not linked:
            return None
        groups = [[linked[0]]]  # words far apart (one word linked twice): the largest run
        for n in linked[1:]:
            if n - groups[-1][-1] > 2:
                groups.append([])
            groups[-1].append(n)
        best = max(groups, key=len)
        return theirs[best[0]][0], theirs[best[-1]][1]


def tokens(source: str, target: str) -> tuple[list[str], list[Span], list[str], list[Span]]:
    """(Chinese words, their spans in ``source``, English words, their spans in ``target``)."""
    import rjieba

    view, origins = folded_view(source)
    zh, zh_spans = _words(view, origins, [len(word) for word in rjieba.cut(view)])
    return (zh, zh_spans, *english_words(target))


def _words(view: str, origins: list[Span] | None, lengths: list[int]) -> tuple[list[str], list[Span]]:
    """The words of a folded view cut into these lengths, each with its span in the text as given
    (``origins``: the view's spans) or in the view."""
    ends = list(accumulate(lengths))
    spans = list(zip([0, *ends[:-1]], ends))
    zh = [view[a:b] for a, b in spans]
    if origins:
        spans = [(origins[a][0], origins[b - 1][1]) for a, b in spans]
    return zh, spans


def english_spans(target: str) -> list[Span]:
    return [m.span() for m in _EN_TOKEN_RE.finditer(target)]


def english_word(target: str, span: Span) -> str:
    """The English word at ``span`` of the target, width-folded (NFKC changes no ASCII: most)."""
    word = target[span[0] : span[1]]
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def english_words(target: str) -> tuple[list[str], list[Span]]:
    spans = english_spans(target)
    return [english_word(target, span) for span in spans], spans


def alignable(source_lang: str, target_lang: str) -> bool:
    return family(source_lang) == "zh" and family(target_lang) == "en"


def encode(zh: list[str] | int, en_len: int, links: set[tuple[int, int]]) -> bytes:
    """Links as bytes: the word counts (to tell words cut otherwise since), the length of each
    Chinese word when ``zh`` gives the words (a reader need not cut the source again), then each
    link: one byte a number, or 16 bits in a pair of more than 255 words a side or a longer word."""
    lengths = [len(word) for word in zh] if not isinstance(zh, int) else []
    zh_len = len(zh) if not isinstance(zh, int) else zh
    if max(zh_len, *lengths, 0) > 65535:  # beyond 16 bits (a data URI as one word): no cut kept
        lengths = []
    links = {link for link in links if max(link) <= 65535}  # a word beyond that has none kept
    wide = max(zh_len, en_len, *lengths, 0) > 255
    kind = (2 if wide else 1) + (2 if lengths else 0)
    numbers = np.array(
        [*lengths, *(n for link in sorted(links) for n in link)], dtype="<u2" if wide else "u1"
    )
    return _HEADER.pack(kind, min(zh_len, 65535), min(en_len, 65535)) + numbers.tobytes()


def keeps_cut(blob: bytes) -> bool:
    """Whether links keep the cut of the words they were made for (kinds 3 and 4)."""
    return blob[0] > 2


def decode(blob: bytes) -> tuple[int, int, set[tuple[int, int]]]:
    return _decoded(blob)[:3]


def _decoded(blob: bytes) -> tuple[int, int, set[tuple[int, int]], list[int] | None]:
    """(Chinese words, English words, links, each Chinese word's length in the folded view or
    None: links stored before the cut was kept with them)."""
    kind, zh_len, en_len = _HEADER.unpack_from(blob)
    body = blob[_HEADER.size :]
    numbers = body if kind in (1, 3) else np.frombuffer(body, dtype="<u2").tolist()  # bytes: small ints
    lengths = None
    if kind > 2:
        lengths, numbers = list(numbers[:zh_len]), numbers[zh_len:]
    return zh_len, en_len, set(zip(numbers[0::2], numbers[1::2])), lengths


def read_links(source: str, target: str, blob: bytes) -> UnitLinks | None:
    """A unit's stored links on its words, with their spans in the source as given (see
    view_links); None where the words are not those the links were made for."""
    view, origins = folded_view(source)
    found = view_links(view, target, blob)
    if found is not None:
        found.zh_spans = [(origins[a][0], origins[b - 1][1]) for a, b in found.zh_spans]
    return found


def view_links(view: str, target: str, blob: bytes) -> UnitLinks | None:
    """Stored links on the words of a source's folded view, their spans in the view (see
    decode_words). None where the words are not those the links were made for (its text changed
    since)."""
    zh_len, en_len, links, lengths = decode_words(blob, view)
    if lengths is None:
        return None
    zh, zh_spans = _words(view, None, lengths)
    en, en_spans = english_words(target)
    if (zh_len, en_len) != (len(zh), len(en)):
        return None
    return UnitLinks(zh, zh_spans, en, en_spans, links)


def decode_words(blob: bytes, view: str) -> tuple[int, int, set[tuple[int, int]], list[int] | None]:
    """(Chinese words, English words, links, each Chinese word's length) of a unit's stored
    links on its source's folded view: the words as they were cut when the unit was aligned where
    the links keep the cut, else cut now; lengths None where the kept cut is not of this view."""
    zh_len, en_len, links, lengths = _decoded(blob)
    if lengths is None:
        import rjieba

        lengths = [len(word) for word in rjieba.cut(view)]
    elif sum(lengths) != len(view) or not all(lengths):
        lengths = None
    return zh_len, en_len, links, lengths


# ------------------------------------------------------------------ the model


_LOADED: dict[str, tuple[str, WordAligner]] = {}  # memory location → (trained_at, aligner)


def current_aligner(memory, pairs=()) -> WordAligner:
    """The aligner the memory stored (`tm align --words`), else one trained on ``pairs`` alone
    (the pairs about to be aligned: the dictionary carries so small a training set); either way
    with the glossary's approved renderings as they are now as certain links."""
    from glossary.store import Termbase

    renderings = approved_renderings(Termbase.of(memory))
    terms = glossary_terms(renderings)
    stored = memory.word_model()
    if stored is None:
        return WordAligner.train(list(pairs), renderings)
    state, trained_at, _ = stored
    cached = _LOADED.get(memory.location)
    if cached is None or cached[0] != trained_at:
        cached = trained_at, WordAligner.from_state(json.loads(zlib.decompress(state)))
        _LOADED[memory.location] = cached
    cached[1].terms = terms
    return cached[1]


def forget_aligner(memory) -> None:
    """Drop the aligner loaded for this memory (tm.align.realign holds a lighter copy)."""
    _LOADED.pop(memory.location, None)


def model_bytes(aligner: WordAligner) -> bytes:
    return zlib.compress(json.dumps(aligner.state(), ensure_ascii=False, separators=(",", ":")).encode(), 6)


# ------------------------------------------------------------------ reading links


def links_of(memory, units, aligner: WordAligner | None = None) -> dict[int, UnitLinks]:
    """Each unit's links: stored ones where the words are still cut as they were, the rest
    aligned now (not stored: look-ups only read) with the memory's aligner."""
    stored = memory.links_of(u.id for u in units)
    out: dict[int, UnitLinks] = {}
    missing = []
    for unit in units:
        if not alignable(unit.source_lang, unit.target_lang):
            continue
        blob = stored.get(unit.id)
        found = read_links(unit.source, unit.target, blob) if blob is not None else None
        if found is not None:
            out[unit.id] = found
            continue
        out[unit.id] = UnitLinks(*tokens(unit.source, unit.target), set())
        missing.append(out[unit.id])
    if missing:
        aligner = aligner or current_aligner(memory, [(m.zh, m.en) for m in missing])
        for found, links in zip(missing, aligner.align_all([(m.zh, m.en) for m in missing])):
            found.links = links
    return out


# ------------------------------------------------------------------ storing links


@dataclass
class LinkReport:
    aligned: int = 0
    pending: int = 0  # units left without links (more than INCREMENTAL_LIMIT: tm align --words)


def link_pending(memory, limit: int = INCREMENTAL_LIMIT) -> LinkReport:
    """Align the units stored without links (an import, a review, an edit) with the memory's
    aligner, in one transaction; more than ``limit`` are left for `tm align --words`, so a large
    import costs what it did."""
    ids = memory.unlinked_ids(limit + 1)
    if not ids:
        return LinkReport()
    if len(ids) > limit:
        return LinkReport(pending=memory.count() - memory.count_linked())
    return LinkReport(aligned=_align_ids(memory, ids))


def relink_terms(memory, forms, limit: int = INCREMENTAL_LIMIT) -> tuple[int, str | None]:
    """The units whose source holds one of these glossary source forms (an entry added, changed or
    removed) aligned again with the glossary as it is now, its approved renderings certain links:
    (units aligned, what to say). More than TERMS_LIMIT forms, or ``limit`` units, are left as they
    are for `tm align --words` (finding them costs a look-up a form); a memory never aligned is
    left alone."""
    keys = sorted({"".join(matching_key(form).split()) for form in forms} - {""})
    if not keys or not memory.count_linked():
        return 0, None
    later = "`tm align --words` aligns them again with the glossary as it is now"
    if len(keys) > TERMS_LIMIT:
        return 0, f"{len(keys)} glossary terms changed: the word links have them as they were; {later}"
    ids: set[int] = set()
    for key in keys:
        for chunk in memory.source_holders(key, "zh"):
            ids.update(uid for uid, _, lang in chunk if family(lang) == "zh")
            if len(ids) > limit:
                return 0, f"more than {limit} units hold the glossary terms changed; {later}"
    return (_align_ids(memory, sorted(ids)) if ids else 0), None


def _align_ids(memory, ids: list[int]) -> int:
    """Align these units with the memory's aligner and store their links, in one transaction."""
    units = [u for u, _ in memory.units_by_id(ids).values()]
    words = {u.id: tokens(u.source, u.target) for u in units if alignable(u.source_lang, u.target_lang)}
    aligner = current_aligner(memory, [(w[0], w[2]) for w in words.values()])
    # a unit with nothing to align gets empty links: never asked again
    pairs = [(words[u.id][0], words[u.id][2]) if u.id in words else ([], []) for u in units]
    blobs = [
        (unit.id, encode(zh, len(en), links))
        for unit, (zh, en), links in zip(units, pairs, aligner.align_all(pairs))
    ]
    with memory.transaction():
        memory.store_links(blobs)
    return len(blobs)


def pending_note(report: LinkReport) -> str | None:
    """What a command that stored units says about their word links, if anything."""
    if report.pending:
        return (
            f"{report.pending} units are not word-aligned yet; `tm align --words` aligns them "
            "(look-ups align what they show meanwhile)"
        )
    return None
