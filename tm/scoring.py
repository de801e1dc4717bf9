"""Match scores of the memory and the marks that show a translator what differs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tm.grams import tokens
from tm.text import numbers


def similarity(query_tokens: list[str], unit_tokens: list[str]) -> float:
    """100 × (1 − Levenshtein distance / length of the longer), in percent."""
    longest = max(len(query_tokens), len(unit_tokens))
    if longest == 0:
        return 100.0
    return 100.0 * (1 - Levenshtein.distance(query_tokens, unit_tokens) / longest)


def fuzzy_score(query_key: str, unit_key: str, family: str) -> float:
    return similarity(tokens(query_key, family), tokens(unit_key, family))


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
    """Character diff of the query against the memory's source."""
    matcher = difflib.SequenceMatcher(None, query, memory, autojunk=False)
    return [DiffOp(tag, query[i1:i2], memory[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


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
