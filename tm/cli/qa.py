"""`tm qa`: the Xbench-style QA report of a whole memory or a review workbook (thin: parse, call,
print)."""

from __future__ import annotations

import sys

import click

from tm.cli.common import (
    EXIT_FINDINGS,
    db_option,
    force_option,
    glossary_option,
    json_option,
    memory_at,
    print_json,
    termbase_of,
)


@click.command()
@click.argument("workbook", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default=None, help="Write the findings to this .xlsx (filterable).")
@click.option(
    "--show", type=click.IntRange(0), default=5, show_default=True, help="Findings printed per check."
)
@glossary_option
@force_option
@db_option
@json_option
def qa(workbook, output, show, glossary_name, force, db, as_json) -> None:
    """QA of the whole memory (or of a review WORKBOOK written by `tm translate`): the same source
    with different targets, the same target for different sources, glossary violations, numbers,
    a workbook row's placeholders (differing from its source's, or mistyped), untranslated or
    source-copied targets, double spaces, unpaired brackets and quotes. Counts per
    check; each finding names its units, documents and dates. Exits 1 when anything is found."""
    from tm.errors import UserError
    from tm.formats.outputs import check_outputs
    from tm.workflow.qa_report import (
        CHECKS,
        memory_report,
        report_data,
        rows_report,
        workbook_items,
        write_xlsx,
    )

    if output and not output.lower().endswith(".xlsx"):
        raise UserError(f"{output}: the report must be an .xlsx file")
    with memory_at(db) as memory:
        if output:
            check_outputs([output], [workbook] if workbook else [], memory=memory.file, force=force)
        recognizer = termbase_of(memory).recognizer(glossary_name)
        if workbook:
            report = rows_report(workbook, workbook_items(workbook), recognizer)
        else:
            report = memory_report(memory, recognizer)
    if output:
        write_xlsx(report, output)
    if as_json:
        print_json(report_data(report))
    else:
        click.echo(f"{report.scope}: {report.units:,} units, {len(report.findings):,} findings")
        for check, count in report.counts.items():
            click.echo(f"  {check:<32}{count:>8,}")
        for check in CHECKS:
            for f in [f for f in report.findings if f.check == check][:show]:
                where = "; ".join(dict.fromkeys(d for d in f.documents if d)) or "no document"
                units = ", ".join(f.ids[:10]) + (" …" if len(f.ids) > 10 else "")
                click.echo(f"{check} · units {units} · {where} · {max(f.dates) or 'no date'}")
                click.echo(f"  {f.source}\n  → {f.target}\n  {f.message}")
        if output:
            click.echo(f"wrote {output}")
    if report.findings:
        sys.exit(EXIT_FINDINGS)


COMMANDS = [qa]
