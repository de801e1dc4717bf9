"""Term recognition: glossary terms in Chinese source text, renderings in English targets.

Source side: an Aho–Corasick automaton over the per-character folded form of every source
form (script, width, pinyin annotations and spaces folded, as in tm.text.normalize.folded_view), so
三股勢(shì)力, 三股勢力 and 三股势力 all hit one entry; leftmost-longest matches win and spans
point into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from glossary.model import Entry
from tm.text.normalize import folded_view


@dataclass(frozen=True)
class TermHit:
    entry: Entry
    start: int  # span in the text as given
    end: int
    text: str  # the text as given, annotations included


def _lower_same_length(text: str) -> str:
    lower = text.lower()
    if len(lower) == len(text) and "Σ" not in text:  # nothing lowered to two (İ) or by context (ς)
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def term_key(form: str) -> str:
    """What the automaton stores for a source form: its folded view, lower-cased."""
    return _lower_same_length(folded_view(form)[0])


class Recognizer:
    """Finds glossary terms in source segments."""

    def __init__(self, entries: list[Entry], keys: list[list[str]] | None = None):
        """``keys``: the term_key of each entry's source forms, when already known."""
        import ahocorasick

        self.entries = entries
        self.automaton = ahocorasick.Automaton()
        if keys is None:
            keys = [[term_key(f) for f in entry.source_forms] for entry in entries]
        for index, forms in enumerate(keys):  # entries themselves are not touched here
            for key in forms:
                if key and key not in self.automaton:  # the first (highest-priority) entry wins
                    self.automaton.add_word(key, (index, len(key)))
        self.empty = len(self.automaton) == 0
        if not self.empty:
            self.automaton.make_automaton()
        self._found: dict[str, tuple[TermHit, ...]] = {}  # a batch asks of a segment several times

    def find(self, text: str, folded=None) -> list[TermHit]:
        """Every glossary term in text, leftmost-longest, in order (``folded``: its folded_view,
        where the caller has it)."""
        if self.empty or not text:
            return []
        if text not in self._found:
            if len(self._found) > 50_000:
                self._found.clear()
            view, spans = folded or folded_view(text)
            hits = []
            for end, (index, length) in self.automaton.iter_long(_lower_same_length(view)):
                a, b = spans[end - length + 1][0], spans[end][1]
                hits.append(TermHit(self.entries[index], a, b, text[a:b]))
            self._found[text] = tuple(hits)
        return list(self._found[text])


_SUFFIX = r"(?:'s|’s|s'|s’|s|es)?"


@lru_cache(maxsize=8192)
def rendering_pattern(rendering: str, case_sensitive: bool = False, loose: bool = False) -> re.Pattern[str]:
    """A regex for an English rendering: any whitespace between words, plural and possessive
    endings tolerated, whole words only. ``loose``: words compared without the punctuation
    between them ("One Belt One Road" for "One Belt, One Road")."""
    if loose and (words := re.findall(r"[^\W_]+", rendering)):
        body = r"[\W_]+".join(re.escape(w) for w in words)
    else:
        body = r"\s+".join(re.escape(w) for w in rendering.split())
    return re.compile(rf"(?<![\w-]){body}{_SUFFIX}(?![\w-])", 0 if case_sensitive else re.IGNORECASE)


def find_rendering(
    target: str, rendering: str, case_sensitive: bool = False, loose: bool = False
) -> list[tuple[int, int]]:
    """Spans of a rendering in a target sentence."""
    if not rendering.strip():
        return []
    return [m.span() for m in rendering_pattern(rendering, case_sensitive, loose).finditer(target)]


def find_accepted(target: str, entry: Entry) -> list[tuple[str, tuple[int, int]]]:
    """(rendering, span) of every accepted rendering of the entry in the target."""
    return [(r, span) for r in entry.accepted for span in find_rendering(target, r, entry.case_sensitive)]


def find_forbidden(target: str, entry: Entry) -> list[tuple[str, tuple[int, int]]]:
    """(rendering, span) of forbidden renderings outside any accepted one, whatever the
    punctuation between their words."""
    accepted = [span for _, span in find_accepted(target, entry)]
    out = []
    for rendering in entry.forbidden:
        for a, b in find_rendering(target, rendering, entry.case_sensitive, loose=True):
            if not any(x <= a and b <= y for x, y in accepted):
                out.append((rendering, (a, b)))
    return out
