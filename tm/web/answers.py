"""What a search, a term and a unit answer, from the library's own functions (the glossary's
find_entries and tm_evidence, Memory.lookup, Memory.concordance, Memory.history), and the same
answers as JSON, with the keys `tm lookup --json`, `tm concordance --json` and
`tm glossary lookup --json` print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from glossary.lookup import Evidence, describe, find_entries, tm_evidence
from glossary.match import Recognizer
from glossary.model import CONTENT_FIELDS, Entry
from glossary.store import Termbase
from tm.align.fragments import FragmentFinder
from tm.align.renderings import Rendering, rendering_of, summary_line
from tm.align.renderings import concordance as rendered_concordance
from tm.errors import UserError
from tm.memory.base import Memory
from tm.memory.units import ConcordanceHit, Match, Unit, match_data
from tm.text.normalize import has_han

ENTRY_LIMIT = 10  # glossary entries a query names, on a search page
TERMS_IN_TEXT_LIMIT = 20  # and entries recognized in a sentence
MATCH_LIMIT = 5  # memory matches, as `tm lookup`
HIT_LIMIT = 10  # concordance hits per side, as `tm concordance`
EVIDENCE_LIMIT = 100  # memory units on a term's page
MIN_SCORE = 75  # lowest fuzzy score, as `tm lookup`


@dataclass
class EntryHit:
    kind: str  # exact | contains | fuzzy, or which rendering an English query is
    entry: Entry
    says: str | None  # an English query's relation to the entry, in words


@dataclass
class Answer:
    query: str
    entries: list[EntryHit] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    hits: list[ConcordanceHit] = field(default_factory=list)
    note: str | None = None  # why nothing was looked up
    min_score: int = MIN_SCORE
    aligned: list = field(default_factory=list)  # each hit's aligned span on the other side
    renderings: list[Rendering] = field(default_factory=list)  # how the memory renders the query
    fragments: list = field(default_factory=list)  # tm.align.fragments.Fragment: parts the memory holds

    @property
    def rendered(self) -> str:
        return summary_line(self)

    @property
    def chinese(self) -> bool:
        return has_han(self.query)


@dataclass
class TermPage:
    entry: Entry
    evidence: list[Evidence]
    limit: int

    @property
    def verdicts(self) -> Counter:
        return Counter(ev.verdict or "none" for ev in self.evidence)


def search(
    memory: Memory,
    termbase: Termbase,
    query: str,
    min_score: int = MIN_SCORE,
    prev: str | None = None,
    next_: str | None = None,
    recognizer: Callable[[], Recognizer] | None = None,
) -> Answer:
    """The glossary entries the query names (as `tm glossary lookup`), then, for Chinese, those
    it holds (as `tm translate` recognizes them); the memory's matches (as `tm lookup`); the
    concordance (as `tm concordance`)."""
    text = query.strip()
    if not text:
        return Answer(query, min_score=min_score)
    try:
        found = find_entries(termbase, text, ENTRY_LIMIT)
    except UserError as exc:  # only spaces and punctuation: everything would "contain" it
        return Answer(query, note=str(exc), min_score=min_score)
    entries = [EntryHit(kind, entry, describe(kind, entry)) for kind, entry in found]
    if recognizer is not None and has_han(text):
        named = {e.id for _, e in found}
        for hit in recognizer().find(text):
            if hit.entry.id not in named and len(entries) < ENTRY_LIMIT + TERMS_IN_TEXT_LIMIT:
                named.add(hit.entry.id)
                entries.append(EntryHit("in your text", hit.entry, None))
    lang = "zh" if has_han(text) else "en"
    matches = memory.lookup(text, lang, min_score, MATCH_LIMIT, prev, next_)
    found_hits = rendered_concordance(memory, text, HIT_LIMIT, "both", found)
    fragments = []
    if lang == "zh" and not any(m.score >= 99 for m in matches):  # as `tm translate` shows them
        fragments = FragmentFinder(memory, recognizer() if recognizer else None).find(text)
    return Answer(
        query,
        entries,
        matches,
        found_hits.hits,
        min_score=min_score,
        aligned=found_hits.aligned,
        renderings=found_hits.renderings,
        fragments=fragments,
    )


def term_page(memory: Memory, termbase: Termbase, term_id: int) -> TermPage | None:
    """An entry and the memory units holding its source, each with the rendering used marked, as
    `tm glossary lookup` gives them."""
    found = termbase.entries_by_id([term_id])
    if not found:
        return None
    entry = found[0]
    return TermPage(entry, tm_evidence(memory, entry.source, entry, EVIDENCE_LIMIT), EVIDENCE_LIMIT)


def unit_page(memory: Memory, unit_id: int) -> tuple[Unit, list[dict]] | None:
    found = memory.units_by_id([unit_id])
    if unit_id not in found:
        return None
    return found[unit_id][0], memory.history(unit_id)


# ------------------------------------------------------------------ JSON


# What an entry says, without the bookkeeping of imports and edits (given, columns).
ENTRY_FIELDS = ("id", *CONTENT_FIELDS, "glossary", "source_lang", "target_lang", "created_at", "changed_at")


def entry_json(entry: Entry) -> dict:
    return {name: getattr(entry, name) for name in ENTRY_FIELDS} | {"url": f"/term/{entry.id}"}


def unit_json(unit: Unit) -> dict:
    return asdict(unit) | {"url": f"/unit/{unit.id}"}


def match_json(m: Match) -> dict:
    return match_data(m) | {"unit": unit_json(m.unit)}


def hit_json(h: ConcordanceHit, aligned=None) -> dict:
    return {
        "side": h.side,
        "spans": [list(s) for s in h.spans],
        "aligned": list(aligned) if aligned else None,
        "rendering": rendering_of(h, aligned),
        "source": h.unit.source,
        "target": h.unit.target,
        "unit": unit_json(h.unit),
    }


def answer_json(answer: Answer) -> dict:
    return {
        "query": answer.query,
        "note": answer.note,
        "min_score": answer.min_score,
        "glossary": [{"match": h.kind, "says": h.says, **entry_json(h.entry)} for h in answer.entries],
        "memory": [match_json(m) for m in answer.matches],
        "renderings": [r.data() for r in answer.renderings],
        "fragments": [f.data() for f in answer.fragments],
        "concordance": [hit_json(h, a) for h, a in zip(answer.hits, answer.aligned)],
    }


def term_json(page: TermPage) -> dict:
    return {
        "entry": entry_json(page.entry),
        "memory": [
            {
                "source": ev.unit.source,
                "target": ev.unit.target,
                "source_spans": [list(s) for s in ev.source_spans],
                "target_spans": [list(s) for s in ev.target_spans],
                "rendering": ev.rendering,
                "verdict": ev.verdict,
                "unit": unit_json(ev.unit),
            }
            for ev in page.evidence
        ],
        "limit": page.limit,
    }


def unit_page_json(unit: Unit, history: list[dict]) -> dict:
    return {"unit": unit_json(unit), "history": history}
