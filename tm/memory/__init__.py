"""The translation memory: the unit model, the storage interface (tm.memory.base.Memory) and its
SQLite backend, the gram index, lookup bands and fuzzy scoring, concordance, history, and the
schema with its migrations. Bands, scoring and diffs are computed once, above the backend.

Imports tm.text only. Open a memory with open_memory().
"""

from __future__ import annotations

import os
from pathlib import Path

from tm.memory.base import Memory


def default_db_path() -> Path:
    """--db, else TM_DB, else $XDG_DATA_HOME/tm/memory.db."""
    if os.environ.get("TM_DB"):
        return Path(os.environ["TM_DB"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tm" / "memory.db"


def open_memory(location: str | Path | None = None, user: str | None = None, create: bool = True) -> Memory:
    """The memory at ``location``: a postgresql:// URL (a team's server), else a SQLite file
    (default: $TM_DB, else the user's data dir)."""
    location = location if location is not None else os.environ.get("TM_DB") or None
    from tm.memory.postgres import is_url

    if is_url(location):
        from tm.memory.postgres import PostgresMemory

        return PostgresMemory(location, user, create)
    from tm.memory.sqlite import SQLiteMemory

    return SQLiteMemory(location, user, create)


__all__ = ["Memory", "default_db_path", "open_memory"]
