"""The SQLite backend of the memory: one file in WAL mode (safe for concurrent writers), the units
with their provenance and history, and the gram index (tm.memory.index) that finds fuzzy and
concordance candidates. Lookup bands and scoring are tm.memory.base's."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tm.errors import UserError
from tm.memory import default_db_path
from tm.memory import grams as G
from tm.memory.base import Memory, login_name
from tm.memory.index import SQL_VARS, GramIndex, PostingWriter
from tm.memory.schema import ORIGINS, migrate
from tm.memory.units import UNIT_COLUMNS, ImportResult, Unit, hash64, now, pair_hash
from tm.text.langs import family, normalize_lang
from tm.text.normalize import loose_key, matching_key

BATCH = 20_000  # units per INSERT batch


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection, commit: bool = True) -> Iterator[None]:
    """One write transaction: everything in the block is stored, or nothing (``commit=False``
    rolls back even on success: a dry run)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT" if commit else "ROLLBACK")


class SQLiteMemory(Memory):
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._prepare()
            self.index = GramIndex(self.conn)
        except sqlite3.OperationalError as exc:
            raise UserError(f"{self.path}: cannot open the memory ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{self.path}: not a tm memory ({exc})") from None

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

    def close(self) -> None:
        self.conn.close()

    def transaction(self, commit: bool = True) -> contextlib.AbstractContextManager[None]:
        return write_transaction(self.conn, commit)

    def add_units(self, units: Iterable[Unit]) -> ImportResult:
        """Add or update units inside the caller's transaction."""
        result = ImportResult()
        writer = PostingWriter(self.conn)
        batch: list[Unit] = []
        for unit in units:
            batch.append(unit)
            if len(batch) >= BATCH:
                self._insert_batch(batch, writer, result)
                batch = []
        if batch:
            self._insert_batch(batch, writer, result)
        writer.finish()
        return result

    def find_pair(self, unit: Unit) -> Unit | None:
        """The stored unit with this source and target (and languages), if any."""
        pair = pair_hash(
            normalize_lang(unit.source_lang), normalize_lang(unit.target_lang), unit.source, unit.target
        )
        found = self.conn.execute(
            f"SELECT id, {', '.join(UNIT_COLUMNS)} FROM units WHERE pair_hash = ?", (pair,)
        ).fetchone()
        return _unit(found) if found else None

    def mark_reviewed(self, unit_id: int, by: str | None, document: str | None, context: str | None) -> None:
        """A reviewer confirmed a stored unit as it is (inside the caller's transaction)."""
        self.conn.execute(
            "UPDATE units SET origin = 'reviewed', changed_at = ?, changed_by = ?, "
            "document = coalesce(document, ?), context = coalesce(context, ?) WHERE id = ?",
            (now(), by or self.user, document, context, unit_id),
        )

    def replace_target(
        self,
        unit: Unit,
        target: str,
        by: str | None,
        reason: str,
        document: str | None = None,
        context: str | None = None,
        action: str = "review",
    ) -> None:
        """A reviewer (or `tm edit`) corrected a stored unit's target: the unit now says ``target``
        (origin reviewed, context and document filled in where it had none) and the old target is
        kept in unit_history (inside the caller's transaction)."""
        if not target.strip():
            raise UserError(f"empty target for unit {unit.id}")
        stamp, by = now(), by or self.user
        new_hash = pair_hash(unit.source_lang, unit.target_lang, unit.source, target)
        other = self.conn.execute("SELECT id FROM units WHERE pair_hash = ?", (new_hash,)).fetchone()
        if other is not None and other[0] != unit.id:
            raise UserError(f"unit {other[0]} already holds this source with this target")
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (unit.id, unit.target, target, stamp, by, reason, action),
        )
        self.conn.execute(
            "UPDATE units SET target = ?, pair_hash = ?, origin = 'reviewed', changed_at = ?, "
            "changed_by = ?, document = coalesce(document, ?), context = coalesce(context, ?) WHERE id = ?",
            (target, new_hash, stamp, by, document, context, unit.id),
        )
        self.conn.execute(
            "INSERT INTO target_fts(target_fts, rowid, target) VALUES ('delete', ?, ?)",
            (unit.id, unit.target),
        )
        self.conn.execute("INSERT INTO target_fts(rowid, target) VALUES (?, ?)", (unit.id, target))

    def history(self, unit_id: int) -> list[dict]:
        """What happened to a unit after it was stored, oldest first: targets replaced by a review
        or an edit, and its deletion (with the unit as it was)."""
        rows = self.conn.execute(
            "SELECT action, old_target, new_target, changed_at, changed_by, reason, unit FROM unit_history "
            "WHERE unit_id = ? ORDER BY id",
            (unit_id,),
        ).fetchall()
        keys = ("action", "old_target", "new_target", "changed_at", "changed_by", "reason")
        out = []
        for row in rows:
            entry = dict(zip(keys, row))
            if row[-1]:
                entry["unit"] = json.loads(row[-1])
            out.append(entry)
        return out

    def delete_units(self, ids: Iterable[int], by: str | None, reason: str) -> list[Unit]:
        """Delete units (inside the caller's transaction), each kept in unit_history as it was; the
        units deleted. Their ids are never given again (AUTOINCREMENT), so the posting lists that
        still name them find nothing: every lookup reads the units table."""
        found = self.units_by_id(ids)
        stamp, by = now(), by or self.user
        for uid, (unit, _) in sorted(found.items()):
            self.conn.execute(
                "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
                "action, unit) VALUES (?, ?, '', ?, ?, ?, 'delete', ?)",
                (uid, unit.target, stamp, by, reason, json.dumps(asdict(unit), ensure_ascii=False)),
            )
            self.conn.execute(
                "INSERT INTO target_fts(target_fts, rowid, target) VALUES ('delete', ?, ?)",
                (uid, unit.target),
            )
            self.conn.execute("DELETE FROM units WHERE id = ?", (uid,))
            self.conn.execute("DELETE FROM reviewed_rows WHERE unit_id = ?", (uid,))
        return [found[i][0] for i in sorted(found)]

    def document_unit_ids(self, document: str) -> list[int]:
        return [
            r[0]
            for r in self.conn.execute("SELECT id FROM units WHERE document = ? ORDER BY id", (document,))
        ]

    def reviewed_row(self, sheet: str, row: str) -> tuple[int, str] | None:
        """(unit id, target) an earlier review of this sheet row stored, if any."""
        return self.conn.execute(
            "SELECT unit_id, target FROM reviewed_rows WHERE sheet = ? AND row = ?", (sheet, row)
        ).fetchone()

    def record_reviewed_row(self, sheet: str, row: str, unit_id: int, target: str) -> None:
        self.conn.execute(
            "INSERT INTO reviewed_rows (sheet, row, unit_id, target) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (sheet, row) DO UPDATE SET unit_id = excluded.unit_id, target = excluded.target",
            (sheet, row, unit_id, target),
        )

    def _insert_batch(self, batch: list[Unit], writer: PostingWriter, result: ImportResult) -> None:
        stamp = now()
        rows = [self._row(u, stamp) for u in batch]
        before = self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        changes_before = self.conn.total_changes
        self.conn.executemany(_UPSERT, rows)
        touched = self.conn.total_changes - changes_before
        fresh = self.conn.execute(
            "SELECT id, source_key, source_lang, target FROM units WHERE id > ? ORDER BY id", (before,)
        ).fetchall()
        result.added += len(fresh)
        result.updated += touched - len(fresh)
        self.conn.executemany(
            "INSERT INTO target_fts(rowid, target) VALUES (?, ?)", [(r[0], r[3]) for r in fresh]
        )
        by_family: dict[str, tuple[list[int], list[str]]] = {}
        for uid, key, lang, _ in fresh:
            ids, keys = by_family.setdefault(family(lang), ([], []))
            ids.append(uid)
            keys.append(key)
        for fam, (ids, keys) in by_family.items():
            writer.add(*G.batch_postings(ids, keys, fam))
            lengths = np.fromiter((len(G.comparable(k, fam)) for k in keys), np.int64, len(keys))
            self.conn.execute(
                "INSERT INTO unit_lengths (ids, lens) VALUES (?, ?)",
                (np.asarray(ids, "<u4").tobytes(), np.minimum(lengths, 65535).astype("<u2").tobytes()),
            )

    def _row(self, u: Unit, stamp: str) -> dict:
        if not u.source.strip() or not u.target.strip():
            raise UserError(f"empty source or target in unit {u.source[:40]!r} → {u.target[:40]!r}")
        if u.origin not in ORIGINS:
            raise UserError(f"unknown origin {u.origin!r}; one of {', '.join(ORIGINS)}")
        src_lang, tgt_lang = normalize_lang(u.source_lang), normalize_lang(u.target_lang)
        key = matching_key(u.source)
        row = {c: getattr(u, c) for c in UNIT_COLUMNS}
        row.update(
            source_lang=src_lang,
            target_lang=tgt_lang,
            source_key=key,
            loose_hash=hash64(family(src_lang), loose_key(key)),
            pair_hash=pair_hash(src_lang, tgt_lang, u.source, u.target),
            created_at=u.created_at or stamp,
            changed_at=u.changed_at or u.created_at or stamp,
            created_by=u.created_by or self.user,
            changed_by=u.changed_by or u.created_by or self.user,
        )
        return row

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    def iter_units(self) -> Iterator[Unit]:
        cursor = self.conn.execute(f"SELECT id, {', '.join(UNIT_COLUMNS)} FROM units ORDER BY id")
        for row in cursor:
            yield _unit(row)

    def units_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Unit, str]]:
        """Units and their matching keys, by id."""
        ids = [int(i) for i in ids]
        out: dict[int, tuple[Unit, str]] = {}
        cols = f"id, {', '.join(UNIT_COLUMNS)}, source_key"
        for i in range(0, len(ids), SQL_VARS):
            part = ids[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT {cols} FROM units WHERE id IN ({marks})", part):
                out[row[0]] = (_unit(row[:-1]), row[-1])
        return out

    def source_languages(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT source_lang FROM units")]

    def exact_rows(self, fam: str, loose: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT id, source, source_lang, source_key, context, changed_at FROM units WHERE loose_hash = ?",
            (hash64(fam, loose),),
        ).fetchall()

    def fuzzy_candidates(
        self, key: str, fam: str, query_len: int, min_score: int
    ) -> tuple[np.ndarray, np.ndarray]:
        return self.index.fuzzy_candidates(key, fam, query_len, min_score)

    def source_candidates(self, key: str, fam: str) -> np.ndarray:
        return self.index.source_candidates(key, fam)

    def candidate_keys(self, ids: list[int]) -> Iterable[tuple]:
        marks = ",".join("?" * len(ids))
        return self.conn.execute(
            f"SELECT id, source_key, source_lang, changed_at FROM units WHERE id IN ({marks})", ids
        )

    def target_matches(self, words: list[str], limit: int) -> list[Unit]:
        phrase = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        rows = self.conn.execute(
            f"SELECT u.id, {', '.join('u.' + c for c in UNIT_COLUMNS)} FROM target_fts "
            "JOIN units u ON u.id = target_fts.rowid WHERE target_fts MATCH ? "
            "ORDER BY rank LIMIT ?",
            (phrase, limit),
        ).fetchall()
        return [_unit(row) for row in rows]

    def stats(self) -> dict:
        q = self.conn.execute
        size = sum(
            p.stat().st_size
            for p in self.path.parent.glob(self.path.name + "*")
            if p.name in (self.path.name, self.path.name + "-wal")
        )
        return {
            "path": str(self.path),
            "units": q("SELECT count(*) FROM units").fetchone()[0],
            "language_pairs": {
                f"{s}→{t}": n
                for s, t, n in q(
                    "SELECT source_lang, target_lang, count(*) FROM units GROUP BY 1, 2 ORDER BY 3 DESC"
                )
            },
            "origins": dict(q("SELECT origin, count(*) FROM units GROUP BY 1 ORDER BY 2 DESC").fetchall()),
            "documents": q("SELECT count(DISTINCT document) FROM units").fetchone()[0],
            "size_bytes": size,
            "schema_version": q("PRAGMA user_version").fetchone()[0],
        }


_UPSERT = f"""
INSERT INTO units ({", ".join(UNIT_COLUMNS)}, source_key, loose_hash, pair_hash)
VALUES ({", ".join(":" + c for c in UNIT_COLUMNS)}, :source_key, :loose_hash, :pair_hash)
ON CONFLICT (pair_hash) DO UPDATE SET
    origin = CASE WHEN units.origin = 'reviewed' THEN units.origin ELSE excluded.origin END,
    document = coalesce(excluded.document, units.document),
    context = coalesce(excluded.context, units.context),
    note = coalesce(excluded.note, units.note),
    changed_at = excluded.changed_at,
    changed_by = coalesce(excluded.changed_by, units.changed_by)
WHERE excluded.changed_at >= units.changed_at
"""


def _unit(row: tuple) -> Unit:
    return Unit(id=row[0], **dict(zip(UNIT_COLUMNS, row[1:])))
