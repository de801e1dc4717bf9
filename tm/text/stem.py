"""English word stems: Porter's algorithm (1980) as SQLite's FTS5 `porter` tokenizer applies it,
so the concordance can mark in a target the inflected forms the word index matched
(`states` for `state`, `cooperating` for `cooperation`). PostgreSQL's snowball `porter`
dictionary implements the same algorithm.

Works on UTF-8 bytes as FTS5 does: tokens of under 3 or over 64 bytes stay as they are, and
any byte other than a, e, i, o, u (and y after a consonant) counts as a consonant."""

from __future__ import annotations

from functools import lru_cache

_MAX_TOKEN = 64  # bytes: FTS5 leaves longer tokens unstemmed


def _vowel(c: int, y_is_vowel: bool) -> bool:
    return c in b"aeiou" or (y_is_vowel and c == ord("y"))


def _gobble_vc(w: bytes, prev_consonant: bool) -> int:
    """The length of the first vowels-then-consonant run of ``w`` (0 if there is none)."""
    consonant = prev_consonant
    i = 0
    while i < len(w):
        consonant = not _vowel(w[i], consonant)
        if not consonant:
            break
        i += 1
    i += 1
    while i < len(w):
        consonant = not _vowel(w[i], consonant)
        if consonant:
            return i + 1
        i += 1
    return 0


def _m_gt0(w: bytes) -> bool:
    return _gobble_vc(w, False) > 0


def _m_gt1(w: bytes) -> bool:
    n = _gobble_vc(w, False)
    return bool(n) and _gobble_vc(w[n:], True) > 0


def _m_eq1(w: bytes) -> bool:
    n = _gobble_vc(w, False)
    return bool(n) and _gobble_vc(w[n:], True) == 0


def _cvc(w: bytes) -> bool:
    """Porter's *o: ends consonant-vowel-consonant, the last not w, x or y."""
    if not w or w[-1] in b"wxy":
        return False
    mask, consonant = 0, False
    for c in w:
        consonant = not _vowel(c, consonant)
        mask = (mask << 1) | consonant
    return mask & 7 == 5


def _has_vowel(w: bytes) -> bool:
    return any(_vowel(c, i > 0) for i, c in enumerate(w))


def _m_gt1_s_or_t(w: bytes) -> bool:
    return bool(w) and w[-1] in b"st" and _m_gt1(w)


# (suffix, replacement) in the order tried: only the first suffix the word ends with counts,
# whether or not its condition then holds
_STEP2 = [
    (b"ational", b"ate"), (b"tional", b"tion"), (b"enci", b"ence"), (b"anci", b"ance"),
    (b"izer", b"ize"), (b"logi", b"log"), (b"bli", b"ble"), (b"alli", b"al"), (b"entli", b"ent"),
    (b"eli", b"e"), (b"ousli", b"ous"), (b"ization", b"ize"), (b"ation", b"ate"), (b"ator", b"ate"),
    (b"alism", b"al"), (b"iveness", b"ive"), (b"fulness", b"ful"), (b"ousness", b"ous"),
    (b"aliti", b"al"), (b"iviti", b"ive"), (b"biliti", b"ble"),
]  # fmt: skip
_STEP3 = [
    (b"ical", b"ic"), (b"ness", b""), (b"icate", b"ic"), (b"iciti", b"ic"), (b"ful", b""),
    (b"ative", b""), (b"alize", b"al"),
]  # fmt: skip
_STEP4 = [
    b"al", b"ance", b"ence", b"er", b"ic", b"able", b"ible", b"ant", b"ement", b"ment", b"ent",
    b"ion", b"ou", b"ism", b"ate", b"iti", b"ous", b"ive", b"ize",
]  # fmt: skip


def _replace(w: bytes, rules, condition) -> bytes:
    for suffix, replacement in rules:
        if len(w) > len(suffix) and w.endswith(suffix):
            stem = w[: -len(suffix)]
            return stem + replacement if condition(stem) else w
    return w


def _step1b(w: bytes) -> bytes:
    if len(w) > 3 and w.endswith(b"eed"):
        return w[:-1] if _m_gt0(w[:-3]) else w
    for suffix in (b"ed", b"ing"):
        if len(w) > len(suffix) and w.endswith(suffix):
            if not _has_vowel(w[: -len(suffix)]):
                return w
            w = w[: -len(suffix)]
            break
    else:
        return w
    for short in (b"at", b"bl", b"iz"):
        if len(w) > 2 and w.endswith(short):
            return w + b"e"
    if len(w) > 1 and w[-1] == w[-2] and not _vowel(w[-1], False) and w[-1] not in b"lsz":
        return w[:-1]
    if _m_eq1(w) and _cvc(w):
        return w + b"e"
    return w


@lru_cache(maxsize=65536)
def porter(word: str) -> str:
    """The stem of a lower-case word, as FTS5's porter tokenizer indexes it."""
    w = word.encode("utf-8")
    if not 3 <= len(w) <= _MAX_TOKEN:
        return word
    if w.endswith(b"s"):  # step 1a
        if w[-2:-1] == b"e" and ((len(w) > 4 and w[-4:-2] == b"ss") or (len(w) > 3 and w[-3:-2] == b"i")):
            w = w[:-2]
        elif w[-2:-1] != b"s":
            w = w[:-1]
    w = _step1b(w)
    if w.endswith(b"y") and _has_vowel(w[:-1]):  # step 1c
        w = w[:-1] + b"i"
    w = _replace(w, _STEP2, _m_gt0)
    w = _replace(w, _STEP3, _m_gt0)
    w = _step4(w)
    if w.endswith(b"e") and (_m_gt1(w[:-1]) or (_m_eq1(w[:-1]) and not _cvc(w[:-1]))):  # step 5a
        w = w[:-1]
    if len(w) > 1 and w.endswith(b"ll") and _m_gt1(w[:-1]):  # step 5b
        w = w[:-1]
    return w.decode("utf-8", errors="surrogateescape")


def _step4(w: bytes) -> bytes:
    for suffix in _STEP4:
        if len(w) > len(suffix) and w.endswith(suffix):
            stem = w[: -len(suffix)]
            condition = _m_gt1_s_or_t if suffix == b"ion" else _m_gt1
            return stem if condition(stem) else w
    return w
