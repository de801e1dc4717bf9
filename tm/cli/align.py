"""`tm align` (one pair, or a reviewed sheet back) and `tm eval align`."""

from __future__ import annotations

from pathlib import Path

import click

from tm.cli.common import (
    db_option,
    encoding_option,
    eval_group,
    json_option,
    memory_at,
    optional_recognizer,
    print_json,
)
from tm.errors import UserError

# ------------------------------------------------------------------ alignment


@click.command(name="align")
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
@click.option("--force", is_flag=True, help="Replace an existing -o file.")
@click.option("--force-import", is_flag=True, help="Import even when the pair looks wrong.")
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
    force_import,
    document,
    db,
    encoding,
    zh_encoding,
    en_encoding,
    as_json,
) -> None:
    """Align ZH_FILE with its translation EN_FILE, sentence by sentence."""
    from tm.align.io import pair_name, units_from_pairs
    from tm.align.pairs import align_files

    if review_file:
        from tm.align.io import read_review

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
            with memory_at(db, create=True) as memory:
                result = memory.import_units(units_from_pairs(reviewed.accepted, doc))
            click.echo(f"memory: {result.added} added, {result.updated} updated")
        return
    if len(files) != 2:
        raise UserError("give ZH_FILE EN_FILE (or --review FILE.xlsx)")
    if output:  # before aligning: a refusal wastes no work
        from tm.formats.outputs import check_outputs
        from tm.memory import default_db_path

        check_outputs([output], inputs=files, memory=db or default_db_path(), force=force)
    recognizer = optional_recognizer(db, create=do_import)  # glossary terms on both sides are anchors
    encodings = (zh_encoding or encoding, en_encoding or encoding)
    aligned, warnings = align_files(files[0], files[1], presplit, encodings, recognizer)
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
                }
                for k in aligned.links
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
            result = memory.import_units(units(aligned, document))
        click.echo(f"memory: {result.added} added, {result.updated} updated", err=True)


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
