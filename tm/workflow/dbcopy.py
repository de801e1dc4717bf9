"""`tm db copy`: a memory with its glossary, provenance and history moved between backends
(SQLite → PostgreSQL to start a team server, PostgreSQL → SQLite for a laptop), streaming, in
one transaction on the destination. Into an empty memory units keep their ids (history and
reviewed sheets name them); --merge adds to a memory that holds some, as an import would."""

from __future__ import annotations

from glossary.model import CONTENT_FIELDS
from glossary.store import Termbase
from tm.errors import UserError
from tm.memory.sql import SQLMemory


def copy_memory(source: SQLMemory, destination: SQLMemory, merge: bool = False) -> dict:
    """Copy everything; the counts copied."""
    termbase, target_terms = Termbase.of(source), Termbase.of(destination)
    report = {"units": 0, "terms": 0, "history": 0}
    with destination.transaction():  # (counted inside: an import landing meanwhile is seen)
        held_units, held_terms = destination.count(), target_terms.count()
        if (held_units or held_terms) and not merge:
            raise UserError(
                f"{destination.location} holds {held_units} units and {held_terms} glossary entries; "
                "--merge adds to it, nothing is copied otherwise"
            )
        keep_ids = not held_units
        result = destination.add_units(source.iter_units(), keep_ids=keep_ids)
        report["units"] = result.added + result.updated
        ids = None if keep_ids else _renumbered(source, destination)
        if keep_ids:
            destination.reserve_unit_ids(source.next_unit_id())
        report["history"] = destination.add_history(source.all_history(), ids)
        destination.add_reviewed_rows(source.all_reviewed_rows(), ids)
        for name, priority, _ in termbase.glossaries():
            rows = [(None, _as_stated(entry)) for entry in termbase.entries(name)]
            added = target_terms.import_entries(rows, name, priority, "fail", transaction=False)
            report["terms"] += added.added + added.updated + added.unchanged
    return report


def _renumbered(source: SQLMemory, destination: SQLMemory) -> dict[int, int]:
    """Source unit id → destination unit id, for the units history and reviews name."""
    named = {row[0] for row in source.all_history()} | {row[2] for row in source.all_reviewed_rows()}
    out = {}
    for uid, (unit, _) in source.units_by_id(named).items():
        stored = destination.find_pair(unit)
        if stored is not None:
            out[uid] = stored.id
    return out


def _as_stated(entry):
    """An entry that states only its filled fields: merged into a stored entry it adds what it
    has and never clears a note, domain or flag the destination holds."""
    filled = {name for name in CONTENT_FIELDS if getattr(entry, name) not in (None, "", [], False)}
    entry.given = frozenset(filled - ({"status"} if entry.status == "approved" else set()))
    return entry
