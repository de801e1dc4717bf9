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

The features of every link in the band are computed once (features_of, tm.align.features);
the weights below only enter decode, so choosing them (bench/align_cv.py) recomputes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tm.align.embedding import one_thread
from tm.align.features import (
    LINKS,
    SHAPES,
    PairFeatures,
    Side,
    gloss_view,
    mark_terms,
    pair_features,
)


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
    part: float = 0.0  # of a link of three sentences or more: the best confidence one sentence less has


def features_of(
    zh: list[str],
    en: list[str],
    params: Params = Params(),
    paragraphs: tuple[list[int], list[int]] | None = None,
    recognizer=None,
) -> PairFeatures:
    """The features of every link the second pass may take (both sides non-empty)."""
    from tm.align.lexicon import chinese_glosses, english_words
    from tm.text.quotes import chinese_balances, english_balances

    Z = Side(zh, "", chinese_glosses, chinese_balances(zh))
    E = Side(en, " ", english_words, english_balances(en))
    hits = [recognizer.find(s) for s in zh] if recognizer is not None else [[] for _ in zh]
    G = Side(gloss_view(zh, hits), " ", lambda s: set())  # zh glossed word by word
    if paragraphs:
        Z.set_paragraphs(list(paragraphs[0]))
        E.set_paragraphs(list(paragraphs[1]))
    if recognizer is not None:
        mark_terms(Z, E, hits)
    return pair_features(Z, E, G, params.hub_k, params.band)


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
    with one_thread():
        return decode(features_of(zh, en, params, paragraphs, recognizer), params)


def link_scores(shape, params: Params) -> np.ndarray:
    """The score of each link of one shape (ShapeCells), counted once however many sentences it
    holds."""
    a, b = shape.a, shape.b
    csls = shape.sim - params.hub_weight * shape.hub + params.hub_weight * 0.5
    csls += params.gloss_weight * (shape.gloss - params.gloss_hub_weight * shape.gloss_hub)
    score = (csls - params.threshold) * ((a + b) / 2) ** params.size_exponent
    score -= params.length_weight * shape.log_ratio**2
    score += params.number_bonus * shape.shared - params.shape_cost * (a + b - 2)
    score += params.lexical_weight * shape.coverage - params.paragraph_cost * shape.crossings
    return score - params.quote_cost * shape.open_quotes


def decode(features: PairFeatures, params: Params = Params()) -> list[Link]:
    """The best path through the band (dynamic programming), as links.

    Row by row (one Chinese position at a time): every shape's candidates for the whole row are
    one gather and one addition; the English-only skip, which moves along the row, is the one
    step taken cell by cell."""
    f = features
    cells = int(f.row_start[-1])
    kinds = [*f.shapes, f.skip_zh]  # in the order of SHAPES, less (0, 1)
    gain = np.full((len(kinds), cells), -np.inf)
    prev = np.zeros((len(kinds), cells), dtype=np.int64)
    for k, shape in enumerate(kinds):
        gain[k, shape.cell] = link_scores(shape, params) if shape.b else -params.skip
        prev[k, shape.cell] = shape.prev
    value = np.full(cells, -np.inf)
    back = np.full(cells, -1, dtype=np.int64)
    along = len(SHAPES) - 1  # the (0, 1) skip
    for i in range(f.n + 1):
        s, e = int(f.row_start[i]), int(f.row_start[i + 1])
        if i:
            candidates = value[prev[:, s:e]] + gain[:, s:e]
            best = candidates.argmax(axis=0)  # the first of equals, as SHAPES orders them
            value[s:e] = candidates[best, np.arange(e - s)]
            back[s:e] = best
        elif f.lo[0] == 0:
            value[s] = 0.0  # the start
        row, how = value[s:e].tolist(), back[s:e].tolist()
        for j in range(1, e - s):
            if row[j - 1] - params.skip > row[j]:
                row[j], how[j] = row[j - 1] - params.skip, along
        value[s:e], back[s:e] = row, how
    end = int(f.row_start[f.n]) + f.m - int(f.lo[f.n])
    if f.hi[f.n] != f.m or not np.isfinite(value[end]):
        raise RuntimeError("alignment band did not reach the end of both documents")
    links: list[Link] = []
    i, j, at = f.n, f.m, end
    while i or j:
        k = int(back[at])
        a, b = SHAPES[k]
        conf = part = 0.0
        if k < len(LINKS):
            conf = _similarity(f, a, b, i, j)
            part = max(_parts(f, a, b, i, j), default=0.0)
        at = at - 1 if k == along else int(prev[k, at])
        i, j = i - a, j - b
        links.append(Link(tuple(range(i, i + a)), tuple(range(j, j + b)), conf, part))
    return links[::-1]


def _similarity(f: PairFeatures, a: int, b: int, i: int, j: int) -> float:
    """The confidence of the a-by-b link ending after Chinese sentence i and English sentence j
    (0 where the band does not hold it)."""
    if not f.lo[i] <= j <= f.hi[i]:
        return 0.0
    shape = f.shapes[LINKS.index((a, b))]
    at = int(f.row_start[i]) + j - int(f.lo[i])
    k = int(np.searchsorted(shape.cell, at))
    return max(0.0, float(shape.sim[k])) if k < len(shape.cell) and shape.cell[k] == at else 0.0


def _parts(f: PairFeatures, a: int, b: int, i: int, j: int):
    """The confidences of the link less its first or last sentence on either side: a part as
    good as the whole says that sentence has no counterpart (an omission merged in)."""
    if a > 1:
        yield _similarity(f, a - 1, b, i, j)  # less the first Chinese sentence
        yield _similarity(f, a - 1, b, i - 1, j)  # less the last
    if b > 1:
        yield _similarity(f, a, b - 1, i, j)
        yield _similarity(f, a, b - 1, i, j - 1)
