"""`tm db copy`: a memory with its glossary, provenance and history moved between backends
(SQLite → PostgreSQL to start a team server, PostgreSQL → SQLite for a laptop), streaming, in
one transaction on the destination. Into an empty memory units keep their ids (history and
reviewed sheets name them) and, as into any, their identity; --merge into one that holds some
syncs it with the source (units: tm.workflow.dbsync, the glossary: glossary.sync)."""

from __future__ import annotations

from glossary.store import Termbase
from glossary.sync import sync_glossary
from tm.errors import UserError
from tm.memory.sql import SQLMemory
from tm.workflow.dbsync import sync


def copy_memory(
    source: SQLMemory, destination: SQLMemory, merge: bool = False, on_conflict: str = "fail"
) -> dict:
    """Copy (or sync) everything; what was copied and the conflicts left for a person.
    ``on_conflict``: what a glossary entry both changed gets: 'fail' (listed, left as the
    destination has it), 'replace' (the source's) or 'skip' (the destination's)."""
    termbase, target_terms = Termbase.of(source), Termbase.of(destination)
    report = {"units": 0, "updated": 0, "deleted": 0, "history": 0, "conflicts": []}
    with destination.transaction():  # (counted inside: an import landing meanwhile is seen)
        held_units, held_terms = destination.count(), target_terms.count()
        if (held_units or held_terms) and not merge:
            raise UserError(
                f"{destination.location} holds {held_units} units and {held_terms} glossary entries; "
                "--merge adds to it, nothing is copied otherwise"
            )
        if held_units or destination.has_history():
            synced = sync(source, destination)
            report.update(units=synced.added, updated=synced.carried, deleted=synced.deleted)
            report.update(history=synced.history, conflicts=synced.conflicts)
        else:
            report["units"] = destination.add_units(source.iter_units(), keep_ids=True).added
            destination.reserve_unit_ids(source.next_unit_id())
            report["history"] = destination.add_history(source.all_history())
            destination.add_reviewed_rows(source.all_reviewed_rows())
            destination.store_links(source.iter_links())  # the same ids: the same links
            if model := source.word_model():
                destination.store_word_model(model[0], model[2], model[1])
        terms = sync_glossary(termbase, target_terms, on_conflict)
        report.update(terms=terms.added, terms_changed=terms.changed, terms_removed=terms.removed)
        report.update(term_history=terms.history, term_conflicts=terms.conflicts)
        report.update(terms_kept=terms.kept, terms_replaced=terms.replaced)
    return report
