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

import numpy as np

from tm.align.wordlex import glossary_terms
from tm.align.words import WordAligner, approved_renderings
from tm.text.langs import family
from tm.text.normalize import folded_view

INCREMENTAL_LIMIT = 2000  # units aligned as they are stored; a larger import waits for --words
TRAIN_LIMIT = 100_000  # pairs the aligner is trained on (spread over the memory)
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


def alignable(source_lang: str, target_lang: str) -> bool:
    return family(source_lang) == "zh" and family(target_lang) == "en"


def encode(zh_len: int, en_len: int, links: set[tuple[int, int]]) -> bytes:
    """Links as bytes: the word counts (to tell words cut otherwise since), then each link as
    two bytes, or two 16-bit numbers in a pair of more than 255 words a side."""
    wide = max(zh_len, en_len) > 255
    pairs = np.array(sorted(links), dtype="<u2" if wide else "u1").reshape(-1)
    return _HEADER.pack(2 if wide else 1, min(zh_len, 65535), min(en_len, 65535)) + pairs.tobytes()


def decode(blob: bytes) -> tuple[int, int, set[tuple[int, int]]]:
    kind, zh_len, en_len = _HEADER.unpack_from(blob)
    pairs = np.frombuffer(blob, dtype="<u2" if kind == 2 else "u1", offset=_HEADER.size).reshape(-1, 2)
    return zh_len, en_len, {(int(i), int(j)) for i, j in pairs}


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
        zh, zh_spans, en, en_spans = tokens(unit.source, unit.target)
        out[unit.id] = UnitLinks(zh, zh_spans, en, en_spans, set())
        blob = stored.get(unit.id)
        if blob is not None:
            zh_len, en_len, links = decode(blob)
            if (zh_len, en_len) == (len(zh), len(en)):
                out[unit.id].links = links
                continue
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
    units = [u for u, _ in memory.units_by_id(ids).values()]
    words = {u.id: tokens(u.source, u.target) for u in units if alignable(u.source_lang, u.target_lang)}
    aligner = current_aligner(memory, [(w[0], w[2]) for w in words.values()])
    # a unit with nothing to align gets empty links: never asked again
    pairs = [(words[u.id][0], words[u.id][2]) if u.id in words else ([], []) for u in units]
    blobs = [
        (unit.id, encode(len(zh), len(en), links))
        for unit, (zh, en), links in zip(units, pairs, aligner.align_all(pairs))
    ]
    with memory.transaction():
        memory.store_links(blobs)
    return LinkReport(aligned=len(blobs))


def pending_note(report: LinkReport) -> str | None:
    """What a command that stored units says about their word links, if anything."""
    if report.pending:
        return (
            f"{report.pending} units are not word-aligned yet; `tm align --words` aligns them "
            "(look-ups align what they show meanwhile)"
        )
    return None
