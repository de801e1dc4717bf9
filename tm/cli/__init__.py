"""The `tm` command line: parse, call the library, print; one module per command group, each
importing only tm.cli.common (never a sibling). Heavy imports stay inside commands, so
`tm --help` starts fast."""

from __future__ import annotations

import sqlite3
import sys

import click

from tm.cli import (
    align,
    db,
    glossary,
    glossary_files,
    memory,
    mt,
    qa,
    serve,
    text,
    translate,
    upkeep,
    wordalign,
)
from tm.cli.common import EXIT_INTERRUPTED, EXIT_REFUSED, eval_group
from tm.errors import UserError


class _Refused(click.ClickException):
    exit_code = EXIT_REFUSED


class _Group(click.Group):
    """Turns user errors into one clear message and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise _Refused(str(exc)) from None
        except BrokenPipeError:  # `tm … | head`
            sys.exit(0)
        except KeyboardInterrupt:  # writes are atomic: nothing is left half-written
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except sqlite3.Error as exc:
            raise _Refused(f"memory database: {exc}") from None
        except Exception as exc:  # a server's error (psycopg's, not imported unless a URL is used)
            if not type(exc).__module__.startswith("psycopg"):
                raise
            raise _Refused(f"memory server: {str(exc).strip() or type(exc).__name__}") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tm")
def cli() -> None:
    """Offline Chinese→English translation memory and glossary tool."""


COMMAND_MODULES = (
    text,
    memory,
    upkeep,
    glossary,
    glossary_files,
    align,
    mt,
    translate,
    serve,
    db,
    qa,
    wordalign,
)
for command_module in COMMAND_MODULES:
    for command in command_module.COMMANDS:
        cli.add_command(command)
cli.add_command(eval_group)


def main() -> None:
    cli(prog_name="tm")
