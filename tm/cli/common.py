"""What the command modules share: options, opening the memory as a command needs it, the
glossary's recognizer, and printing. Command modules import this, never each other."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from pathlib import Path

import click

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Memory: a SQLite file or a postgresql:// URL (default: $TM_DB, else $XDG_DATA_HOME/tm/memory.db).",
)
encoding_option = click.option(
    "--encoding", default="utf-8", show_default=True, help="Input encoding: utf-8, gb18030, big5."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print data as JSON.")
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "docx", "html", "xliff"]),
    default=None,
    help="Read FILE as this format (default: by its extension, checked against its content).",
)


def pair_options(command):
    """--source-lang and --target-lang: the variants a multilingual file (TMX, TBX) is read in."""
    command = click.option(
        "--target-lang", default=None, help="The English variant to read (default: the file's en-*)."
    )(command)
    return click.option(
        "--source-lang",
        default=None,
        help="The Chinese variant to read (default: the file's zh, zh-CN, zh-TW…; asked if it holds two).",
    )(command)


force_option = click.option("--force", is_flag=True, help="Replace an existing output file.")
paragraphs_option = click.option(
    "--paragraphs",
    "para_mode",
    type=click.Choice(["line", "blank"]),
    default="line",
    show_default=True,
    help="A paragraph is a line, or a block between blank lines.",
)


# Exit statuses, the same with and without --json (README: "Exit status").
EXIT_FINDINGS = 1  # done, and something a person must look at: QA findings, refused rows
EXIT_NO_MATCH = 3  # a look-up found nothing
EXIT_REFUSED = 4  # bad input refused: one message, nothing written
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


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


@contextlib.contextmanager
def memory_at(db: str | None, create: bool = False):
    """The memory of --db, open for the block. Only commands that add to a memory ``create`` one
    (and say so); the others, readers and those that change what is stored, refuse one that does
    not exist. A memory file the block created is removed again when the block fails: a refused
    import leaves no empty memory behind (and a mistyped --db stays an error next time)."""
    from tm.memory import open_memory

    memory = open_memory(db, create=create)
    try:
        with memory:
            yield memory
    except BaseException:
        if memory.created and getattr(memory, "file", None):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{memory.file}{suffix}").unlink(missing_ok=True)
        raise
    if memory.created:
        click.echo(f"created a new memory: {memory.location}", err=True)


def link_stored(memory) -> None:
    """Word links of the units a command just stored (tm.align.unitlinks): aligned now when few,
    else left for `tm align --words`, which the command then says (on stderr: --json stays data)."""
    from tm.align.unitlinks import link_pending, pending_note

    note = pending_note(link_pending(memory))
    if note:
        click.echo(note, err=True)


def relink_glossary(memory, forms) -> None:
    """Word links of the units holding glossary terms a command added, changed or removed made
    again with the glossary as it is now (tm.align.unitlinks.relink_terms); what is left for
    `tm align --words` is said on stderr."""
    from tm.align.unitlinks import relink_terms

    note = relink_terms(memory, forms)[1]
    if note:
        click.echo(f"note: {note}", err=True)


def optional_recognizer(db: str | None, glossary_name: str | None = None, create: bool = False):
    """The glossary's recognizer for commands that work without a memory (mt, align): none when
    no memory was named and the default one does not exist; a named memory must exist, unless
    the command will add to it."""
    import os

    from tm.memory import default_db_path
    from tm.memory.postgres import is_url

    if db is None and not create and not is_url(os.environ.get("TM_DB")) and not default_db_path().exists():
        return None
    with memory_at(db, create=create) as memory:
        termbase = termbase_of(memory)
        return termbase.recognizer(glossary_name) if termbase.count() else None


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def termbase_of(memory):
    from glossary.store import Termbase

    return Termbase.of(memory)


def entry_data(entry) -> dict:
    return {k: v for k, v in asdict(entry).items() if k not in ("id", "given", "columns")}


glossary_option = click.option(
    "--glossary", "glossary_name", default=None, help="Glossary name (default: general; for reading: all)."
)


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], click.style(f"[{text[a:b]}]", bold=True)]
        last = b
    return "".join(out) + text[last:]


def rereadable(path: str) -> str:
    """A path that can be read more than once: "-" (standard input) and pipes such as <(…) or
    /dev/stdin are read once into a temporary file of the same name, removed when the command
    ends (a pipe read twice, to tell its format and then to read it, is empty the second time)."""
    import os
    import shutil
    import stat
    import sys
    import tempfile
    from pathlib import Path

    if path != "-":
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                return path
        except OSError:
            return path  # the reader says what is wrong with it
    folder = tempfile.mkdtemp(prefix="tm-input-")
    click.get_current_context().call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    name = Path(path).name  # a named pipe keeps its name; <(…) is /dev/fd/63: no name at all
    copy = Path(folder) / ("stdin" if path == "-" or name.isdigit() else name)
    with open(copy, "wb") as out:
        if path == "-":
            shutil.copyfileobj(sys.stdin.buffer, out)
        else:
            with open(path, "rb") as handle:
                shutil.copyfileobj(handle, out)
    return str(copy)


def lines_of(path: str, encoding: str) -> list[str]:
    from tm.text.files import read_text

    return read_text(path, encoding).splitlines()


@click.group(name="eval")
def eval_group() -> None:
    """Evaluation: MT quality and alignment."""


@click.group()
def glossary() -> None:
    """The term base: approved renderings, recognition, QA and look-ups."""
