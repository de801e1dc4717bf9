"""A reviewed alignment sheet into the memory (`tm align --review FILE.xlsx --import`), in one
transaction, each reviewer's comment kept with the unit its link decides: the note of a unit the
link creates; in the history of a stored unit the link accepts again, or rejects."""

from __future__ import annotations

from tm.align.io import Reviewed, ReviewedLink, units_from_pairs
from tm.memory.base import Memory
from tm.memory.units import ImportResult, Unit


def store_reviewed(memory: Memory, reviewed: Reviewed, document: str, sheet_name: str) -> ImportResult:
    """Store the links to store (origin aligned, ``document``) and keep the comments; the units
    added and updated, and the comments kept in a history."""
    stored = [k for k in reviewed.links if k.stored]
    units = units_from_pairs([(k.zh, k.en) for k in stored], document)
    with memory.transaction():
        held = [memory.find_pair(unit) for unit in units]
        for unit, link, before in zip(units, stored, held):
            if before is None:
                unit.note = link.comment or None
        result = memory.add_units(units)
        for link, before in zip(stored, held):
            if before is not None and link.comment:
                result.comments += _keep(memory, before, "comment", _where(sheet_name, link), link.comment)
        for link in reviewed.links:
            if link.decision == "reject":
                unit = memory.find_pair(Unit(link.zh, link.en, "zh", "en"))
                if unit is not None:
                    result.comments += _keep(memory, unit, "reject", _where(sheet_name, link), link.comment)
    return result


def _where(sheet_name: str, link: ReviewedLink) -> str:
    return f"tm align --review {sheet_name} link {link.link}" + (
        f", {link.decision}" if link.decision else ""
    )


def _keep(memory: Memory, unit: Unit, action: str, reason: str, comment: str) -> int:
    """Record the decision once (a sheet imported again adds nothing, nor a comment that is the
    note of the unit an earlier import created); 1 when a comment was kept."""
    if action == "comment" and comment == unit.note:
        return 0
    if any(
        (e["action"], e["reason"], e["comment"] or "") == (action, reason, comment)
        for e in memory.history(unit.id)
    ):
        return 0
    if action == "reject":
        memory.record_rejection(unit.id, None, reason, comment)
    else:
        memory.record_comment(unit.id, None, reason, comment)
    return int(bool(comment))
