"""Match scores of the memory and the marks that show a translator what differs."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.memory.grams import comparable
from tm.text.normalize import folded_view
from tm.text.numbers import source_numbers


def similarity(query_tokens: str | list[str], unit_tokens: str | list[str]) -> float:
    """100 × (1 − Levenshtein distance / length of the longer), in percent."""
    longest = max(len(query_tokens), len(unit_tokens))
    if longest == 0:
        return 100.0
    return 100.0 * (1 - Levenshtein.distance(query_tokens, unit_tokens) / longest)


def fuzzy_score(query_key: str, unit_key: str, family: str) -> float:
    return similarity(comparable(query_key, family), comparable(unit_key, family))


def max_distance(query_len: int, threshold: float) -> int:
    """The largest edit distance any unit scoring ≥ threshold can have from the query.

    A unit of length Lb scores ≥ t only if d ≤ (1 − t)·Lb, and Lb ≤ La + d, so d ≤ (1 − t)/t · La.
    """
    t = threshold / 100
    return int((1 - t) / t * query_len + 1e-9)


@dataclass(frozen=True)
class DiffOp:
    op: str  # equal | insert | delete | replace (what the memory has compared to the query)
    query: str
    memory: str


def diff(query: str, memory: str) -> list[DiffOp]:
    """What differs between the query and the memory's source, ignoring script, width,
    spacing and pinyin annotations; the pieces are quoted from the texts as given."""
    q_view, q_spans = folded_view(query)
    m_view, m_spans = folded_view(memory)

    def piece(text: str, spans: list[tuple[int, int]], i: int, j: int) -> str:
        return text[spans[i][0] : spans[j - 1][1]] if i < j else ""

    matcher = difflib.SequenceMatcher(None, q_view, m_view, autojunk=False)
    return [
        DiffOp(tag, piece(query, q_spans, i1, i2), piece(memory, m_spans, j1, j2))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def render_diff(ops: list[DiffOp]) -> str:
    """The memory's source with what differs marked: [-removed-] from the query, {+added+}."""
    out = []
    for d in ops:
        if d.op == "equal":
            out.append(d.memory)
            continue
        if d.query:
            out.append(f"[-{d.query}-]")
        if d.memory:
            out.append(f"{{+{d.memory}+}}")
    return "".join(out)


def number_mismatch(query: str, memory_source: str) -> tuple[list[str], list[str]]:
    """Numbers only in the query, and numbers only in the memory's source, compared by value with
    the QA's number model (四國 and 4國 are the same number; 五國 and 四國 are not)."""
    q, m = source_numbers(query), source_numbers(memory_source)
    q_values = Counter((n.value, n.month) for n in q)
    m_values = Counter((n.value, n.month) for n in m)
    only_q = [n.text for n in q if q_values[n.value, n.month] > m_values[n.value, n.month]]
    only_m = [n.text for n in m if m_values[n.value, n.month] > q_values[n.value, n.month]]
    return list(dict.fromkeys(only_q)), list(dict.fromkeys(only_m))
