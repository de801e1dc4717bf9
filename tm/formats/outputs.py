"""The one rule for every file a command writes: never over one of its inputs, never over the
memory file, and never over an existing file (which may hold work) unless the user said --force."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tm.errors import UserError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _is_database(path: Path) -> bool:
    """A SQLite file (a tm memory, most likely) is never an output, whatever --db said."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def check_outputs(
    targets: Iterable[str | Path],
    inputs: Iterable[str | Path] = (),
    memory: str | Path | None = None,
    force: bool = False,
    what: str = "output",
    creates_folders: bool = False,
) -> list[Path]:
    """The targets as paths, after refusing any that would destroy something: an input, the
    memory database (or its -wal/-shm companions), a directory, or an existing file without
    ``force``. Checked before anything is written, so a refusal leaves every file as it was."""
    targets = [Path(t) for t in targets]
    inputs = [Path(i) for i in inputs]
    guarded = []
    if memory is not None:
        memory = Path(memory)
        guarded = [memory, memory.with_name(memory.name + "-wal"), memory.with_name(memory.name + "-shm")]
    for target in targets:
        if target.is_dir():
            raise UserError(f"{target}: is a directory; the {what} must be a file")
        if not creates_folders and not target.parent.is_dir():
            raise UserError(f"{target}: the directory {target.parent} does not exist")
        if any(_same_file(target, i) for i in inputs):
            raise UserError(f"{target}: is one of the inputs; choose another {what}")
        if any(_same_file(target, g) for g in guarded) or _is_database(target):
            raise UserError(f"{target}: is a memory database; choose another {what}")
        if target.exists() and not force:
            raise UserError(f"{target}: exists (it may hold work); use --force to replace it")
    return targets
