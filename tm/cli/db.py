"""`tm db …`: setting up a team's memory on a PostgreSQL server, and moving a memory between
backends."""

from __future__ import annotations

import sys

import click

from tm.cli.common import EXIT_FINDINGS, link_stored, print_json
from tm.errors import UserError


@click.group()
def db() -> None:
    """A team's memory on PostgreSQL: create it, grant readers, copy memories between backends."""


@db.command(name="init")
@click.argument("url")
@click.option("--reader", "readers", multiple=True, help="A role that may only read (repeatable).")
def db_init(url: str, readers: tuple[str, ...]) -> None:
    """Create (or upgrade) the memory's schema on the server of URL, owned by URL's role, and let
    each --reader role read it (look-ups, concordance, glossary, stats, translate)."""
    from tm.memory.postgres import init_server, is_url, redact

    if not is_url(url):
        raise UserError(f"{url}: give a postgresql:// URL (a SQLite memory needs no init)")
    before, after = init_server(url, list(readers))
    state = "created" if before == 0 else "up to date" if before == after else f"upgraded from {before}"
    click.echo(f"{redact(url)}: schema {after} ({state})")
    for role in readers:
        click.echo(f"  {role} may read")


@db.command(name="copy")
@click.argument("source")
@click.argument("destination")
@click.option("--merge", is_flag=True, help="Sync into a destination that already holds units or entries.")
@click.option(
    "--replace", is_flag=True, help="Take SOURCE's version of a glossary entry both changed (or both added)."
)
@click.option(
    "--skip-conflicts", is_flag=True, help="Keep DESTINATION's version of a glossary entry both changed."
)
@click.option("--json", "as_json", is_flag=True, help="Print data as JSON.")
def db_copy(
    source: str, destination: str, merge: bool, replace: bool, skip_conflicts: bool, as_json: bool
) -> None:
    """Copy a memory with its glossary, provenance and history from SOURCE to DESTINATION (a
    SQLite file or a postgresql:// URL), in one transaction on the destination. With --merge,
    sync: edits and deletions made in SOURCE since the two were copied are carried, of units and
    glossary entries; one both changed is a conflict, listed and left as DESTINATION has it (exit
    status 1; for glossary entries unless --replace or --skip-conflicts)."""
    from tm.memory import open_memory
    from tm.workflow.dbcopy import copy_memory

    if replace and skip_conflicts:
        raise UserError("--replace and --skip-conflicts exclude each other")
    mode = "replace" if replace else "skip" if skip_conflicts else "fail"
    with open_memory(source, create=False) as src, open_memory(destination, create=True) as dst:
        same_file = src.file and dst.file and src.file.resolve() == dst.file.resolve()
        if same_file or src.location == dst.location:
            raise UserError("SOURCE and DESTINATION are the same memory")
        report = copy_memory(src, dst, merge, mode)
        link_stored(dst)
        names = (src.location, dst.location)
    if as_json:
        print_json({"source": names[0], "destination": names[1], **report})
    else:
        changed = f", {report['updated']} edits and {report['deleted']} deletions carried" if merge else ""
        terms = f"{report['terms']} glossary entries"
        if merge:
            terms += f" added, {report['terms_changed']} changed and {report['terms_removed']} removed"
        click.echo(
            f"{names[0]} → {names[1]}: {report['units']} units{changed}, {terms}, "
            f"{report['history'] + report['term_history']} history entries"
        )
        for word, settled in (("kept", report["terms_kept"]), ("replaced", report["terms_replaced"])):
            for conflict in settled:  # (kept: the destination's version, replaced: the source's)
                name = names[word == "kept"]
                click.echo(f"  {word}: {conflict['source']} ({conflict['glossary']}) as {name} has it")
        _print_conflicts(report["conflicts"], names)
        _print_term_conflicts(report["term_conflicts"], names)
    if report["conflicts"] or report["term_conflicts"]:
        sys.exit(EXIT_FINDINGS)


def _print_conflicts(conflicts: list[dict], names: tuple[str, str]) -> None:
    if not conflicts:
        return
    click.echo(
        f"{len(conflicts)} conflicts, left as {names[1]} has them; make both say the same "
        "(tm edit, tm delete) and merge again:"
    )
    for conflict in conflicts:
        click.echo(f"  {conflict['source']}  ({conflict['why']})")
        for side, name in (("in_source", names[0]), ("in_destination", names[1])):
            version = conflict[side]
            said = "deleted" if version["deleted"] else repr(version["target"])
            who = f"{version['changed_by']}, {version['changed_at']}"
            click.echo(f"    {name}, unit {version['unit']}: {said} ({who})")


def _print_term_conflicts(conflicts: list[dict], names: tuple[str, str]) -> None:
    """Each entry both changed, with what each side's version says where they differ."""
    if not conflicts:
        return
    click.echo(
        f"{len(conflicts)} glossary conflicts, left as {names[1]} has them; make both say the same "
        "(tm glossary edit, add, remove) and merge again, or merge with --replace (take "
        f"{names[0]}'s) or --skip-conflicts (keep {names[1]}'s):"
    )
    for conflict in conflicts:
        click.echo(f"  {conflict['source']} ({conflict['glossary']}): {conflict['why']}")
        theirs, mine = conflict["in_source"], conflict["in_destination"]
        for version, other, name in ((theirs, mine, names[0]), (mine, theirs, names[1])):
            who = f"{version['changed_by']}, {version['changed_at']}"
            if version["removed"] or other["removed"]:
                said = "removed" if version["removed"] else f"“{version['target']}”"
            else:
                differ = [k for k in version if k not in _STAMPS and version[k] != other[k]]
                said = "; ".join(f"{k.replace('_', ' ')}: {_shown(version[k])}" for k in differ)
            click.echo(f"    {name}: {said} ({who})")


_STAMPS = ("removed", "changed_at", "changed_by")


def _shown(value) -> str:
    if isinstance(value, list):
        return "; ".join(f"“{v}”" for v in value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if value not in (None, "", {}) else "(empty)"


COMMANDS = [db]
