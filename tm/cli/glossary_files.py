"""`tm glossary import` and `tm glossary export`: glossaries to and from CSV, TSV, XLSX and TBX."""

from __future__ import annotations

import click

from tm.cli.common import (
    db_option,
    encoding_option,
    force_option,
    glossary,
    glossary_option,
    memory_at,
    pair_options,
    relink_glossary,
    termbase_of,
)
from tm.errors import UserError


@glossary.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@glossary_option
@click.option("--priority", type=int, default=None, help="Priority of the glossary (higher wins).")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "xlsx", "tbx"]), default=None)
@click.option("--replace", is_flag=True, help="Take the file's rendering where it conflicts.")
@click.option("--skip-conflicts", is_flag=True, help="Keep the stored rendering where it conflicts.")
@click.option(
    "--sync",
    is_flag=True,
    help="The file holds whole entries: fields it leaves empty are cleared, list items it lacks removed.",
)
@pair_options
@encoding_option
def glossary_import(
    file, db, glossary_name, priority, fmt, replace, skip_conflicts, sync, source_lang, target_lang, encoding
) -> None:
    """Import a glossary (CSV, TSV, XLSX or TBX); all or nothing, conflicts listed. A stored entry
    changes only in what the file states (empty cells and missing columns leave it as it is;
    alternatives, forbidden renderings and source forms are added to), unless --sync. A TBX entry
    without the pair's languages is skipped, and its line listed."""
    from collections import Counter

    from glossary.formats import format_of
    from glossary.formats.tabular import read_table
    from glossary.formats.tbx import dropped_summary, read_tbx
    from glossary.formats.xlsx import read_xlsx
    from tm.formats.languages import PairReading

    if replace and skip_conflicts:
        raise UserError("--replace and --skip-conflicts exclude each other")
    kind = format_of(file, fmt)
    pairs = PairReading(file, source_lang, target_lang, "entry", "entries")
    dropped: Counter = Counter()  # what the TBX entries say that tm does not keep
    readers = {"tbx": lambda: read_tbx(file, pairs, dropped), "xlsx": lambda: read_xlsx(file)}
    rows = readers.get(kind, lambda: read_table(file, kind, encoding))()
    mode = "replace" if replace else "skip" if skip_conflicts else "fail"
    with memory_at(db, create=True) as memory:
        report = termbase_of(memory).import_entries(rows, glossary_name, priority, mode, sync)
        relink_glossary(memory, report.forms)
    click.echo(
        f"{file}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        + (f", {len(report.skipped)} conflicts kept as stored" if report.skipped else "")
    )
    for line in [*pairs.summary(), dropped_summary(dropped)]:
        if line:
            click.echo(f"  {line}")
    for term, changes in report.changes:
        click.echo(f"  {term}: {'; '.join(changes)}")
    for conflict in report.skipped:
        click.echo(f"  kept: {conflict}", err=True)


@glossary.command(name="export")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@glossary_option
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "xlsx", "tbx"]), default=None)
@click.option(
    "--dialect",
    type=click.Choice(["basic", "v3"]),
    default=None,
    help="TBX written: basic (TBX-Basic, <martif>, what most CAT tools read; the default) or v3 (<tbx>).",
)
@force_option
def glossary_export(file, db, glossary_name, fmt, dialect, force) -> None:
    """Export entries to CSV, TSV, XLSX or TBX (written atomically)."""
    from glossary.formats import format_of
    from glossary.formats.tabular import write_table
    from glossary.formats.tbx_write import write_tbx
    from glossary.formats.xlsx import write_xlsx
    from tm.formats.outputs import check_outputs

    kind = format_of(file, fmt)
    if dialect and kind != "tbx":
        raise UserError(f"--dialect is for TBX; {file} is written as {kind}")
    with memory_at(db) as memory:
        check_outputs([file], memory=memory.file, force=force)
        entries = termbase_of(memory).entries(glossary_name)
    count = (
        write_tbx(entries, file, dialect or "basic")
        if kind == "tbx"
        else write_xlsx(entries, file)
        if kind == "xlsx"
        else write_table(entries, file, kind)
    )
    click.echo(f"{file}: {count} entries", err=True)


COMMANDS: list = []  # subcommands of `tm glossary`, registered on the group by their decorators
