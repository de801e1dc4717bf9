"""“How do we render this?”: matching glossary entries, then how the memory used the term.

A query is folded as the glossary's keys are (width, script, pinyin annotations, spacing, and
case), so ＳＣＯ, SCO and sco find one entry. A Chinese query is looked up among the source
forms; any other among the renderings, saying whether it is an entry's approved rendering, an
accepted alternative or a forbidden one.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field

from glossary.match import find_accepted, find_forbidden
from glossary.model import Entry
from glossary.store import Termbase
from tm.errors import UserError
from tm.memory.base import Memory
from tm.memory.units import Unit
from tm.text.normalize import has_han, loose_key, matching_key

# What an English query equal to one of an entry's renderings is, in the order answers come.
RENDERING_KINDS = ("approved rendering", "accepted alternative", "forbidden rendering")
EXACT_KINDS = ("exact", *RENDERING_KINDS)  # the query names the entry itself
_LATIN_RE = re.compile("[A-Za-z]")


@dataclass
class Evidence:
    unit: Unit
    source_spans: list[tuple[int, int]]
    target_spans: list[tuple[int, int]] = field(default_factory=list)
    rendering: str | None = None  # what the memory's target used
    verdict: str | None = None  # approved | alternative | forbidden | None (no known rendering)


@dataclass
class TermAnswer:
    matches: list[tuple[str, Entry]]  # (an EXACT_KINDS kind | contains | fuzzy, entry)
    evidence: list[Evidence]


def query_key(term: str) -> str:
    """The matching key of a query; one of only spaces and punctuation is an error (every entry
    would "contain" it)."""
    key = matching_key(term)
    if not loose_key(key):
        raise UserError("empty query: give a Chinese term or an English rendering")
    return key


def find_entries(termbase: Termbase, term: str, limit: int = 10) -> list[tuple[str, Entry]]:
    """(kind, entry) for a Chinese term (on the source forms) or an English rendering (on the
    renderings): the entries it names first, then those containing it, at most limit."""
    key = query_key(term)
    if has_han(key):
        return _source_entries(termbase, key, limit)
    return _rendering_entries(termbase, key, limit)


def describe(kind: str, entry: Entry) -> str | None:
    """What an English query is to the entry it names, in words; None for other kinds."""
    whose = f"whose approved rendering is “{entry.target}”"
    return {
        "approved rendering": f"approved rendering of {entry.source}",
        "accepted alternative": f"accepted alternative of {entry.source}, {whose}",
        "forbidden rendering": f"FORBIDDEN for {entry.source}, {whose}",
    }.get(kind)


def _ranked(termbase: Termbase, kinds: list[tuple[str, list[int]]], limit: int) -> list[tuple[str, Entry]]:
    """Each entry once, under the first kind that found it; within a kind the glossary that wins
    (highest priority) first, then in the order found."""
    chosen: dict[int, str] = {}
    for kind, ids in kinds:
        for term_id in ids:
            chosen.setdefault(term_id, kind)
    rank = {kind: n for n, (kind, _) in enumerate(kinds)}
    priority = {name: p for name, p, _ in termbase.glossaries()}
    entries = termbase.entries_by_id(list(chosen))
    entries.sort(key=lambda e: (rank[chosen[e.id]], -priority.get(e.glossary, 0)))  # stable: found order
    return [(chosen[e.id], e) for e in entries[:limit]]


def _ids(conn, sql: str, args: tuple) -> list[int]:
    return [r[0] for r in conn.execute(sql, args)]


def _source_entries(termbase: Termbase, key: str, limit: int) -> list[tuple[str, Entry]]:
    conn = termbase.conn
    # Forms are stored with their case; folding it costs every look-up, so only Latin letters pay.
    form, query = ("lower(form_key)", "lower(?1)") if _LATIN_RE.search(key) else ("form_key", "?1")
    exact = _ids(conn, f"SELECT term_id FROM term_forms WHERE {form} = {query}", (key,))
    position = "strpos" if _postgres(conn) else "instr"
    containing = _ids(
        conn,
        f"SELECT term_id FROM term_forms WHERE {position}({form}, {query}) > 0 AND {form} != {query} "
        "ORDER BY length(form_key), term_id LIMIT ?2",
        (key, limit),
    )
    kinds = [("exact", exact), ("contains", containing)]
    if not exact and not containing:  # nothing contains the term: maybe mistyped or converted differently
        kinds.append(("fuzzy", _fuzzy_ids(conn, key, limit)))
    return _ranked(termbase, kinds, limit)


def _fuzzy_ids(conn, key: str, limit: int) -> list[int]:
    from rapidfuzz import fuzz, process

    choices = dict(
        conn.execute(
            "SELECT rowid, form_key FROM term_forms WHERE length(form_key) BETWEEN ? AND ?",
            (max(1, len(key) // 2), 2 * len(key) + 1),
        ).fetchall()
    )
    best = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=60, limit=limit * 2)
    if not best:
        return []  # (an empty IN () is an error on PostgreSQL)
    term_of = dict(
        conn.execute(
            f"SELECT rowid, term_id FROM term_forms WHERE rowid IN ({','.join('?' * len(best))})",
            [rowid for _, _, rowid in best],
        ).fetchall()
    )
    return [term_of[rowid] for _, _, rowid in best if rowid in term_of]


def _rendering_entries(termbase: Termbase, key: str, limit: int) -> list[tuple[str, Entry]]:
    """Entries with a rendering equal to the query but for case, width, spacing and punctuation
    (by kind), then those with one containing it; shortest approved rendering first."""
    conn = termbase.conn
    found: dict[str, list[int]] = {kind: [] for kind in RENDERING_KINDS}
    postgres = _postgres(conn)
    others = _other_letters(key)
    equal = _PG_EQUAL_CANDIDATES if postgres else _EQUAL_CANDIDATES
    for term_id, target, alternatives, forbidden in conn.execute(
        equal, (_letters_pattern(key), _excluding(others, postgres))
    ):
        kind = _rendering_kind(key, [[target], json.loads(alternatives), json.loads(forbidden)])
        if kind:
            found[kind].append(term_id)
    named = sum(len(ids) for ids in found.values())
    like = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    containing = _ids(
        conn, _CONTAINING.replace(" LIKE ", " ILIKE ") if postgres else _CONTAINING, (like, limit + named)
    )
    return _ranked(termbase, [*found.items(), ("contains", containing)], limit)


# A rendering equal to the query once folded has the query's ASCII letters and digits in order
# (?1, LIKE) and no others (?2, GLOB): a cheap scan that lets through every such rendering
# (LIKE folds ASCII case only), confirmed on folded keys in Python. Most lists are empty.
_EQUAL_CANDIDATES = """SELECT id, target, alternatives, forbidden FROM terms t
WHERE (t.target LIKE ?1 AND NOT t.target GLOB ?2)
OR (t.alternatives != '[]' AND EXISTS (
    SELECT 1 FROM json_each(t.alternatives) WHERE value LIKE ?1 AND NOT value GLOB ?2))
OR (t.forbidden != '[]' AND EXISTS (
    SELECT 1 FROM json_each(t.forbidden) WHERE value LIKE ?1 AND NOT value GLOB ?2))
ORDER BY length(t.target), t.id"""
# The same in PostgreSQL: ILIKE folds case as SQLite's LIKE does, a regular expression stands for
# GLOB (no others: '[]' matches nothing), jsonb for json_each.
_PG_EQUAL_CANDIDATES = """SELECT id, target, alternatives, forbidden FROM terms t
WHERE (t.target ILIKE ?1 AND NOT t.target ~ ?2)
OR (t.alternatives != '[]' AND EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(CAST(t.alternatives AS jsonb)) v WHERE v ILIKE ?1 AND NOT v ~ ?2))
OR (t.forbidden != '[]' AND EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(CAST(t.forbidden AS jsonb)) v WHERE v ILIKE ?1 AND NOT v ~ ?2))
ORDER BY length(t.target), t.id"""
_CONTAINING = (
    "SELECT id FROM terms WHERE target LIKE ?1 ESCAPE '\\' OR alternatives LIKE ?1 ESCAPE '\\' "
    "OR forbidden LIKE ?1 ESCAPE '\\' ORDER BY length(target), id LIMIT ?2"
)
_ALNUM = string.ascii_letters + string.digits


def _letters_pattern(key: str) -> str:
    return "%" + "".join(c + "%" for c in key if c in _ALNUM)


def _other_letters(key: str) -> str:
    kept = {c.lower() for c in key if c in _ALNUM}
    return "".join(c for c in _ALNUM if c.lower() not in kept)


def _excluding(others: str, postgres: bool) -> str:
    """A pattern for "holds one of these letters"; with none, one only an empty text matches
    (no rendering is empty, so nothing is excluded)."""
    if postgres:
        return f"[{others}]" if others else "^$"
    return f"*[{others}]*" if others else ""


def _postgres(conn) -> bool:
    return getattr(conn, "dialect", "sqlite") == "postgresql"


def _rendering_kind(key: str, groups: list[list[str]]) -> str | None:
    """Which of the target, alternatives and forbidden renderings of an entry the query is."""
    loose = loose_key(key)
    for kind, renderings in zip(RENDERING_KINDS, groups):
        if any(loose_key(matching_key(r)) == loose for r in renderings):
            return kind
    return None


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


def evidence_data(ev: Evidence) -> dict:
    """A unit holding the term as data (`tm glossary lookup --json`)."""
    return {
        "source": ev.unit.source,
        "target": ev.unit.target,
        "source_spans": ev.source_spans,
        "target_spans": ev.target_spans,
        "rendering": ev.rendering,
        "verdict": ev.verdict,
    }


def lookup_term(
    termbase: Termbase, memory: Memory, term: str, limit: int = 10, evidence_limit: int = 5
) -> TermAnswer:
    matches = find_entries(termbase, term, limit)
    best = matches[0][1] if matches and matches[0][0] in EXACT_KINDS else None
    query = term if has_han(term) or best is None else best.source
    return TermAnswer(matches, tm_evidence(memory, query, best, evidence_limit))
