"""The concordance's English side: what a query asks (its words in order, a trailing * making a
word a prefix, quotes asking for the exact forms only), the same query in each backend's
syntax, and where a target holds it. Only words reach a backend, each quoted, so what a user
types (quotes, brackets, -, :, NEAR, AND) is never query syntax."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tm.text.stem import porter

_QUERY_WORD = re.compile(r"([^\W_]+)(\*?)")
_WORD = re.compile(r"[^\W_]+")  # the word index's tokens: letters and digits (unicode61)
_QUOTES = '"“”„'


@dataclass(frozen=True)
class Word:
    text: str  # lower case, as typed otherwise (each backend folds accents its own way)
    prefix: bool  # typed with a trailing *: any word that begins so


@dataclass(frozen=True)
class WordQuery:
    words: tuple[Word, ...]
    exact: bool  # quoted: the forms as typed, no inflections

    @property
    def inflects(self) -> bool:
        """Whether inflected forms are looked for too (a word that is neither quoted nor a prefix)."""
        return not self.exact and any(not w.prefix for w in self.words)


def parse(text: str) -> WordQuery | None:
    """The query's words; None when it holds none."""
    text = unicodedata.normalize("NFKC", text)
    words = tuple(Word(m.group(1).lower(), bool(m.group(2))) for m in _QUERY_WORD.finditer(text))
    return WordQuery(words, any(q in text for q in _QUOTES)) if words else None


def fts5(query: WordQuery) -> str:
    """FTS5: one phrase, a word at a time (`"member" + "state"`; a prefix `"stabil" *`)."""
    return " + ".join(f'"{w.text}"' + (" *" if w.prefix else "") for w in query.words)


def tsquery(query: WordQuery) -> str:
    """PostgreSQL's to_tsquery: the words in sequence (`'member' <-> 'stabil':*`)."""
    return " <-> ".join(f"'{w.text}'" + (":*" if w.prefix else "") for w in query.words)


def fold(word: str) -> str:
    """A word as the index compares it: lower case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spans(text: str, query: WordQuery) -> list[tuple[int, int]]:
    """[start, end) of each run of words in ``text`` that the query's words match in order: the
    same word, a word it begins (prefix), or one of the same stem (unless exact)."""
    tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    wanted = [(fold(w.text), w.prefix) for w in query.words]
    n, out, i = len(wanted), [], 0
    while i + n <= len(tokens):
        if all(_matches(tokens[i + j][2], *wanted[j], query.exact) for j in range(n)):
            out.append((tokens[i][0], tokens[i + n - 1][1]))
            i += n
        else:
            i += 1
    return out


def _matches(token: str, word: str, prefix: bool, exact: bool) -> bool:
    if prefix:
        return token.startswith(word)
    if token == word:
        return True
    # stemming keeps a word's first letter: only those words are stemmed
    return not exact and token[:1] == word[:1] and porter(token) == porter(word)
