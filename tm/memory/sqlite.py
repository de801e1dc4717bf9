"""The SQLite backend of the memory: one file in WAL mode (safe for concurrent writers), its
schema (tm.memory.schema), the upsert counted by SQLite's changes, and two FTS5 word indexes of
the targets (the words as written, and their stems). The SQL it shares with PostgreSQL is
tm.memory.sql's; bands and scoring are tm.memory.base's."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from tm.errors import UserError
from tm.memory import default_db_path, words
from tm.memory.base import login_name
from tm.memory.index import GramIndex
from tm.memory.schema import migrate
from tm.memory.sql import ON_PAIR_CONFLICT, SQLMemory, unit_of
from tm.memory.units import UNIT_COLUMNS, Unit
from tm.memory.words import WordQuery


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection, commit: bool = True) -> Iterator[None]:
    """One write transaction: everything in the block is stored, or nothing (``commit=False``
    rolls back even on success: a dry run)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # (SQLite may have rolled back itself: disk full, I/O error)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT" if commit else "ROLLBACK")


class SQLiteMemory(SQLMemory):
    """A translation memory in one SQLite file."""

    def __init__(self, path: str | Path | None = None, user: str | None = None, create: bool = True):
        """Open the memory at ``path``; a missing file is created only when ``create`` (commands
        that only read refuse it: a mistyped --db must not answer "no match" from a new file)."""
        self.path = Path(path) if path else default_db_path()
        self.user = user or login_name()
        if self.path.is_dir():
            raise UserError(f"{self.path}: is a directory; --db wants a file")
        self.location, self.file = str(self.path), self.path
        self.created = not self.path.exists()
        if self.created and not create:
            raise UserError(
                f"{self.path}: no memory there (mistyped --db or $TM_DB?); "
                "`tm import` or `tm glossary import` creates one"
            )
        if path is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # the default place: made on first use
        elif not self.path.parent.is_dir():
            raise UserError(f"{self.path}: the directory {self.path.parent} does not exist")
        if self.created:  # with the umask's permissions (SQLite makes 0644): a team's share stays writable
            self.path.touch()
        try:
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            if not self.created:
                _check_is_memory(self.conn, self.path)
            self._prepare()
            self.index = GramIndex(self.conn)
        except sqlite3.OperationalError as exc:
            raise UserError(f"{self.path}: cannot open the memory ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{self.path}: not a tm memory ({exc})") from None

    def reopened(self) -> SQLiteMemory:
        return SQLiteMemory(self.path, self.user, create=False)

    def _prepare(self) -> None:
        """Pragmas and schema; retried while another process holds the lock (switching a new
        file to WAL does not wait on the busy timeout)."""
        deadline = time.monotonic() + 60
        while True:
            try:
                self.conn.execute("PRAGMA busy_timeout = 60000")
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA cache_size = -65536")
                migrate(self.conn)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def transaction(self, commit: bool = True) -> contextlib.AbstractContextManager[None]:
        return write_transaction(self.conn, commit)

    def _upsert(self, rows: list[dict]) -> tuple[list[tuple], int]:
        before = self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        changes_before = self.conn.total_changes
        self.conn.executemany(_UPSERT, rows)
        touched = self.conn.total_changes - changes_before
        fresh = self.conn.execute(
            "SELECT id, source_key, source_lang, target FROM units WHERE id > ? ORDER BY id", (before,)
        ).fetchall()
        return fresh, touched - len(fresh)

    def _target_index_add(self, pairs: list[tuple[int, str]]) -> None:
        for table in _TARGET_INDEXES:
            self.conn.executemany(f"INSERT INTO {table}(rowid, target) VALUES (?, ?)", pairs)

    def _target_index_remove(self, unit_id: int, target: str) -> None:
        for table in _TARGET_INDEXES:
            self.conn.execute(
                f"INSERT INTO {table}({table}, rowid, target) VALUES ('delete', ?, ?)", (unit_id, target)
            )

    def target_matches(self, query: WordQuery, limit: int, stemmed: bool = False) -> list[Unit]:
        table = _TARGET_INDEXES[stemmed]
        rows = self.conn.execute(
            f"SELECT u.id, {', '.join('u.' + c for c in UNIT_COLUMNS)} FROM {table} "
            f"JOIN units u ON u.id = {table}.rowid WHERE {table} MATCH ? ORDER BY rank LIMIT ?",
            (words.fts5(query), limit),
        ).fetchall()
        return [unit_of(row) for row in rows]

    def _size_bytes(self) -> int:
        return sum(
            p.stat().st_size
            for p in self.path.parent.glob(self.path.name + "*")
            if p.name in (self.path.name, self.path.name + "-wal")
        )

    def next_unit_id(self) -> int:
        found = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'units'").fetchone()
        return (found[0] if found else 0) + 1

    def reserve_unit_ids(self, next_id: int) -> None:
        if next_id > self.next_unit_id():
            self.conn.execute("DELETE FROM sqlite_sequence WHERE name = 'units'")
            self.conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('units', ?)", (next_id - 1,))

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


_TARGET_INDEXES = ("target_fts", "target_stems")  # words as written; their Porter stems
_UPSERT = f"""
INSERT INTO units (id, {", ".join(UNIT_COLUMNS)}, source_key, loose_hash, pair_hash)
VALUES (:id, {", ".join(":" + c for c in UNIT_COLUMNS)}, :source_key, :loose_hash, :pair_hash)
{ON_PAIR_CONFLICT}
"""


def _check_is_memory(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse another application's SQLite file rather than add tm's tables to it."""
    if conn.execute("PRAGMA user_version").fetchone()[0]:
        return
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if tables:
        raise UserError(
            f"{path}: not a tm memory but another application's SQLite database "
            f"(it holds {', '.join(tables[:5])})"
        )
