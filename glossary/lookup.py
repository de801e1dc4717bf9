"""“How do we render this?”: matching glossary entries, then how the memory used the term."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary.match import find_accepted, find_forbidden
from glossary.model import Entry
from glossary.store import _SELECT, Termbase, _entry
from tm.store import Memory, Unit
from tm.text import has_han, matching_key


@dataclass
class Evidence:
    unit: Unit
    source_spans: list[tuple[int, int]]
    target_spans: list[tuple[int, int]] = field(default_factory=list)
    rendering: str | None = None  # what the memory's target used
    verdict: str | None = None  # approved | alternative | forbidden | None (no known rendering)


@dataclass
class TermAnswer:
    matches: list[tuple[str, Entry]]  # (exact | contains | fuzzy, entry)
    evidence: list[Evidence]


def find_entries(termbase: Termbase, term: str, limit: int = 10) -> list[tuple[str, Entry]]:
    """Entries for a Chinese term (on matching keys) or an English rendering (any case)."""
    conn = termbase.conn
    out: list[tuple[str, Entry]] = []
    seen: set[int] = set()

    def add(kind: str, rows) -> None:
        for row in rows:
            entry = _entry(row)
            if entry.id not in seen and len(out) < limit:
                seen.add(entry.id)
                out.append((kind, entry))

    if not has_han(term):
        like = f"%{term.strip()}%"
        add("exact", conn.execute(f"{_SELECT} WHERE lower(t.target) = lower(?)", (term.strip(),)))
        add(
            "contains",
            conn.execute(
                f"{_SELECT} WHERE t.target LIKE ? OR t.alternatives LIKE ? OR t.forbidden LIKE ? "
                "ORDER BY length(t.target) LIMIT ?",
                (like, like, like, limit),
            ),
        )
        return out
    key = matching_key(term)
    add(
        "exact",
        conn.execute(
            f"{_SELECT} WHERE instr(char(10) || t.search_keys || char(10), char(10) || ? || char(10)) > 0",
            (key,),
        ),
    )
    add(
        "contains",
        conn.execute(
            f"{_SELECT} WHERE instr(t.search_keys, ?) > 0 ORDER BY length(t.source_key) LIMIT ?", (key, limit)
        ),
    )
    if len(out) < limit:
        from rapidfuzz import fuzz, process

        keys = conn.execute("SELECT id, search_keys FROM terms").fetchall()
        choices = {(i, k): k for i, keys_ in keys for k in keys_.split("\n")}
        best = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=60, limit=limit * 2)
        ids = [i for _, _, (i, _) in best if i not in seen]
        if ids:
            rows = conn.execute(f"{_SELECT} WHERE t.id IN ({','.join('?' * len(ids))})", ids).fetchall()
            order = {i: n for n, i in enumerate(ids)}
            add("fuzzy", sorted(rows, key=lambda r: order[_entry(r).id]))
    return out


def tm_evidence(memory: Memory, term: str, entry: Entry | None, limit: int = 5) -> list[Evidence]:
    """Memory units whose source holds the term, with the rendering used marked."""
    out = []
    for hit in memory.concordance(term, limit=limit, side="source"):
        evidence = Evidence(hit.unit, hit.spans)
        if entry is not None:
            accepted = find_accepted(hit.unit.target, entry)
            forbidden = find_forbidden(hit.unit.target, entry)
            if accepted:
                rendering, span = accepted[0]
                evidence.verdict = "approved" if rendering == entry.target else "alternative"
            elif forbidden:
                rendering, span = forbidden[0]
                evidence.verdict = "forbidden"
            else:
                rendering, span = None, None
            if span:
                evidence.rendering = hit.unit.target[span[0] : span[1]]
                evidence.target_spans = [span]
        out.append(evidence)
    return out


def lookup_term(
    termbase: Termbase, memory: Memory, term: str, limit: int = 10, evidence_limit: int = 5
) -> TermAnswer:
    matches = find_entries(termbase, term, limit)
    best = matches[0][1] if matches and matches[0][0] == "exact" else None
    query = term if has_han(term) or best is None else best.source
    return TermAnswer(matches, tm_evidence(memory, query, best, evidence_limit))
