"""Compiled forms of what alignment loads, kept under the user's cache directory
($XDG_CACHE_HOME/tm, else ~/.cache/tm): the CC-CEDICT tables (parsing the dictionary takes
seconds, reading the compiled table back a tenth of one) and the sentence encoder's tokenizer
and weights (parsing the package's protobuf and decompressing its weights: about 1.5 s).

A file is named after what it was compiled from — the versions of the packages it comes from
and the source of the module that compiles it — so a change to either builds a new file (the
old one is removed). A file is written under a temporary name and renamed into place, so two
processes starting at once each read either nothing (and build) or a whole file. A file that
does not read back is rebuilt; a cache directory that cannot be written is worked without.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO, TypeVar

from tm.formats.atomic import atomic_write

T = TypeVar("T")
_UNREADABLE = (OSError, EOFError, ValueError, KeyError, IndexError, pickle.UnpicklingError)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        base = str(Path.home() / ".cache")
    return Path(base) / "tm"


def cache_key(packages: tuple[str, ...], *sources: str) -> str:
    """A digest of the packages' versions and the given source files."""
    digest = hashlib.sha256()
    for package in packages:
        try:
            digest.update(f"{package}={version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package}=?\n".encode())
    for source in sources:
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:16]


def load_or_build(
    name: str,
    key: str,
    build: Callable[[], T],
    write: Callable[[T, BinaryIO], None],
    read: Callable[[BinaryIO], T],
) -> T:
    """The value cached as ``name`` under ``key``; built, written and returned when there is none
    (or it does not read back)."""
    directory = cache_dir()
    path = directory / f"{name}-{key}.bin"
    try:
        with open(path, "rb") as stored:
            return read(stored)
    except _UNREADABLE:
        pass
    value = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as out:
            write(value, out)
        _remove_stale(directory, name, path)
    except OSError:
        pass  # a read-only or full disk: the value is still good for this process
    return value


def _remove_stale(directory: Path, name: str, current: Path) -> None:
    """Files of other keys (older package versions), and temporary files that a process killed
    while writing left behind (older than an hour: a younger one may still be being written)."""
    for other in directory.glob(f"{name}-*.bin"):
        if other != current:
            other.unlink(missing_ok=True)
    for other in directory.glob(f".{name}-*.bin.*.tmp"):
        try:
            if time.time() - other.stat().st_mtime > 3600:
                other.unlink()
        except OSError:
            pass


class _Unpickler(pickle.Unpickler):
    """Builds only plain data, and objects of the classes ``allowed`` names: a cache file is read,
    never run."""

    def __init__(self, file: BinaryIO, allowed: Callable[[str, str], bool]):
        super().__init__(file)
        self.allowed = allowed

    def find_class(self, module: str, name: str):
        if self.allowed(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not expected in a cache file")


def dump(value, out: BinaryIO) -> None:
    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)


def load_data(stored: BinaryIO, allowed: Callable[[str, str], bool] = lambda module, name: False):
    """What ``dump`` wrote: plain data (dicts, lists, tuples, strings, numbers) and the classes
    ``allowed`` admits."""
    return _Unpickler(stored, allowed).load()


def loads_data(data: bytes, allowed: Callable[[str, str], bool]):
    return load_data(io.BytesIO(data), allowed)
