"""The translation memory: one SQLite file, exact / near-exact / fuzzy lookup and concordance."""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from tm import grams as G
from tm.errors import UserError
from tm.langs import family, normalize_lang
from tm.schema import ORIGINS, migrate
from tm.scoring import DiffOp, diff, max_distance, number_mismatch, similarity
from tm.text import find_in_original, loose_key, matching_key, surface

BATCH = 20_000  # units per INSERT batch
FLUSH_POSTINGS = 32_000_000  # postings (12 bytes each) held before they are written as a chunk
MAX_CHUNKS = 8  # chunks of one gram before they are merged
VERIFY_BATCH = 32  # fuzzy candidates fetched and scored at a time, best bound first
MAX_VERIFIED = 2000  # a lookup scores at most this many candidates
COMMON_POSTINGS = 60000  # longer posting lists are skipped by the prefix filter
SQL_VARS = 900


def default_db_path() -> Path:
    """--db, else TM_DB, else $XDG_DATA_HOME/tm/memory.db."""
    if os.environ.get("TM_DB"):
        return Path(os.environ["TM_DB"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tm" / "memory.db"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash64(*parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _pair_hash(source_lang: str, target_lang: str, source: str, target: str) -> int:
    """Identifies a unit: the same source and target (and languages) are stored once."""
    return _hash64(source_lang.lower(), target_lang.lower(), source, target)


def neighbours(texts: list[str]) -> list[tuple[str, str]]:
    """The text before and after each of ``texts`` ("" at the ends): the context a translation
    is stored with and looked up in, so both sides must take it the same way."""
    padded = ["", *texts, ""]
    return list(zip(padded, padded[2:]))


def context_hash(prev: str | None, next_: str | None) -> str:
    """Identifies the neighbours of a segment: equal hashes make an exact match a 101."""
    keys = [matching_key(prev or ""), matching_key(next_ or "")]
    return hashlib.blake2b("\x1e".join(keys).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Unit:
    """One translation unit with its provenance."""

    source: str
    target: str
    source_lang: str = "zh"
    target_lang: str = "en"
    origin: str = "imported"
    document: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    changed_at: str | None = None
    changed_by: str | None = None
    context: str | None = None
    note: str | None = None
    id: int | None = None


_UNIT_COLUMNS = [f.name for f in fields(Unit) if f.name != "id"]


@dataclass
class Match:
    unit: Unit
    score: int  # 101 context, 100 exact, 99 near-exact, else fuzzy percent
    kind: str  # context | exact | near-exact | fuzzy
    diff: list[DiffOp] = field(default_factory=list)
    numbers_only_in_query: list[str] = field(default_factory=list)
    numbers_only_in_memory: list[str] = field(default_factory=list)


@dataclass
class ConcordanceHit:
    unit: Unit
    side: str  # source | target
    spans: list[tuple[int, int]]  # in unit.source or unit.target as stored


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0


class Memory:
    """A translation memory in one SQLite file (WAL mode, safe for concurrent writers)."""

    def __init__(self, path: str | Path | None = None, user: str | None = None, create: bool = True):
        """Open the memory at ``path``; a missing file is created only when ``create`` (commands
        that only read refuse it: a mistyped --db must not answer "no match" from a new file)."""
        self.path = Path(path) if path else default_db_path()
        self.user = user or os.environ.get("TM_USER") or os.environ.get("USER") or _login_name()
        self._lengths = _LengthIndex()
        self._cache = _PostingCache()
        self._short: dict[int, np.ndarray] = {}  # short posting lists read with their sizes
        if self.path.is_dir():
            raise UserError(f"{self.path}: is a directory; --db wants a file")
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

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- writing

    @contextlib.contextmanager
    def transaction(self, commit: bool = True) -> Iterator[None]:
        """One write transaction: everything in the block is stored, or nothing (``commit=False``
        rolls back even on success: a dry run)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT" if commit else "ROLLBACK")

    def import_units(self, units: Iterable[Unit]) -> ImportResult:
        """Add or update units in one transaction: all of them, or none if anything fails."""
        with self.transaction():
            return self.add_units(units)

    def add_units(self, units: Iterable[Unit]) -> ImportResult:
        """Add or update units inside the caller's transaction."""
        result = ImportResult()
        writer = _PostingWriter(self.conn)
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
        pair = _pair_hash(
            normalize_lang(unit.source_lang), normalize_lang(unit.target_lang), unit.source, unit.target
        )
        found = self.conn.execute(
            f"SELECT id, {', '.join(_UNIT_COLUMNS)} FROM units WHERE pair_hash = ?", (pair,)
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
        pair_hash = _pair_hash(unit.source_lang, unit.target_lang, unit.source, target)
        other = self.conn.execute("SELECT id FROM units WHERE pair_hash = ?", (pair_hash,)).fetchone()
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
            (target, pair_hash, stamp, by, document, context, unit.id),
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

    def _insert_batch(self, batch: list[Unit], writer: _PostingWriter, result: ImportResult) -> None:
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
        row = {c: getattr(u, c) for c in _UNIT_COLUMNS}
        row.update(
            source_lang=src_lang,
            target_lang=tgt_lang,
            source_key=key,
            loose_hash=_hash64(family(src_lang), loose_key(key)),
            pair_hash=_pair_hash(src_lang, tgt_lang, u.source, u.target),
            created_at=u.created_at or stamp,
            changed_at=u.changed_at or u.created_at or stamp,
            created_by=u.created_by or self.user,
            changed_by=u.changed_by or u.created_by or self.user,
        )
        return row

    # ----------------------------------------------------------------- reading

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    def iter_units(self) -> Iterator[Unit]:
        cursor = self.conn.execute(f"SELECT id, {', '.join(_UNIT_COLUMNS)} FROM units ORDER BY id")
        for row in cursor:
            yield _unit(row)

    def units_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Unit, str]]:
        """Units and their matching keys, by id."""
        ids = [int(i) for i in ids]
        out: dict[int, tuple[Unit, str]] = {}
        cols = f"id, {', '.join(_UNIT_COLUMNS)}, source_key"
        for i in range(0, len(ids), SQL_VARS):
            part = ids[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT {cols} FROM units WHERE id IN ({marks})", part):
                out[row[0]] = (_unit(row[:-1]), row[-1])
        return out

    def lookup(
        self,
        text: str,
        source_lang: str = "zh",
        min_score: int = 75,
        limit: int = 5,
        prev: str | None = None,
        next: str | None = None,
    ) -> list[Match]:
        """Best memory matches for one segment: 101/100/99 first, then fuzzy ≥ min_score."""
        if not 1 <= min_score <= 100:
            raise UserError("--min must be between 1 and 100")
        fam = family(source_lang)
        key = matching_key(text)
        if not key:
            return []
        ranked = self._exact(text, key, fam, prev, next)  # (score, kind, changed_at, id)
        if len(ranked) < limit:  # fuzzy scores stay below every exact one
            seen = {r[3] for r in ranked}
            fuzzy = self._fuzzy(key, fam, min_score, limit - len(ranked))
            ranked += [r for r in fuzzy if r[3] not in seen]
        ranked.sort(key=lambda r: (r[0], r[2] or "", r[3]), reverse=True)  # ISO times sort as text
        ranked = ranked[:limit]
        units = self.units_by_id(r[3] for r in ranked)
        return [self._match(text, units[uid][0], score, kind) for score, kind, _, uid in ranked]

    def _exact(
        self, text: str, key: str, fam: str, prev: str | None, next_: str | None
    ) -> list[tuple[int, str, str, int]]:
        loose = loose_key(key)
        want_ctx = context_hash(prev, next_) if prev is not None or next_ is not None else None
        rows = self.conn.execute(
            "SELECT id, source, source_lang, source_key, context, changed_at FROM units WHERE loose_hash = ?",
            (_hash64(fam, loose),),
        ).fetchall()
        shown = surface(text)
        out = []
        for uid, source, lang, unit_key, context, changed_at in rows:
            if family(lang) != fam or loose_key(unit_key) != loose:
                continue  # a hash collision
            if surface(source) == shown:
                in_context = want_ctx is not None and context == want_ctx
                score, kind = (101, "context") if in_context else (100, "exact")
            else:
                score, kind = 99, "near-exact"
            out.append((score, kind, changed_at, uid))
        return out

    def _fuzzy(self, key: str, fam: str, min_score: int, wanted: int) -> list[tuple[int, str, str, int]]:
        """The ``wanted`` best fuzzy matches: candidates by shared grams, verified best-bound first."""
        query = G.comparable(key, fam)
        ids, bounds = self._candidates(key, fam, len(query), min_score)
        out: list[tuple[int, str, str, int]] = []
        scores: list[float] = []  # min-heap of the best `wanted` scores so far
        for start in range(0, min(ids.size, MAX_VERIFIED), VERIFY_BATCH):
            if len(scores) >= wanted and bounds[start] < scores[0]:
                break  # no remaining candidate can beat what we have
            part = ids[start : start + VERIFY_BATCH].tolist()
            rows = self.conn.execute(
                "SELECT id, source_key, source_lang, changed_at FROM units "
                f"WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
            for uid, unit_key, lang, changed_at in rows:
                if family(lang) != fam:
                    continue
                score = similarity(query, G.comparable(unit_key, fam))
                if score >= min_score:
                    out.append((min(int(score), 98), "fuzzy", changed_at, uid))
                    heapq.heappush(scores, score)
                    if len(scores) > wanted:
                        heapq.heappop(scores)
        return out

    def _candidates(
        self, key: str, fam: str, query_len: int, min_score: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Unit ids that may score ≥ min_score, with an upper bound of each score, best first.

        A unit within edit distance d keeps all but 2·d of the query's distinct grams, and a
        score ≥ t allows d ≤ (1 − t)/t · L: fewer shared grams rule a unit out. For the rest,
        shared grams and the length difference bound d from below, hence the score from above.
        """
        grams = sorted(G.padded_grams(key, fam))
        need = max(1, len(grams) - 2 * max_distance(query_len, min_score))
        self._cache.fresh(self.conn)
        sizes = self._posting_sizes(grams)
        if len(sizes) < need:
            return np.empty(0, dtype=np.int64), np.empty(0)
        # Prefix filter: the longest lists (at most need − 1) are not read; a unit sharing ≥ need
        # grams still shares ≥ need − skip of the others, and at most skip more.
        by_size = sorted(sizes, key=sizes.__getitem__, reverse=True)
        skip = 0
        while skip < need - 1 and sizes[by_size[skip]] > COMMON_POSTINGS:
            skip += 1
        ids, counted = _count_ids(self._postings(sorted(by_size[skip:])), need - skip)
        shared = counted + skip  # an upper bound of the shared grams
        lengths = self._lengths.get(self.conn, self._cache.stamp)
        unit_len = np.zeros(ids.size, dtype=np.int64)
        known = ids < lengths.size
        unit_len[known] = lengths[ids[known]]
        d_low = np.maximum(np.abs(unit_len - query_len), np.ceil((len(grams) - shared) / 2))
        longest = np.maximum(np.maximum(unit_len, query_len), 1)
        bound = np.where(unit_len > 0, 100 * (1 - d_low / longest), 100.0)
        keep = bound >= min_score
        ids, bound = ids[keep], bound[keep]
        order = np.argsort(-bound, kind="stable")
        return ids[order], bound[order]

    def _posting_sizes(self, grams: list[int]) -> dict[int, int]:
        """How many units each gram of the index lists. The same query brings the short lists
        along (kept for the following _postings call); long ones are not read."""
        cache = self._cache
        self._short = {}
        missing = [g for g in grams if g not in cache.sizes]
        for i in range(0, len(missing), SQL_VARS):
            part = missing[i : i + SQL_VARS]
            parts: dict[int, list] = {}
            for gram in part:
                cache.sizes[gram] = 0
            for gram, size, blob in self.conn.execute(
                f"SELECT gram, n, CASE WHEN n <= ? THEN ids END FROM grams "
                f"WHERE gram IN ({','.join('?' * len(part))}) ORDER BY gram, chunk",
                [COMMON_POSTINGS, *part],
            ):
                cache.sizes[gram] += size
                parts.setdefault(gram, []).append(blob)
            for gram, blobs in parts.items():
                if all(b is not None for b in blobs):  # every chunk came along
                    arrays = [np.frombuffer(b, dtype="<u4") for b in blobs]
                    self._short[gram] = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
        return {g: cache.sizes[g] for g in grams if cache.sizes[g]}

    def _postings(self, grams: list[int]) -> list[np.ndarray]:
        """One sorted uint32 id array per distinct gram found (its chunks concatenated).
        Long lists are kept between lookups: a batch of segments asks for them again and again."""
        cache = self._cache
        short, self._short = self._short, {}  # only for the call right after _posting_sizes
        out = [
            cache.postings[g] if g in cache.postings else short[g]
            for g in grams
            if g in cache.postings or g in short
        ]
        missing = [g for g in grams if g not in cache.postings and g not in short]
        by_gram: dict[int, list[np.ndarray]] = {}
        for i in range(0, len(missing), SQL_VARS):
            part = missing[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            for gram, blob in self.conn.execute(
                f"SELECT gram, ids FROM grams WHERE gram IN ({marks}) ORDER BY gram, chunk", part
            ):
                by_gram.setdefault(gram, []).append(np.frombuffer(blob, dtype="<u4"))
        for gram, parts in by_gram.items():
            ids = np.concatenate(parts) if len(parts) > 1 else parts[0]
            cache.keep(gram, ids)
            out.append(ids)
        return out

    def _match(self, text: str, unit: Unit, score: int, kind: str) -> Match:
        only_q, only_m = number_mismatch(text, unit.source)
        ops = diff(text, unit.source) if score < 100 else []
        return Match(unit, score, kind, ops, only_q, only_m)

    # ------------------------------------------------------------- concordance

    def concordance(
        self, text: str, limit: int = 20, side: str = "both", lang: str | None = None
    ) -> list[ConcordanceHit]:
        """Units whose source or target contains ``text``, the hit spans marked, best first."""
        key = matching_key(text)
        if not key:
            return []
        hits: list[ConcordanceHit] = []
        if side in ("both", "source"):
            hits += self._concordance_source(key, family(lang) if lang else _guess_family(key), limit)
        if side in ("both", "target"):
            hits += self._concordance_target(text, limit)
        return hits[: limit if side != "both" else 2 * limit]

    def _concordance_source(self, key: str, fam: str, limit: int) -> list[ConcordanceHit]:
        toks = G.tokens(key, fam)
        if not toks:
            return []
        if len(toks) == 1:
            low, high = G.first_token_range(key, fam)
            blobs = self.conn.execute(
                "SELECT ids FROM grams WHERE gram BETWEEN ? AND ?", (low, high)
            ).fetchall()
            arrays = [np.frombuffer(b[0], dtype="<u4") for b in blobs]
            ids = np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.uint32)
        else:
            self._cache.fresh(self.conn)
            lists = self._postings(sorted(set(G.inner_grams(key, fam))))
            if len(lists) < len(set(G.inner_grams(key, fam))):
                return []  # some bigram occurs nowhere
            lists.sort(key=len)
            ids = lists[0]
            for other in lists[1:]:  # sorted, duplicate-free lists: probe the longer one
                pos = np.minimum(np.searchsorted(other, ids), other.size - 1)
                ids = ids[other[pos] == ids]
                if ids.size == 0:
                    return []
        needle = "".join(key.split()).casefold()
        ranked: list[tuple[int, int, int]] = []  # (-occurrences, key length, -id)
        newest_first = ids[::-1].tolist()
        step = 4 * limit
        for start in range(0, len(newest_first), step):  # verify until enough real hits
            part = newest_first[start : start + step]
            step = min(step * 4, SQL_VARS)
            rows = self.conn.execute(
                f"SELECT id, source_key FROM units WHERE id IN ({','.join('?' * len(part))})", part
            )
            for uid, unit_key in rows:
                folded = "".join(unit_key.split()).casefold()
                if needle in folded:
                    ranked.append((-folded.count(needle), len(folded), -uid))
            if len(ranked) >= 5 * limit:
                break
        ranked.sort()
        units = self.units_by_id(-r[2] for r in ranked[:limit])
        hits = [ConcordanceHit(units[-r[2]][0], "source", []) for r in ranked[:limit]]
        for hit in hits:
            hit.spans = find_in_original(hit.unit.source, key)
        return [h for h in hits if h.spans]

    def _concordance_target(self, text: str, limit: int) -> list[ConcordanceHit]:
        words = G.word_tokens(text)
        words = [w for w in words if any(c.isalnum() for c in w)]
        if not words:
            return []
        phrase = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        rows = self.conn.execute(
            f"SELECT u.id, {', '.join('u.' + c for c in _UNIT_COLUMNS)} FROM target_fts "
            "JOIN units u ON u.id = target_fts.rowid WHERE target_fts MATCH ? "
            "ORDER BY rank LIMIT ?",
            (phrase, limit),
        ).fetchall()
        hits = []
        for row in rows:
            unit = _unit(row)
            hits.append(ConcordanceHit(unit, "target", _word_spans(unit.target, words)))
        return hits

    # ------------------------------------------------------------------- stats

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
INSERT INTO units ({", ".join(_UNIT_COLUMNS)}, source_key, loose_hash, pair_hash)
VALUES ({", ".join(":" + c for c in _UNIT_COLUMNS)}, :source_key, :loose_hash, :pair_hash)
ON CONFLICT (pair_hash) DO UPDATE SET
    origin = CASE WHEN units.origin = 'reviewed' THEN units.origin ELSE excluded.origin END,
    document = coalesce(excluded.document, units.document),
    context = coalesce(excluded.context, units.context),
    note = coalesce(excluded.note, units.note),
    changed_at = excluded.changed_at,
    changed_by = coalesce(excluded.changed_by, units.changed_by)
WHERE excluded.changed_at >= units.changed_at
"""


class _PostingWriter:
    """Collects (gram, unit) postings of one import and writes them as index chunks."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.held = 0
        self.touched: set[int] = set()

    def add(self, grams: np.ndarray, ids: np.ndarray) -> None:
        if grams.size:
            self.parts.append((grams, ids))
            self.held += grams.size
            if self.held >= FLUSH_POSTINGS:
                self.flush()

    def flush(self) -> None:
        if not self.parts:
            return
        g = np.concatenate([p[0] for p in self.parts])
        u = np.concatenate([p[1] for p in self.parts])
        self.parts, self.held = [], 0
        order = np.lexsort((u, g))
        g = g[order]
        u = u[order]
        del order
        chunk = int(self.conn.execute("SELECT value FROM meta WHERE key = 'next_chunk'").fetchone()[0])
        self.conn.execute("UPDATE meta SET value = ? WHERE key = 'next_chunk'", (str(chunk + 1),))
        bounds = np.flatnonzero(np.diff(g)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [g.size]))
        u32 = u.astype("<u4", copy=False)
        self.conn.executemany(
            "INSERT INTO grams (gram, chunk, n, ids) VALUES (?, ?, ?, ?)",
            ((int(g[s]), chunk, int(e - s), u32[s:e].tobytes()) for s, e in zip(starts, ends)),
        )
        self.touched.update(g[starts].tolist())

    def finish(self) -> None:
        self.flush()
        grams = sorted(self.touched)
        for i in range(0, len(grams), SQL_VARS):
            part = grams[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            crowded = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT gram FROM grams WHERE gram IN ({marks}) GROUP BY gram HAVING count(*) > ?",
                    (*part, MAX_CHUNKS),
                )
            ]
            for gram in crowded:
                self._merge(gram)

    def _merge(self, gram: int) -> None:
        rows = self.conn.execute("SELECT chunk, ids FROM grams WHERE gram = ?", (gram,)).fetchall()
        merged = np.unique(np.concatenate([np.frombuffer(b, dtype="<u4") for _, b in rows]))
        self.conn.execute("DELETE FROM grams WHERE gram = ?", (gram,))
        self.conn.execute(
            "INSERT INTO grams (gram, chunk, n, ids) VALUES (?, ?, ?, ?)",
            (gram, min(c for c, _ in rows), merged.size, merged.astype("<u4").tobytes()),
        )


def _count_ids(lists: list[np.ndarray], threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """Ids found in at least ``threshold`` of the lists (no list repeats an id), with counts.

    Few postings over a large memory: sort them (cost ∝ postings); many: count them in a
    dense array (cost ∝ largest id)."""
    if not lists:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ids = np.concatenate(lists)
    if ids.size * 48 < int(max(int(lst[-1]) for lst in lists if lst.size) if ids.size else 0):
        ids.sort()
        starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
        counts = np.diff(np.append(starts, ids.size))
        keep = counts >= threshold
        return ids[starts[keep]].astype(np.int64), counts[keep]
    counts = np.bincount(ids)
    found = np.flatnonzero(counts >= threshold)
    return found, counts[found]


class _PostingCache:
    """Posting-list sizes, and the long lists themselves, kept between lookups of one process;
    dropped whenever another import has written to the index (its chunk counter moved)."""

    BUDGET = 64 << 20  # bytes of cached lists
    MIN_LIST = 2000  # shorter lists are cheap to read again

    def __init__(self) -> None:
        self.stamp: str | None = None
        self.sizes: dict[int, int] = {}
        self.postings: dict[int, np.ndarray] = {}
        self.used = 0

    def fresh(self, conn: sqlite3.Connection) -> _PostingCache:
        stamp = conn.execute("SELECT value FROM meta WHERE key = 'next_chunk'").fetchone()[0]
        if stamp != self.stamp:
            self.stamp, self.sizes, self.postings, self.used = stamp, {}, {}, 0
        return self

    def keep(self, gram: int, ids: np.ndarray) -> None:
        if ids.size >= self.MIN_LIST and self.used + ids.nbytes <= self.BUDGET:
            self.postings[gram] = ids
            self.used += ids.nbytes


class _LengthIndex:
    """Key length of every unit by id, loaded once per process and topped up after imports."""

    def __init__(self) -> None:
        self.lengths = np.zeros(0, dtype=np.uint16)
        self.loaded = 0  # last unit_lengths row read
        self.stamp: str | None = None

    def get(self, conn: sqlite3.Connection, stamp: str | None) -> np.ndarray:
        """The lengths, re-read only when the index stamp moved since the last call."""
        if stamp is not None and stamp == self.stamp:
            return self.lengths
        self.stamp = stamp
        rows = conn.execute(
            "SELECT batch, ids, lens FROM unit_lengths WHERE batch > ? ORDER BY batch", (self.loaded,)
        ).fetchall()
        if rows:
            ids = np.concatenate([np.frombuffer(r[1], "<u4") for r in rows])
            lens = np.concatenate([np.frombuffer(r[2], "<u2") for r in rows])
            if ids.size and int(ids.max()) >= self.lengths.size:
                grown = np.zeros(int(ids.max()) + 1, dtype=np.uint16)
                grown[: self.lengths.size] = self.lengths
                self.lengths = grown
            self.lengths[ids] = lens
            self.loaded = rows[-1][0]
        return self.lengths


def _login_name() -> str | None:
    """Who is running tm when $TM_USER and $USER are unset (cron jobs, containers)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _unit(row: tuple) -> Unit:
    return Unit(id=row[0], **dict(zip(_UNIT_COLUMNS, row[1:])))


def _guess_family(key: str) -> str:
    from tm.text import has_han

    return "zh" if has_han(key) else "en"


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Spans of the word sequence in text (case-insensitive, any whitespace between)."""
    import re

    pattern = r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\w*"
    return [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
