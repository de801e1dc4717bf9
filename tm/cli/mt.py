"""Offline MT: `tm models …`, `tm mt` and `tm eval mt`."""

from __future__ import annotations

import click

from tm.cli.common import (
    db_option,
    encoding_option,
    engine_options,
    eval_group,
    force_option,
    glossary_option,
    json_option,
    lines_of,
    memory_at,
    optional_recognizer,
    print_json,
    termbase_of,
)
from tm.errors import UserError

# -------------------------------------------------------------------- models and MT


@click.group()
def models() -> None:
    """Offline MT models (argos-translate packages)."""


@models.command(name="list")
@json_option
def models_list(as_json: bool) -> None:
    """Installed packages: pair, version, size and where they live."""
    from tm.mt import packages as m

    found = m.installed()
    if as_json:
        print_json(
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
    from tm.mt import packages as m

    if len(what) == 1:
        model = m.install(what[0])
    elif len(what) == 2 and not what[0].endswith(".argosmodel"):
        model = m.download_and_install(*what)
    else:
        raise click.UsageError("give one .argosmodel file, or a language pair such as: zh en")
    click.echo(f"installed {model.name} ({model.from_code}→{model.to_code} {model.version}) in {model.path}")


@models.command(name="remove")
@click.argument("name")
def models_remove(name: str) -> None:
    """Remove a package by name (translate-zh_en-1_9) or pair (zh-en)."""
    from tm.mt import packages as m

    click.echo(f"removed {m.remove(name).name}")


@click.command()
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
    from tm.mt.engine import Engine
    from tm.text.files import read_text
    from tm.text.segment import segment_text
    from tm.workflow.pipeline import dictionary_lexicon

    if bool(text) == bool(file):
        raise click.UsageError("give TEXT or -f FILE")
    source = read_text(file, encoding) if file else "\n".join(text)
    segments = segment_text(source, "mt", "zh")
    recognizer = None if no_glossary else optional_recognizer(db, glossary_name)
    engine = Engine(device=device, threads=threads, beam_size=beam, compute_type=compute_type)
    results = engine.translate(
        [s.text for s in segments], n_best=n_best, recognizer=recognizer, lexicon=dictionary_lexicon()
    )
    if as_json:
        print_json(
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


@eval_group.command(name="mt")
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
    from tm.formats.atomic import atomic_write
    from tm.formats.outputs import check_outputs
    from tm.mt.evaluate import score_mt

    if segments_out:
        check_outputs([segments_out], [f for f in (hyp, ref, src) if f], force=force)
    hyps, refs = lines_of(hyp, encoding), lines_of(ref, encoding)
    if len(hyps) != len(refs):
        raise UserError(f"{hyp} has {len(hyps)} lines, {ref} has {len(refs)}: one segment per line on both")
    sources = recognizer = None
    if use_glossary:
        if not src:
            raise UserError("--glossary needs --src (the source segments)")
        sources = lines_of(src, encoding)
        if len(sources) != len(hyps):
            raise UserError(f"{src} has {len(sources)} lines, {hyp} has {len(hyps)}")
        with memory_at(db) as memory:
            recognizer = termbase_of(memory).recognizer(glossary_name)
    scores = score_mt(hyps, refs, target_lang, bool(segments_out), sources, recognizer)
    if segments_out:
        with atomic_write(segments_out) as out:
            out.write("line\tbleu\tchrf\tter\n")
            for n, (b, c, t) in enumerate(scores.per_segment, start=1):
                out.write(f"{n}\t{b:.2f}\t{c:.2f}\t{t:.2f}\n")
    if as_json:
        print_json(
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


COMMANDS = [models, mt]
