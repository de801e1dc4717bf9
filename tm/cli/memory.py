"""The memory's commands: import, export, lookup, concordance, stats (the upkeep of units:
tm.cli.upkeep)."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from tm.cli.common import (
    EXIT_FINDINGS,
    EXIT_NO_MATCH,
    db_option,
    encoding_option,
    force_option,
    highlight,
    json_option,
    link_stored,
    memory_at,
    pair_options,
    print_json,
    termbase_of,
)
from tm.errors import UserError


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tmx", "tsv", "csv"]),
    default=None,
    help="Default: from the extension.",
)
@pair_options
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
    target_lang: str | None,
    origin: str | None,
    document: str | None,
    encoding: str,
) -> None:
    """Import TMX, TSV or CSV FILES into the memory; each file is all-or-nothing. A TMX <tu>
    without the pair's languages is skipped, and its line listed."""
    from tm.formats import format_of
    from tm.formats.languages import PairReading
    from tm.formats.tabular import read_table
    from tm.formats.tmx import read_tmx

    weak = False
    with memory_at(db, create=True) as memory:
        for file in files:
            kind = format_of(file, fmt)
            pairs = PairReading(file, source_lang, target_lang, "<tu>", "<tu>s")
            held: list[int] = []  # weak links of a `tm align` TSV, left out
            comments: list = []  # reviewers' comments a TMX carries as notes: into the history
            if kind == "tmx":
                units = read_tmx(file, origin=origin, document=document, pairs=pairs, comments=comments)
            else:
                units = read_table(file, kind, source_lang, target_lang, origin, document, encoding, held)
            result = memory.import_units(units, comments)
            kept = f", {result.comments} comments kept in the units' history" if result.comments else ""
            click.echo(
                f"{file}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged{kept}"
            )
            for line in pairs.summary():
                click.echo(f"  {line}")
            if held:
                click.echo(
                    f"  held back {len(held)} weak link(s), as tm align --import does (lines "
                    f"{', '.join(map(str, held))}): review them in tm align ZH EN -o pairs.xlsx, or "
                    "empty their held cell to import them",
                    err=True,
                )
                weak = True
        link_stored(memory)
    if weak:
        sys.exit(EXIT_FINDINGS)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "csv"]), default=None)
@force_option
def export(file: str, db: str | None, fmt: str | None, force: bool) -> None:
    """Export the whole memory to FILE (TMX 1.4b, TSV or CSV), written atomically."""
    from tm.formats import format_of
    from tm.formats.outputs import check_outputs
    from tm.formats.tabular import export_table
    from tm.formats.tmx import export_tmx

    kind = format_of(file, fmt)
    with memory_at(db) as memory:
        check_outputs([file], memory=memory.file, force=force)
        langs = memory.source_languages()
        if kind == "tmx":
            source_lang = langs[0] if len(langs) == 1 else "*all*"
            count = export_tmx(memory.iter_units(), file, source_lang, memory.comments())
        else:
            count = export_table(memory.iter_units(), file, kind)
    click.echo(f"{file}: {count} units", err=True)


def _require_query(text: str) -> None:
    from tm.text.normalize import loose_key, matching_key

    if not loose_key(matching_key(text)):
        raise UserError("empty query: give a sentence or a term to look up")


def _match_data(m, repaired=None) -> dict:
    from tm.memory.units import match_data

    fixed = {"target": repaired.target, "fixes": [asdict(f) for f in repaired.fixes]} if repaired else None
    return match_data(m) | {"repaired": fixed}


@click.command()
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
@click.option(
    "--repair", is_flag=True, help="Repair fuzzy matches that differ only in numbers, dates, terms, names."
)
@click.option(
    "--fragments",
    "with_fragments",
    is_flag=True,
    help="Also the longest parts of TEXT the memory's sources hold, with the English their word links give.",
)
@json_option
def lookup(
    text: str,
    db: str | None,
    min_score: int,
    limit: int,
    source_lang: str,
    prev: str | None,
    next_: str | None,
    repair: bool,
    with_fragments: bool,
    as_json: bool,
) -> None:
    """Memory matches for TEXT: 101 context, 100 exact, 99 near-exact, then fuzzy. With --repair, a
    fuzzy match whose source differs only in placeables gets its target with the query's. With
    --fragments, the parts of TEXT the memory holds, as `tm translate` shows them."""
    from tm.workflow.repair import repair as repaired_target

    _require_query(text)
    fragments = []
    with memory_at(db) as memory:
        matches = memory.lookup(text, source_lang, min_score, limit, prev, next_)
        recognizer = termbase_of(memory).recognizer() if repair or with_fragments else None
        if with_fragments:
            from tm.align.fragments import FragmentFinder

            fragments = FragmentFinder(memory, recognizer).find(text)
    fixed = [
        repaired_target(text, m.unit.source, m.unit.target, recognizer)
        if repair and m.kind == "fuzzy"
        else None
        for m in matches
    ]
    if as_json:
        found = [_match_data(m, r) for m, r in zip(matches, fixed)]
        print_json(
            {"matches": found, "fragments": [f.data() for f in fragments]} if with_fragments else found
        )
        sys.exit(0 if matches or fragments else EXIT_NO_MATCH)
    if not matches:
        click.echo(f"no match ≥ {min_score}%", err=True)
        if not fragments:
            if with_fragments:
                click.echo("no fragment the memory holds and its word links support", err=True)
            sys.exit(EXIT_NO_MATCH)
    for m, r in zip(matches, fixed):
        data = _match_data(m)
        click.echo(f"{m.score:>3}  {m.kind:<10} {data['diff'] or m.unit.source}")
        click.echo(f"     → {m.unit.target}")
        if r is not None:
            click.echo(f"     repaired ({len(r.fixes)} fix{'es' if len(r.fixes) > 1 else ''}) → {r.target}")
            for fix in r.fixes:
                click.echo(f"       {fix}")
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
        for other in m.other_translations:
            click.echo(f"     the memory also translates this source as → {other}")
        if m.numbers_only_in_query or m.numbers_only_in_memory:
            click.echo(
                f"     numbers differ: query {', '.join(m.numbers_only_in_query) or '–'}; "
                f"memory {', '.join(m.numbers_only_in_memory) or '–'}"
            )
    if fragments:
        click.echo("fragments:")
        for f in fragments:
            click.echo(f"  {f.label}  · unit {f.unit_id}")


@click.command()
@click.argument("text")
@db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--side", type=click.Choice(["both", "source", "target"]), default="both", show_default=True)
@json_option
def concordance(text: str, db: str | None, limit: int, side: str, as_json: bool) -> None:
    """Units whose source or target contains TEXT, with the hit marked and, on the other side,
    what it is aligned to; first, how the memory renders TEXT (ranked by use, against the
    glossary). In English targets other forms of a word count too (member state: member states),
    a trailing * makes a prefix (stabil*), and quotes ask for the exact forms ("member state")."""
    from glossary.lookup import find_entries
    from tm.align.renderings import concordance as rendered
    from tm.align.renderings import rendering_of, summary_line

    _require_query(text)
    with memory_at(db) as memory:
        result = rendered(memory, text, limit, side, find_entries(termbase_of(memory), text))
    hits = result.hits
    if as_json:
        print_json(
            {
                "query": text,
                "renderings": [r.data() for r in result.renderings],
                "counted": result.counted,
                "unaligned": result.unaligned,
                "hits": [
                    {
                        "side": h.side,
                        "spans": h.spans,
                        "aligned": list(a) if a else None,
                        "rendering": rendering_of(h, a),
                        "source": h.unit.source,
                        "target": h.unit.target,
                        "unit": asdict(h.unit),
                    }
                    for h, a in zip(hits, result.aligned)
                ],
            }
        )
        sys.exit(0 if hits else EXIT_NO_MATCH)
    if not hits:
        click.echo("no hits", err=True)
        sys.exit(EXIT_NO_MATCH)
    if result.renderings:
        units = "unit" if result.counted == 1 else "units"
        click.echo(f"rendered: {summary_line(result)}  ({result.counted} {units})\n")
    for h, a in zip(hits, result.aligned):
        src_spans, tgt_spans = (
            (h.spans, [a] if a else []) if h.side == "source" else ([a] if a else [], h.spans)
        )
        src, tgt = highlight(h.unit.source, src_spans), highlight(h.unit.target, tgt_spans)
        click.echo(f"{src}\n  → {tgt}\n  unit {h.unit.id} · {h.unit.document or 'no document'}\n")


@click.command()
@db_option
@json_option
def stats(db: str | None, as_json: bool) -> None:
    """Units, language pairs, origins and size of the memory."""
    with memory_at(db) as memory:
        data = memory.stats()
    if as_json:
        print_json(data)
        return
    click.echo(f"memory:    {data['path']} (schema {data['schema_version']})")
    click.echo(f"units:     {data['units']}")
    click.echo(f"documents: {data['documents']}")
    click.echo(f"size:      {data['size_bytes'] / 1024:,.0f} KiB")
    for pair, n in data["language_pairs"].items():
        click.echo(f"pair       {pair}: {n}")
    for origin, n in data["origins"].items():
        click.echo(f"origin     {origin}: {n}")


COMMANDS = [import_, export, lookup, concordance, stats]
