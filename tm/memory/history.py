"""What happened to units after they were stored, in the SQL both backends share: corrections,
confirmations, rejections, deletions and reviewers' comments (unit_history), and the
review-sheet rows that stored them (reviewed_rows). A mixin of tm.memory.sql.SQLMemory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from tm.memory.units import now

_HISTORY = (
    "unit_id, old_target, new_target, changed_at, changed_by, reason, action, unit, uid, unit_uid, comment"
)
HISTORY_COLUMNS = _HISTORY.split(", ")
_EVENT = ("action", "old_target", "new_target", "changed_at", "changed_by", "reason", "comment")


def described(event: dict) -> str:
    """An event's reason with the reviewer's comment, as one line of a report."""
    return (event["reason"] or "") + (f": {event['comment']}" if event.get("comment") else "")


class HistorySQL:
    """The history half of SQLMemory: ``self.conn`` runs ``?``-parameter SQL, ``self.user`` is
    who writes."""

    def rejections(self, unit_ids: Iterable[int]) -> dict[int, list[dict]]:
        """Each unit's recorded rejections (changed_at, changed_by, reason, comment), oldest first."""
        ids = sorted(set(unit_ids))
        out: dict[int, list[dict]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self.conn.execute(
                "SELECT unit_id, changed_at, changed_by, reason, comment FROM unit_history "
                f"WHERE action = 'reject' AND unit_id IN ({','.join('?' * len(part))}) ORDER BY id",
                part,
            ).fetchall()
            for unit_id, *event in rows:
                out.setdefault(unit_id, []).append(
                    dict(zip(("changed_at", "changed_by", "reason", "comment"), event))
                )
        return out

    def comments(self) -> dict[int, list[dict]]:
        """Every stored unit's events that carry a reviewer's comment, oldest first (few: read at once)."""
        out: dict[int, list[dict]] = {}
        rows = self.conn.execute(
            f"SELECT h.unit_id, {', '.join('h.' + k for k in _EVENT)} FROM unit_history h "
            "JOIN units u ON u.id = h.unit_id WHERE h.comment IS NOT NULL ORDER BY h.id"
        )
        for unit_id, *event in rows:
            out.setdefault(unit_id, []).append(dict(zip(_EVENT, event)))
        return out

    def record_comment(
        self, unit_id: int, by: str | None, reason: str, comment: str, at: str | None = None
    ) -> bool:
        """A comment on the unit that comes with no change to it (a link accepted again, a note
        read from TMX), inside the caller's transaction; False when the unit holds it already."""
        by, at = by or self.user, at or now()
        held = self.conn.execute(
            "SELECT 1 FROM unit_history WHERE unit_id = ? AND comment = ? AND changed_at = ? "
            "AND coalesce(changed_by, '') = ?",
            (unit_id, comment, at, by or ""),
        ).fetchone()
        if held is not None:
            return False
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action, comment) SELECT id, target, target, ?, ?, ?, 'comment', ? FROM units WHERE id = ?",
            (at, by, reason, comment, unit_id),
        )
        return True

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

    def record_rejection(self, unit_id: int, by: str | None, reason: str, comment: str | None = None) -> None:
        """A reviewer rejected the unit's translation where it was proposed: kept in its history
        (who, when, the sheet and row, the comment) inside the caller's transaction."""
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action, comment) SELECT id, target, target, ?, ?, ?, 'reject', ? FROM units WHERE id = ?",
            (now(), by or self.user, reason, comment or None, unit_id),
        )

    def mark_reviewed(
        self,
        unit_id: int,
        by: str | None,
        document: str | None,
        context: str | None,
        reason: str = "tm review",
        comment: str | None = None,
    ) -> None:
        """A reviewer confirmed a stored unit as it is (inside the caller's transaction); its
        history says who and when, what origin it had, and the reviewer's comment."""
        stamp, by = now(), by or self.user
        self.conn.execute(
            "INSERT INTO unit_history (unit_id, old_target, new_target, changed_at, changed_by, reason, "
            "action, comment) SELECT id, target, target, ?, ?, ? || ' (was ' || origin || ')', 'confirm', ? "
            "FROM units WHERE id = ?",
            (stamp, by, reason, comment or None, unit_id),
        )
        self.conn.execute(
            "UPDATE units SET origin = 'reviewed', changed_at = ?, changed_by = ?, "
            "document = coalesce(document, ?), context = coalesce(context, ?) WHERE id = ?",
            (stamp, by, document, context, unit_id),
        )

    def history(self, unit_id: int) -> list[dict]:
        """What happened to a unit after it was stored, oldest first: targets replaced by a review
        or an edit, confirmations, rejections and comments, and its deletion (with the unit as it
        was)."""
        rows = self.conn.execute(
            f"SELECT {', '.join(_EVENT)}, unit FROM unit_history WHERE unit_id = ? ORDER BY id",
            (unit_id,),
        ).fetchall()
        out = []
        for row in rows:
            entry = dict(zip(_EVENT, row))
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
