"""`tm eval wordalign`: word alignment of pre-tokenised pairs, scored against gold links."""

from __future__ import annotations

import click

from tm.cli.common import encoding_option, eval_group, json_option, memory_at, print_json, termbase_of


@eval_group.command(name="wordalign")
@click.option(
    "--zh",
    "zh_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Chinese, one sentence a line, tokens separated by spaces.",
)
@click.option(
    "--en",
    "en_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="English, the same lines, tokenised.",
)
@click.option(
    "--gold",
    "gold_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Gold links (i-j sure, i-j-P possible): print the scores.",
)
@click.option(
    "--pred",
    "pred_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the links (i-j, a line per pair).",
)
@click.option("--force", is_flag=True, help="Replace an existing --pred file.")
@click.option(
    "--db",
    default=None,
    type=click.Path(dir_okay=False),
    help="A memory whose units and approved glossary renderings train the aligner too.",
)
@encoding_option
@json_option
def eval_wordalign(zh_file, en_file, gold_file, pred_file, force, db, encoding, as_json) -> None:
    """Word alignment of pre-tokenised pairs with what tm knows (the dictionary; with --db the
    memory and the glossary; the pairs themselves as training text); with --gold, precision,
    recall, AER and phrase-pair F1."""
    from tm.align.wordeval import format_links, read_gold, read_parallel, score
    from tm.align.words import WordAligner, approved_renderings, memory_pairs
    from tm.formats.atomic import atomic_write
    from tm.formats.outputs import check_outputs

    inputs = [f for f in (zh_file, en_file, gold_file) if f]
    if pred_file:
        check_outputs([pred_file], inputs, memory=db, force=force)
    pairs = read_parallel(zh_file, en_file, encoding)
    gold = read_gold(gold_file, pairs, encoding) if gold_file else None
    extra, terms = [], []
    if db:
        with memory_at(db) as memory:
            extra, terms = memory_pairs(memory), approved_renderings(termbase_of(memory))
    aligner = WordAligner.train(pairs + extra, terms)
    links = aligner.align_all(pairs)
    if pred_file:
        with atomic_write(pred_file) as out:
            out.writelines(format_links(pair) + "\n" for pair in links)
    if gold is None:
        if not pred_file:
            for pair in links:
                click.echo(format_links(pair))
        return
    table = score(links, gold, pairs).table()
    if as_json:
        print_json({"pairs": len(pairs), "training_pairs": len(pairs) + len(extra), **table})
        return
    click.echo(
        f"{len(pairs)} pairs  P {table['precision']:.3f}  R {table['recall']:.3f}  AER {table['aer']:.3f}  "
        f"phrase F1 {table['phrase_f1']:.3f}  ({table['links']} links)"
    )


COMMANDS: list = []  # a subcommand of `tm eval`, registered on the group by its decorator
