"""`tm glossary …`: curating entries, interchange, look-ups and QA."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from tm.cli.common import (
    EXIT_FINDINGS,
    EXIT_NO_MATCH,
    db_option,
    encoding_option,
    entry_data,
    force_option,
    glossary,
    glossary_option,
    highlight,
    json_option,
    memory_at,
    print_json,
    relink_glossary,
    termbase_of,
)
from tm.errors import UserError


@glossary.command(name="add")
@click.argument("source")
@click.argument("target")
@db_option
@glossary_option
@click.option("--variant", multiple=True, help="Another source form (repeatable).")
@click.option("--alt", "alternatives", multiple=True, help="Another accepted rendering (repeatable).")
@click.option("--forbidden", multiple=True, help="A forbidden rendering (repeatable).")
@click.option("--note", default=None)
@click.option("--domain", default=None)
@click.option("--reference", default=None, help="Where the rendering is documented.")
@click.option("--status", type=click.Choice(["approved", "proposed", "deprecated"]), default=None)
@click.option(
    "--case-sensitive/--no-case-sensitive", default=None, help="The English must match case exactly."
)
@click.option("--replace", is_flag=True, help="Replace a different approved rendering.")
def glossary_add(
    source,
    target,
    db,
    glossary_name,
    variant,
    alternatives,
    forbidden,
    note,
    domain,
    reference,
    status,
    case_sensitive,
    replace,
) -> None:
    """Add the entry SOURCE → TARGET, or add to the stored entry what the options name: lists
    (--variant, --alt, --forbidden) are added to, other fields change only when given; nothing
    else of the entry changes (`tm glossary edit` removes)."""
    from glossary.model import DEFAULT_GLOSSARY, Entry

    stated = {"variant": variant, "alternatives": alternatives, "forbidden": forbidden, "note": note}
    stated |= {"domain": domain, "reference": reference, "status": status, "case_sensitive": case_sensitive}
    given = {"source", "target"} | {_FIELD_OF.get(k, k) for k, v in stated.items() if v not in (None, ())}
    entry = Entry(
        source,
        target,
        list(variant),
        list(alternatives),
        list(forbidden),
        note,
        domain,
        reference,
        status or "approved",
        bool(case_sensitive),
        glossary_name or DEFAULT_GLOSSARY,
        given=frozenset(given),
    )
    with memory_at(db, create=True) as memory:
        termbase = termbase_of(memory)
        outcome, changes = termbase.add(entry, replace=replace)
        shadowed = [(v, termbase.get(v, entry.glossary)) for v in variant]
        if outcome != "unchanged":
            relink_glossary(memory, entry.source_forms)
    click.echo(f"{source} → {target}: {outcome}")
    for change in changes:
        click.echo(f"  {change}")
    for form, other in shadowed:
        if other is not None and other.source != source:  # the entry of its own wins where it occurs
            click.echo(
                f"note: {form} is an entry of its own ({form} → {other.target}), which is what the "
                f"glossary finds where a text says {form}; as a form of {source} it takes effect only "
                f"if that entry goes (tm glossary remove {form})",
                err=True,
            )


_FIELD_OF = {"variant": "source_variants"}  # option name → entry field


@glossary.command(name="edit")
@click.argument("source")
@db_option
@glossary_option
@click.option("--target", default=None, help="A new approved rendering.")
@click.option("--note", default=None, help="A new note ('' clears it).")
@click.option("--domain", default=None, help="A new domain ('' clears it).")
@click.option("--reference", default=None, help="A new reference ('' clears it).")
@click.option("--status", type=click.Choice(["approved", "proposed", "deprecated"]), default=None)
@click.option("--case-sensitive/--no-case-sensitive", default=None)
@click.option("--add-variant", multiple=True, help="Add a source form (repeatable).")
@click.option("--remove-variant", multiple=True, help="Remove a source form (repeatable).")
@click.option("--add-alt", multiple=True, help="Add an accepted rendering (repeatable).")
@click.option("--remove-alt", multiple=True, help="Remove an accepted rendering (repeatable).")
@click.option("--add-forbidden", multiple=True, help="Add a forbidden rendering (repeatable).")
@click.option("--remove-forbidden", multiple=True, help="Remove a forbidden rendering (repeatable).")
def glossary_edit(
    source, db, glossary_name, target, note, domain, reference, status, case_sensitive, **lists
):
    """Change exactly what the options name on the entry for SOURCE, and say what changed."""
    from glossary.model import DEFAULT_GLOSSARY

    named = {"target": target, "status": status, "case_sensitive": case_sensitive}
    values = {k: v for k, v in named.items() if v is not None}
    for name, value in (("note", note), ("domain", domain), ("reference", reference)):
        if value is not None:
            values[name] = value.strip() or None  # '' clears the field
    fields = {"variant": "source_variants", "alt": "alternatives", "forbidden": "forbidden"}
    add = {fields[k[4:]]: list(v) for k, v in lists.items() if k.startswith("add_") and v}
    remove = {fields[k[7:]]: list(v) for k, v in lists.items() if k.startswith("remove_") and v}
    if not values and not add and not remove:
        raise UserError("nothing to change: name a field (--target, --note, --add-alt, --remove-alt, …)")
    with memory_at(db) as memory:
        changes = termbase_of(memory).edit(source, glossary_name or DEFAULT_GLOSSARY, values, add, remove)
        if changes:
            forms = [source, *add.get("source_variants", ()), *remove.get("source_variants", ())]
            relink_glossary(memory, forms)
    click.echo(f"{source}: {'changed' if changes else 'unchanged'}")
    for change in changes:
        click.echo(f"  {change}")


@glossary.command(name="remove")
@click.argument("source")
@db_option
@glossary_option
def glossary_remove(source, db, glossary_name) -> None:
    """Remove the entry for SOURCE (and say what it held)."""
    from glossary.model import DEFAULT_GLOSSARY

    with memory_at(db) as memory:
        removed = termbase_of(memory).remove(source, glossary_name or DEFAULT_GLOSSARY)
        if removed is not None:
            relink_glossary(memory, removed.source_forms)
    if removed is None:
        raise UserError(f"no entry {source!r} in glossary {glossary_name or DEFAULT_GLOSSARY!r}")
    held = [
        f"{label}: {value}"
        for label, value in (
            ("alternatives", "; ".join(removed.alternatives)),
            ("forbidden", "; ".join(removed.forbidden)),
            ("source forms", "; ".join(removed.source_variants)),
            ("note", removed.note),
        )
        if value
    ]
    click.echo(f"removed {removed.source} → {removed.target} ({removed.glossary})")
    for line in held:
        click.echo(f"  {line}")


@glossary.command(name="list")
@db_option
@glossary_option
@json_option
def glossary_list(db, glossary_name, as_json) -> None:
    """List entries, highest-priority glossary first."""
    with memory_at(db) as memory:
        termbase = termbase_of(memory)
        entries = termbase.entries(glossary_name)
        glossaries = termbase.glossaries()
    if as_json:
        print_json(
            {
                "glossaries": [{"name": n, "priority": p, "entries": c} for n, p, c in glossaries],
                "entries": [entry_data(e) for e in entries],
            }
        )
        return
    for e in entries:
        extra = f"  (forbidden: {'; '.join(e.forbidden)})" if e.forbidden else ""
        flag = "" if e.status == "approved" else f" [{e.status}]"
        click.echo(f"{e.source}\t{e.target}{flag}{extra}\t{e.glossary}")


@glossary.command(name="lookup")
@click.argument("term")
@db_option
@click.option(
    "--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Memory examples shown."
)
@json_option
def glossary_lookup(term, db, limit, as_json) -> None:
    """How do we render TERM? Glossary entries (for an English TERM: whether it is an entry's
    approved, alternative or forbidden rendering), how the memory renders it (word alignment,
    ranked by use), then how the memory used it."""
    from glossary.lookup import EXACT_KINDS, describe, evidence_data, find_entries, lookup_term
    from tm.align.renderings import concordance, summary_line
    from tm.text.normalize import has_han

    with memory_at(db) as memory:
        termbase = termbase_of(memory)
        answer = lookup_term(termbase, memory, term, evidence_limit=limit)
        named = answer.matches and answer.matches[0][0] in EXACT_KINDS and not has_han(term)
        query = answer.matches[0][1].source if named else term  # (as lookup_term's evidence)
        rendered = concordance(memory, query, 1, "both", find_entries(termbase, query))
    if as_json:
        print_json(
            {
                "entries": [{"match": kind, **entry_data(e)} for kind, e in answer.matches],
                "renderings": [r.data() for r in rendered.renderings],
                "memory": [evidence_data(ev) for ev in answer.evidence],
            }
        )
        sys.exit(0 if answer.matches or answer.evidence else EXIT_NO_MATCH)
    if not answer.matches and not answer.evidence:
        click.echo(f"{term}: not in the glossary and not in the memory", err=True)
        sys.exit(EXIT_NO_MATCH)
    said = f"the memory renders it: {summary_line(rendered)}" if rendered.renderings else ""
    if not answer.matches:
        click.echo(f"{term}: not in the glossary" + (f"; {said}" if said else ""))
    for kind, e in answer.matches:
        says = describe(kind, e)
        if says:
            click.echo(f"{term.strip()}: {says}")
        flag = "" if e.status == "approved" else f" [{e.status}]"
        click.echo(f"{e.source} → {click.style(e.target, bold=True)}{flag}   ({kind}, {e.glossary})")
        for label, value in (
            ("also accepted", "; ".join(e.alternatives)),
            ("forbidden", "; ".join(e.forbidden)),
            ("note", e.note),
            ("reference", e.reference),
            ("source forms", "; ".join(e.source_variants)),
            ("definition", e.definition),
        ):
            if value:
                click.echo(f"    {label}: {value}")
        for term_text, details in e.term_info.items():  # part of speech, context, note of a term
            told = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in details.items())
            click.echo(f"    {term_text} — {told}")
    if said and answer.matches:
        click.echo(said)
    if answer.evidence:
        click.echo("in the memory:")
    for ev in answer.evidence:
        mark = {"approved": "✓", "alternative": "✓ (alternative)", "forbidden": "✗ forbidden"}.get(
            ev.verdict or "", ""
        )
        click.echo(f"  {highlight(ev.unit.source, ev.source_spans)}")
        click.echo(f"    → {highlight(ev.unit.target, ev.target_spans)} {mark}".rstrip())


@glossary.command(name="check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@db_option
@glossary_option
@click.option("--source", "source_text", default=None, help="A source segment (with --target).")
@click.option("--target", "target_text", default=None, help="Its translation.")
@click.option(
    "--tsv",
    "tsv_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A TSV of source<TAB>target rows (a header row is skipped).",
)
@encoding_option
@json_option
def glossary_check(files, db, glossary_name, source_text, target_text, tsv_file, encoding, as_json) -> None:
    """QA translations against the glossary and for numbers.

    Give --source and --target, or two aligned files ZH_FILE EN_FILE (one segment per line),
    or --tsv FILE, or a review workbook FILE.xlsx written by `tm translate` (each row's Source
    against its Target, findings by row ID). Exits 1 when issues are found."""
    from glossary.qa import check_document
    from tm.workflow.qa_inputs import check_inputs

    documents = check_inputs(files, source_text, target_text, tsv_file, encoding)
    with memory_at(db) as memory:
        recognizer = termbase_of(memory).recognizer(glossary_name)
    issues = [issue for pairs in documents for issue in check_document(pairs, recognizer)]
    if as_json:
        print_json([asdict(i) for i in issues])
    else:
        for issue in issues:
            click.echo(f"{issue.segment}\t{issue.kind}\t{issue.message}")
        click.echo(f"{sum(map(len, documents))} segment(s), {len(issues)} issue(s)", err=True)
    if issues:
        sys.exit(EXIT_FINDINGS)


@glossary.command(name="mine")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option(
    "--min-units", type=click.IntRange(2), default=3, show_default=True, help="Fewest units a term is in."
)
@click.option(
    "--min-documents", type=click.IntRange(1), default=1, show_default=True, help="Fewest documents."
)
@click.option(
    "--limit", type=click.IntRange(1), default=500, show_default=True, help="Most candidates written."
)
@click.option(
    "--links/--no-links",
    default=True,
    show_default=True,
    help="Renderings from word links (else from the n-grams the targets share; faster).",
)
@force_option
@db_option
@json_option
def glossary_mine(output, min_units, min_documents, limit, links, force, db, as_json) -> None:
    """Propose entries from the memory into OUTPUT (CSV, TSV or XLSX in the glossary's columns, status
    proposed; `tm glossary import` reads it): recurring terms with the English their words are
    linked to (or their targets share), best first; conflicts with entries go to OUTPUT's
    NAME.conflicts file."""
    from glossary.mine import mine, mined_data, mined_lines, write_candidates
    from tm.formats.outputs import check_outputs
    from tm.workflow.wordlinks import memory_renderings

    with memory_at(db) as memory:
        check_outputs([output], memory=memory.file, force=force)
        entries = termbase_of(memory).effective()
        renderings = memory_renderings(memory) if links else None
        mined = mine(memory, entries, min_units, min_documents, renderings=renderings)
    written, conflicts = write_candidates(mined, output, limit)
    if as_json:
        print_json({**mined_data(mined, limit), "written": written, "conflicts_file": conflicts})
        return
    click.echo(f"{output}: {written} proposed entries from {mined.units} units")
    for line in mined_lines(mined, conflicts):
        click.echo(line)


COMMANDS = [glossary]
