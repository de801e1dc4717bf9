"""`tm normalize` and `tm segment`: text as tm sees it."""

from __future__ import annotations

import click

from tm.cli.common import (
    encoding_option,
    format_option,
    json_option,
    paragraphs_option,
    print_json,
    rereadable,
)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@click.option("--key", is_flag=True, help="Print the matching key of each line instead.")
def normalize(file: str, encoding: str, key: bool) -> None:
    """Strip interlinear pinyin from FILE (or print matching keys); nothing else changes."""
    from tm.text.files import read_text
    from tm.text.normalize import count_ruby, matching_key

    text = read_text(rereadable(file), encoding)
    if key:
        click.echo("\n".join(matching_key(line) for line in text.splitlines()))
        return
    stripped, removed = count_ruby(text)
    click.echo(stripped, nl=False)
    click.echo(f"removed {removed} pinyin annotations", err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Default: guessed.")
@paragraphs_option
@click.option("--raw", is_flag=True, help="Keep interlinear pinyin in the printed text.")
@encoding_option
@format_option
@json_option
def segment(
    file: str, lang: str | None, para_mode: str, raw: bool, encoding: str, fmt: str | None, as_json: bool
) -> None:
    """Split FILE into sentences: one per line as ID<TAB>TEXT (ID = document:paragraph:sentence).
    A Word, HTML or XLIFF file is segmented block by block, inline formatting as ⟦1⟧…⟦/1⟧."""
    from pathlib import Path

    from tm.formats.documents import format_of
    from tm.text.files import read_text
    from tm.text.langs import document_name
    from tm.text.segment import segment_text
    from tm.workflow.documents import document_segments

    file = rereadable(file)
    kind = format_of(file, fmt)
    if kind == "txt":
        segments = segment_text(read_text(file, encoding), document_name(file), lang, para_mode)
    else:
        segments = document_segments(Path(file), document_name(file), kind, encoding)[0]
    if as_json:
        print_json(
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


COMMANDS = [normalize, segment]
