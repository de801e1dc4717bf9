"""`tm align` (one pair, two folders of them, or a reviewed sheet back) and `tm eval align`."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from tm.cli.common import (
    EXIT_FINDINGS,
    db_option,
    encoding_option,
    eval_group,
    json_option,
    link_stored,
    memory_at,
    optional_recognizer,
    print_json,
)
from tm.errors import UserError

# ------------------------------------------------------------------ alignment


@click.command(name="align")
@click.argument("files", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Write links to .align, .tsv, .tmx or .xlsx (review sheet); default: TSV on stdout. For two "
    "folders: the output folder (a file per pair, named after the Chinese file, and pairs.tsv).",
)
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Folders: the pairs to align (TSV: Chinese file, English file) instead of pairing them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["align", "tsv", "tmx", "xlsx"]),
    default="align",
    show_default=True,
    help="Folders: the format of each pair's output.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Folders: pairs aligned at once (default: all cores).",
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
    "--words",
    is_flag=True,
    help="Train the word aligner on the memory (--db) and word-align every unit with it.",
)
@click.option("--force", is_flag=True, help="Replace an existing -o file.")
@click.option("--force-import", is_flag=True, help="Import even when the pair looks wrong.")
@click.option(
    "--import-all",
    is_flag=True,
    help="Import the links held back for review too (under the confidence floor, or a merged link "
    "a sentence adds nothing to).",
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
    pairs_file,
    fmt,
    jobs,
    presplit,
    do_import,
    review_file,
    words,
    force,
    force_import,
    import_all,
    document,
    db,
    encoding,
    zh_encoding,
    en_encoding,
    as_json,
) -> None:
    """Align ZH_FILE with its translation EN_FILE, sentence by sentence; or each document of
    ZH_DIR with its translation in EN_DIR (paired by --pairs, by file name, else by content)."""
    from tm.align.floor import held_links
    from tm.align.io import pair_name
    from tm.align.pairs import align_files

    if words:
        if files or review_file:
            raise UserError("--words aligns the words of the memory's units: no files")
        return _align_words(db, jobs, as_json)
    if review_file:
        from tm.align.io import read_review

        if files:
            raise UserError("--review takes the reviewed sheet only, no ZH_FILE EN_FILE")
        if Path(review_file).suffix.lower() in (".tsv", ".csv", ".txt", ".align"):
            raise UserError(
                f"{review_file}: --review reads the .xlsx review sheet (`tm align ZH EN -o pairs.xlsx`); "
                f"links in a TSV go into the memory as they are with `tm import {review_file}`"
            )
        reviewed = read_review(Path(review_file))
        click.echo(
            f"{review_file}: {len(reviewed.accepted)} links to store, {reviewed.rejected} rejected, "
            f"{reviewed.edited} edited"
        )
        if reviewed.deleted:
            ids = ", ".join(map(str, reviewed.deleted))
            click.echo(f"skipped links {ids}: their rows were deleted from the sheet")
        if do_import:
            from tm.align.store import store_reviewed

            doc = document or pair_name(reviewed.zh_name, reviewed.en_name)
            with memory_at(db, create=True) as memory:
                result = store_reviewed(memory, reviewed, doc, Path(review_file).name)
                link_stored(memory)
            kept = f", {result.comments} comments kept in the units' history" if result.comments else ""
            click.echo(f"memory: {result.added} added, {result.updated} updated{kept}")
        return
    if len(files) != 2:
        raise click.UsageError("give ZH_FILE EN_FILE, ZH_DIR EN_DIR, or --review FILE.xlsx")
    encodings = (zh_encoding or encoding, en_encoding or encoding)
    folders = [Path(f).is_dir() for f in files]
    if any(folders):
        if not all(folders):
            raise click.UsageError("give two files or two folders, not one of each")
        if document:
            raise UserError("--document names one pair's units: not for folders")
        flags = (presplit, do_import, force, force_import, import_all)
        _align_folders(files, output, pairs_file, fmt, jobs, encodings, flags, db, as_json)
        return
    if pairs_file or jobs:
        raise UserError("--pairs and --jobs are for aligning two folders")
    if output:  # before aligning: a refusal wastes no work
        from tm.formats.outputs import check_outputs
        from tm.memory import default_db_path

        check_outputs([output], inputs=files, memory=db or default_db_path(), force=force)
    recognizer = optional_recognizer(db, create=do_import)  # glossary terms on both sides are anchors
    aligned, warnings = align_files(files[0], files[1], presplit, encodings, recognizer)
    held = {} if import_all else held_links(aligned.links)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output:
        from tm.align.io import write_output

        write_output(aligned, Path(output))
        click.echo(f"{output}: {len(aligned.links)} links", err=True)
    elif as_json:
        print_json(
            [
                {
                    "zh": list(k.zh),
                    "en": list(k.en),
                    "confidence": round(k.score, 4),
                    "chinese": aligned.texts(k)[0],
                    "english": aligned.texts(k)[1],
                    "held": held.get(n),
                }
                for n, k in enumerate(aligned.links)
            ]
        )
    else:
        from tm.align.io import tsv

        click.echo(tsv(aligned), nl=False)
    if do_import:
        if warnings and not force_import:
            raise UserError(
                "not imported: the pair looks wrong (see the warnings); --force-import imports anyway"
            )
        from tm.align.io import units

        with memory_at(db, create=True) as memory:
            result = memory.import_units(units(aligned, document, held))
            link_stored(memory)
        click.echo(f"memory: {result.added} added, {result.updated} updated", err=True)
        if held:
            _print_held(aligned, held, files, presplit)
            sys.exit(EXIT_FINDINGS)


def _align_words(db, jobs, as_json) -> None:
    from tm.align.realign import realign

    with memory_at(db) as memory:
        shown = sys.stderr.isatty() and not as_json
        report = realign(
            memory,
            jobs,
            progress=(lambda n, t: click.echo(f"\r{n}/{t} units", nl=False, err=True)) if shown else None,
        )
    if shown:
        click.echo(err=True)
    if as_json:
        print_json({"units": report.units, "trained_on": report.trained_on, "seconds": report.seconds})
        return
    click.echo(
        f"word aligner trained on {report.trained_on} units in {report.seconds['train']:.1f} s; "
        f"{report.units} units word-aligned in {report.seconds['align']:.1f} s"
    )


def _print_held(aligned, held: dict[int, str], files, presplit: bool) -> None:
    from tm.align.io import describe_held

    click.echo(f"held back, not imported ({len(held)} links):", err=True)
    for k, why in held.items():
        click.echo(f"  {describe_held(aligned, k, why)}", err=True)
    sheet = f"{Path(files[0]).stem}.xlsx"
    again = f"tm align {files[0]} {files[1]}" + (" --presplit" if presplit else "")
    click.echo(
        f"to review them: {again} -o {sheet} (held links on top of its 'By confidence' sheet), "
        f"decide, then tm align --review {sheet} --import; or --import-all to store them as they are",
        err=True,
    )


def _align_folders(files, output, pairs_file, fmt, jobs, encodings, flags, db, as_json) -> None:
    from tm.align import archive
    from tm.memory import default_db_path

    presplit, do_import, force, force_import, import_all = flags
    if not output and not do_import:
        raise UserError(
            "aligning folders: give -o OUT_DIR for the outputs, --import to store the links, or both"
        )
    dirs = (Path(files[0]), Path(files[1]))
    out_dir = Path(output) if output else None
    listed = Path(pairs_file) if pairs_file else None
    recognizer = optional_recognizer(db, create=do_import)
    options = archive.Options(presplit, encodings, units=do_import, force=force_import, hold=not import_all)
    results, stored, refused = [], [0, 0, 0], []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with archive.Workers(jobs or cores, recognizer, options) as workers:
        pairing = archive.pair_documents(*dirs, listed, workers)
        guarded = (db or default_db_path(), listed)
        outputs = archive.prepare_outputs(pairing, dirs, out_dir, fmt, guarded, force)
        with memory_at(db, create=True) if do_import else contextlib.nullcontext() as memory:
            for result in _progress(archive.align_pairs(pairing.pairs, outputs, workers), len(pairing.pairs)):
                results.append(result)
                if memory is not None and result.units:
                    imported = memory.import_units(result.units)  # one transaction per pair
                    stored = [stored[0] + 1, stored[1] + imported.added, stored[2] + imported.updated]
                elif memory is not None and not result.error:
                    refused.append(result)
            if memory is not None:
                link_stored(memory)
    summary = archive.summarize(pairing, results)
    if as_json:
        print_json(_summary_data(summary, pairing, stored, refused))
    else:
        _print_summary(summary, pairing, out_dir, stored if do_import else None, refused)
    if summary.failed or refused or summary.held:
        sys.exit(EXIT_FINDINGS)


def _progress(results, length: int):
    """A progress bar on stderr while pairs are aligned, only when stderr is a terminal."""
    if length < 2 or not sys.stderr.isatty():
        yield from results
        return
    with click.progressbar(length=length, label="aligning pairs", file=sys.stderr) as bar:
        for result in results:
            bar.update(1)
            yield result


def _print_summary(summary, pairing, out_dir, stored, refused) -> None:
    how = ", ".join(f"{n} by {way}" for way, n in sorted(summary.by.items()))
    click.echo(f"{summary.pairs} pairs ({how or 'none'}); {summary.alone} documents without a counterpart")
    for doc, why in pairing.zh_alone + pairing.en_alone:
        click.echo(f"  alone: {doc}" + (f" ({why})" if why else ""))
    shapes = ", ".join(f"{shape} {n:,}" for shape, n in sorted(summary.shapes.items(), key=lambda kv: -kv[1]))
    click.echo(f"{summary.links:,} links" + (f": {shapes}" if shapes else ""))
    if summary.doubtful:
        click.echo(f"doubtful pairs ({len(summary.doubtful)}):")
        for name, evidence in summary.doubtful:
            click.echo(f"  {name}: {evidence}")
    if summary.failed:
        click.echo(f"failed ({len(summary.failed)}):")
        for result in summary.failed:
            click.echo(f"  {result.zh.name} ↔ {result.en.name}: {result.error}")
    if out_dir is not None:
        click.echo(f"outputs and pairs.tsv: {out_dir}")
    if stored is not None:
        click.echo(f"memory: {stored[0]} pairs stored, {stored[1]} units added, {stored[2]} updated")
    if refused:
        names = ", ".join(f"{r.zh.name} ↔ {r.en.name}" for r in refused)
        click.echo(f"not imported, they look wrong (see above; --force-import imports them): {names}")
    if summary.held:
        click.echo(f"held back, not imported ({sum(len(r.held) for r in summary.held)} links):")
        for result in summary.held:
            click.echo(f"  {result.zh.name} ↔ {result.en.name}:")
            for line in result.held:
                click.echo(f"    {line}")
        click.echo(
            "to review them: tm align ZH_FILE EN_FILE -o PAIR.xlsx for a pair (held links on top of its "
            "'By confidence' sheet), decide, then tm align --review PAIR.xlsx --import; or --import-all "
            "to store them as they are"
        )


def _summary_data(summary, pairing, stored, refused) -> dict:
    return {
        "pairs": [
            {"zh": str(p.zh), "en": str(p.en), "paired_by": p.how, "confidence": p.confidence}
            for p in pairing.pairs
        ],
        "alone": [{"file": str(doc), "nearest": why} for doc, why in pairing.zh_alone + pairing.en_alone],
        "links": summary.links,
        "shapes": dict(summary.shapes),
        "doubtful": [{"pair": name, "evidence": evidence} for name, evidence in summary.doubtful],
        "failed": [{"zh": str(r.zh), "en": str(r.en), "error": r.error} for r in summary.failed],
        "stored": {"pairs": stored[0], "added": stored[1], "updated": stored[2]},
        "not_imported": [{"zh": str(r.zh), "en": str(r.en)} for r in refused],
        "held": [{"zh": str(r.zh), "en": str(r.en), "links": r.held} for r in summary.held],
    }


@eval_group.command(name="align")
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, exists=True))
@click.option("--pred", "pred_dir", required=True, type=click.Path(file_okay=False, exists=True))
@json_option
def eval_align(gold_dir, pred_dir, as_json) -> None:
    """Strict and lax precision/recall/F1 of .align files (counts summed over files)."""
    from tm.align.score import score_dirs

    score, names = score_dirs(Path(gold_dir), Path(pred_dir))
    table = score.table()
    if as_json:
        print_json({"files": names, **table})
        return
    click.echo(f"{len(names)} files")
    for kind in ("strict", "lax"):
        click.echo(
            f"{kind:<6} P {table[kind + '_precision']:.3f}  R {table[kind + '_recall']:.3f}  "
            f"F1 {table[kind + '_f1']:.3f}"
        )


COMMANDS = [align_cmd]
