"""Index grams of matching keys: padded token bigrams packed into integers.

Chinese keys are tokenized into characters, other languages into words; a key of L tokens
gives L + 1 padded bigrams. Packed grams are exact for characters (code points fit in 21
bits) and hashed for words (collisions only add candidates, which are scored exactly).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

_START, _END = 1, 2
_WORD_FLAG = 1 << 42
_MASK21 = (1 << 21) - 1
_WORD_RE = re.compile(r"\w+|[^\w\s]")


def char_tokens(key: str) -> list[str]:
    return [c for c in key if not c.isspace()]


def word_tokens(key: str) -> list[str]:
    return _WORD_RE.findall(key.casefold())


def tokens(key: str, family: str) -> list[str]:
    """The units that edit distance counts: characters for Chinese, words otherwise."""
    return char_tokens(key) if family == "zh" else word_tokens(key)


def comparable(key: str, family: str) -> str | list[str]:
    """What edit distance is computed on: the key's characters without spaces for Chinese
    (a string, which rapidfuzz compares fastest), its words otherwise."""
    return "".join(key.split()) if family == "zh" else word_tokens(key)


def _word_id(word: str) -> int:
    return (zlib.crc32(word.encode("utf-8")) & _MASK21) | 3  # never collides with the pads


def token_ids(toks: list[str], family: str) -> list[int]:
    return [ord(t) for t in toks] if family == "zh" else [_word_id(t) for t in toks]


def pack(a: int, b: int, family: str) -> int:
    return (a << 21 | b) | (0 if family == "zh" else _WORD_FLAG)


def padded_grams(key: str, family: str) -> set[int]:
    """Distinct padded bigrams of a key."""
    ids = [_START, *token_ids(tokens(key, family), family), _END]
    return {pack(a, b, family) for a, b in zip(ids, ids[1:])}


def inner_grams(key: str, family: str) -> list[int]:
    """Unpadded bigrams in order, for substring (concordance) search."""
    ids = token_ids(tokens(key, family), family)
    return [pack(a, b, family) for a, b in zip(ids, ids[1:])]


def first_token_range(key: str, family: str) -> tuple[int, int]:
    """All grams whose first token is the key's only token: a contiguous integer range."""
    (tok,) = token_ids(tokens(key, family), family)
    low = pack(tok, 0, family)
    return low, low + _MASK21


def batch_postings(ids: list[int], keys: list[str], family: str) -> tuple[np.ndarray, np.ndarray]:
    """(gram, unit id) pairs for many keys at once, deduplicated and sorted by gram then id."""
    grams: list[int] = []
    units: list[int] = []
    if family == "zh":
        # One vectorised pass over all keys joined with pads: much faster than per-key sets.
        parts, lengths = [], []
        for key in keys:
            toks = "".join(char_tokens(key))
            parts.append("\x01" + toks + "\x02")
            lengths.append(len(toks) + 2)
        codes = np.frombuffer("".join(parts).encode("utf-32-le"), dtype="<u4").astype(np.int64)
        owner = np.repeat(np.asarray(ids, dtype=np.int64), lengths)
        keep = codes[:-1] != _END  # a bigram never spans two keys
        g = (codes[:-1] << 21 | codes[1:])[keep]
        u = owner[:-1][keep]
    else:
        for uid, key in zip(ids, keys):
            for gram in padded_grams(key, family):
                grams.append(gram)
                units.append(uid)
        g = np.asarray(grams, dtype=np.int64)
        u = np.asarray(units, dtype=np.int64)
    if g.size == 0:
        return g, u
    order = np.lexsort((u, g))
    g, u = g[order], u[order]
    distinct = np.ones(g.size, dtype=bool)
    distinct[1:] = (g[1:] != g[:-1]) | (u[1:] != u[:-1])
    return g[distinct], u[distinct].astype(np.uint32)
