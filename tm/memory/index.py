"""The gram index of the SQLite backend: posting lists of source-key grams written in chunks per
import (merged when they pile up), the cache of long lists and the key-length index kept in
memory between lookups, and the counting of shared grams."""

from __future__ import annotations

import sqlite3

import numpy as np

from tm.memory import grams as G
from tm.memory.scoring import max_distance

SQL_VARS = 900
FLUSH_POSTINGS = 32_000_000  # postings (12 bytes each) held before they are written as a chunk
MAX_CHUNKS = 8  # chunks of one gram before they are merged
COMMON_POSTINGS = 60000  # longer posting lists are skipped by the prefix filter


class PostingWriter:
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
        rows = ((int(g[s]), chunk, int(e - s), u32[s:e].tobytes()) for s, e in zip(starts, ends))
        if hasattr(self.conn, "copy_rows"):  # PostgreSQL: COPY, many times faster than INSERTs
            self.conn.copy_rows("grams", ("gram", "chunk", "n", "ids"), rows)
        else:
            self.conn.executemany("INSERT INTO grams (gram, chunk, n, ids) VALUES (?, ?, ?, ?)", rows)
        self.touched.update(g[starts].tolist())

    def finish(self) -> None:
        self.flush()
        for gram in self._crowded(sorted(self.touched)):
            self._merge(gram)

    def _crowded(self, grams: list[int]) -> list[int]:
        """The grams written to that now have more than MAX_CHUNKS chunks."""
        if getattr(self.conn, "dialect", "sqlite") == "postgresql":  # one array; IN lists plan badly there
            sql = "SELECT gram FROM grams WHERE gram = ANY(?::bigint[]) GROUP BY gram HAVING count(*) > ?"
            return [r[0] for r in self.conn.execute(sql, (grams, MAX_CHUNKS))] if grams else []
        crowded = []
        for i in range(0, len(grams), SQL_VARS):
            part = grams[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            crowded += [
                r[0]
                for r in self.conn.execute(
                    f"SELECT gram FROM grams WHERE gram IN ({marks}) GROUP BY gram HAVING count(*) > ?",
                    (*part, MAX_CHUNKS),
                )
            ]
        return crowded

    def _merge(self, gram: int) -> None:
        rows = self.conn.execute("SELECT chunk, ids FROM grams WHERE gram = ?", (gram,)).fetchall()
        merged = np.unique(np.concatenate([np.frombuffer(b, dtype="<u4") for _, b in rows]))
        self.conn.execute("DELETE FROM grams WHERE gram = ?", (gram,))
        self.conn.execute(
            "INSERT INTO grams (gram, chunk, n, ids) VALUES (?, ?, ?, ?)",
            (gram, min(c for c, _ in rows), merged.size, merged.astype("<u4").tobytes()),
        )


def count_ids(lists: list[np.ndarray], threshold: int) -> tuple[np.ndarray, np.ndarray]:
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


class PostingCache:
    """Posting-list sizes, and the long lists themselves, kept between lookups of one process;
    dropped whenever another import has written to the index (its chunk counter moved)."""

    BUDGET = 64 << 20  # bytes of cached lists
    MIN_LIST = 2000  # shorter lists are cheap to read again

    def __init__(self) -> None:
        self.stamp: str | None = None
        self.sizes: dict[int, int] = {}
        self.postings: dict[int, np.ndarray] = {}
        self.used = 0

    def fresh(self, conn: sqlite3.Connection) -> PostingCache:
        stamp = conn.execute("SELECT value FROM meta WHERE key = 'next_chunk'").fetchone()[0]
        if stamp != self.stamp:
            self.stamp, self.sizes, self.postings, self.used = stamp, {}, {}, 0
        return self

    def keep(self, gram: int, ids: np.ndarray) -> None:
        if ids.size >= self.MIN_LIST and self.used + ids.nbytes <= self.BUDGET:
            self.postings[gram] = ids
            self.used += ids.nbytes


class LengthIndex:
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


class GramIndex:
    """The reading side of the index: candidates for fuzzy lookups and for the concordance."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.lengths = LengthIndex()
        self.cache = PostingCache()
        self.short: dict[int, np.ndarray] = {}  # short posting lists read with their sizes

    def fuzzy_candidates(
        self, key: str, fam: str, query_len: int, min_score: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Unit ids that may score ≥ min_score, with an upper bound of each score, best first.

        A unit within edit distance d keeps all but 2·d of the query's distinct grams, and a
        score ≥ t allows d ≤ (1 − t)/t · L: fewer shared grams rule a unit out. For the rest,
        shared grams and the length difference bound d from below, hence the score from above.
        """
        grams = sorted(G.padded_grams(key, fam))
        need = max(1, len(grams) - 2 * max_distance(query_len, min_score))
        self.cache.fresh(self.conn)
        sizes = self.posting_sizes(grams)
        if len(sizes) < need:
            return np.empty(0, dtype=np.int64), np.empty(0)
        # Prefix filter: the longest lists (at most need − 1) are not read; a unit sharing ≥ need
        # grams still shares ≥ need − skip of the others, and at most skip more.
        by_size = sorted(sizes, key=sizes.__getitem__, reverse=True)
        skip = 0
        while skip < need - 1 and sizes[by_size[skip]] > COMMON_POSTINGS:
            skip += 1
        ids, counted = count_ids(self.postings(sorted(by_size[skip:])), need - skip)
        shared = counted + skip  # an upper bound of the shared grams
        lengths = self.lengths.get(self.conn, self.cache.stamp)
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

    def posting_sizes(self, grams: list[int]) -> dict[int, int]:
        """How many units each gram of the index lists. The same query brings the short lists
        along (kept for the following _postings call); long ones are not read."""
        cache = self.cache
        self.short = {}
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
                    self.short[gram] = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
        return {g: cache.sizes[g] for g in grams if cache.sizes[g]}

    def postings(self, grams: list[int]) -> list[np.ndarray]:
        """One sorted uint32 id array per distinct gram found (its chunks concatenated).
        Long lists are kept between lookups: a batch of segments asks for them again and again."""
        cache = self.cache
        short, self.short = self.short, {}  # only for the call right after _posting_sizes
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

    def gram_postings(self, grams: list[int]) -> dict[int, np.ndarray]:
        """Each gram's sorted, duplicate-free id list, read in bulk (grams no unit has are absent):
        for a caller that intersects many spans' grams itself (fragments of a batch)."""
        by_gram: dict[int, list[np.ndarray]] = {}
        grams = sorted(set(grams))
        for i in range(0, len(grams), SQL_VARS):
            part = grams[i : i + SQL_VARS]
            marks = ",".join("?" * len(part))
            sql = f"SELECT gram, ids FROM grams WHERE gram IN ({marks}) ORDER BY gram, chunk"
            for gram, blob in self.conn.execute(sql, part):
                by_gram.setdefault(gram, []).append(np.frombuffer(blob, dtype="<u4"))
        return {g: p[0] if len(p) == 1 else np.unique(np.concatenate(p)) for g, p in by_gram.items()}

    def source_candidates(self, key: str, fam: str) -> np.ndarray:
        """Units holding every inner gram of the key (for one token: any gram it starts)."""
        toks = G.tokens(key, fam)
        if not toks:
            return np.empty(0, dtype=np.uint32)
        if len(toks) == 1:
            low, high = G.first_token_range(key, fam)
            blobs = self.conn.execute(
                "SELECT ids FROM grams WHERE gram BETWEEN ? AND ?", (low, high)
            ).fetchall()
            arrays = [np.frombuffer(b[0], dtype="<u4") for b in blobs]
            return np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.uint32)
        self.cache.fresh(self.conn)
        inner = sorted(set(G.inner_grams(key, fam)))
        lists = self.postings(inner)
        if len(lists) < len(inner):
            return np.empty(0, dtype=np.uint32)  # some gram occurs nowhere
        lists.sort(key=len)
        ids = lists[0]
        for other in lists[1:]:  # sorted, duplicate-free lists: probe the longer one
            pos = np.minimum(np.searchsorted(other, ids), other.size - 1)
            ids = ids[other[pos] == ids]
            if ids.size == 0:
                break
        return ids
