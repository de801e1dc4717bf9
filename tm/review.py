"""`tm review`: a reviewed sheet back into the memory, in one transaction.

Approved rows become units of origin ``reviewed``. Where the proposal was the memory's own
translation of the same source (a 100 or 101 match) and the reviewer changed it, that unit's
target is replaced and the old one kept in its history; otherwise the reviewed pair is a unit of
its own. A pair already stored as reviewed is left alone, so importing a sheet twice changes
nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tm.sheets import ReviewSheet, SheetRow
from tm.store import Memory, Unit
from tm.text import surface


@dataclass
class ReviewReport:
    added: int = 0  # new units
    corrected: int = 0  # an earlier unit's target replaced
    confirmed: int = 0  # a stored unit marked reviewed as it was
    unchanged: int = 0  # already stored as reviewed
    rejected: int = 0
    drafts: list[str] = field(default_factory=list)  # ids still in draft
    empty: list[str] = field(default_factory=list)  # approved with no target
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (sheet row, id, why)

    @property
    def stored(self) -> int:
        return self.added + self.corrected + self.confirmed


def import_review(
    memory: Memory, sheet: ReviewSheet, reviewer: str | None = None, dry_run: bool = False
) -> ReviewReport:
    """Apply the approved rows of ``sheet``; a dry run reports the same and stores nothing."""
    report = ReviewReport(refused=[(row.number, row.id, why) for row, why in sheet.refused])
    approved = []
    for row in sheet.usable:
        if row.status == "rejected":
            report.rejected += 1
        elif row.status == "draft":
            report.drafts.append(row.id)
        elif not row.target:  # (trimmed when the sheet is read)
            report.empty.append(row.id)
        else:
            approved.append(row)
    with memory.transaction(commit=not dry_run):
        new_units: dict[tuple[str, str], Unit] = {}  # a pair repeated in the sheet is one unit
        for row in approved:
            outcome = _apply(memory, row, reviewer, sheet.path.name)
            if outcome is None:
                new_units.setdefault((row.source, row.target), _unit(row, reviewer))
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
        report.added = memory.add_units(new_units.values()).added if new_units else 0
    return report


def _unit(row: SheetRow, reviewer: str | None) -> Unit:
    return Unit(
        row.source,
        row.target,
        origin="reviewed",
        document=row.document,
        context=row.context or None,
        created_by=reviewer,
        note=row.comment or None,
    )


def _apply(memory: Memory, row: SheetRow, reviewer: str | None, sheet_name: str) -> str | None:
    """What one approved row does to stored units; None when it needs a new unit."""
    stored = memory.find_pair(_unit(row, reviewer))
    proposing = _proposing_unit(memory, row)
    if stored is None and proposing is not None:
        # the memory may spell the source otherwise (pinyin, spacing): its own pair with this target
        same = proposing.target == row.target
        stored = proposing if same else memory.find_pair(replace(proposing, target=row.target))
    if stored is not None:  # the reviewed pair is stored already
        if stored.origin == "reviewed":
            return "unchanged"
        memory.mark_reviewed(stored.id, reviewer, row.document, row.context or None)
        return "confirmed"
    if proposing is not None and proposing.target == row.proposed:  # nobody changed it since
        reason = f"tm review {sheet_name} {row.id}"
        memory.replace_target(proposing, row.target, reviewer, reason, row.document, row.context or None)
        return "corrected"
    return None


def _proposing_unit(memory: Memory, row: SheetRow) -> Unit | None:
    """The memory unit whose translation of this very source (a 100 or 101 match) was proposed."""
    if row.unit_id is None:
        return None
    found = memory.units_by_id([row.unit_id]).get(row.unit_id)
    if found is None or surface(found[0].source) != surface(row.source):
        return None
    return found[0]
