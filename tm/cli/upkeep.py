"""The upkeep of the memory's units: delete, edit, history (moved out of tm.cli.memory, which
outgrew one sitting)."""

from __future__ import annotations

from dataclasses import asdict

import click

from tm.cli.common import db_option, json_option, link_stored, memory_at, print_json
from tm.errors import UserError


def _unit_line(unit) -> str:
    return f"unit {unit.id}: {unit.source} → {unit.target}"


def _gone(memory, unit_id: int) -> str:
    """Why there is no unit ``unit_id``: deleted (when, by whom, why), or never one."""
    deleted = [e for e in memory.history(unit_id) if e["action"] == "delete"]
    if not deleted:
        return f"no unit {unit_id} in {memory.location}"
    last = deleted[-1]
    why = f" ({last['reason']})" if last.get("reason") else ""
    return f"unit {unit_id} was deleted {last['changed_at'][:16]} by {last['changed_by'] or 'someone'}{why}"


@click.command()
@click.argument("unit_ids", nargs=-1, type=int)
@click.option("--document", default=None, help="Delete every unit of this document.")
@click.option("--reason", default=None, help="Recorded in the history of each unit deleted.")
@click.option("--dry-run", is_flag=True, help="Show what would be deleted; delete nothing.")
@db_option
@json_option
def delete(unit_ids, document, reason, dry_run, db, as_json) -> None:
    """Delete units by id (as lookups show them) or a whole --document; each is kept in its
    history, and its id is never given to another unit."""
    if bool(unit_ids) == bool(document):
        raise click.UsageError("give UNIT_ID… or --document NAME")
    with memory_at(db) as memory:
        ids = list(unit_ids) if unit_ids else memory.document_unit_ids(document)
        unknown = sorted(set(ids) - set(memory.units_by_id(ids)))
        if unit_ids and unknown:
            raise UserError(f"{'; '.join(_gone(memory, uid) for uid in unknown)}; nothing deleted")
        if document and not ids:
            raise UserError(f"no unit of document {document!r} in {memory.location}")
        with memory.transaction(commit=not dry_run):
            deleted = memory.delete_units(ids, memory.user, reason or "tm delete")
    if as_json:
        print_json({"dry_run": dry_run, "deleted": [asdict(u) for u in deleted]})
        return
    for unit in deleted[:20]:
        click.echo(_unit_line(unit))
    if len(deleted) > 20:
        click.echo(f"… and {len(deleted) - 20} more")
    click.echo(f"{'would delete' if dry_run else 'deleted'} {len(deleted)} unit(s)")


@click.command(name="edit")
@click.argument("unit_id", type=int)
@click.option("--target", required=True, help="The corrected translation.")
@click.option("--reason", default=None, help="Recorded in the unit's history.")
@db_option
@json_option
def edit_unit(unit_id, target, reason, db, as_json) -> None:
    """Correct the target of a unit; the old one stays in its history."""
    with memory_at(db) as memory:
        found = memory.units_by_id([unit_id]).get(unit_id)
        if found is None:
            raise UserError(_gone(memory, unit_id))
        unit = found[0]
        if unit.target == target.strip():
            raise UserError(f"unit {unit_id} already says that")
        with memory.transaction():
            memory.replace_target(unit, target.strip(), memory.user, reason or "tm edit", action="edit")
        edited = memory.units_by_id([unit_id])[unit_id][0]
        link_stored(memory)
    if as_json:
        print_json({"before": asdict(unit), "after": asdict(edited)})
        return
    click.echo(f"unit {unit_id}: “{unit.target}” → “{edited.target}”")


@click.command()
@click.argument("unit_id", type=int)
@db_option
@json_option
def history(unit_id, db, as_json) -> None:
    """Who stored a unit, and what happened to it since: corrections by review or edit,
    confirmations, rejections and reviewers' comments (who, when, which sheet), and its deletion
    with what it held."""
    with memory_at(db) as memory:
        found = memory.units_by_id([unit_id]).get(unit_id)
        events = memory.history(unit_id)
    unit = found[0] if found else next((e["unit"] for e in events if e.get("unit")), None)
    if unit is None:
        raise UserError(f"no unit {unit_id} in the memory, and none was deleted")
    unit = asdict(unit) if found else unit
    if as_json:
        print_json({"unit": unit, "deleted": found is None, "history": events})
        return
    click.echo(f"unit {unit_id}: {unit['source']} → {unit['target'] if found else '(deleted)'}")
    click.echo(f"  stored {unit['created_at']} by {unit['created_by'] or '?'}; origin now {unit['origin']}")
    if unit["note"]:
        click.echo(f"    note: {unit['note']}")
    for e in events:
        who = f"{e['changed_at']} by {e['changed_by'] or '?'}"
        if e["action"] == "delete":
            click.echo(f"  deleted {who}: it said “{e['old_target']}” ({e['reason']})")
        elif e["action"] == "confirm":
            click.echo(f"  confirmed {who} ({e['reason']})")
        elif e["action"] == "reject":
            click.echo(f"  rejected {who} where it was proposed ({e['reason']})")
        elif e["action"] == "comment":
            click.echo(f"  commented {who} ({e['reason']})")
        else:
            click.echo(f"  {e['action']} {who}: “{e['old_target']}” → “{e['new_target']}” ({e['reason']})")
        if e["comment"]:
            click.echo(f"    comment: {e['comment']}")


COMMANDS = [delete, edit_unit, history]
