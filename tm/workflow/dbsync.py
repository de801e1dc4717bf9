"""`tm db copy SRC DST --merge` between copies of one memory: a sync. Units keep their identity
(uid) in every copy and so do history entries, so each unit's history on either side says what
happened to it there since the copies parted: entries one side lacks are what the other did.
A target edited or a unit deleted in SRC only is carried into DST with those entries; changed in
DST only, it stays; changed in both to different ends, it is a conflict, reported with both
versions and left as DST has it. Units new in SRC are added as an import adds them. Carried
entries are never stored twice, so merging again changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter

from tm.memory.history import HISTORY_COLUMNS
from tm.memory.sql import SQLMemory
from tm.memory.sync import Event
from tm.memory.units import UNIT_COLUMNS, Unit

CHANGES = frozenset({"edit", "review", "delete"})  # the actions that change what a unit says
_BATCH = 5_000
_STORED = attrgetter(*UNIT_COLUMNS)  # what a unit says, whatever its id in one memory
_UNIT_ID, _UID, _UNIT_UID = (HISTORY_COLUMNS.index(c) for c in ("unit_id", "uid", "unit_uid"))


@dataclass
class SyncReport:
    added: int = 0  # units new to the destination
    carried: int = 0  # targets brought to the source's
    deleted: int = 0
    history: int = 0  # history entries carried
    conflicts: list[dict] = field(default_factory=list)
    unit_ids: dict[int, int] = field(default_factory=dict)  # source id → destination id, as synced


def sync(source: SQLMemory, destination: SQLMemory) -> SyncReport:
    """Bring into ``destination`` what happened in ``source`` (inside the caller's transaction)."""
    theirs, ours = source.events_by_unit(), destination.events_by_unit()
    report, entries, seen = SyncReport(), [], set()
    for batch in _batches(source.iter_units()):
        held = destination.units_by_uid(u.uid for u in batch)
        fresh = []
        for unit in batch:
            seen.add(unit.uid)
            mine, my_events = held.get(unit.uid), ours.get(unit.uid, [])
            their_events = theirs.get(unit.uid, [])
            if mine is None and not my_events:
                fresh.append(unit)  # new here: added with its history
                continue
            outcome = _outcome(unit, mine, their_events, my_events)
            if outcome == "conflict":
                report.conflicts.append(_conflict(unit, mine, their_events, my_events))
                continue
            if mine is None:  # deleted here: that stands (entries made there still come along)
                entries.append((_missing(their_events, my_events), _deleted(unit.uid, my_events)))
                continue
            if outcome == "source" and not _take(destination, mine, unit, report):
                continue
            if outcome != "destination":
                if _STORED(unit) != _STORED(mine):  # provenance merged as an import merges it
                    fresh.append(unit)
                report.unit_ids[unit.id] = mine.id
            entries.append((_missing(their_events, my_events), mine))
        _add(destination, fresh, held, theirs, entries, report)
    gone = [uid for uid in theirs if uid is not None and uid not in seen]
    for start in range(0, len(gone), _BATCH):
        part = gone[start : start + _BATCH]
        held = destination.units_by_uid(part)
        for uid in part:
            _gone_in_source(destination, uid, held.get(uid), theirs[uid], ours.get(uid, []), entries, report)
    report.history += _carry_history(source, destination, entries)
    destination.add_reviewed_rows(source.all_reviewed_rows(), report.unit_ids)
    return report


def _outcome(theirs: Unit | None, mine: Unit | None, their_events, my_events) -> str:
    """Which side's version of a unit stands: 'same', 'source', 'destination' or 'conflict'."""
    if (theirs is None) == (mine is None) and (theirs is None or theirs.target == mine.target):
        return "same"
    known_here, known_there = {e.uid for e in my_events}, {e.uid for e in their_events}
    changed_there = any(e.action in CHANGES and e.uid not in known_here for e in their_events)
    changed_here = any(e.action in CHANGES and e.uid not in known_there for e in my_events)
    if changed_there != changed_here:
        return "source" if changed_there else "destination"
    return "conflict"  # both changed it (or neither says how they came to differ)


def _take(destination: SQLMemory, mine: Unit, theirs: Unit, report: SyncReport) -> bool:
    """The source's target into the destination's unit; False (a conflict) where another unit
    there holds that translation already."""
    other = destination.find_pair(theirs)
    if other is not None and other.uid != mine.uid:
        report.conflicts.append(
            _conflict(theirs, mine, [], [], f"unit {other.id} already holds the source's translation")
        )
        return False
    destination.take_unit(mine, theirs)
    report.carried += 1
    return True


def _gone_in_source(destination, uid, mine, their_events, my_events, entries, report) -> None:
    """A unit the source deleted: deleted here too, unless it changed here since."""
    if mine is None and not my_events:
        return  # never here: its history has nothing to belong to
    outcome = _outcome(None, mine, their_events, my_events)
    if outcome == "conflict":
        report.conflicts.append(_conflict(None, mine, their_events, my_events, uid=uid))
        return
    if outcome == "source":
        destination.drop_unit(mine)
        report.deleted += 1
    entries.append((_missing(their_events, my_events), mine or _deleted(uid, my_events)))


def _add(destination, fresh, held, theirs, entries, report) -> None:
    """New units (and those whose provenance is merged) as an import adds them; new units bring
    their history, under the unit that holds their pair here if one did already."""
    destination.add_units(fresh)
    new = [u for u in fresh if u.uid not in held]
    stored = destination.units_by_uid(u.uid for u in new)
    report.added += len(stored)  # (the others' pairs were here already: their provenance merged)
    for unit in new:
        mine = stored.get(unit.uid) or destination.find_pair(unit)
        report.unit_ids[unit.id] = mine.id
        entries.append(([e.uid for e in theirs.get(unit.uid, [])], mine))


def _deleted(uid: str, my_events: list[Event]) -> Unit:
    """A deleted unit as far as its history here knows it (what carried entries belong to)."""
    return Unit("", "", id=my_events[0].unit_id, uid=uid)


def _missing(their_events: list[Event], my_events: list[Event]) -> list[str]:
    known = {e.uid for e in my_events}
    return [e.uid for e in their_events if e.uid not in known]


def _carry_history(source: SQLMemory, destination: SQLMemory, entries) -> int:
    """The source's history entries the destination lacks, under the destination's units."""
    owner = {uid: unit for uids, unit in entries for uid in uids}
    rows = []
    for row in source.history_by_uid(owner):
        row = list(row)
        row[_UNIT_ID], row[_UNIT_UID] = owner[row[_UID]].id, owner[row[_UID]].uid
        rows.append(tuple(row))
    return destination.add_history(rows)


def _conflict(theirs, mine, their_events, my_events, why: str | None = None, uid=None) -> dict:
    """Both versions of a unit, as the report shows them."""
    return {
        "uid": uid or (theirs or mine).uid,
        "source": (theirs or mine).source if (theirs or mine) else None,
        "why": why or "changed in both since they were copied",
        "in_source": _version(theirs, their_events),
        "in_destination": _version(mine, my_events),
    }


def _version(unit: Unit | None, events: list[Event]) -> dict:
    if unit is not None:
        return {
            "unit": unit.id,
            "target": unit.target,
            "deleted": False,
            "changed_at": unit.changed_at,
            "changed_by": unit.changed_by,
        }
    last = events[-1] if events else None
    return {
        "unit": last.unit_id if last else None,
        "target": None,
        "deleted": True,
        "changed_at": last.changed_at if last else None,
        "changed_by": last.changed_by if last else None,
    }


def _batches(units: Iterator[Unit]) -> Iterator[list[Unit]]:
    while batch := list(islice(units, _BATCH)):
        yield batch
