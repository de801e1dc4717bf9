"""Sentence alignment of a Chinese document and its English translation.

Sentences and windows of up to six consecutive sentences are embedded with multilingual
USE v3 (tm.align.embedding: each sentence goes through the model once, windows are pooled from it).
A first pass finds 1-1 anchors (mutual nearest neighbours, longest monotone chain); a second
pass runs dynamic programming over the link shapes translators make and the skips
inside a band around the anchors, so cost grows about linearly with document length.
A link's score is its embedding similarity, corrected for hubness (a sentence similar to
everything is discounted), plus the similarity of the English with a word-by-word CC-CEDICT
gloss translation of the Chinese (English against English, which the encoder judges better
than Chinese against English), counted by the link's size so that a two-by-two link is not
outscored by two weaker one-to-one links; then a length-ratio term estimated from the pair
itself, the share of English content words that CC-CEDICT glosses or pinyin names account for
(tm.align.lexicon), a bonus for shared numbers and Latin-script names (SCO, G20), and a small cost
for a quotation that one side of the link leaves open and the other does not (tm.text.quotes: a
speech cut in the wrong place).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import numpy as np

from tm.align.embedding import window_embeddings

# Every link shape of at most six sentences that translators make (one Chinese sentence is
# sometimes rendered as five or six English ones), and the two skips.
SHAPES = (
    *((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 4), (4, 1), (2, 3), (3, 2)),
    *((1, 5), (1, 6), (2, 4), (3, 3)),
    *((1, 0), (0, 1)),
)
MAX_SIDE = max(max(shape) for shape in SHAPES)
# Numbers, and Latin-script names with a capital or a digit (SCO, G20, COVID-19, iPhone), which
# a Chinese release keeps as they are in its translation.
_SHARED_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)?|(?<![A-Za-z0-9])[A-Za-z]*[A-Z][A-Za-z0-9-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class Params:
    threshold: float = 0.7  # similarity a link must beat to be worth more than skipping
    skip: float = 0.6  # cost of leaving a sentence unaligned
    length_weight: float = 0.3  # weight of the squared log length ratio
    shape_cost: float = 0.3  # per extra sentence merged into a link
    band: int = 12  # half-width of the second pass around the anchor path
    number_bonus: float = 0.05  # per number, Latin-script name or glossary term (its rendering) on both sides
    paragraph_cost: float = 0.1  # per paragraph boundary a link crosses
    hub_k: int = 4  # neighbours that define how "hubby" a window is
    hub_weight: float = 0.8  # how much of the neighbours' similarity is discounted
    lexical_weight: float = 0.4  # share of English content words glossed by CC-CEDICT or pinyin
    gloss_weight: float = 0.7  # similarity of the English with the word-by-word gloss translation
    gloss_hub_weight: float = 0.8  # hubness discount of that similarity
    size_exponent: float = 0.5  # a link's similarity counts ((a + b) / 2) ** this: merges count their size
    quote_cost: float = 0.05  # per quotation left open (or closed) on one side of a link and not the other


@dataclass(frozen=True)
class Link:
    zh: tuple[int, ...]
    en: tuple[int, ...]
    score: float  # confidence 0–1 (the link's similarity after corrections)


class _Side:
    """A document side: its sentences, window embeddings and hubness."""

    def __init__(self, sentences: list[str], joiner: str, lexical, quote_balances: list[int] | None = None):
        self.sentences = sentences
        self.n = len(sentences)
        self.lengths = np.array([len(s) for s in sentences], dtype=np.float64)
        self.cumlen = np.concatenate(([0.0], np.cumsum(self.lengths)))
        self.quotes = np.concatenate(([0], np.cumsum(quote_balances or [0] * self.n)))
        self.tokens = [set(_SHARED_TOKEN_RE.findall(s)) for s in sentences]
        self.words = [lexical(s) for s in sentences]
        self.terms: list[set[int]] = [set() for _ in sentences]  # glossary entries present
        self.paragraphs = [0] * self.n  # one paragraph unless told
        windows = window_embeddings(sentences, range(1, MAX_SIDE + 1), joiner)
        self.index, rows = {}, 0
        for size, vectors in windows.items():
            for start in range(len(vectors)):
                self.index[(start, size)] = rows + start
            rows += len(vectors)
        self.vectors = np.concatenate(list(windows.values()))

    def window(self, start: int, size: int) -> int:
        return self.index[(start, size)]

    def length(self, start: int, size: int) -> float:
        return self.cumlen[start + size] - self.cumlen[start]

    def quote_balance(self, start: int, size: int) -> int:
        return int(self.quotes[start + size] - self.quotes[start])

    def union(self, feature: list[set], start: int, size: int) -> set:
        return set().union(*feature[start : start + size])


def _mark_terms(Z: _Side, E: _Side, hits: list[list]) -> None:
    """Glossary entries in each Chinese sentence (``hits``: the recognizer's, a list per
    sentence), and those whose accepted rendering is in each English sentence (only entries
    the Chinese side uses are looked for)."""
    from glossary.match import find_accepted

    entries = {}
    for i, sentence_hits in enumerate(hits):
        for hit in sentence_hits:
            Z.terms[i].add(id(hit.entry))
            entries[id(hit.entry)] = hit.entry
    for j, sentence in enumerate(E.sentences):
        E.terms[j] = {key for key, entry in entries.items() if find_accepted(sentence, entry)}


def _gloss_view(sentences: list[str], hits: list[list]) -> list[str]:
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


def _hubness(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean similarity of each row of a to its k nearest rows of b, and vice versa (CSLS).

    Computed in blocks against at most HUB_SAMPLE rows of the other side (a fixed sample), so
    long documents need neither a full similarity matrix nor its time."""
    return _top_k_mean(a, _sample(b), k), _top_k_mean(b, _sample(a), k)


HUB_SAMPLE = 6000


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


def _anchors(zv: np.ndarray, ev: np.ndarray) -> list[tuple[int, int]]:
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


def _band(n: int, m: int, anchors: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """For each zh position 0..n, the range of en positions the second pass may visit."""
    points = [(0, 0), *[(i + 0.5, j + 0.5) for i, j in anchors], (n, m)]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    centre = np.interp(np.arange(n + 1), xs, ys)
    ranges = []
    for i in range(n + 1):
        lo = max(0, int(math.floor(centre[i])) - width)
        hi = min(m, int(math.ceil(centre[i])) + width)
        ranges.append((lo, hi))
    # make the band connected: each row must overlap the next
    for i in range(1, n + 1):
        lo, hi = ranges[i]
        plo, phi = ranges[i - 1]
        ranges[i] = (min(lo, phi), max(hi, plo))
    return ranges


def align(
    zh: list[str],
    en: list[str],
    params: Params = Params(),
    paragraphs: tuple[list[int], list[int]] | None = None,
    recognizer=None,
) -> list[Link]:
    """Links covering every sentence of both sides, in order. ``paragraphs``: the paragraph of
    each sentence on both sides (links that cross a boundary cost more); ``recognizer``: a
    glossary recognizer whose terms, found with their approved rendering, are anchors."""
    if not zh or not en:
        return [Link((i,), (), 0.0) for i in range(len(zh))] + [Link((), (j,), 0.0) for j in range(len(en))]
    from tm.align.lexicon import chinese_glosses, english_words
    from tm.text.quotes import chinese_balances, english_balances

    Z = _Side(zh, "", chinese_glosses if params.lexical_weight else lambda s: set(), chinese_balances(zh))
    E = _Side(en, " ", english_words if params.lexical_weight else lambda s: set(), english_balances(en))
    n, m = Z.n, E.n
    hits = [recognizer.find(s) for s in zh] if recognizer is not None else [[] for _ in zh]
    G = _Side(_gloss_view(zh, hits), " ", lambda s: set())  # zh glossed word by word
    if paragraphs:
        Z.paragraphs, E.paragraphs = list(paragraphs[0]), list(paragraphs[1])
    if recognizer is not None:
        _mark_terms(Z, E, hits)
    ratio = E.cumlen[-1] / max(Z.cumlen[-1], 1.0)
    hub_z, hub_e = _hubness(Z.vectors, E.vectors, params.hub_k)
    hub_g, hub_eg = _hubness(G.vectors, E.vectors, params.hub_k)
    ones_z = [Z.window(i, 1) for i in range(n)]
    ones_e = [E.window(j, 1) for j in range(m)]
    ranges = _band(n, m, _anchors(Z.vectors[ones_z], E.vectors[ones_e]), params.band)

    def link_score(i: int, a: int, j: int, b: int) -> float:
        """Score of linking zh[i:i+a] with en[j:j+b] (a, b ≥ 1)."""
        wz, we = Z.window(i, a), E.window(j, b)
        sim = float(Z.vectors[wz] @ E.vectors[we])
        csls = sim - params.hub_weight * 0.5 * (hub_z[wz] + hub_e[we]) + params.hub_weight * 0.5  # CSLS-like
        wg = G.window(i, a)
        gloss = float(G.vectors[wg] @ E.vectors[we])
        csls += params.gloss_weight * (gloss - params.gloss_hub_weight * 0.5 * (hub_g[wg] + hub_eg[we]))
        lz, le = Z.length(i, a), E.length(j, b)
        log_ratio = math.log((le + 10) / (ratio * lz + 10))
        shared = len(Z.union(Z.tokens, i, a) & E.union(E.tokens, j, b))
        shared += len(Z.union(Z.terms, i, a) & E.union(E.terms, j, b))
        en_words = E.union(E.words, j, b)
        coverage = len(Z.union(Z.words, i, a) & en_words) / max(len(en_words), 1)
        crossings = len(set(Z.paragraphs[i : i + a])) + len(set(E.paragraphs[j : j + b])) - 2
        open_quotes = abs(Z.quote_balance(i, a) - E.quote_balance(j, b))
        score = (csls - params.threshold) * ((a + b) / 2) ** params.size_exponent
        score -= params.length_weight * log_ratio**2
        score += params.number_bonus * shared - params.shape_cost * (a + b - 2)
        score += params.lexical_weight * coverage - params.paragraph_cost * crossings
        score -= params.quote_cost * open_quotes
        return score  # once per link, however many sentences it holds

    NEG = -1e18
    best = [dict() for _ in range(n + 1)]  # best[i][j] = (score, back shape)
    best[0][0] = (0.0, None)
    for i in range(n + 1):
        lo, hi = ranges[i]
        row = best[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            top, how = NEG, None
            for a, b in SHAPES:
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                prev = best[pi].get(pj)
                if prev is None:
                    continue
                gain = -params.skip if a == 0 or b == 0 else link_score(pi, a, pj, b)
                if prev[0] + gain > top:
                    top, how = prev[0] + gain, (a, b)
            if how is not None:
                row[j] = (top, how)
    if m not in best[n]:
        raise RuntimeError("alignment band did not reach the end of both documents")
    links: list[Link] = []
    i, j = n, m
    while i or j:
        a, b = best[i][j][1]
        i, j = i - a, j - b
        conf = 0.0 if a == 0 or b == 0 else float(Z.vectors[Z.window(i, a)] @ E.vectors[E.window(j, b)])
        links.append(Link(tuple(range(i, i + a)), tuple(range(j, j + b)), max(0.0, conf)))
    return links[::-1]
