"""A term base synced with another copy of it (tm db copy --merge), as units are synced
(tm.workflow.dbsync): entries and their events keep one identity in every copy, so the events
one side lacks are what the other did since they parted. An entry added, changed or removed in
the source only is carried whole into the destination with those events; changed in the
destination only, it stays; changed in both to different ends it is a conflict, reported with
both versions and left as the destination has it, unless the caller says to take the source's
('replace') or keep the destination's ('skip'). An entry both added on their own is merged as an
import merges it. Carried events are never stored twice, so merging again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from operator import attrgetter

from glossary.history import TermEvent
from glossary.model import CONTENT_FIELDS, Entry, merge
from glossary.store import Termbase, validate
from tm.errors import UserError
from tm.memory.units import now

_CONTENT = attrgetter(*CONTENT_FIELDS, "source_lang", "target_lang")  # what an entry says
_TEXTS = ("target", "note", "domain", "reference", "definition")  # two filled ones cannot be joined
_TEXT = attrgetter(*_TEXTS)
_UNKNOWN = "they differ and neither copy's history says which changed (changed before tm kept one)"


@dataclass
class GlossarySync:
    added: int = 0  # entries new to the destination
    changed: int = 0  # entries brought to the source's
    removed: int = 0
    history: int = 0  # events carried
    conflicts: list[dict] = field(default_factory=list)  # left as the destination has them
    kept: list[dict] = field(default_factory=list)  # conflicts settled the destination's way
    replaced: list[dict] = field(default_factory=list)  # conflicts settled the source's way


def sync_glossary(source: Termbase, destination: Termbase, on_conflict: str = "fail") -> GlossarySync:
    """Bring into ``destination`` what happened in ``source`` (inside the caller's transaction).
    ``on_conflict``: 'fail' (report and leave), 'replace' (the source's) or 'skip' (keep)."""
    theirs, ours = source.entries_by_uid(), destination.entries_by_uid()
    their_events, my_events = source.events_by_term(), destination.events_by_term()
    for name, priority, _ in source.glossaries():  # (a glossary's priority: the source's, as before)
        destination._ensure_glossary(name, priority)
    report, carried = GlossarySync(), []
    for uid in dict.fromkeys([*theirs, *their_events]):
        t, m = theirs.get(uid), ours.get(uid)
        te, me = their_events.get(uid, []), my_events.get(uid, [])
        outcome = _outcome(t, m, te, me)
        if outcome == "both added":
            joined, clash = _joined(m, t, destination.user)
            why = "added in both, differently"
            if clash and _settled(report, on_conflict, _conflict(t, m, te, me, why)) == "leave":
                continue
            if _CONTENT(joined) != _CONTENT(m):
                destination.put(uid, joined)
                report.changed += 1
        elif outcome == "conflict":
            why = "changed in both since they were copied" if te or me else _UNKNOWN
            if _settled(report, on_conflict, _conflict(t, m, te, me, why)) == "leave":
                continue
            _take(destination, uid, t, m, report)
        elif outcome == "source":
            _take(destination, uid, t, m, report)
        known = {e.uid for e in me}
        carried += [e.uid for e in te if e.uid not in known]
    report.history = destination.add_history_rows(source.history_rows(carried))
    return report


def _outcome(t: Entry | None, m: Entry | None, te: list[TermEvent], me: list[TermEvent]) -> str:
    """'same', 'source', 'destination', 'both added' or 'conflict'."""
    if (t is None and m is None) or (t is not None and m is not None and _CONTENT(t) == _CONTENT(m)):
        return "same"
    if m is None and not me:
        return "source"  # never here
    known_here, known_there = {e.uid for e in me}, {e.uid for e in te}
    if t and m and te and me and not known_here & known_there and te[0].action == me[0].action == "add":
        return "both added"
    changed_there = any(e.uid not in known_here for e in te)
    changed_here = any(e.uid not in known_there for e in me)
    if changed_there != changed_here:
        return "source" if changed_there else "destination"
    return "conflict"  # both changed it (or neither says how they came to differ)


def _settled(report: GlossarySync, on_conflict: str, conflict: dict) -> str:
    """What a conflict comes to: 'source' (replace) or 'leave' (fail, skip); listed either way."""
    listing = {"fail": report.conflicts, "skip": report.kept, "replace": report.replaced}[on_conflict]
    listing.append(conflict)
    return "source" if on_conflict == "replace" else "leave"


def _take(destination: Termbase, uid: str, t: Entry | None, m: Entry | None, report: GlossarySync) -> None:
    if t is None:
        if m is not None:
            destination.drop(uid)
            report.removed += 1
        return
    destination.put(uid, t)
    if m is None:
        report.added += 1
    else:
        report.changed += 1


def _joined(mine: Entry, theirs: Entry, user: str | None) -> tuple[Entry, bool]:
    """An entry both copies added on their own, as an import of the source's would make it: lists
    joined, fields only one fills taken; and whether a field both fill differs (a clash)."""
    stated = {n for n in CONTENT_FIELDS if getattr(theirs, n) not in (None, "", [], {}, False)}
    if theirs.status == "approved":
        stated.discard("status")  # the default says nothing
    joined, _ = merge(mine, replace(theirs, given=frozenset(stated)))
    joined.changed_at, joined.changed_by = now(), user
    clash = any(mine_ and theirs_ and mine_ != theirs_ for mine_, theirs_ in zip(_TEXT(mine), _TEXT(theirs)))
    try:
        validate(joined)
    except UserError:  # one accepts a rendering the other forbids: the source's whole, if asked
        return theirs, True
    return joined, clash


def _conflict(t, m, te, me, why: str) -> dict:
    """Both versions of an entry, as the report shows them."""
    either = t or m
    return {
        "glossary": either.glossary,
        "source": either.source,
        "why": why,
        "in_source": _version(t, te),
        "in_destination": _version(m, me),
    }


def _version(entry: Entry | None, events: list[TermEvent]) -> dict:
    if entry is None:
        last = events[-1] if events else TermEvent("", "remove", None, None)
        return {"removed": True, "changed_at": last.changed_at, "changed_by": last.changed_by}
    fields = {name: getattr(entry, name) for name in (*CONTENT_FIELDS, "source_lang", "target_lang")}
    return {"removed": False, **fields, "changed_at": entry.changed_at, "changed_by": entry.changed_by}
