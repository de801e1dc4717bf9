"""What the SQL backends share: the units with their provenance, history and reviewed rows, and
the gram index (tm.memory.index), in SQL that SQLite and PostgreSQL both run (``?`` parameters;
the PostgreSQL connection translates them). Each backend adds its connection, transactions,
schema, the upsert of a batch and the word index of targets."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import asdict

import numpy as np

from tm.errors import StaleUnit, UserError
from tm.memory import grams as G
from tm.memory.base import Memory
from tm.memory.history import HistorySQL
from tm.memory.index import SQL_VARS, GramIndex, PostingWriter
from tm.memory.links import LinksSQL
from tm.memory.schema import ORIGINS
from tm.memory.sync import SyncSQL
from tm.memory.units import (
    UNIT_COLUMNS,
    ImportResult,
    Unit,
    hash64,
    new_uid,
    now,
    pair_hash,
    pair_uid,
    unit_of,
)
from tm.text.langs import family, normalize_lang, with_script
from tm.text.normalize import loose_key, matching_key

BATCH = 20_000  # units per INSERT batch
UNIT_SELECT = f"SELECT id, {', '.join(UNIT_COLUMNS)} FROM units"
# What importing a pair again does to the stored unit (both backends' upserts end with this):
# provenance filled in or brought up to date, never a reviewed unit made unreviewed.
ON_PAIR_CONFLICT = """ON CONFLICT (pair_hash) DO UPDATE SET
    origin = CASE WHEN units.origin = 'reviewed' THEN units.origin ELSE excluded.origin END,
    document = coalesce(excluded.document, units.document),
    context = coalesce(excluded.context, units.context),
    note = coalesce(excluded.note, units.note),
    tmx = coalesce(excluded.tmx, units.tmx),
    changed_at = excluded.changed_at,
    changed_by = coalesce(excluded.changed_by, units.changed_by)
WHERE excluded.changed_at >= units.changed_at AND (  -- the same unit imported again is unchanged
    (units.origin <> 'reviewed' AND excluded.origin <> units.origin)
    OR coalesce(excluded.document, units.document) IS DISTINCT FROM units.document
    OR coalesce(excluded.context, units.context) IS DISTINCT FROM units.context
    OR coalesce(excluded.note, units.note) IS DISTINCT FROM units.note
    OR coalesce(excluded.tmx, units.tmx) IS DISTINCT FROM units.tmx
)"""


class SQLMemory(SyncSQL, HistorySQL, LinksSQL, Memory):
    """A memory in SQL tables; ``self.conn`` runs ``?``-parameter SQL (execute, executemany)."""

    conn: object
    index: GramIndex

    # ------------------------------------------------------------ dialect hooks

    @abstractmethod
    def _upsert(self, rows: list[dict]) -> tuple[list[tuple], int]:
        """Insert or update rows (same pair: one unit); the new units' (id, source_key,
        source_lang, target) in id order, and how many stored units were updated."""

    @abstractmethod
    def _target_index_add(self, pairs: list[tuple[int, str]]) -> None: ...

    @abstractmethod
    def _target_index_remove(self, unit_id: int, target: str) -> None: ...

    @abstractmethod
    def _size_bytes(self) -> int: ...

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def next_unit_id(self) -> int:
        """The id the next new unit will get (deleted ids included: they are never given again)."""

    @abstractmethod
    def reserve_unit_ids(self, next_id: int) -> None:
        """New units get ids from ``next_id`` on, at the least."""

    # ------------------------------------------------------------ shared SQL

    def close(self) -> None:
        self.conn.close()

    def add_units(self, units: Iterable[Unit], keep_ids: bool = False) -> ImportResult:
        """Add or update units inside the caller's transaction; ``keep_ids`` stores each under the
        id it has (a copy into an empty memory keeps the ids its history names)."""
        result = ImportResult()
        writer = PostingWriter(self.conn)
        batch: list[Unit] = []
        for unit in units:
            batch.append(unit)
            if len(batch) >= BATCH:
                self._insert_batch(batch, writer, result, keep_ids)
                batch = []
        if batch:
            self._insert_batch(batch, writer, result, keep_ids)
        writer.finish()
        return result

    def find_pair(self, unit: Unit) -> Unit | None:
        """The stored unit with this source and target (and languages), if any."""
        pair = pair_hash(
            normalize_lang(unit.source_lang), normalize_lang(unit.target_lang), unit.source, unit.target
        )
        found = self.conn.execute(f"{UNIT_SELECT} WHERE pair_hash = ?", (pair,)).fetchone()
        return unit_of(found) if found else None

    def replace_target(
        self,
        unit: Unit,
        target: str,
        by: str | None,
        reason: str,
        document: str | None = None,
        context: str | None = None,
        action: str = "review",
        comment: str | None = None,
    ) -> None:
        """A reviewer (or `tm edit`) corrected a stored unit's target: the unit now says ``target``
        (origin reviewed, context and document filled in where it had none) and the old target is
        kept in unit_history with the reviewer's comment (inside the caller's transaction)."""
        if not target.strip():
            raise UserError(f"empty target for unit {unit.id}")
        stamp, by = now(), by or self.user
        new_hash = pair_hash(unit.source_lang, unit.target_lang, unit.source, target)
        other = self.conn.execute("SELECT id FROM units WHERE pair_hash = ?", (new_hash,)).fetchone()
        if other is not None and other[0] != unit.id:
            raise UserError(f"unit {other[0]} already holds this source with this target")
        # Compare and set in one statement: a concurrent writer's change (committed while this
        # one waited for the row's lock) makes it match nothing instead of being overwritten.
        updated = self.conn.execute(
            "UPDATE units SET target = ?, pair_hash = ?, origin = 'reviewed', changed_at = ?, "
            "changed_by = ?, document = coalesce(document, ?), context = coalesce(context, ?) "
            "WHERE id = ? AND target = ?",
            (target, new_hash, stamp, by, document, context, unit.id, unit.target),
        )
        if updated.rowcount != 1:  # read before the transaction, changed or deleted since
            raise StaleUnit(f"unit {unit.id} was changed or deleted meanwhile; look it up again")
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (unit.id, unit.target, target, stamp, by, reason, action, comment or None),
        )
        self._target_index_remove(unit.id, unit.target)
        self._target_index_add([(unit.id, target)])
        self.drop_links([unit.id])  # aligned again with the new target (tm.align.unitlinks)

    def delete_units(
        self, ids: Iterable[int], by: str | None, reason: str, comment: str | None = None
    ) -> list[Unit]:
        """Delete units (inside the caller's transaction), each kept in unit_history as it was, with
        the reviewer's comment; the units deleted. Their ids are never given again (AUTOINCREMENT),
        so the posting lists that still name them find nothing: every lookup reads the units table."""
        found = self.units_by_id(ids)
        stamp, by = now(), by or self.user
        for uid, (unit, _) in sorted(found.items()):
            self.conn.execute(
                "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
                "action, unit, comment) VALUES (?, ?, '', ?, ?, ?, 'delete', ?, ?)",
                (
                    uid,
                    unit.target,
                    stamp,
                    by,
                    reason,
                    json.dumps(asdict(unit), ensure_ascii=False),
                    comment or None,
                ),
            )
            self._target_index_remove(uid, unit.target)
            self.conn.execute("DELETE FROM units WHERE id = ?", (uid,))
            self.drop_links([uid])  # (its reviewed rows stay: a sheet imported again must not bring it back)
        return [found[i][0] for i in sorted(found)]

    def document_unit_ids(self, document: str) -> list[int]:
        return [
            r[0]
            for r in self.conn.execute("SELECT id FROM units WHERE document = ? ORDER BY id", (document,))
        ]

    def _insert_batch(
        self, batch: list[Unit], writer: PostingWriter, result: ImportResult, keep_ids: bool
    ) -> None:
        stamp = now()
        rows = [self._row(u, stamp, keep_ids) for u in batch]
        self._free_uids(rows)
        fresh, updated = self._upsert(rows)
        result.added += len(fresh)
        result.updated += updated
        result.unchanged += len(rows) - len(fresh) - updated
        self._target_index_add([(r[0], r[3]) for r in fresh])
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

    def _free_uids(self, rows: list[dict]) -> None:
        """A pair's identity another unit holds already (the unit first stored with this pair, since
        edited to another) is not reused: that row gets a fresh one."""
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            held = dict(
                self.conn.execute(
                    f"SELECT uid, pair_hash FROM units WHERE uid IN ({','.join('?' * len(part))})",
                    [r["uid"] for r in part],
                ).fetchall()
            )
            for row in part:
                if row["uid"] in held and held[row["uid"]] != row["pair_hash"]:
                    row["uid"] = new_uid()

    def _row(self, u: Unit, stamp: str, keep_id: bool = False) -> dict:
        if not u.source.strip() or not u.target.strip():
            raise UserError(f"empty source or target in unit {u.source[:40]!r} → {u.target[:40]!r}")
        if "\x00" in u.source or "\x00" in u.target:  # PostgreSQL cannot hold it: no memory may
            raise UserError(f"a NUL character in unit {u.source[:40]!r} → {u.target[:40]!r}")
        if u.origin not in ORIGINS:
            raise UserError(f"unknown origin {u.origin!r}; one of {', '.join(ORIGINS)}")
        # A Chinese side whose tag says nothing of its script is stored with the script it is in.
        src_lang = with_script(normalize_lang(u.source_lang), u.source)
        tgt_lang = with_script(normalize_lang(u.target_lang), u.target)
        key = matching_key(u.source)
        row = {c: getattr(u, c) for c in UNIT_COLUMNS}
        row.update(
            id=u.id if keep_id else None,
            source_lang=src_lang,
            target_lang=tgt_lang,
            source_key=key,
            loose_hash=hash64(family(src_lang), loose_key(key)),
            pair_hash=pair_hash(src_lang, tgt_lang, u.source, u.target),
            created_at=u.created_at or stamp,
            changed_at=u.changed_at or u.created_at or stamp,
            created_by=u.created_by or self.user,
            changed_by=u.changed_by or u.created_by or self.user,
            # a new unit's identity is its pair's: two copies that store the same pair on their
            # own (an import on each side) hold one unit, which a later edit on either side syncs
            uid=u.uid or pair_uid(src_lang, tgt_lang, u.source, u.target),
        )
        return row

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    def iter_units(self) -> Iterator[Unit]:
        cursor = self.conn.execute(f"SELECT id, {', '.join(UNIT_COLUMNS)} FROM units ORDER BY id")
        for row in cursor:
            yield unit_of(row)

    def iter_keyed_units(self) -> Iterator[tuple[Unit, str]]:
        cursor = self.conn.execute(f"SELECT id, {', '.join(UNIT_COLUMNS)}, source_key FROM units ORDER BY id")
        for row in cursor:
            yield unit_of(row[:-1]), row[-1]

    def inconsistent_units(self, side: str) -> Iterator[list[Unit]]:
        # One GROUP BY over the table finds the groups; only their units are read back.
        key, other = ("source_key", "target") if side == "source" else ("target", "source_key")
        cursor = self.conn.execute(
            f"SELECT {key}, id, {', '.join(UNIT_COLUMNS)} FROM units WHERE {key} IN "
            f"(SELECT {key} FROM units GROUP BY {key} HAVING COUNT(DISTINCT {other}) > 1) ORDER BY {key}, id"
        )
        group: list[Unit] = []
        last = None
        for row in cursor:
            if group and row[0] != last:
                yield group
                group = []
            last = row[0]
            group.append(unit_of(row[1:]))
        if group:
            yield group

    def units_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Unit, str]]:
        """Units and their matching keys, by id."""
        ids = [int(i) for i in ids]
        out: dict[int, tuple[Unit, str]] = {}
        cols = f"id, {', '.join(UNIT_COLUMNS)}, source_key"
        for i in range(0, len(ids), SQL_VARS):
            part = ids[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT {cols} FROM units WHERE id IN ({marks})", part):
                out[row[0]] = (unit_of(row[:-1]), row[-1])
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

    def gram_postings(self, grams: list[int]) -> dict[int, np.ndarray]:
        return self.index.gram_postings(grams)

    def candidate_keys(self, ids: list[int]) -> Iterable[tuple]:
        marks = ",".join("?" * len(ids))
        return self.conn.execute(
            f"SELECT id, source_key, source_lang, changed_at FROM units WHERE id IN ({marks})", ids
        )

    def stats(self) -> dict:
        q = self.conn.execute
        return {
            "path": self.location,
            "units": q("SELECT count(*) FROM units").fetchone()[0],
            "language_pairs": {
                f"{s}→{t}": n
                for s, t, n in q(
                    "SELECT source_lang, target_lang, count(*) FROM units GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
                )
            },
            "origins": dict(q("SELECT origin, count(*) FROM units GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()),
            "documents": q("SELECT count(DISTINCT document) FROM units").fetchone()[0],
            "size_bytes": self._size_bytes(),
            "schema_version": self.schema_version(),
        }
