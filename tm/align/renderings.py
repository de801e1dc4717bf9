"""How the memory renders a phrase: in each concordance hit, the span of the other side aligned
to the hit (from the units' word links, tm.align.unitlinks), and a summary of those renderings
ranked by use, each with its count, its newest date and what the glossary says of it (approved
or an accepted alternative ✓, forbidden ✗, unknown –). Chinese → English and English → Chinese
alike; `tm concordance`, `tm glossary lookup` and `tm serve` all show this one answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tm.align.unitlinks import links_of
from tm.memory.units import ConcordanceHit
from tm.text.normalize import has_han, loose_key, matching_key

SUMMARY_HITS = 200  # hits a summary counts (the newest first, as the concordance ranks them)
MARKS = {"approved": "✓", "alternative": "✓", "forbidden": "✗", "unknown": "–"}
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass
class Rendering:
    text: str  # as most units write it
    count: int
    newest: str | None  # the newest changed_at of the units using it
    status: str  # approved | alternative | forbidden | unknown (against the glossary)

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    def data(self) -> dict:
        return {"text": self.text, "count": self.count, "newest": self.newest, "status": self.status}


@dataclass
class Rendered:
    """Concordance hits, each with the span aligned to it (``aligned[n]`` for ``hits[n]``, on the
    other side; None where no word is linked), and the renderings of the query."""

    hits: list[ConcordanceHit]
    aligned: list[tuple[int, int] | None] = field(default_factory=list)
    renderings: list[Rendering] = field(default_factory=list)
    counted: int = 0  # hits the summary counted
    unaligned: int = 0  # of those, hits with no linked word


def rendering_of(hit: ConcordanceHit, span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    text = hit.unit.target if hit.side == "source" else hit.unit.source
    return text[span[0] : span[1]]


def concordance(memory, text: str, limit: int = 20, side: str = "both", entries=None) -> Rendered:
    """``memory.concordance`` with each hit's aligned span and the summary of renderings (over up
    to SUMMARY_HITS hits of the query's own side). ``entries``: the glossary entries the query
    names (glossary.lookup.find_entries' (kind, entry)), for the ✓/✗ of each rendering."""
    found = memory.concordance(text, max(limit, SUMMARY_HITS), side)
    own = "source" if has_han(matching_key(text)) else "target"
    if side != "both":
        own = side
    # links only for the hits used: all of the query's own side (the summary), the first
    # ``limit`` of the other (shown); each link costs a word cut, or an alignment on the fly
    other = [n for n, h in enumerate(found) if h.side != own][:limit]
    used = {n for n, h in enumerate(found) if h.side == own} | set(other)
    links = links_of(memory, list({found[n].unit.id: found[n].unit for n in sorted(used)}.values()))
    spans = []
    for n, hit in enumerate(found):
        unit_links = links.get(hit.unit.id) if n in used else None
        span = unit_links.counterpart(hit.spans[0], hit.side) if unit_links and hit.spans else None
        spans.append(span)
    out = Rendered([], renderings=_summary(found, spans, own, text, entries or []))
    counted = [s for h, s in zip(found, spans) if h.side == own][:SUMMARY_HITS]
    out.counted, out.unaligned = len(counted), sum(s is None for s in counted)
    for hit_side in ("source", "target"):
        shown = [(h, s) for h, s in zip(found, spans) if h.side == hit_side][:limit]
        out.hits += [h for h, _ in shown]
        out.aligned += [s for _, s in shown]
    return out


def _summary(hits, spans, own: str, query: str, entries) -> list[Rendering]:
    groups: dict[str, list] = {}
    for hit, span in zip(hits, spans):
        text = rendering_of(hit, span)
        if hit.side != own or not text:
            continue
        text = _EDGE_RE.sub("", " ".join(text.split())) or text
        groups.setdefault(_group_key(text), []).append((text, hit.unit.changed_at))
    out = []
    for items in groups.values():
        forms = [t for t, _ in items]
        shown = max(set(forms), key=lambda f: (forms.count(f), f))
        newest = max((at for _, at in items if at), default=None)
        out.append(Rendering(shown, len(items), newest, status(shown, own, query, entries)))
    out.sort(key=lambda r: (-r.count, -_stamp(r.newest), r.text))
    return out


def _stamp(at: str | None) -> int:
    return int(re.sub(r"\D", "", at or "")[:14] or 0)


def _group_key(text: str) -> str:
    return loose_key(matching_key(text)) or text


def status(rendering: str, own: str, query: str, entries) -> str:
    """What the glossary says of a rendering: of a Chinese query, whether it is an approved,
    alternative or forbidden rendering of the entry the query names; of an English one, whether
    the query is one of those of an entry whose source is the rendering."""
    key = _group_key(rendering)
    for kind, entry in entries:
        if own == "source":
            if kind != "exact":
                continue
            for verdict, forms in (
                ("approved", [entry.target]),
                ("alternative", entry.alternatives),
                ("forbidden", entry.forbidden),
            ):
                if any(_group_key(f) == key for f in forms):
                    return verdict
        elif any(_group_key(f) == key for f in entry.source_forms):
            return {
                "approved rendering": "approved",
                "accepted alternative": "alternative",
                "forbidden rendering": "forbidden",
            }.get(kind, "unknown")
    return "unknown"


def summary_line(rendered: Rendered, shown: int = 6) -> str:
    """``three evil forces ✓ 12 (2020-09-16) · three forces ✗ 2 (2019-03-01) · …``"""
    parts = [
        f"{r.text} {r.mark} {r.count}" + (f" ({r.newest[:10]})" if r.newest else "")
        for r in rendered.renderings[:shown]
    ]
    if len(rendered.renderings) > shown:
        parts.append("…")
    return " · ".join(parts)
