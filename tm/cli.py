"""The `tm` command line: parse, call the library, print. Heavy imports stay inside commands."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict

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
    "--db", type=click.Path(dir_okay=False), default=None,
    help="Memory file (default: $TM_DB, else $XDG_DATA_HOME/tm/memory.db).",
)
encoding_option = click.option(
    "--encoding", default="utf-8", show_default=True, help="Input encoding: utf-8, gb18030, big5."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print data as JSON.")


def _memory(db: str | None):
    from tm.store import Memory

    return Memory(db)


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
@click.option("--paragraphs", "para_mode", type=click.Choice(["line", "blank"]), default="line",
              show_default=True, help="A paragraph is a line, or a block between blank lines.")
@click.option("--raw", is_flag=True, help="Keep interlinear pinyin in the printed text.")
@encoding_option
@json_option
def segment(file: str, lang: str | None, para_mode: str, raw: bool, encoding: str,
            as_json: bool) -> None:
    """Split FILE into sentences: one per line as ID<TAB>TEXT (ID = document:paragraph:sentence)."""
    from pathlib import Path

    from tm.segment import segment_text
    from tm.textio import read_text

    segments = segment_text(read_text(file, encoding), Path(file).stem, lang, para_mode)
    if as_json:
        _print_json([{"id": s.id, "doc": s.doc, "para": s.para, "index": s.index,
                      "text": s.text if raw else s.clean, "key": s.key} for s in segments])
        return
    for s in segments:
        click.echo(f"{s.id}\t{s.text if raw else s.clean}")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "csv"]), default=None,
              help="Default: from the extension.")
@click.option("--source-lang", default=None, help="Source language when the file does not say (zh).")
@click.option("--target-lang", default="en", show_default=True)
@click.option("--origin", type=click.Choice(["aligned", "reviewed", "imported", "approved-MT"]),
              default=None, help="Override the origin recorded for every unit.")
@click.option("--document", default=None, help="Document name recorded with the units.")
@encoding_option
def import_(files: tuple[str, ...], db: str | None, fmt: str | None, source_lang: str | None,
            target_lang: str, origin: str | None, document: str | None, encoding: str) -> None:
    """Import TMX, TSV or CSV FILES into the memory; each file is all-or-nothing."""
    from tm.formats import format_of
    from tm.formats.tabular import read_table
    from tm.formats.tmx import read_tmx

    with _memory(db) as memory:
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
def export(file: str, db: str | None, fmt: str | None) -> None:
    """Export the whole memory to FILE (TMX 1.4b, TSV or CSV), written atomically."""
    from tm.formats import format_of
    from tm.formats.tabular import export_table
    from tm.formats.tmx import export_tmx

    kind = format_of(file, fmt)
    with _memory(db) as memory:
        langs = [r[0] for r in memory.conn.execute("SELECT DISTINCT source_lang FROM units LIMIT 2")]
        if kind == "tmx":
            count = export_tmx(memory.iter_units(), file, langs[0] if len(langs) == 1 else "*all*")
        else:
            count = export_table(memory.iter_units(), file, kind)
    click.echo(f"{file}: {count} units", err=True)


def _match_data(m) -> dict:
    from tm.scoring import render_diff

    return {"score": m.score, "kind": m.kind, "source": m.unit.source, "target": m.unit.target,
            "diff": render_diff(m.diff) if m.diff else None,
            "numbers_only_in_query": m.numbers_only_in_query,
            "numbers_only_in_memory": m.numbers_only_in_memory,
            "unit": asdict(m.unit)}


@cli.command()
@click.argument("text")
@db_option
@click.option("--min", "min_score", type=click.IntRange(50, 100), default=75, show_default=True,
              help="Lowest fuzzy score shown.")
@click.option("--limit", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--lang", "source_lang", default="zh", show_default=True, help="Source language.")
@click.option("--prev", default=None, help="Previous source segment (for 101% context matches).")
@click.option("--next", "next_", default=None, help="Next source segment.")
@json_option
def lookup(text: str, db: str | None, min_score: int, limit: int, source_lang: str,
           prev: str | None, next_: str | None, as_json: bool) -> None:
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
        where = " · ".join(x for x in (m.unit.origin, m.unit.document, m.unit.changed_at,
                                        m.unit.changed_by) if x)
        click.echo(f"     {where}")
        if m.numbers_only_in_query or m.numbers_only_in_memory:
            click.echo(f"     numbers differ: query {', '.join(m.numbers_only_in_query) or '–'}; "
                       f"memory {', '.join(m.numbers_only_in_memory) or '–'}")


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
@click.option("--side", type=click.Choice(["both", "source", "target"]), default="both",
              show_default=True)
@json_option
def concordance(text: str, db: str | None, limit: int, side: str, as_json: bool) -> None:
    """Units whose source or target contains TEXT, with the hit marked."""
    with _memory(db) as memory:
        hits = memory.concordance(text, limit, side)
    if as_json:
        _print_json([{"side": h.side, "spans": h.spans, "source": h.unit.source,
                      "target": h.unit.target, "unit": asdict(h.unit)} for h in hits])
        return
    if not hits:
        click.echo("no hits", err=True)
        sys.exit(1)
    for h in hits:
        src = _highlight(h.unit.source, h.spans) if h.side == "source" else h.unit.source
        tgt = _highlight(h.unit.target, h.spans) if h.side == "target" else h.unit.target
        click.echo(f"{src}\n  → {tgt}\n")


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


def main() -> None:
    cli(prog_name="tm")
