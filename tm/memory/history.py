"""What happened to units after they were stored, in the SQL both backends share: corrections,
confirmations, rejections and deletions (unit_history), and the review-sheet rows that stored
them (reviewed_rows). A mixin of tm.memory.sql.SQLMemory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from tm.memory.units import now

_HISTORY = "unit_id, old_target, new_target, changed_at, changed_by, reason, action, unit, uid, unit_uid"
HISTORY_COLUMNS = _HISTORY.split(", ")


class HistorySQL:
    """The history half of SQLMemory: ``self.conn`` runs ``?``-parameter SQL, ``self.user`` is
    who writes."""

    def rejections(self, unit_ids: Iterable[int]) -> dict[int, list[dict]]:
        """Each unit's recorded rejections (changed_at, changed_by, reason), oldest first."""
        ids = sorted(set(unit_ids))
        out: dict[int, list[dict]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self.conn.execute(
                "SELECT unit_id, changed_at, changed_by, reason FROM unit_history WHERE action = 'reject' "
                f"AND unit_id IN ({','.join('?' * len(part))}) ORDER BY id",
                part,
            ).fetchall()
            for unit_id, changed_at, changed_by, reason in rows:
                out.setdefault(unit_id, []).append(
                    {"changed_at": changed_at, "changed_by": changed_by, "reason": reason}
                )
        return out

    def rejected_units(self, at_least: int) -> list[int]:
        """Ids of the stored units rejected at least this many times."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT h.unit_id FROM unit_history h JOIN units u ON u.id = h.unit_id "
                "WHERE h.action = 'reject' GROUP BY h.unit_id HAVING count(*) >= ? ORDER BY h.unit_id",
                (at_least,),
            )
        ]

    def record_rejection(self, unit_id: int, by: str | None, reason: str) -> None:
        """A reviewer rejected the unit's translation where it was proposed: kept in its history
        (who, when, the sheet and row, the comment) inside the caller's transaction."""
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action) SELECT id, target, target, ?, ?, ?, 'reject' FROM units WHERE id = ?",
            (now(), by or self.user, reason, unit_id),
        )

    def mark_reviewed(
        self,
        unit_id: int,
        by: str | None,
        document: str | None,
        context: str | None,
        reason: str = "tm review",
    ) -> None:
        """A reviewer confirmed a stored unit as it is (inside the caller's transaction); its
        history says who and when, and what origin it had."""
        stamp, by = now(), by or self.user
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action) SELECT id, target, target, ?, ?, ? || ' (was ' || origin || ')', 'confirm' "
            "FROM units WHERE id = ?",
            (stamp, by, reason, unit_id),
        )
        self.conn.execute(
            "UPDATE units SET origin = 'reviewed', changed_at = ?, changed_by = ?, "
            "document = coalesce(document, ?), context = coalesce(context, ?) WHERE id = ?",
            (stamp, by, document, context, unit_id),
        )

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

    def reviewed_row(self, sheet: str, row: str) -> tuple[int, str, bool] | None:
        """(unit id, target, whether the review created the unit) an earlier review of this sheet
        row stored, if any."""
        found = self.conn.execute(
            "SELECT unit_id, target, added FROM reviewed_rows WHERE sheet = ? AND row = ?", (sheet, row)
        ).fetchone()
        return (found[0], found[1], bool(found[2])) if found else None

    def record_reviewed_row(
        self, sheet: str, row: str, unit_id: int, target: str, added: bool = False
    ) -> None:
        self.conn.execute(
            "INSERT INTO reviewed_rows (sheet, row, unit_id, target, added) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (sheet, row) DO UPDATE SET unit_id = excluded.unit_id, target = excluded.target, "
            "added = excluded.added",
            (sheet, row, unit_id, target, int(added)),
        )

    # ------------------------------------------------------------ copying a whole memory

    def has_history(self) -> bool:
        return self.conn.execute("SELECT 1 FROM unit_history LIMIT 1").fetchone() is not None

    def all_history(self) -> Iterator[tuple]:
        return iter(self.conn.execute(f"SELECT {_HISTORY} FROM unit_history ORDER BY id"))

    def add_history(self, rows: Iterable[tuple]) -> int:
        """History rows of another memory (HISTORY_COLUMNS, under this memory's unit ids), each
        keeping its identity (uid)."""
        rows = list(rows)
        marks = ", ".join("?" * len(HISTORY_COLUMNS))
        self.conn.executemany(f"INSERT INTO unit_history ({_HISTORY}) VALUES ({marks})", rows)
        return len(rows)

    def all_reviewed_rows(self) -> Iterator[tuple]:
        return iter(self.conn.execute("SELECT sheet, row, unit_id, target, added FROM reviewed_rows"))

    def add_reviewed_rows(self, rows: Iterable[tuple], unit_ids: dict[int, int] | None = None) -> None:
        for sheet, row, unit_id, target, added in rows:
            if unit_ids is None or unit_id in unit_ids:
                self.record_reviewed_row(
                    sheet, row, unit_ids[unit_id] if unit_ids else unit_id, target, added
                )
