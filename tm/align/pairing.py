"""Document alignment: which English file of an archive translates which Chinese one.

In order: the pairs a list names (``--pairs``); files whose names agree once language marks
and separators are set aside (``2020-09-16.zh.txt`` ↔ ``2020-09-16.en.txt``, ``news_cn_17``
↔ ``news_en_17``); the rest by content. Each document's profile is the mean of its sentence
embeddings (the multilingual encoder puts a text and its translation close together) and the
numbers, dates and Latin-script names it holds (a release keeps 2020, 9月16日 → September 16,
SCO, G20 in its translation), weighted by how rare they are in the archive. The pair score is
the profiles' cosine plus the weighted share of tokens in common, and the pairs are the best
one-to-one assignment. A pair's confidence says how much total score changing it would lose
(exchanging partners with another pair, or taking a document left alone instead); a pair
that does not stand out from its documents' other scores is no translation: both documents
are left without a counterpart and reported, not forced.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tm.errors import UserError
from tm.text.files import read_text

# Tokens of a file name that say which language it is in, not which document.
LANGUAGE_MARKS = frozenset(
    "zh cn chs cht chi zho hans hant tw hk sc tc chinese zhcn zhtw zhhans zhhant".split()
    + "en eng english us gb uk".split()
)
_NAME_SPLIT_RE = re.compile(r"[\s._\-–—()\[\]]+")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]*[A-Z][A-Za-z0-9-]*[A-Za-z0-9]")
_MONTH_NAMES = "January February March April May June July August September October November December".split()
# Capitalised month names (May the month, not may the verb) and their abbreviations, as numbers.
_MONTHS = {name: str(n) for n, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {name[:3]: str(n) for n, name in enumerate(_MONTH_NAMES, 1)} | {"Sept": "9"}
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?")
TOKEN_WEIGHT = 0.5  # weight of the shared tokens beside the embedding cosine
MIN_STANDOUT = 0.1  # how far a pair's score must rise above its documents' other scores
# …and the least score a pair needs at all: with one document left on each side there are no
# other scores to stand out from (unrelated releases score about 0.1, translations far higher).
MIN_SCORE = 0.3
CONFIDENCE_SCALE = 0.02  # a loss (score units) worth odds of e ≈ 2.7 : 1 that the pair is right


@dataclass
class DocPair:
    zh: Path
    en: Path
    how: str  # listed, name, content
    confidence: float | None = None  # content pairs only: 0.5 is a tie with the runner-up
    note: str = ""


@dataclass
class Pairing:
    pairs: list[DocPair]
    zh_alone: list[tuple[Path, str]] = field(default_factory=list)  # (file, what came nearest)
    en_alone: list[tuple[Path, str]] = field(default_factory=list)


@dataclass
class Profile:
    vector: np.ndarray  # mean sentence embedding, unit length
    tokens: frozenset[str]


def documents(directory: Path) -> list[Path]:
    """The files of a folder (not its subfolders, not hidden files), by name."""
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


def name_key(path: Path) -> str:
    """A file's name less its extension, language marks and separators."""
    parts = _NAME_SPLIT_RE.split(unicodedata.normalize("NFKC", path.stem).lower())
    return "-".join(part for part in parts if part and part not in LANGUAGE_MARKS)


def listed_pairs(pairs_file: Path, zh_dir: Path, en_dir: Path) -> Pairing:
    """The pairs a TSV names: Chinese file, English file (names in the folders, or paths), one
    pair a line; a header row and further columns are allowed (a ``pairs.tsv`` that ``tm align``
    wrote, corrected by hand, is read back as it is), and rows with one side empty are skipped."""
    pairs = []
    for number, line in enumerate(read_text(pairs_file).splitlines(), start=1):
        cells = [cell.strip() for cell in line.split("\t")]
        if not any(cells) or line.startswith("#") or (number == 1 and cells[0].lower() in ("zh_file", "zh")):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            continue
        zh, en = zh_dir / cells[0], en_dir / cells[1]
        for path in (zh, en):
            if not path.is_file():
                raise UserError(f"{pairs_file} line {number}: {path}: no such file")
        pairs.append(DocPair(zh, en, "listed"))
    seen: dict[Path, int] = {}
    for pair in pairs:
        for path in (pair.zh, pair.en):
            seen[path] = seen.get(path, 0) + 1
    twice = [str(path) for path, count in seen.items() if count > 1]
    if twice:
        raise UserError(f"{pairs_file}: {twice[0]} is listed in more than one pair")
    return Pairing(pairs)


def by_name(zh_docs: list[Path], en_docs: list[Path]) -> tuple[list[DocPair], list[Path], list[Path]]:
    """Pairs whose name keys agree and are unique on both sides; the documents left over."""
    zh_keys, en_keys = _by_key(zh_docs), _by_key(en_docs)
    pairs = [
        DocPair(zh_keys[key][0], en_keys[key][0], "name")
        for key in sorted(zh_keys.keys() & en_keys.keys())
        if len(zh_keys[key]) == 1 == len(en_keys[key]) and key
    ]
    paired = {p.zh for p in pairs} | {p.en for p in pairs}
    return pairs, [d for d in zh_docs if d not in paired], [d for d in en_docs if d not in paired]


def _by_key(docs: list[Path]) -> dict[str, list[Path]]:
    keys: dict[str, list[Path]] = {}
    for doc in docs:
        keys.setdefault(name_key(doc), []).append(doc)
    return keys


def document_tokens(text: str) -> frozenset[str]:
    """Numbers (month names as their numbers) and Latin-script names of a document."""
    text = _MONTH_RE.sub(lambda m: f" {_MONTHS[m.group(1)]} ", unicodedata.normalize("NFKC", text))
    numbers = {n.replace(",", "").lstrip("0") or "0" for n in _NUMBER_RE.findall(text)}  # 09 is 9
    return frozenset(numbers | set(_NAME_RE.findall(text)))


def profile(sentences: list[str]) -> Profile:
    """A document's profile from its sentences."""
    from tm.align.embedding import one_thread, window_embeddings

    with one_thread():
        vectors = window_embeddings(sentences, range(1, 2), " ")[1]  # what aligning them reuses
    mean = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1], dtype=np.float32)
    return Profile(mean / max(float(np.linalg.norm(mean)), 1e-9), document_tokens("\n".join(sentences)))


def by_content(
    zh_docs: list[Path], en_docs: list[Path], profiles: dict[Path, Profile]
) -> tuple[list[DocPair], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """The best one-to-one assignment of the documents by their profiles. An assigned pair that
    does not stand out from its documents' other scores is no translation (the assignment pairs
    whatever is left over): it is undone and both documents reported alone."""
    if not zh_docs or not en_docs:
        return [], [(d, "") for d in zh_docs], [(d, "") for d in en_docs]
    from scipy.optimize import linear_sum_assignment

    score = pair_scores([profiles[d] for d in zh_docs], [profiles[d] for d in en_docs])
    accepted = []
    for i, j in zip(*(a.tolist() for a in linear_sum_assignment(score, maximize=True))):
        others = np.concatenate((np.delete(score[i], j), np.delete(score[:, j], i)))
        if score[i, j] >= MIN_SCORE and (not len(others) or score[i, j] - others.mean() >= MIN_STANDOUT):
            accepted.append((i, j))
    regret = _regret(score, accepted)
    pairs = []
    for (i, j), loss in zip(accepted, regret):
        if math.isinf(loss):
            pairs.append(DocPair(zh_docs[i], en_docs[j], "content", None, "the only two documents left"))
            continue
        note = f"score {score[i, j]:.3f}; exchanging partners with the nearest rival loses {loss:.3f}"
        pairs.append(
            DocPair(zh_docs[i], en_docs[j], "content", 1 / (1 + math.exp(-loss / CONFIDENCE_SCALE)), note)
        )
    paired_zh, paired_en = {i for i, _ in accepted}, {j for _, j in accepted}
    zh_alone = [(d, _nearest(score[i], en_docs)) for i, d in enumerate(zh_docs) if i not in paired_zh]
    en_alone = [(d, _nearest(score[:, j], zh_docs)) for j, d in enumerate(en_docs) if j not in paired_en]
    return pairs, zh_alone, en_alone


def _regret(score: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """For each pair, the least total score lost by changing it: exchanging partners with another
    pair, or taking a document that is left alone instead of its partner (inf: no alternative)."""
    if not pairs:
        return np.zeros(0)
    rows, cols = (np.array(side) for side in zip(*pairs))
    kept = score[np.ix_(rows, cols)]
    own = np.diag(kept)
    exchange = own[:, None] + own[None, :] - kept - kept.T
    np.fill_diagonal(exchange, np.inf)
    loss = exchange.min(axis=1)
    free_en = np.setdiff1d(np.arange(score.shape[1]), cols)
    free_zh = np.setdiff1d(np.arange(score.shape[0]), rows)
    if len(free_en):
        loss = np.minimum(loss, own - score[np.ix_(rows, free_en)].max(axis=1))
    if len(free_zh):
        loss = np.minimum(loss, own - score[np.ix_(free_zh, cols)].max(axis=0))
    return loss


def _nearest(scores: np.ndarray, docs: list[Path]) -> str:
    best = int(scores.argmax())
    return f"nearest {docs[best].name}, score {scores[best]:.3f}"


def pair_scores(zh: list[Profile], en: list[Profile]) -> np.ndarray:
    """Embedding cosine plus TOKEN_WEIGHT × the rarity-weighted cosine of the token sets."""
    cosine = np.stack([p.vector for p in zh]) @ np.stack([p.vector for p in en]).T
    return cosine + TOKEN_WEIGHT * _token_cosines([p.tokens for p in zh], [p.tokens for p in en])


def _token_cosines(zh: list[frozenset[str]], en: list[frozenset[str]]) -> np.ndarray:
    """Cosines of the token sets, each token weighted by its inverse document frequency."""
    from scipy.sparse import csr_matrix

    common = frozenset().union(*zh) & frozenset().union(*en)  # capitalised English words are no names
    zh, en = [tokens & common for tokens in zh], [tokens & common for tokens in en]
    vocabulary: dict[str, int] = {}
    for tokens in zh + en:
        for token in tokens:
            vocabulary.setdefault(token, len(vocabulary))
    frequency = np.zeros(len(vocabulary))
    for tokens in zh + en:
        frequency[[vocabulary[t] for t in tokens]] += 1
    weight = np.log((len(zh) + len(en) + 1) / (frequency + 1))

    def matrix(sets: list[frozenset[str]]):
        rows = [r for r, tokens in enumerate(sets) for _ in tokens]
        cols = [vocabulary[t] for tokens in sets for t in tokens]
        values = weight[cols]
        norms = np.sqrt(np.bincount(rows, weights=values**2, minlength=len(sets)))
        values = values / np.maximum(norms[rows], 1e-9) if rows else values
        return csr_matrix((values, (rows, cols)), shape=(len(sets), len(vocabulary)))

    return (matrix(zh) @ matrix(en).T).toarray()
