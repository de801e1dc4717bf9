"""What the aligner scores links with, computed once per document pair for every link the
second pass may take: for each link shape, arrays over the cells of the band around the anchor
path (see tm.align.aligner for how they are weighed).

A document side holds its sentences, the embeddings of every window of consecutive sentences,
their lengths, shared tokens (numbers, Latin-script names), glossary terms, CC-CEDICT words and
quotation balances. Everything here is independent of the aligner's weights, so choosing the
weights (bench/align_cv.py) recomputes none of it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np

from tm.align.embedding import window_embeddings

# Every link shape of at most six sentences that translators make (one Chinese sentence is
# sometimes rendered as five or six English ones), then the two skips.
SHAPES = (
    *((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 4), (4, 1), (2, 3), (3, 2)),
    *((1, 5), (1, 6), (2, 4), (3, 3)),
    *((1, 0), (0, 1)),
)
LINKS = SHAPES[:-2]
MAX_SIDE = max(max(shape) for shape in SHAPES)
# Numbers, and Latin-script names with a capital or a digit (SCO, G20, COVID-19, iPhone), which
# a Chinese release keeps as they are in its translation.
_SHARED_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)?|(?<![A-Za-z0-9])[A-Za-z]*[A-Z][A-Za-z0-9-]*[A-Za-z0-9]")


class Side:
    """A document side: its sentences, window embeddings (all sizes stacked, size by size) and
    per-sentence features, with prefix sums so that any window's length, quotation balance and
    paragraph crossings are two look-ups."""

    def __init__(self, sentences: list[str], joiner: str, lexical, quote_balances: list[int] | None = None):
        self.sentences = sentences
        self.n = len(sentences)
        self.cumlen = np.concatenate(([0.0], np.cumsum([len(s) for s in sentences], dtype=np.float64)))
        self.quotes = np.concatenate(([0], np.cumsum(quote_balances or [0] * self.n)))
        self.tokens = [frozenset(_SHARED_TOKEN_RE.findall(s)) for s in sentences]
        self.words = [frozenset(lexical(s)) for s in sentences]
        self.terms: list[frozenset] = [frozenset() for _ in sentences]  # glossary entries present
        self.set_paragraphs([0] * self.n)
        windows = window_embeddings(sentences, range(1, MAX_SIDE + 1), joiner)
        self.offset = {}
        rows = 0
        for size, vectors in windows.items():
            self.offset[size] = rows
            rows += len(vectors)
        self.vectors = np.concatenate(list(windows.values()))

    def set_paragraphs(self, paragraphs: list[int]) -> None:
        changes = np.diff(np.asarray(paragraphs), prepend=paragraphs[0] if paragraphs else 0) != 0
        self.boundaries = np.concatenate(([0], np.cumsum(changes)))

    def window(self, start: int, size: int) -> int:
        return self.offset[size] + start

    def unions(self, feature: list[frozenset], size: int) -> list[frozenset]:
        """The union of ``feature`` over every window of ``size`` sentences (row = start)."""
        return [frozenset().union(*feature[s : s + size]) for s in range(self.n - size + 1)]


def mark_terms(Z: Side, E: Side, hits: list[list]) -> None:
    """Glossary entries in each Chinese sentence (``hits``: the recognizer's, a list per
    sentence), and those whose accepted rendering is in each English sentence (only entries
    the Chinese side uses are looked for)."""
    from glossary.match import find_accepted

    entries = {}
    for i, sentence_hits in enumerate(hits):
        Z.terms[i] = frozenset(id(hit.entry) for hit in sentence_hits)
        entries.update((id(hit.entry), hit.entry) for hit in sentence_hits)
    for j, sentence in enumerate(E.sentences):
        E.terms[j] = frozenset(key for key, entry in entries.items() if find_accepted(sentence, entry))


def gloss_view(sentences: list[str], hits: list[list]) -> list[str]:
    """The gloss translation of each Chinese sentence, glossary terms (``hits``) given in their
    approved rendering."""
    from tm.align.lexicon import gloss_translation

    out = []
    for sentence, sentence_hits in zip(sentences, hits):
        parts, done = [], 0
        for hit in sentence_hits:
            parts += [gloss_translation(sentence[done : hit.start]), hit.entry.target]
            done = hit.end
        parts.append(gloss_translation(sentence[done:]))
        out.append(" ".join(part for part in parts if part))
    return out


HUB_SAMPLE = 6000


def hubness(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean similarity of each row of a to its k nearest rows of b, and vice versa (CSLS).

    Computed in blocks against at most HUB_SAMPLE rows of the other side (a fixed sample), so
    long documents need neither a full similarity matrix nor its time."""
    return _top_k_mean(a, _sample(b), k), _top_k_mean(b, _sample(a), k)


def _sample(rows: np.ndarray) -> np.ndarray:
    if len(rows) <= HUB_SAMPLE:
        return rows
    return rows[np.random.default_rng(0).choice(len(rows), HUB_SAMPLE, replace=False)]


def _top_k_mean(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(b))
    if k == 0:
        return np.zeros(len(a))
    out = np.empty(len(a))
    for start in range(0, len(a), 2048):
        sims = a[start : start + 2048] @ b.T
        out[start : start + 2048] = np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1)
    return out


DIAGONAL_PRIOR = 0.5  # similarity taken off per whole document a pair lies off the diagonal


def anchors(zv: np.ndarray, ev: np.ndarray) -> list[tuple[int, int]]:
    """Mutual nearest 1-1 pairs, reduced to their longest chain increasing on both sides.

    Similarity is lowered a little with the distance from the diagonal (relative positions),
    which only decides between near-equals: a sentence repeated further on (a refrain, a
    boilerplate line, a document pasted twice) is paired with the copy at its own place."""
    n, m = len(zv), len(ev)
    en_position = np.arange(m, dtype=np.float32) / m
    best_j = np.empty(n, dtype=np.int64)
    col_best = np.full(m, -np.inf, dtype=np.float32)
    best_i = np.zeros(m, dtype=np.int64)
    for start in range(0, n, 1024):  # in blocks: no n × m matrix
        rows = np.arange(start, min(start + 1024, n))
        sim = zv[rows] @ ev.T - DIAGONAL_PRIOR * np.abs((rows[:, None] / n).astype(np.float32) - en_position)
        best_j[rows] = sim.argmax(axis=1)
        top, where = sim.max(axis=0), sim.argmax(axis=0) + start
        better = top > col_best
        col_best[better], best_i[better] = top[better], where[better]
    pairs = [(i, int(j)) for i, j in enumerate(best_j) if best_i[j] == i]
    # longest increasing subsequence on j (pairs are already sorted by i)
    tails, tail_idx, parent = [], [], [-1] * len(pairs)
    for idx, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(idx)
        else:
            tails[pos] = j
            tail_idx[pos] = idx
        parent[idx] = tail_idx[pos - 1] if pos else -1
    chain, idx = [], tail_idx[-1] if tail_idx else -1
    while idx >= 0:
        chain.append(pairs[idx])
        idx = parent[idx]
    return chain[::-1]


def band(n: int, m: int, anchor_path: list[tuple[int, int]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """For each zh position 0..n, the first and last en position the second pass may visit."""
    points = [(0, 0), *[(i + 0.5, j + 0.5) for i, j in anchor_path], (n, m)]
    centre = np.interp(np.arange(n + 1), [p[0] for p in points], [p[1] for p in points])
    lo = np.maximum(0, np.floor(centre).astype(np.int64) - width)
    hi = np.minimum(m, np.ceil(centre).astype(np.int64) + width)
    for i in range(1, n + 1):  # connected: each row overlaps the one before
        lo[i], hi[i] = min(lo[i], hi[i - 1]), max(hi[i], lo[i - 1])
    return lo, hi


@dataclass
class ShapeCells:
    """The links of one shape (a, b) that the band allows: each ends at ``cell`` and starts at
    ``prev`` (flat cell numbers), with its features."""

    a: int
    b: int
    cell: np.ndarray
    prev: np.ndarray
    sim: np.ndarray  # cosine of the two windows
    hub: np.ndarray  # mean hubness of the two windows
    gloss: np.ndarray  # cosine of the gloss-view window with the English one
    gloss_hub: np.ndarray
    log_ratio: np.ndarray  # log of the length ratio, against the pair's own
    shared: np.ndarray  # numbers, Latin-script names and glossary terms on both sides
    coverage: np.ndarray  # share of the English content words the Chinese glosses account for
    crossings: np.ndarray  # paragraph boundaries inside the link
    open_quotes: np.ndarray  # quotations one side leaves open and the other does not


@dataclass
class PairFeatures:
    n: int
    m: int
    lo: np.ndarray  # band: en positions lo[i]..hi[i] for zh position i
    hi: np.ndarray
    row_start: np.ndarray  # flat number of cell (i, lo[i]); row_start[n + 1] = number of cells
    shapes: list[ShapeCells]  # the link shapes, in the order of LINKS
    skip_zh: ShapeCells  # (1, 0): cells and prev only


def pair_features(Z: Side, E: Side, G: Side, hub_k: int, width: int) -> PairFeatures:
    """Features of every link in the band of half-width ``width`` around the anchor path; ``G``
    is the gloss view of Z (one line per Chinese sentence)."""
    n, m = Z.n, E.n
    ratio = E.cumlen[-1] / max(Z.cumlen[-1], 1.0)
    hub_z, hub_e = hubness(Z.vectors, E.vectors, hub_k)
    hub_g, hub_eg = hubness(G.vectors, E.vectors, hub_k)
    lo, hi = band(n, m, anchors(Z.vectors[:n], E.vectors[:m]), width)
    row_start = np.concatenate(([0], np.cumsum(hi - lo + 1)))
    rows = np.repeat(np.arange(n + 1), hi - lo + 1)
    cols = np.arange(row_start[-1]) - row_start[rows] + lo[rows]
    unions = {}  # (side, feature, size) → window unions, built as shapes ask for them

    def union(side: Side, name: str, size: int) -> list[frozenset]:
        key = (id(side), name, size)
        if key not in unions:
            unions[key] = side.unions(getattr(side, name), size)
        return unions[key]

    def cells(a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        zs, es = rows - a, cols - b
        ok = (zs >= 0) & (es >= 0)
        ok[ok] &= (es[ok] >= lo[zs[ok]]) & (es[ok] <= hi[zs[ok]])
        cell = np.flatnonzero(ok)
        zs, es = zs[cell], es[cell]
        return cell, row_start[zs] + es - lo[zs], zs, es

    shapes = []
    for a, b in LINKS:
        cell, prev, zs, es = cells(a, b)
        wz, we, wg = Z.offset[a] + zs, E.offset[b] + es, G.offset[a] + zs
        lz, le = Z.cumlen[zs + a] - Z.cumlen[zs], E.cumlen[es + b] - E.cumlen[es]
        pairs = list(zip(zs.tolist(), es.tolist()))
        zt, et = union(Z, "tokens", a), union(E, "tokens", b)
        zm, em = union(Z, "terms", a), union(E, "terms", b)
        zw, ew = union(Z, "words", a), union(E, "words", b)
        shared = [len(zt[i] & et[j]) + len(zm[i] & em[j]) if zt[i] or zm[i] else 0 for i, j in pairs]
        covered = [len(zw[i] & ew[j]) / (len(ew[j]) or 1) for i, j in pairs]
        crossings = Z.boundaries[zs + a] - Z.boundaries[zs + 1] + E.boundaries[es + b] - E.boundaries[es + 1]
        open_quotes = np.abs(Z.quotes[zs + a] - Z.quotes[zs] - (E.quotes[es + b] - E.quotes[es]))
        shapes.append(
            ShapeCells(
                a,
                b,
                cell,
                prev,
                sim=_rowwise_dot(Z.vectors, E.vectors, wz, we),
                hub=0.5 * (hub_z[wz] + hub_e[we]),
                gloss=_rowwise_dot(G.vectors, E.vectors, wg, we),
                gloss_hub=0.5 * (hub_g[wg] + hub_eg[we]),
                log_ratio=np.log((le + 10) / (ratio * lz + 10)),
                shared=np.array(shared, dtype=np.float64),
                coverage=np.array(covered, dtype=np.float64),
                crossings=crossings.astype(np.float64),
                open_quotes=open_quotes.astype(np.float64),
            )
        )
    cell, prev, _, _ = cells(1, 0)
    empty = np.zeros(0)
    skip_zh = ShapeCells(1, 0, cell, prev, *([empty] * 9))
    return PairFeatures(n, m, lo, hi, row_start, shapes, skip_zh)


def _rowwise_dot(a: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray, block: int = 64):
    """a[rows[k]] · b[cols[k]] for every k, rows ascending: one small matrix product per block of
    rows over the columns that block needs (a band is narrow), instead of gathering both vectors
    of every pair."""
    out = np.empty(len(rows), dtype=np.float64)
    if not len(rows):
        return out
    edges = np.searchsorted(rows, np.arange(rows[0], rows[-1] + block + 1, block))
    for s, e in zip(edges[:-1], edges[1:]):
        if s == e:
            continue
        r, c = rows[s:e], cols[s:e]
        r0, c0 = r[0], c.min()
        out[s:e] = (a[r0 : r[-1] + 1] @ b[c0 : c.max() + 1].T)[r - r0, c - c0]
    return out
