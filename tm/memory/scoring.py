"""Match scores of the memory and the marks that show a translator what differs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.memory.grams import comparable
from tm.text.normalize import folded_view, numbers


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
    """Numbers only in the query, and numbers only in the memory's source."""
    q, m = numbers(query), numbers(memory_source)
    only_q = [n for n in q if n not in m]
    only_m = [n for n in m if n not in q]
    return only_q, only_m
