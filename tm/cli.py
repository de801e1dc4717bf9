"""The `tm` command line: parse, call the library, print. Heavy imports stay inside commands."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

import click

from tm.errors import UserError


class _Group(click.Group):
    """Turns user errors into one clear message and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.OperationalError as exc:
            raise click.ClickException(f"memory database: {exc}") from None
        except BrokenPipeError:
            sys.exit(0)


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Memory file (default: $TM_DB, else $XDG_DATA_HOME/tm/memory.db).",
)
encoding_option = click.option(
    "--encoding", default="utf-8", show_default=True, help="Input encoding: utf-8, gb18030, big5."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print data as JSON.")
force_option = click.option("--force", is_flag=True, help="Replace an existing output file.")
paragraphs_option = click.option(
    "--paragraphs",
    "para_mode",
    type=click.Choice(["line", "blank"]),
    default="line",
    show_default=True,
    help="A paragraph is a line, or a block between blank lines.",
)


def engine_options(command):
    """--device, --threads and --compute-type of the MT engine."""
    command = click.option(
        "--compute-type",
        default="auto",
        show_default=True,
        help="CTranslate2 compute type: auto (int8 where the CPU has it), float32, int8, float16…",
    )(command)
    command = click.option("--threads", type=int, default=0, help="CPU threads (0: all).")(command)
    return click.option(
        "--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu", show_default=True
    )(command)


def _memory(db: str | None, writes: bool = False):
    """The memory of --db; commands that only read refuse a file that does not exist, commands
    that write create it and say so."""
    from tm.store import Memory

    memory = Memory(db, create=writes)
    if memory.created:
        click.echo(f"created a new memory: {memory.path}", err=True)
    return memory


def _optional_recognizer(db: str | None, glossary_name: str | None = None, writes: bool = False):
    """The glossary's recognizer for commands that work without a memory (mt, align): none when
    no memory was named and the default one does not exist; a named memory must exist, unless
    the command will write to it."""
    from tm.store import default_db_path

    if db is None and not writes and not default_db_path().exists():
        return None
    with _memory(db, writes=writes) as memory:
        termbase = _termbase(memory)
        return termbase.recognizer(glossary_name) if termbase.count() else None


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tm")
def cli() -> None:
    """Offline Chinese→English translation memory and glossary tool."""


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@encoding_option
@click.option("--key", is_flag=True, help="Print the matching key of each line instead.")
def normalize(file: str, encoding: str, key: bool) -> None:
    """Strip interlinear pinyin from FILE (or print matching keys); nothing else changes."""
    from tm.text import count_ruby, matching_key
    from tm.textio import read_text

    text = read_text(file, encoding)
    if key:
        click.echo("\n".join(matching_key(line) for line in text.splitlines()))
        return
    stripped, removed = count_ruby(text)
    click.echo(stripped, nl=False)
    click.echo(f"removed {removed} pinyin annotations", err=True)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Default: guessed.")
@paragraphs_option
@click.option("--raw", is_flag=True, help="Keep interlinear pinyin in the printed text.")
@encoding_option
@json_option
def segment(file: str, lang: str | None, para_mode: str, raw: bool, encoding: str, as_json: bool) -> None:
    """Split FILE into sentences: one per line as ID<TAB>TEXT (ID = document:paragraph:sentence)."""
    from pathlib import Path

    from tm.segment import segment_text
    from tm.textio import read_text

    segments = segment_text(read_text(file, encoding), Path(file).stem, lang, para_mode)
    if as_json:
        _print_json(
            [
                {
                    "id": s.id,
                    "doc": s.doc,
                    "para": s.para,
                    "index": s.index,
                    "text": s.text if raw else s.clean,
                    "key": s.key,
                }
                for s in segments
            ]
        )
        return
    for s in segments:
        click.echo(f"{s.id}\t{s.text if raw else s.clean}")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tmx", "tsv", "csv"]),
    default=None,
    help="Default: from the extension.",
)
@click.option("--source-lang", default=None, help="Source language when the file does not say (zh).")
@click.option("--target-lang", default="en", show_default=True)
@click.option(
    "--origin",
    type=click.Choice(["aligned", "reviewed", "imported", "approved-MT"]),
    default=None,
    help="Override the origin recorded for every unit.",
)
@click.option("--document", default=None, help="Document name recorded with the units.")
@encoding_option
def import_(
    files: tuple[str, ...],
    db: str | None,
    fmt: str | None,
    source_lang: str | None,
    target_lang: str,
    origin: str | None,
    document: str | None,
    encoding: str,
) -> None:
    """Import TMX, TSV or CSV FILES into the memory; each file is all-or-nothing."""
    from tm.formats import format_of
    from tm.formats.tabular import read_table
    from tm.formats.tmx import read_tmx

    with _memory(db, writes=True) as memory:
        for file in files:
            kind = format_of(file, fmt)
            if kind == "tmx":
                units = read_tmx(file, source_lang, target_lang, origin, document)
            else:
                units = read_table(file, kind, source_lang, target_lang, origin, document, encoding)
            result = memory.import_units(units)
            click.echo(f"{file}: {result.added} added, {result.updated} updated")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "csv"]), default=None)
@force_option
def export(file: str, db: str | None, fmt: str | None, force: bool) -> None:
    """Export the whole memory to FILE (TMX 1.4b, TSV or CSV), written atomically."""
    from tm.formats import format_of
    from tm.formats.tabular import export_table
    from tm.formats.tmx import export_tmx
    from tm.outputs import check_outputs

    kind = format_of(file, fmt)
    with _memory(db) as memory:
        check_outputs([file], memory=memory.path, force=force)
        langs = [r[0] for r in memory.conn.execute("SELECT DISTINCT source_lang FROM units LIMIT 2")]
        if kind == "tmx":
            count = export_tmx(memory.iter_units(), file, langs[0] if len(langs) == 1 else "*all*")
        else:
            count = export_table(memory.iter_units(), file, kind)
    click.echo(f"{file}: {count} units", err=True)


def _match_data(m) -> dict:
    from tm.scoring import render_diff

    return {
        "score": m.score,
        "kind": m.kind,
        "source": m.unit.source,
        "target": m.unit.target,
        "diff": render_diff(m.diff) if m.diff else None,
        "numbers_only_in_query": m.numbers_only_in_query,
        "numbers_only_in_memory": m.numbers_only_in_memory,
        "unit": asdict(m.unit),
    }


@cli.command()
@click.argument("text")
@db_option
@click.option(
    "--min",
    "min_score",
    type=click.IntRange(50, 100),
    default=75,
    show_default=True,
    help="Lowest fuzzy score shown.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--lang", "source_lang", default="zh", show_default=True, help="Source language.")
@click.option("--prev", default=None, help="Previous source segment (for 101% context matches).")
@click.option("--next", "next_", default=None, help="Next source segment.")
@json_option
def lookup(
    text: str,
    db: str | None,
    min_score: int,
    limit: int,
    source_lang: str,
    prev: str | None,
    next_: str | None,
    as_json: bool,
) -> None:
    """Memory matches for TEXT: 101 context, 100 exact, 99 near-exact, then fuzzy."""
    with _memory(db) as memory:
        matches = memory.lookup(text, source_lang, min_score, limit, prev, next_)
    if as_json:
        _print_json([_match_data(m) for m in matches])
        return
    if not matches:
        click.echo(f"no match ≥ {min_score}%", err=True)
        sys.exit(1)
    for m in matches:
        data = _match_data(m)
        click.echo(f"{m.score:>3}  {m.kind:<10} {data['diff'] or m.unit.source}")
        click.echo(f"     → {m.unit.target}")
        where = " · ".join(
            x
            for x in (
                f"unit {m.unit.id}",
                m.unit.origin,
                m.unit.document,
                m.unit.changed_at,
                m.unit.changed_by,
            )
            if x
        )
        click.echo(f"     {where}")
        if m.numbers_only_in_query or m.numbers_only_in_memory:
            click.echo(
                f"     numbers differ: query {', '.join(m.numbers_only_in_query) or '–'}; "
                f"memory {', '.join(m.numbers_only_in_memory) or '–'}"
            )


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], click.style(f"[{text[a:b]}]", bold=True)]
        last = b
    return "".join(out) + text[last:]


@cli.command()
@click.argument("text")
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--side", type=click.Choice(["both", "source", "target"]), default="both", show_default=True)
@json_option
def concordance(text: str, db: str | None, limit: int, side: str, as_json: bool) -> None:
    """Units whose source or target contains TEXT, with the hit marked."""
    with _memory(db) as memory:
        hits = memory.concordance(text, limit, side)
    if as_json:
        _print_json(
            [
                {
                    "side": h.side,
                    "spans": h.spans,
                    "source": h.unit.source,
                    "target": h.unit.target,
                    "unit": asdict(h.unit),
                }
                for h in hits
            ]
        )
        return
    if not hits:
        click.echo("no hits", err=True)
        sys.exit(1)
    for h in hits:
        src = _highlight(h.unit.source, h.spans) if h.side == "source" else h.unit.source
        tgt = _highlight(h.unit.target, h.spans) if h.side == "target" else h.unit.target
        click.echo(f"{src}\n  → {tgt}\n  unit {h.unit.id} · {h.unit.document or 'no document'}\n")


@cli.command()
@db_option
@json_option
def stats(db: str | None, as_json: bool) -> None:
    """Units, language pairs, origins and size of the memory."""
    with _memory(db) as memory:
        data = memory.stats()
    if as_json:
        _print_json(data)
        return
    click.echo(f"memory:    {data['path']} (schema {data['schema_version']})")
    click.echo(f"units:     {data['units']}")
    click.echo(f"documents: {data['documents']}")
    click.echo(f"size:      {data['size_bytes'] / 1024:,.0f} KiB")
    for pair, n in data["language_pairs"].items():
        click.echo(f"pair       {pair}: {n}")
    for origin, n in data["origins"].items():
        click.echo(f"origin     {origin}: {n}")


def _unit_line(unit) -> str:
    return f"unit {unit.id}: {unit.source} → {unit.target}"


@cli.command()
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
        raise UserError("give UNIT_ID… or --document NAME")
    with _memory(db, writes=True) as memory:
        ids = list(unit_ids) if unit_ids else memory.document_unit_ids(document)
        unknown = sorted(set(ids) - set(memory.units_by_id(ids)))
        if unit_ids and unknown:
            raise UserError(f"no unit {', '.join(map(str, unknown))} in {memory.path}; nothing deleted")
        if document and not ids:
            raise UserError(f"no unit of document {document!r} in {memory.path}")
        with memory.transaction(commit=not dry_run):
            deleted = memory.delete_units(ids, memory.user, reason or "tm delete")
    if as_json:
        _print_json({"dry_run": dry_run, "deleted": [asdict(u) for u in deleted]})
        return
    for unit in deleted[:20]:
        click.echo(_unit_line(unit))
    if len(deleted) > 20:
        click.echo(f"… and {len(deleted) - 20} more")
    click.echo(f"{'would delete' if dry_run else 'deleted'} {len(deleted)} unit(s)")


@cli.command(name="edit")
@click.argument("unit_id", type=int)
@click.option("--target", required=True, help="The corrected translation.")
@click.option("--reason", default=None, help="Recorded in the unit's history.")
@db_option
@json_option
def edit_unit(unit_id, target, reason, db, as_json) -> None:
    """Correct the target of a unit; the old one stays in its history."""
    with _memory(db, writes=True) as memory:
        found = memory.units_by_id([unit_id]).get(unit_id)
        if found is None:
            raise UserError(f"no unit {unit_id} in {memory.path}")
        unit = found[0]
        if unit.target == target.strip():
            raise UserError(f"unit {unit_id} already says that")
        with memory.transaction():
            memory.replace_target(unit, target.strip(), memory.user, reason or "tm edit", action="edit")
        edited = memory.units_by_id([unit_id])[unit_id][0]
    if as_json:
        _print_json({"before": asdict(unit), "after": asdict(edited)})
        return
    click.echo(f"unit {unit_id}: “{unit.target}” → “{edited.target}”")


@cli.command()
@click.argument("unit_id", type=int)
@db_option
@json_option
def history(unit_id, db, as_json) -> None:
    """Who stored a unit, and what happened to it since: corrections by review or edit, and its
    deletion with what it held."""
    with _memory(db) as memory:
        found = memory.units_by_id([unit_id]).get(unit_id)
        events = memory.history(unit_id)
    unit = found[0] if found else next((e["unit"] for e in events if e.get("unit")), None)
    if unit is None:
        raise UserError(f"no unit {unit_id} in the memory, and none was deleted")
    unit = asdict(unit) if found else unit
    if as_json:
        _print_json({"unit": unit, "deleted": found is None, "history": events})
        return
    click.echo(f"unit {unit_id}: {unit['source']} → {unit['target'] if found else '(deleted)'}")
    click.echo(f"  stored {unit['created_at']} by {unit['created_by'] or '?'} ({unit['origin']})")
    for e in events:
        who = f"{e['changed_at']} by {e['changed_by'] or '?'}"
        if e["action"] == "delete":
            click.echo(f"  deleted {who}: it said “{e['old_target']}” ({e['reason']})")
        else:
            click.echo(f"  {e['action']} {who}: “{e['old_target']}” → “{e['new_target']}” ({e['reason']})")


def main() -> None:
    cli(prog_name="tm")


# ------------------------------------------------------------------ glossary


@cli.group()
def glossary() -> None:
    """The term base: approved renderings, recognition, QA and look-ups."""


def _termbase(memory):
    from glossary.store import Termbase

    return Termbase(memory.conn)


def _entry_data(entry) -> dict:
    return {k: v for k, v in asdict(entry).items() if k not in ("id", "given")}


glossary_option = click.option(
    "--glossary", "glossary_name", default=None, help="Glossary name (default: general; for reading: all)."
)


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
    with _memory(db, writes=True) as memory:
        outcome, changes = _termbase(memory).add(entry, replace=replace)
    click.echo(f"{source} → {target}: {outcome}")
    for change in changes:
        click.echo(f"  {change}")


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
    with _memory(db, writes=True) as memory:
        changes = _termbase(memory).edit(source, glossary_name or DEFAULT_GLOSSARY, values, add, remove)
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

    with _memory(db, writes=True) as memory:
        removed = _termbase(memory).remove(source, glossary_name or DEFAULT_GLOSSARY)
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
    with _memory(db) as memory:
        termbase = _termbase(memory)
        entries = termbase.entries(glossary_name)
        glossaries = termbase.glossaries()
    if as_json:
        _print_json(
            {
                "glossaries": [{"name": n, "priority": p, "entries": c} for n, p, c in glossaries],
                "entries": [_entry_data(e) for e in entries],
            }
        )
        return
    for e in entries:
        extra = f"  (forbidden: {'; '.join(e.forbidden)})" if e.forbidden else ""
        flag = "" if e.status == "approved" else f" [{e.status}]"
        click.echo(f"{e.source}\t{e.target}{flag}{extra}\t{e.glossary}")


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
@encoding_option
def glossary_import(file, db, glossary_name, priority, fmt, replace, skip_conflicts, sync, encoding) -> None:
    """Import a glossary (CSV, TSV, XLSX or TBX); all or nothing, conflicts listed. A stored entry
    changes only in what the file states (empty cells and missing columns leave it as it is;
    alternatives, forbidden renderings and source forms are added to), unless --sync."""
    from glossary.formats import format_of
    from glossary.formats.tabular import read_table
    from glossary.formats.tbx import read_tbx
    from glossary.formats.xlsx import read_xlsx

    if replace and skip_conflicts:
        raise UserError("--replace and --skip-conflicts exclude each other")
    kind = format_of(file, fmt)
    rows = (
        read_tbx(file)
        if kind == "tbx"
        else read_xlsx(file)
        if kind == "xlsx"
        else read_table(file, kind, encoding)
    )
    mode = "replace" if replace else "skip" if skip_conflicts else "fail"
    with _memory(db, writes=True) as memory:
        report = _termbase(memory).import_entries(rows, glossary_name, priority, mode, sync)
    click.echo(
        f"{file}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        + (f", {len(report.skipped)} conflicts kept as stored" if report.skipped else "")
    )
    for term, changes in report.changes:
        click.echo(f"  {term}: {'; '.join(changes)}")
    for conflict in report.skipped:
        click.echo(f"  kept: {conflict}", err=True)


@glossary.command(name="export")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@glossary_option
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "xlsx", "tbx"]), default=None)
@force_option
def glossary_export(file, db, glossary_name, fmt, force) -> None:
    """Export entries to CSV, TSV, XLSX or TBX (written atomically)."""
    from glossary.formats import format_of
    from glossary.formats.tabular import write_table
    from glossary.formats.tbx import write_tbx
    from glossary.formats.xlsx import write_xlsx
    from tm.outputs import check_outputs

    kind = format_of(file, fmt)
    with _memory(db) as memory:
        check_outputs([file], memory=memory.path, force=force)
        entries = _termbase(memory).entries(glossary_name)
    count = (
        write_tbx(entries, file)
        if kind == "tbx"
        else write_xlsx(entries, file)
        if kind == "xlsx"
        else write_table(entries, file, kind)
    )
    click.echo(f"{file}: {count} entries", err=True)


@glossary.command(name="lookup")
@click.argument("term")
@db_option
@click.option(
    "--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Memory examples shown."
)
@json_option
def glossary_lookup(term, db, limit, as_json) -> None:
    """How do we render TERM? Glossary entries (for an English TERM: whether it is an entry's
    approved, alternative or forbidden rendering), then how the memory used it."""
    from glossary.lookup import describe, lookup_term

    with _memory(db) as memory:
        answer = lookup_term(_termbase(memory), memory, term, evidence_limit=limit)
    if as_json:
        _print_json(
            {
                "entries": [{"match": kind, **_entry_data(e)} for kind, e in answer.matches],
                "memory": [
                    {
                        "source": ev.unit.source,
                        "target": ev.unit.target,
                        "source_spans": ev.source_spans,
                        "target_spans": ev.target_spans,
                        "rendering": ev.rendering,
                        "verdict": ev.verdict,
                    }
                    for ev in answer.evidence
                ],
            }
        )
        return
    if not answer.matches and not answer.evidence:
        click.echo(f"{term}: not in the glossary and not in the memory", err=True)
        sys.exit(1)
    if not answer.matches:
        click.echo(f"{term}: not in the glossary")
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
        ):
            if value:
                click.echo(f"    {label}: {value}")
    if answer.evidence:
        click.echo("in the memory:")
    for ev in answer.evidence:
        mark = {"approved": "✓", "alternative": "✓ (alternative)", "forbidden": "✗ forbidden"}.get(
            ev.verdict or "", ""
        )
        click.echo(f"  {_highlight(ev.unit.source, ev.source_spans)}")
        click.echo(f"    → {_highlight(ev.unit.target, ev.target_spans)} {mark}".rstrip())


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
    from glossary.qa import Pair, check_document
    from tm.textio import read_text

    if source_text is not None or target_text is not None:
        if source_text is None or target_text is None or files or tsv_file:
            raise UserError("give both --source and --target, and nothing else")
        documents = [[Pair("1", source_text, target_text)]]
    elif tsv_file:
        if files:
            raise UserError("give --tsv FILE or files, not both")
        rows = [line.split("\t") for line in read_text(tsv_file, encoding).splitlines() if line.strip()]
        if rows and rows[0][:2] == ["source", "target"]:
            rows = rows[1:]
        bad = next((n for n, r in enumerate(rows, 1) if len(r) < 2), None)
        if bad:
            raise UserError(f"{tsv_file}: row {bad} has no tab-separated target")
        documents = [[Pair(str(n), r[0], r[1]) for n, r in enumerate(rows, 1)]]
    elif len(files) == 2:
        zh = read_text(files[0], encoding).splitlines()
        en = read_text(files[1], encoding).splitlines()
        if len(zh) != len(en):
            raise UserError(
                f"{files[0]} has {len(zh)} lines, {files[1]} has {len(en)}: "
                "aligned files need one segment per line on both sides"
            )
        documents = [[Pair(str(n), s, t) for n, (s, t) in enumerate(zip(zh, en), 1) if s.strip()]]
    elif len(files) == 1:
        from tm.sheets import read_workbook

        by_document: dict[str, list[Pair]] = {}  # consistency is a matter of each document
        for row in read_workbook(files[0]).rows:
            pair = Pair(row.id or f"row {row.number}", row.source, row.target)
            by_document.setdefault(row.document, []).append(pair)
        documents = list(by_document.values())
    else:
        raise UserError("give --source and --target, two aligned files, --tsv FILE or a review workbook")
    with _memory(db) as memory:
        recognizer = _termbase(memory).recognizer(glossary_name)
    issues = [issue for pairs in documents for issue in check_document(pairs, recognizer)]
    if as_json:
        _print_json([asdict(i) for i in issues])
    else:
        for issue in issues:
            click.echo(f"{issue.segment}\t{issue.kind}\t{issue.message}")
        click.echo(f"{sum(map(len, documents))} segment(s), {len(issues)} issue(s)", err=True)
    if issues:
        sys.exit(1)


# -------------------------------------------------------------------- models and MT


@cli.group()
def models() -> None:
    """Offline MT models (argos-translate packages)."""


@models.command(name="list")
@json_option
def models_list(as_json: bool) -> None:
    """Installed packages: pair, version, size and where they live."""
    from tm import models as m

    found = m.installed()
    if as_json:
        _print_json(
            [
                {
                    "name": x.name,
                    "from": x.from_code,
                    "to": x.to_code,
                    "version": x.version,
                    "size_bytes": x.size_bytes,
                    "path": str(x.path),
                }
                for x in found
            ]
        )
        return
    if not found:
        click.echo(f"no packages in {m.packages_dir()}; {m.missing_model_help()}", err=True)
        return
    for x in found:
        click.echo(f"{x.from_code}→{x.to_code}  {x.version:<8} {x.size_bytes / 1e6:8.1f} MB  {x.path}")


@models.command(name="install")
@click.argument("what", nargs=-1, required=True)
def models_install(what: tuple[str, ...]) -> None:
    """Install FILE.argosmodel, or download a pair (`tm models install zh en`)."""
    from tm import models as m

    if len(what) == 1:
        model = m.install(what[0])
    elif len(what) == 2 and not what[0].endswith(".argosmodel"):
        model = m.download_and_install(*what)
    else:
        raise UserError("give one .argosmodel file, or a language pair such as: zh en")
    click.echo(f"installed {model.name} ({model.from_code}→{model.to_code} {model.version}) in {model.path}")


@models.command(name="remove")
@click.argument("name")
def models_remove(name: str) -> None:
    """Remove a package by name (translate-zh_en-1_9) or pair (zh-en)."""
    from tm import models as m

    click.echo(f"removed {m.remove(name).name}")


@cli.command()
@click.argument("text", nargs=-1)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Translate the sentences of a file.",
)
@click.option("--beam", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option(
    "--n-best",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Also show this many alternatives in all.",
)
@engine_options
@click.option("--no-glossary", is_flag=True, help="Do not enforce the glossary.")
@db_option
@glossary_option
@encoding_option
@json_option
def mt(
    text, file, beam, n_best, device, threads, compute_type, no_glossary, db, glossary_name, encoding, as_json
) -> None:
    """Machine-translate TEXT (or -f FILE), one line per sentence with its confidence and flags."""
    from tm.mt import Engine
    from tm.segment import segment_text
    from tm.textio import read_text

    if bool(text) == bool(file):
        raise UserError("give TEXT or -f FILE")
    source = read_text(file, encoding) if file else "\n".join(text)
    segments = segment_text(source, "mt", "zh")
    recognizer = None if no_glossary else _optional_recognizer(db, glossary_name)
    engine = Engine(device=device, threads=threads, beam_size=beam, compute_type=compute_type)
    results = engine.translate([s.text for s in segments], n_best=n_best, recognizer=recognizer)
    if as_json:
        _print_json(
            [
                {
                    "id": s.id,
                    "source": s.clean,
                    "translation": r.text,
                    "confidence": round(r.confidence, 4),
                    "missing_terms": r.missing_terms,
                    "glossary_enforced": r.enforced,
                    "alternatives": [{"text": t, "confidence": round(c, 4)} for t, c in r.alternatives],
                }
                for s, r in zip(segments, results)
            ]
        )
        return
    for s, r in zip(segments, results):
        flags = "; ".join(f"missing “{t}”" for t in r.missing_terms)
        click.echo(f"{s.id}\t{r.text}\t{r.confidence:.2f}" + (f"\t{flags}" if flags else ""))
        for alt, conf in r.alternatives:
            click.echo(f"\t  alt: {alt}\t{conf:.2f}")


@cli.group(name="eval")
def eval_() -> None:
    """Evaluation: MT quality (and, later, alignment)."""


def _lines(path: str, encoding: str) -> list[str]:
    from tm.textio import read_text

    return read_text(path, encoding).splitlines()


@eval_.command(name="mt")
@click.option("--hyp", required=True, type=click.Path(dir_okay=False), help="MT output, one segment a line.")
@click.option("--ref", required=True, type=click.Path(dir_okay=False), help="Reference translations.")
@click.option("--src", type=click.Path(dir_okay=False), default=None, help="Sources (for term accuracy).")
@click.option("--glossary", "use_glossary", is_flag=True, help="Report term accuracy (needs --src).")
@click.option(
    "--target-lang", default="en", show_default=True, help="zh targets use sacrebleu's zh tokenizer."
)
@click.option(
    "--segments",
    "segments_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write per-segment BLEU/chrF/TER to this TSV.",
)
@force_option
@db_option
@click.option("--glossary-name", "glossary_name", default=None, help="Only this glossary (default: all).")
@encoding_option
@json_option
def eval_mt(
    hyp, ref, src, use_glossary, target_lang, segments_out, force, db, glossary_name, encoding, as_json
) -> None:
    """BLEU, chrF and TER through sacrebleu, with signatures; term accuracy with --glossary."""
    from tm.atomic import atomic_write
    from tm.evaluate import score_mt
    from tm.outputs import check_outputs

    if segments_out:
        check_outputs([segments_out], [f for f in (hyp, ref, src) if f], force=force)
    hyps, refs = _lines(hyp, encoding), _lines(ref, encoding)
    if len(hyps) != len(refs):
        raise UserError(f"{hyp} has {len(hyps)} lines, {ref} has {len(refs)}: one segment per line on both")
    sources = recognizer = None
    if use_glossary:
        if not src:
            raise UserError("--glossary needs --src (the source segments)")
        sources = _lines(src, encoding)
        if len(sources) != len(hyps):
            raise UserError(f"{src} has {len(sources)} lines, {hyp} has {len(hyps)}")
        with _memory(db) as memory:
            recognizer = _termbase(memory).recognizer(glossary_name)
    scores = score_mt(hyps, refs, target_lang, bool(segments_out), sources, recognizer)
    if segments_out:
        with atomic_write(segments_out) as out:
            out.write("line\tbleu\tchrf\tter\n")
            for n, (b, c, t) in enumerate(scores.per_segment, start=1):
                out.write(f"{n}\t{b:.2f}\t{c:.2f}\t{t:.2f}\n")
    if as_json:
        _print_json(
            {
                "bleu": scores.bleu,
                "chrf": scores.chrf,
                "ter": scores.ter,
                "segments": scores.segments,
                "signatures": scores.signatures,
                "term_accuracy": scores.term_accuracy,
                "term_hits": scores.term_hits,
                "term_total": scores.term_total,
            }
        )
        return
    click.echo(f"BLEU {scores.bleu:6.2f}   {scores.signatures['bleu']}")
    click.echo(f"chrF {scores.chrf:6.2f}   {scores.signatures['chrf']}")
    click.echo(f"TER  {scores.ter:6.2f}   {scores.signatures['ter']}")
    if scores.term_total is not None:
        accuracy = f"{scores.term_accuracy:.3f}" if scores.term_total else "n/a"
        click.echo(f"term accuracy {accuracy} ({scores.term_hits}/{scores.term_total} term occurrences)")


# ------------------------------------------------------------------ alignment


@cli.command(name="align")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write links to .align, .tsv, .tmx or .xlsx (review sheet); default: TSV on stdout.",
)
@click.option("--presplit", is_flag=True, help="The files hold one sentence per line already.")
@click.option("--import", "do_import", is_flag=True, help="Store the links in the memory (origin aligned).")
@click.option(
    "--review",
    "review_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read a reviewed .xlsx sheet back instead of aligning (with --import to store it).",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing -o file; import even when the pair looks wrong."
)
@click.option("--document", default=None, help="Document name recorded with imported units.")
@db_option
@encoding_option
@click.option("--zh-encoding", default=None, help="Encoding of ZH_FILE (default: --encoding).")
@click.option("--en-encoding", default=None, help="Encoding of EN_FILE (default: --encoding).")
@json_option
def align_cmd(
    files,
    output,
    presplit,
    do_import,
    review_file,
    force,
    document,
    db,
    encoding,
    zh_encoding,
    en_encoding,
    as_json,
) -> None:
    """Align ZH_FILE with its translation EN_FILE, sentence by sentence."""
    from tm.alignio import pair_name, units_from_pairs

    if review_file:
        from tm.alignio import read_review

        if files:
            raise UserError("--review takes the reviewed sheet only, no ZH_FILE EN_FILE")
        reviewed = read_review(Path(review_file))
        click.echo(
            f"{review_file}: {len(reviewed.accepted)} links to store, {reviewed.rejected} rejected, "
            f"{reviewed.edited} edited"
        )
        if reviewed.deleted:
            ids = ", ".join(map(str, reviewed.deleted))
            click.echo(f"skipped links {ids}: their rows were deleted from the sheet")
        if do_import:
            doc = document or pair_name(reviewed.zh_name, reviewed.en_name)
            with _memory(db, writes=True) as memory:
                result = memory.import_units(units_from_pairs(reviewed.accepted, doc))
            click.echo(f"memory: {result.added} added, {result.updated} updated")
        return
    if len(files) != 2:
        raise UserError("give ZH_FILE EN_FILE (or --review FILE.xlsx)")
    if output:  # before aligning: a refusal wastes no work
        from tm.outputs import check_outputs
        from tm.store import default_db_path

        check_outputs([output], inputs=files, memory=db or default_db_path(), force=force)
    recognizer = _optional_recognizer(db, writes=do_import)  # glossary terms on both sides are anchors
    encodings = (zh_encoding or encoding, en_encoding or encoding)
    aligned, warnings = _align_files(files[0], files[1], presplit, encodings, recognizer)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output:
        from tm.alignio import write_output

        write_output(aligned, Path(output))
        click.echo(f"{output}: {len(aligned.links)} links", err=True)
    elif as_json:
        _print_json(
            [
                {
                    "zh": list(k.zh),
                    "en": list(k.en),
                    "confidence": round(k.score, 4),
                    "chinese": aligned.texts(k)[0],
                    "english": aligned.texts(k)[1],
                }
                for k in aligned.links
            ]
        )
    else:
        from tm.alignio import tsv

        click.echo(tsv(aligned), nl=False)
    if do_import:
        if warnings and not force:
            raise UserError("not imported: the pair looks wrong (see the warnings); --force imports anyway")
        from tm.alignio import units

        with _memory(db, writes=True) as memory:
            result = memory.import_units(units(aligned, document))
        click.echo(f"memory: {result.added} added, {result.updated} updated", err=True)


def _align_files(zh_file: str, en_file: str, presplit: bool, encodings: tuple[str, str], recognizer=None):
    """Sentences of both files (each in its own encoding), their alignment, and warnings about
    the pair."""
    from tm.align import align
    from tm.alignio import Aligned
    from tm.segment import segment_text
    from tm.text import has_han, strip_ruby
    from tm.textio import read_text

    texts = [
        read_text(zh_file, encodings[0], "--zh-encoding"),
        read_text(en_file, encodings[1], "--en-encoding"),
    ]
    paragraphs = None
    if presplit:
        zh, en = ([line.strip() for line in t.splitlines() if line.strip()] for t in texts)
        zh = [strip_ruby(line) for line in zh]  # interlinear pinyin out, as segmenting does
    else:
        zh_segments, en_segments = segment_text(texts[0], "zh", "zh"), segment_text(texts[1], "en", "en")
        zh, en = [s.clean for s in zh_segments], [s.text for s in en_segments]
        paragraphs = ([s.para for s in zh_segments], [s.para for s in en_segments])
    for name, side in ((zh_file, zh), (en_file, en)):
        if not side:
            raise UserError(f"{name}: no sentences to align")
    links = align(zh, en, paragraphs=paragraphs, recognizer=recognizer)
    warnings = []
    chinese_share = sum(has_han(s) for s in en) / len(en)
    if chinese_share > 0.5:
        warnings.append(f"{en_file} looks Chinese ({chinese_share:.0%} of its sentences), not English")
    if sum(not has_han(s) for s in zh) / len(zh) > 0.5:
        warnings.append(f"{zh_file} does not look Chinese")
    paired = [k.score for k in links if k.zh and k.en]
    mean = sum(paired) / len(paired) if paired else 0.0
    unaligned = sum(1 for k in links if not k.zh or not k.en) / len(links)
    if mean < 0.35 or unaligned > 0.3:
        warnings.append(
            f"these look like different documents: mean link confidence {mean:.2f}, "
            f"{unaligned:.0%} of links leave a sentence unaligned"
        )
    aligned = Aligned(zh, en, links, Path(zh_file).stem, Path(en_file).stem)
    return aligned, warnings


@eval_.command(name="align")
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True))
@click.option("--pred", "pred_dir", required=True, type=click.Path(file_okay=False, exists=True))
@json_option
def eval_align(gold_dir, pred_dir, as_json) -> None:
    """Strict and lax precision/recall/F1 of .align files (counts summed over files)."""
    from tm.alignscore import score_dirs

    score, names = score_dirs(Path(gold_dir), Path(pred_dir))
    table = score.table()
    if as_json:
        _print_json({"files": names, **table})
        return
    click.echo(f"{len(names)} files")
    for kind in ("strict", "lax"):
        click.echo(
            f"{kind:<6} P {table[kind + '_precision']:.3f}  R {table[kind + '_recall']:.3f}  "
            f"F1 {table[kind + '_f1']:.3f}"
        )


from tm import cli_batch  # noqa: E402,F401  (registers translate, review, export-doc)
