"""“How do we render this?”: matching glossary entries, then how the memory used the term."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary.match import find_accepted, find_forbidden
from glossary.model import Entry
from glossary.store import _COLUMNS, _SELECT, Termbase, _entry
from tm.store import Memory, Unit
from tm.text import has_han, matching_key

_ID = _COLUMNS.index("id")


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

    def by_ids(ids: list[int]) -> list[tuple]:
        if not ids:
            return []
        rows = conn.execute(f"{_SELECT} WHERE t.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        order = {i: n for n, i in enumerate(ids)}
        return sorted(rows, key=lambda r: order[r[_ID]])  # rows, not entries: built once, in add()

    exact = [r[0] for r in conn.execute("SELECT term_id FROM term_forms WHERE form_key = ?", (key,))]
    add("exact", by_ids(exact))
    containing = conn.execute(
        "SELECT term_id FROM term_forms WHERE instr(form_key, ?) > 0 AND form_key != ? "
        "ORDER BY length(form_key) LIMIT ?",
        (key, key, limit),
    ).fetchall()
    add("contains", by_ids([r[0] for r in containing]))
    if not out:  # nothing contains the term: maybe it was mistyped or converted differently
        from rapidfuzz import fuzz, process

        choices = dict(
            conn.execute(
                "SELECT rowid, form_key FROM term_forms WHERE length(form_key) BETWEEN ? AND ?",
                (max(1, len(key) // 2), 2 * len(key) + 1),
            ).fetchall()
        )
        best = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=60, limit=limit * 2)
        forms = conn.execute(
            f"SELECT rowid, term_id FROM term_forms WHERE rowid IN ({','.join('?' * len(best))})",
            [rowid for _, _, rowid in best],
        ).fetchall()
        term_of = dict(forms)
        ids = [term_of[rowid] for _, _, rowid in best if rowid in term_of]
        add("fuzzy", by_ids(list(dict.fromkeys(ids))))
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
