"""Word alignment of sentence pairs: which Chinese token translates which English token.

A ``WordAligner`` is trained once on a batch of tokenised pairs (a memory's units, the pairs to
align, or both) and then aligns any pair, new ones included, with what it learned: the
statistical tables of tm.align.wordmodel, the dictionary evidence of tm.align.wordlex (with a
glossary's approved renderings as certain links), both directions' link posteriors averaged
and symmetrised by growing from confident links into weaker neighbours (tm.align.wordsym)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from tm.align import wordlex, wordmodel, wordsym

Pair = tuple[list[str], list[str]]
_ARTICLES = frozenset(("the", "a", "an"))


@dataclass(frozen=True)
class Decoding:
    """How posteriors become links; chosen by cross-validation with wordmodel.Settings."""

    high: float = 0.5  # a link on its own
    low: float = 0.3  # a link beside one, where one of its words has no link yet
    articles: bool = False  # an unlinked article joins the Chinese words of the noun after it


@dataclass
class WordAligner:
    settings: wordmodel.Settings = field(default_factory=wordmodel.Settings)
    decoding: Decoding = field(default_factory=Decoding)
    terms: dict[str, list[list[str]]] = field(default_factory=dict)
    tables: wordmodel.Tables = field(default_factory=wordmodel.Tables)

    @classmethod
    def train(
        cls, pairs: list[Pair], terms=None, settings=None, decoding=None, evidences=None
    ) -> WordAligner:
        """An aligner trained on ``pairs`` (Chinese tokens, English tokens: the pairs to align and
        any more, a memory's units); ``terms`` are (Chinese, approved English) renderings whose
        links are certain. Training needs no links: it is the same whatever pairs are aligned
        later with ``align``. ``evidences``: each pair's ``compact_evidence`` with these terms,
        worked out already (by worker processes: tm.align.realign)."""
        aligner = cls(
            settings or wordmodel.Settings(),
            decoding or Decoding(),
            wordlex.glossary_terms(terms or ()),
        )
        if evidences is None:
            evidences = [aligner.compact_evidence(z, e) if z and e else None for z, e in pairs]
        kept = [(pair, m) for pair, m in zip(pairs, evidences) if pair[0] and pair[1]]
        pairs, evidences = [p for p, _ in kept], [m for _, m in kept]
        keyed = [(z, [wordlex.english_key(w) for w in e]) for z, e in pairs]
        aligner.tables = wordmodel.train(keyed, evidences, aligner.settings)
        return aligner

    def evidence(self, zh: list[str], en: list[str]) -> tuple[np.ndarray, np.ndarray]:
        return wordlex.evidence(zh, en, self.terms)

    def compact_evidence(self, zh: list[str], en: list[str]) -> _Compact:
        """A pair's dictionary evidence as training holds it."""
        return _Compact(self.evidence(zh, en)[0])

    def posterior(self, zh: list[str], en: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(zh × en link posterior, the certain links)."""
        weights, certain = self.evidence(zh, en)
        keys = [wordlex.english_key(w) for w in en]
        forward, backward = wordmodel.posteriors(self.tables, zh, keys, weights, self.settings)
        combined = (forward + backward) / 2
        combined[certain] = 1.0
        return combined, certain

    def posterior_all(self, pairs: list[Pair]) -> list[tuple[np.ndarray, np.ndarray]]:
        """``posterior`` of each pair (none empty), the HMM run over them in batches."""
        evidences = [self.evidence(z, e) for z, e in pairs]
        found = wordmodel.posteriors_many(
            self.tables,
            [
                (z, [wordlex.english_key(w) for w in e], weights)
                for (z, e), (weights, _) in zip(pairs, evidences)
            ],
            self.settings,
        )
        out = []
        for (forward, backward), (_, certain) in zip(found, evidences):
            combined = (forward + backward) / 2
            combined[certain] = 1.0
            out.append((combined, certain))
        return out

    def align(self, zh: list[str], en: list[str]) -> set[tuple[int, int]]:
        if not zh or not en:
            return set()
        return self._links(*self.posterior(zh, en), en)

    def _links(self, posterior: np.ndarray, certain: np.ndarray, en: list[str]) -> set[tuple[int, int]]:
        links = decode(posterior, en, self.decoding)
        if certain.any():  # a term's words and its approved rendering's belong to each other only
            rows, columns = certain.any(axis=1), certain.any(axis=0)
            links = {(i, j) for i, j in links if certain[i, j] or not (rows[i] or columns[j])}
        return links

    def align_all(self, pairs: list[Pair]) -> list[set[tuple[int, int]]]:
        """``align`` of each pair, many at once (what aligning a memory's units uses)."""
        todo = [n for n, (z, e) in enumerate(pairs) if z and e]
        out: list[set[tuple[int, int]]] = [set() for _ in pairs]
        found = self.posterior_all([pairs[n] for n in todo])
        for n, (posterior, certain) in zip(todo, found):
            out[n] = self._links(posterior, certain, pairs[n][1])
        return out

    def state(self) -> dict:
        """The trained aligner as plain data (JSON-able), to store and align new pairs with later
        without training again."""
        return {
            "settings": asdict(self.settings),
            "decoding": asdict(self.decoding),
            "terms": self.terms,
            "tables": {
                "forward": self.tables.forward,
                "backward": self.tables.backward,
                "jumps": self.tables.jumps,
            },
        }

    @classmethod
    def from_state(cls, data: dict) -> WordAligner:
        tables = data["tables"]
        return cls(
            wordmodel.Settings(**data["settings"]),
            Decoding(**data["decoding"]),
            data["terms"],
            wordmodel.Tables(tables["forward"], tables["backward"], tuple(tables["jumps"])),
        )


class _Compact:
    """A pair's evidence as one byte a cell (its few distinct weights coded), held while a large
    memory trains: eight times smaller, and the same weights when read (``array``)."""

    __slots__ = ("codes", "values", "shape", "size")

    def __init__(self, weights: np.ndarray):
        # a set of a few hundred floats is cheaper than np.unique on so small an array
        self.values = np.array(sorted(set(weights.ravel().tolist())), dtype=weights.dtype)
        codes = np.searchsorted(self.values, weights)
        self.codes = codes.astype(np.uint8 if len(self.values) < 256 else np.int64)
        self.shape, self.size = weights.shape, weights.size

    def array(self) -> np.ndarray:
        return self.values[self.codes]

    @property
    def T(self) -> _Compact:  # noqa: N802 (as numpy's)
        out = object.__new__(_Compact)
        out.values, out.codes, out.shape, out.size = self.values, self.codes.T, self.shape[::-1], self.size
        return out


def decode(posterior: np.ndarray, en: list[str], decoding: Decoding) -> set[tuple[int, int]]:
    """Links from a pair's posterior."""
    links = wordsym.soft_grow(posterior, decoding.high, decoding.low)
    if decoding.articles:
        links |= _articles(links, en)
    return links


def _articles(links: set[tuple[int, int]], en: list[str]) -> set[tuple[int, int]]:
    """Links of an unlinked article to the Chinese words of the next English word (the Chinese
    has no articles; annotators link "the" with its noun's word)."""
    linked: dict[int, set[int]] = {}
    for i, j in links:
        linked.setdefault(j, set()).add(i)
    out = set()
    for j, word in enumerate(en[:-1]):
        if word.lower() in _ARTICLES and j not in linked:
            for k in (j + 1, j + 2):
                if k in linked:
                    out |= {(i, j) for i in linked[k]}
                    break
    return out


_EN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)?|'s|[^\w\s]")


def tokenize(zh: str, en: str) -> Pair:
    """Tokens of a memory unit: Chinese cut into words (rjieba: jieba's dictionary and HMM),
    English into words, numbers and punctuation."""
    import rjieba

    return [w for w in rjieba.cut(zh) if w.strip()], _EN_TOKEN_RE.findall(en)


def memory_pairs(memory, limit: int = 200_000) -> list[Pair]:
    """The memory's units as tokenised pairs (Chinese sources, English targets), at most ``limit``."""
    from itertools import islice

    units = (
        u for u in memory.iter_units() if u.source_lang.startswith("zh") and u.target_lang.startswith("en")
    )
    return [tokenize(u.source, u.target) for u in islice(units, limit)]


def approved_renderings(termbase) -> list[tuple[str, str]]:
    """(Chinese form, approved English) of every approved entry, simplified forms too: the
    links a glossary makes certain."""
    from tm.text.normalize import to_simplified

    out = []
    for entry in termbase.entries(statuses=("approved",)):
        for form in entry.source_forms:
            out += [(form, entry.target), (to_simplified(form), entry.target)]
    return out
