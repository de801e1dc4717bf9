"""Word links of units and the trained word aligner, kept as data (tm.align.unitlinks computes
and reads them; the memory cannot, being below it): a side table of each unit's links, dropped
when its target changes or it is deleted, and the aligner's state. A mixin of
tm.memory.sql.SQLMemory, in SQL both backends run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tm.memory.units import now

_CHUNK = 500  # ids asked for at a time


class LinksSQL:
    """The word-link half of SQLMemory: ``self.conn`` runs ``?``-parameter SQL."""

    def store_links(self, items: Iterable[tuple[int, bytes]]) -> int:
        """Each unit's links (encoded by tm.align.unitlinks), replacing any it had (caller's
        transaction); how many."""
        rows = [(int(i), bytes(b)) for i, b in items]
        self.conn.executemany(
            "INSERT INTO unit_links (unit_id, links) VALUES (?, ?) "
            "ON CONFLICT (unit_id) DO UPDATE SET links = excluded.links",
            rows,
        )
        return len(rows)

    def links_of(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored links of these units (those without any are absent)."""
        ids = sorted({int(i) for i in ids})
        out: dict[int, bytes] = {}
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            for uid, blob in self.conn.execute(
                f"SELECT unit_id, links FROM unit_links WHERE unit_id IN ({','.join('?' * len(part))})", part
            ):
                out[uid] = bytes(blob)
        return out

    def linked_sources(self, ids: list[int]) -> Iterator[tuple[int, str, str, str, str, bytes]]:
        """(id, source, source_key, target, source_lang, links) of those of these units that have
        links, in one query a chunk (what a fragment reads of a unit)."""
        for start in range(0, len(ids), _CHUNK):
            part = [int(i) for i in ids[start : start + _CHUNK]]
            for uid, source, key, target, lang, blob in self.conn.execute(
                "SELECT u.id, u.source, u.source_key, u.target, u.source_lang, l.links FROM units u "
                f"JOIN unit_links l ON l.unit_id = u.id WHERE u.id IN ({','.join('?' * len(part))})",
                part,
            ):
                yield uid, source, key, target, lang, bytes(blob)

    def drop_links(self, ids: Iterable[int]) -> None:
        """Links no longer true of a unit (its target changed, it was deleted): caller's transaction."""
        self.conn.executemany("DELETE FROM unit_links WHERE unit_id = ?", [(int(i),) for i in ids])

    def unlinked_ids(self, limit: int) -> list[int]:
        """Ids of up to ``limit`` units without links, oldest first."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT u.id FROM units u LEFT JOIN unit_links l ON l.unit_id = u.id "
                "WHERE l.unit_id IS NULL ORDER BY u.id LIMIT ?",
                (limit,),
            )
        ]

    def count_linked(self) -> int:
        return self.conn.execute("SELECT count(*) FROM unit_links").fetchone()[0]

    def iter_links(self) -> Iterator[tuple[int, bytes]]:
        for uid, blob in self.conn.execute("SELECT unit_id, links FROM unit_links ORDER BY unit_id"):
            yield uid, bytes(blob)

    def iter_pairs(self, after: int = 0) -> Iterator[tuple[int, str, str, str, str]]:
        """(id, source, target, source_lang, target_lang) of every unit after id ``after``, in id
        order: what word alignment reads, without building units."""
        while True:
            rows = self.conn.execute(
                "SELECT id, source, target, source_lang, target_lang FROM units WHERE id > ? "
                "ORDER BY id LIMIT 5000",
                (after,),
            ).fetchall()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            after = rows[-1][0]

    def word_model(self) -> tuple[bytes, str, int] | None:
        """(state, trained_at, units trained on) of the stored word aligner, if any."""
        found = self.conn.execute(
            "SELECT state, trained_at, units FROM word_model WHERE name = 'aligner'"
        ).fetchone()
        return (bytes(found[0]), found[1], found[2]) if found else None

    def store_word_model(self, state: bytes, units: int, trained_at: str | None = None) -> None:
        """The trained word aligner, replacing the one stored (caller's transaction)."""
        self.conn.execute(
            "INSERT INTO word_model (name, state, trained_at, units) VALUES ('aligner', ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET state = excluded.state, trained_at = excluded.trained_at, "
            "units = excluded.units",
            (state, trained_at or now(), units),
        )
