"""The main job's commands: `tm translate`, `tm review`, `tm export-doc` (thin: parse, call, print)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from tm.cli.common import (
    EXIT_FINDINGS,
    db_option,
    encoding_option,
    engine_options,
    force_option,
    format_option,
    glossary_option,
    json_option,
    link_stored,
    memory_at,
    paragraphs_option,
    print_json,
    rereadable,
    termbase_of,
)
from tm.errors import UserError
from tm.formats.outputs import check_outputs


def _progress(items, label: str, length: int):
    """A progress bar on stderr for long steps, only when stderr is a terminal."""
    if length < 100 or not sys.stderr.isatty():
        return items

    def shown():
        with click.progressbar(items, length=length, label=label, file=sys.stderr) as bar:
            yield from bar

    return shown()


def _outputs(files: list[Path], output: str | None, out_dir: str | None, force: bool) -> list[Path]:
    """Where the sheets go: one workbook (-o), or one per document; never over an input, and
    never over an earlier sheet (a reviewer may be working in it) unless --force."""
    if output and out_dir:
        raise UserError("give -o OUT.xlsx or --out-dir DIR, not both")
    if output:
        targets = [Path(output)]
    else:
        folder = Path(out_dir) if out_dir else None
        if folder is not None and folder.exists() and not folder.is_dir():
            raise UserError(f"{folder}: not a directory")
        targets = [(folder or f.parent) / f"{f.stem}.review.xlsx" for f in files]
        clashes = [t for t, n in Counter(targets).items() if n > 1]
        if clashes:
            raise UserError(f"two inputs would write {clashes[0]}; use -o OUT.xlsx for one workbook")
    for target in targets:
        if target.suffix.lower() not in (".xlsx", ".xlf", ".xliff"):
            raise UserError(
                f"{target}: the review sheet must be an .xlsx file (or .xlf/.xliff for a CAT tool)"
            )
    return check_outputs(targets, files, force=force, what="review sheet", creates_folders=True)


def _glossary_entries(documents) -> list:
    """(entry, segments it occurs in) for the documents, in order of first occurrence."""
    counts: dict[int, list] = {}
    for doc in documents:
        for row in doc.rows:
            for entry in {id(h.entry): h.entry for h in row.terms}.values():
                counts.setdefault(id(entry), [entry, 0])[1] += 1
    return [tuple(v) for v in counts.values()]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o", "--output", default=None, help="One workbook (or XLIFF file: .xlf, .xliff) for all FILES."
)
@click.option(
    "--xliff-version",
    type=click.Choice(["2.0", "1.2"]),
    default="2.0",
    show_default=True,
    help="The XLIFF version of -o FILE.xlf.",
)
@click.option("--out-dir", default=None, help="One workbook per file here (default: beside each file).")
@click.option(
    "--min-fuzzy",
    type=click.IntRange(50, 99),
    default=75,
    show_default=True,
    help="Lowest fuzzy match used (%).",
)
@click.option("--no-mt", is_flag=True, help="Memory and glossary only, no machine translation.")
@click.option(
    "--no-glossary",
    is_flag=True,
    help="Do not enforce the glossary in machine translation (QA still checks terms).",
)
@glossary_option
@click.option(
    "--no-fragments",
    is_flag=True,
    help="Do not look for the parts of unmatched segments the memory holds (the Fragments column).",
)
@click.option("--force", is_flag=True, help="Replace review sheets written earlier.")
@format_option
@paragraphs_option
@engine_options
@db_option
@encoding_option
@json_option
def translate(
    files,
    output,
    xliff_version,
    out_dir,
    min_fuzzy,
    no_mt,
    no_glossary,
    glossary_name,
    no_fragments,
    force,
    para_mode,
    device,
    threads,
    compute_type,
    db,
    encoding,
    as_json,
    fmt,
) -> None:
    """Pre-translate Chinese releases into review sheets: memory matches first (101, 100, 99,
    fuzzy ≥ --min-fuzzy), machine translation for the rest with the glossary enforced, QA of
    terms and numbers, and the CAT analysis of the batch. With -o FILE.xlf (or .xliff) the batch
    is written as XLIFF (--xliff-version) for a CAT tool instead, and read back by `tm review`."""
    from tm import __version__
    from tm.workflow.analysis import format_table, summary
    from tm.workflow.documents import check_placeholders, keep_proposals
    from tm.workflow.pipeline import Batch, find_fragments, leverage, quality_check, read_documents
    from tm.workflow.sheet_write import now_text, write_workbook
    from tm.workflow.xliff_batch import is_xliff, write_xliff

    for missing in (f for f in files if f != "-" and not Path(f).exists()):
        raise UserError(f"{missing}: no such file")
    if not (output or out_dir) and any(not Path(f).is_file() for f in files):
        raise UserError(
            "standard input or a pipe has no folder to write the review sheet beside: give -o FILE"
        )
    paths = [Path(rereadable(f)) for f in files]
    targets = _outputs(paths, output, out_dir, force)
    batch = read_documents(paths, encoding, para_mode, fmt)
    with memory_at(db) as memory:
        termbase = termbase_of(memory)
        if glossary_name and glossary_name not in {g[0] for g in termbase.glossaries()}:
            raise UserError(f"no glossary named {glossary_name!r} in {memory.location}")
        recognizer = termbase.recognizer(glossary_name)
        leverage(batch, memory, min_fuzzy, _progress, recognizer)
        if not no_fragments:
            find_fragments(batch, memory, recognizer)
        memory_location = memory.location
    model_name = _machine_translate(
        batch,
        no_mt,
        recognizer,
        dict(device=device, threads=threads, compute_type=compute_type),
        not no_glossary,
    )
    for note in batch.notes:
        click.echo(note, err=True)
    keep_proposals(batch)
    quality_check(batch, recognizer)
    check_placeholders(batch)
    info = {
        "created": now_text(),
        "tm": __version__,
        "memory": memory_location,
        "minimum fuzzy match": f"{min_fuzzy}%",
        "machine translation": model_name,
        "glossary": glossary_name or "all",
        "glossary in machine translation": "not enforced (--no-glossary)" if no_glossary else "enforced",
    }
    groups = [batch.documents] if output else [[doc] for doc in batch.documents]
    with batch.timed("write sheets"):
        for target, documents in zip(targets, groups):
            part = Batch(documents, batch.timings, batch.notes)
            target.parent.mkdir(parents=True, exist_ok=True)
            if is_xliff(target):
                write_xliff(part, target, xliff_version)
                continue
            write_workbook(part, target, summary(part), _glossary_entries(documents), info)
    result = summary(batch)
    result["outputs"] = [str(t) for t in targets]
    if as_json:
        print_json(result)
        return
    if len(batch.documents) > 1:
        for doc in result["documents"]:
            click.echo(format_table(doc["bands"], doc["document"]))
    click.echo(format_table(result["total"], f"Total: {len(batch.documents)} document(s)"))
    if result["repaired"]["segments"]:
        repaired = result["repaired"]
        click.echo(
            f"fuzzy matches repaired: {repaired['segments']} ({repaired['fixes']} placeables substituted)"
        )
    steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in result["timings"].items())
    click.echo(f"time: {steps}")
    for target in targets:
        click.echo(f"wrote {target}")


def _machine_translate(batch, no_mt: bool, recognizer, engine_settings: dict, enforce: bool) -> str:
    """MT for what the memory left; without a model, say how to install one and go on."""
    from tm.mt.packages import find, missing_model_help
    from tm.workflow.pipeline import machine_translate

    if no_mt:
        return "off (--no-mt)"
    if not any(row.origin == "none" for row in batch.rows):
        return "not needed"
    model = find()
    if model is None:
        batch.notes.append(f"memory and glossary only: {missing_model_help()}")
        return "none installed"
    from tm.mt.engine import Engine

    with batch.timed("load MT model"):
        engine = Engine(model, **engine_settings)
    machine_translate(batch, engine, recognizer, _progress, enforce)
    return model.name


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be stored; store nothing.")
@click.option("--reviewer", default=None, help="Recorded with the units (default: $TM_USER or $USER).")
@click.option("--strict", is_flag=True, help="Refuse approved rows whose target QA flags (terms, numbers).")
@click.option(
    "--force",
    is_flag=True,
    help="Store rows whose memory unit was changed or deleted after the sheet was written "
    "(as corrections of it; refused otherwise).",
)
@db_option
@json_option
def review(file, dry_run, reviewer, strict, force, db, as_json) -> None:
    """Import a reviewed sheet: approved rows into the memory (origin reviewed), corrections of
    memory translations recorded, rejected rows left out, drafts reported. Approved targets are
    checked against the glossary and for numbers, and findings listed per row (--strict refuses
    those rows). Rows whose ID or source no longer match their check are refused and listed. The
    exit status is 1 when a row was refused or QA found something. Importing the same sheet
    again changes nothing; a later round of the same sheet corrects what the earlier one stored.
    A row about a memory unit that was changed or deleted after the sheet was written (another
    sheet, tm edit, tm delete) is refused, naming who changed it, when and why.
    FILE may be the XLIFF file of `tm translate -o FILE.xlf`: the units a CAT tool marked done
    (translated, reviewed, signed-off, final) are the approved rows, the rest drafts."""
    from dataclasses import asdict

    from tm.workflow.review import import_review
    from tm.workflow.sheet_read import read_workbook
    from tm.workflow.xliff_batch import read_xliff, reads_as_xliff

    sheet = read_xliff(file) if reads_as_xliff(file) else read_workbook(file)
    with memory_at(db, create=not dry_run) as memory:
        recognizer = termbase_of(memory).recognizer()
        report = import_review(memory, sheet, reviewer or memory.user, dry_run, recognizer, strict, force)
        if not dry_run:
            link_stored(memory)
    if as_json:
        print_json({**asdict(report), "stored": report.stored, "dry_run": dry_run})
    else:
        verb = "would store" if dry_run else "stored"
        click.echo(
            f"{verb} {report.stored} (new {report.added}, corrected {report.corrected}, "
            f"confirmed {report.confirmed}); unchanged {report.unchanged}, rejected {report.rejected}, "
            f"draft {len(report.drafts)}"
        )
        if report.drafts:
            more = f" and {len(report.drafts) - 10} more" if len(report.drafts) > 10 else ""
            click.echo(f"still draft (not stored): {', '.join(report.drafts[:10])}{more}")
        if report.empty:
            click.echo(f"approved without a target (not stored): {', '.join(report.empty)}")
        if report.withdrawn:
            click.echo(f"rejected now, removed what an earlier round stored: {', '.join(report.withdrawn)}")
        for row_id, unit_id in report.kept:
            click.echo(f"rejected {row_id}, but unit {unit_id} was in the memory before this sheet: it stays")
        if report.rejections:
            units = ", ".join(f"{unit_id} ({row_id})" for row_id, unit_id in report.rejections)
            click.echo(f"rejections {'would be ' if dry_run else ''}kept in the history of unit(s) {units}")
        for number, row_id, issue in report.findings:
            click.echo(f"QA row {number} ({row_id}): {issue}", err=True)
        if report.unkept_comments:
            click.echo(
                f"comments on draft rows, not stored (approve or reject the row to keep its comment): "
                f"{', '.join(report.unkept_comments)}",
                err=True,
            )
        for line in refusal_lines(report.refused):
            click.echo(line, err=True)
    if report.refused or report.findings:
        sys.exit(EXIT_FINDINGS)


def refusal_lines(refused: list[tuple[int, str, str]]) -> list[str]:
    """A line per refused row; a reason shared by more than three rows (a CAT tool that dropped
    tm's attributes from every unit) is said once, with how many rows and which."""
    by_reason: dict[str, list[tuple[int, str]]] = {}
    for number, row_id, why in refused:
        by_reason.setdefault(why, []).append((number, row_id))
    lines = []
    for why, rows in by_reason.items():
        if len(rows) > 3:
            shown = ", ".join(str(n) for n, _ in rows[:5]) + (" …" if len(rows) > 5 else "")
            lines.append(f"refused {len(rows)} rows ({shown}): {why}")
        else:
            lines += [f"refused row {n} ({row_id or 'no ID'}): {why}" for n, row_id in rows]
    return lines


@click.command(name="export-doc")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", default=None, help="The English document (one document in the sheet).")
@click.option(
    "--out-dir", default=None, help="One NAME.en.EXT per document of the sheet here, in its source's format."
)
@click.option("--document", default=None, help="Only this document of a sheet holding several.")
@click.option("--allow-draft", is_flag=True, help="Use draft targets too, not only approved ones.")
@click.option(
    "--allow-missing",
    is_flag=True,
    help="Keep the Chinese source where a segment has no usable target (XLIFF: the target it had).",
)
@force_option
def export_doc(file, output, out_dir, document, allow_draft, allow_missing, force) -> None:
    """Reassemble the translated document(s) from a review sheet: approved targets, paragraphs and
    blank lines as in the source. A Word, HTML or XLIFF source is written in its own format (its
    original file, unchanged since, with the text replaced), or flattened with -o OUT.txt. FILE
    may be the XLIFF file of `tm translate -o FILE.xlf` after a CAT tool: the units it marked
    done (translated, reviewed, signed-off, final) are the approved targets."""
    from tm.formats.atomic import atomic_write
    from tm.formats.outputs import check_outputs
    from tm.workflow.documents import export_document, formatting_left_out, output_format, suffix_of
    from tm.workflow.exportdoc import SHOWN, assemble, line_ending
    from tm.workflow.sheet_read import read_workbook
    from tm.workflow.xliff_batch import read_xliff, reads_as_xliff

    sheet = read_xliff(file) if reads_as_xliff(file) else read_workbook(file)
    layouts = sheet.documents
    if document:
        layouts = [d for d in layouts if d.name == document]
        if not layouts:
            names = ", ".join(d.name for d in sheet.documents)
            raise UserError(f"{file}: no document {document!r} (it holds {names})")
    if bool(output) == bool(out_dir):
        raise UserError("give -o FILE (one document) or --out-dir DIR")
    if output and len(layouts) > 1:
        raise UserError(f"{file} holds {len(layouts)} documents: use --out-dir DIR or --document NAME")
    if output:
        targets = [Path(output)]
    else:
        targets = [Path(out_dir) / f"{d.name}.en{suffix_of(d)}" for d in layouts]
    sources = [d.source_path for d in sheet.documents if d.source_path]
    check_outputs(targets, [file, *sources], force=force, creates_folders=bool(out_dir))
    flat = [output_format(t, layout) == "txt" for t, layout in zip(targets, layouts)]
    texts = [  # all assembled (and checked) before anything is written
        assemble(sheet, layout, allow_draft, allow_missing) if f else None for f, layout in zip(flat, layouts)
    ]
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    for target, layout, assembled in zip(targets, layouts, texts):
        if assembled is None:
            missing = export_document(sheet, layout, target, allow_draft, allow_missing)
        else:
            text, missing = assembled
            with atomic_write(target, newline=line_ending(layout)) as out:
                out.write(text)
        click.echo(f"wrote {target}")
        if missing:
            shown = ", ".join(m.id for m in missing[:SHOWN])
            more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
            kept = (
                "left as the file had them"
                if layout.format == "xliff" and assembled is None
                else "left in Chinese"
            )
            click.echo(f"  {kept} ({len(missing)}): {shown}{more}", err=True)
        unformatted = [] if assembled is not None else formatting_left_out(sheet, layout)
        if unformatted:  # a link or bold run whose placeholders the target lacks is not silently gone
            shown = ", ".join(unformatted[:SHOWN])
            more = f" and {len(unformatted) - SHOWN} more" if len(unformatted) > SHOWN else ""
            click.echo(
                f"  formatting left out where the target lacks its placeholders ({len(unformatted)}): "
                f"{shown}{more}",
                err=True,
            )


COMMANDS = [translate, review, export_doc]
