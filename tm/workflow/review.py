"""`tm review`: a reviewed sheet back into the memory, in one transaction.

Approved rows become units of origin ``reviewed``. Where the proposal was the memory's own
translation of the same source (a 100 or 101 match) and the reviewer changed it, that unit's
target is replaced and the old one kept in its history; otherwise the reviewed pair is a unit of
its own. Each row remembers the unit it stored, so a later round of the same sheet that changes
an approved target corrects that unit instead of adding a second translation beside it. A row
whose proposal was a unit's translation of the same source is a decision about that unit: if the
unit was changed or deleted after the sheet was written (another sheet, `tm edit`, `tm delete`),
the row is refused, saying who changed it, when and why (``force`` stores it as a correction of
the unit, never as a second translation beside it). A pair already stored as reviewed is left
alone, so importing a sheet twice changes nothing the second time. The reviewed targets get the
same QA as proposals; ``strict`` refuses the rows it flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tm.errors import StaleUnit
from tm.formats.inline import placeholder_issue, plain
from tm.memory.base import Memory
from tm.memory.units import Unit
from tm.text.normalize import surface
from tm.workflow.sheet import ReviewSheet, SheetRow


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
    withdrawn: list[str] = field(default_factory=list)  # ids whose earlier approval a rejection undid
    kept: list[tuple[str, int]] = field(default_factory=list)  # rejected, but the unit predates the sheet
    rejections: list[tuple[str, int]] = field(default_factory=list)  # (row, unit) whose proposal was rejected
    findings: list[tuple[int, str, str]] = field(default_factory=list)  # QA: (sheet row, id, issue)
    unkept_comments: list[str] = field(default_factory=list)  # ids of draft rows with a comment

    @property
    def stored(self) -> int:
        return self.added + self.corrected + self.confirmed


class _Refused(Exception):
    """A row that cannot be applied; the others still are."""


def import_review(
    memory: Memory,
    sheet: ReviewSheet,
    reviewer: str | None = None,
    dry_run: bool = False,
    recognizer=None,
    strict: bool = False,
    force: bool = False,
) -> ReviewReport:
    """Apply the approved rows of ``sheet``; a dry run reports the same and stores nothing.
    With a ``recognizer`` the approved targets are checked (terms, numbers) and the findings
    reported; ``strict`` leaves the rows with findings out, as refused. ``force`` applies rows
    whose unit changed since the sheet was written, as corrections of it."""
    report = ReviewReport(refused=[(row.number, row.id, why) for row, why in sheet.refused])
    approved = []
    rejected = []
    for row in sheet.usable:
        if row.status == "rejected":
            report.rejected += 1
            rejected.append(row)
        elif row.status == "draft":
            report.drafts.append(row.id)
            if row.comment.strip():  # a comment is kept with a decision; a draft is none yet
                report.unkept_comments.append(row.id)
        elif not row.target:  # (trimmed when the sheet is read)
            report.empty.append(row.id)
        else:
            approved.append(row)
    if recognizer is not None:
        approved = _quality_check(approved, recognizer, strict, report)
    # The memory holds plain text: formatting belongs to the document, and a placeholder in a
    # stored source would keep the same sentence from ever matching again.
    approved = [_plain_row(row) for row in approved]
    rejected = [_plain_row(row) for row in rejected]
    with memory.transaction(commit=not dry_run):
        for row in rejected:
            _withdraw(memory, row, reviewer, sheet, report)
        new_rows: dict[tuple[str, str], list[SheetRow]] = {}  # a pair repeated in the sheet is one unit
        for row in approved:
            try:
                outcome = _apply(memory, row, reviewer, sheet, force)
            except _Refused as why:
                report.refused.append((row.number, row.id, str(why)))
                continue
            if outcome is None:
                new_rows.setdefault((row.source, row.target), []).append(row)
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
        if new_rows:
            units = [_unit(rows[0], reviewer) for rows in new_rows.values()]
            held = {id(u) for u in units if memory.find_pair(u) is not None}  # (an earlier row made it)
            report.added = memory.add_units(units).added
            for unit, rows in zip(units, new_rows.values()):
                stored = memory.find_pair(unit)
                for row in rows:
                    memory.record_reviewed_row(
                        sheet.sheet_id, row.id, stored.id, row.target, id(unit) not in held
                    )
    report.refused.sort()
    return report


def _withdraw(memory: Memory, row: SheetRow, reviewer: str | None, sheet: ReviewSheet, report) -> None:
    """A rejected row. Where an earlier round approved it, the unit that round created goes
    (recorded in its history), and a unit that was in the memory before the sheet stays, named;
    otherwise, where the memory's own translation was proposed, the rejection is kept in that
    unit's history with the reviewer's comment."""
    earlier = memory.reviewed_row(sheet.sheet_id, row.id)
    if earlier is None:
        proposing = _proposing_unit(memory, row)
        if proposing is not None and proposing.target == row.proposed:  # the memory's own, turned down
            said = [e for e in memory.history(proposing.id) if e["action"] == "reject"]
            if any(
                e["reason"] == _reason(sheet, row) and e["comment"] == (row.comment or None) for e in said
            ):
                return  # this sheet's rejection, imported again: recorded once
            memory.record_rejection(proposing.id, reviewer, _reason(sheet, row), row.comment)
            report.rejections.append((row.id, proposing.id))
        return
    unit_id, target, added = earlier
    found = memory.units_by_id([unit_id]).get(unit_id)
    if found is None or found[0].target != target:
        return  # deleted or changed since: not this sheet's to undo
    if added:
        reason = f"{_reason(sheet, row)}: rejected in a later round"
        memory.delete_units([unit_id], reviewer, reason, row.comment)
        report.withdrawn.append(row.id)
    else:
        memory.record_rejection(unit_id, reviewer, _reason(sheet, row), row.comment)
        report.kept.append((row.id, unit_id))


def _reason(sheet: ReviewSheet, row: SheetRow) -> str:
    """Where a decision was taken, as a unit's history says it: the sheet and row (the reviewer's
    comment is kept beside it, with every decision)."""
    return f"tm review {sheet.path.name} {row.id}"


def _plain_row(row: SheetRow) -> SheetRow:
    return replace(row, source=plain(row.source), target=plain(row.target), proposed=plain(row.proposed))


def _quality_check(rows: list[SheetRow], recognizer, strict: bool, report: ReviewReport) -> list[SheetRow]:
    """The rows to store: all of them, or with ``strict`` those without findings (terms and
    numbers on the plain text; placeholders the target lacks or adds)."""
    from glossary.qa import Pair, check_document

    by_id = {row.id: row for row in rows}
    flagged: set[str] = set()
    documents: dict[str, list[Pair]] = {}
    for row in rows:
        documents.setdefault(row.document, []).append(Pair(row.id, plain(row.source), plain(row.target)))
        issue = placeholder_issue(row.source, row.target)
        if issue:
            report.findings.append((row.number, row.id, issue))
            flagged.add(row.id)
    for pairs in documents.values():
        for issue in check_document(pairs, recognizer):
            for segment_id in issue.segment.split(", "):
                if segment_id in by_id:
                    report.findings.append(
                        (by_id[segment_id].number, segment_id, f"{issue.kind}: {issue.message}")
                    )
                    flagged.add(segment_id)
    report.findings = sorted(set(report.findings))  # a term twice in a row is one finding
    if not strict:
        return rows
    for row in rows:
        if row.id in flagged:
            report.refused.append((row.number, row.id, "QA findings (--strict)"))
    return [row for row in rows if row.id not in flagged]


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


def _apply(
    memory: Memory, row: SheetRow, reviewer: str | None, sheet: ReviewSheet, force: bool = False
) -> str | None:
    """What one approved row does to stored units; None when it needs a new unit."""
    reason = _reason(sheet, row)
    earlier = memory.reviewed_row(sheet.sheet_id, row.id)  # what a round of this sheet stored
    if earlier is not None and not force and _deleted_by_others(memory, earlier[0], reason):
        # deleted since this sheet's earlier round stored it: importing the sheet again must not
        # bring it back
        raise _Refused(
            _changed_since(memory, earlier[0], "deleted", "which an earlier review of this sheet stored,")
        )
    corrected = _earlier_round(memory, row, sheet, reviewer, reason, earlier, force)
    if corrected is not None:
        return corrected
    stored = memory.find_pair(_unit(row, reviewer))
    proposing = _proposing_unit(memory, row)
    if stored is None and proposing is not None:
        # the memory may spell the source otherwise (pinyin, spacing): its own pair with this target
        same = proposing.target == row.target
        stored = proposing if same else memory.find_pair(replace(proposing, target=row.target))
    if stored is not None:  # the reviewed pair is stored already
        created = bool(earlier and earlier[0] == stored.id and earlier[2])  # a round of this sheet made it
        memory.record_reviewed_row(sheet.sheet_id, row.id, stored.id, row.target, created)
        if stored.origin == "reviewed":
            _keep_new_comment(memory, stored, row, reviewer, reason)
            return "unchanged"
        memory.mark_reviewed(stored.id, reviewer, row.document, row.context or None, reason, row.comment)
        return "confirmed"
    if proposing is not None and (proposing.target == row.proposed or force):
        try:  # (nobody changed it since the sheet was written, or the reviewer insists)
            memory.replace_target(
                proposing,
                row.target,
                reviewer,
                reason,
                row.document,
                row.context or None,
                comment=row.comment,
            )
        except StaleUnit:  # another review got there first, while this one ran
            raise _Refused(_changed_since(memory, proposing.id, "changed", sheet=sheet)) from None
        memory.record_reviewed_row(sheet.sheet_id, row.id, proposing.id, row.target)
        return "corrected"
    if proposing is not None:
        raise _Refused(_changed_since(memory, proposing.id, "changed", sheet=sheet))
    if not force and _deleted_proposal(memory, row):
        raise _Refused(_changed_since(memory, row.unit_id, "deleted"))
    return None


def _deleted_by_others(memory: Memory, unit_id: int, reason: str) -> bool:
    """Whether the unit is gone, deleted by anything but this very row of this sheet (a later
    round's rejection withdraws what an earlier round stored; approving it again is the row's)."""
    if unit_id in memory.units_by_id([unit_id]):
        return False
    gone = [e for e in memory.history(unit_id) if e["action"] == "delete"]
    said = (gone[-1]["reason"] or "") if gone else ""
    return not (said == reason or said.startswith(reason + ":"))  # (not row doc:1:10 for doc:1:1)


def _deleted_proposal(memory: Memory, row: SheetRow) -> bool:
    """Whether the row proposed a unit's translation of this very source that was deleted since."""
    if row.unit_id is None or row.unit_id in memory.units_by_id([row.unit_id]):
        return False
    gone = [e.get("unit") for e in memory.history(row.unit_id) if e["action"] == "delete"]
    return bool(gone and gone[-1] and surface(gone[-1]["source"]) == surface(row.source))


def _changed_since(
    memory: Memory,
    unit_id: int,
    what: str,
    relation: str = "whose translation this row proposed,",
    sheet: ReviewSheet | None = None,
) -> str:
    """Why a row about a unit that changed after its sheet was written is refused, with who did
    it, when and why, and what the reviewer can do."""
    changes = [e for e in memory.history(unit_id) if e["action"] in ("review", "edit", "delete")]
    last = changes[-1] if changes else {}
    prefix = f"tm review {sheet.path.name} " if sheet is not None else None
    if prefix and (last.get("reason") or "").startswith(prefix):  # this very sheet, another row
        found = re.match(r"(.*?:\d+:\d+)", last["reason"][len(prefix) :])
        row_id = found.group(1) if found else "?"
        return (
            f"row {row_id} of this sheet gives unit {unit_id}'s source another translation "
            f"(“{last.get('new_target', '')}”, stored); give both rows the same one, or --force "
            "stores this row's over it"
        )
    who = f" by {last.get('changed_by') or 'someone'}, {last.get('changed_at', '')[:16]}" if last else ""
    why = f" ({last['reason']})" if last.get("reason") else ""
    if what == "deleted":
        return (
            f"unit {unit_id}, {relation} was deleted after the sheet was written{who}{why}; "
            "--force stores the row anyway"
        )
    now_says = f"; it now says “{last['new_target']}”" if last.get("new_target") else ""
    return (
        f"unit {unit_id}, {relation} was changed after the sheet was written{who}{why}{now_says}; "
        "review it in a new sheet, or --force stores this row as a correction of it"
    )


def _keep_new_comment(memory: Memory, unit: Unit, row: SheetRow, reviewer, reason: str) -> None:
    """A comment on a row whose pair is stored as reviewed already: kept unless the unit holds it
    (a sheet imported again adds nothing)."""
    if not row.comment or row.comment == unit.note:
        return
    if all(e["comment"] != row.comment for e in memory.history(unit.id)):
        memory.record_comment(unit.id, reviewer, reason, row.comment)


def _earlier_round(
    memory: Memory,
    row: SheetRow,
    sheet: ReviewSheet,
    reviewer,
    reason: str,
    earlier: tuple | None,
    force: bool = False,
) -> str | None:
    """A row an earlier review of this sheet stored (``earlier``), now approved with another
    target: the unit that review stored is corrected (if nobody changed it since), never left
    beside a new one. An earlier round by another reviewer may have been a copy of the sheet
    handed to a colleague: that is refused unless ``force``, never silently overwritten."""
    if earlier is None or earlier[1] == row.target:
        return None
    unit_id, stored_target, added = earlier
    found = memory.units_by_id([unit_id]).get(unit_id)
    if found is None:
        return None  # deleted since: the row stores a unit of its own
    unit = found[0]
    if unit.target != stored_target:
        raise _Refused(
            f"unit {unit.id} was changed since this sheet's last review"
            f" (by {unit.changed_by or 'someone'}, {unit.changed_at}); review it again with a new sheet"
        )
    if not force and unit.changed_by and reviewer and unit.changed_by != reviewer:
        raise _Refused(
            f"unit {unit.id} says “{unit.target}”, stored by {unit.changed_by} ({unit.changed_at[:16]}) "
            "from this sheet or a copy of it; --force replaces it with this row's translation"
        )
    same_pair = memory.find_pair(replace(unit, target=row.target))
    if same_pair is not None:  # the corrected pair is a unit already: keep that one only
        if added:  # (a unit that predates the sheet is not the sheet's to remove)
            memory.delete_units([unit.id], reviewer, f"{reason}: corrected to unit {same_pair.id}")
        memory.mark_reviewed(same_pair.id, reviewer, row.document, row.context or None, reason, row.comment)
        memory.record_reviewed_row(sheet.sheet_id, row.id, same_pair.id, row.target)
        return "corrected"
    memory.replace_target(
        unit, row.target, reviewer, reason, row.document, row.context or None, comment=row.comment
    )
    memory.record_reviewed_row(sheet.sheet_id, row.id, unit.id, row.target, added)
    return "corrected"


def _proposing_unit(memory: Memory, row: SheetRow) -> Unit | None:
    """The memory unit whose translation of this very source (a 100 or 101 match) was proposed.
    A sheet written against another copy of the memory (a laptop's) names that copy's unit id:
    here the unit is the one holding the same source with the proposed translation."""
    if row.unit_id is None:
        return None
    found = memory.units_by_id([row.unit_id]).get(row.unit_id)
    if found is not None and surface(found[0].source) == surface(row.source):
        return found[0]
    if not row.proposed:
        return None
    return memory.find_pair(Unit(row.source, row.proposed))  # (one indexed read, not a look-up)
