"""What syncing two copies of a memory (tm db copy --merge) needs of each, in the SQL both
backends share: units and history entries by their identity (uid, the same in every copy), a
unit brought to what the other copy says, a unit the other copy deleted dropped. A mixin of
tm.memory.sql.SQLMemory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tm.memory.history import HISTORY_COLUMNS
from tm.memory.units import UNIT_COLUMNS, Unit, pair_hash, unit_of

_PART = 500  # ids per IN (…)


@dataclass(frozen=True)
class Event:
    """One history entry, as a sync compares them."""

    uid: str
    action: str
    unit_id: int  # the unit's id in this memory
    changed_at: str
    changed_by: str | None


class SyncSQL:
    """The sync half of SQLMemory: ``self.conn`` runs ``?``-parameter SQL."""

    def events_by_unit(self) -> dict[str, list[Event]]:
        """Every history entry, by the uid of its unit, oldest first (history is small beside the
        units: read at once)."""
        out: dict[str, list[Event]] = {}
        rows = self.conn.execute(
            "SELECT unit_uid, uid, action, unit_id, changed_at, changed_by FROM unit_history ORDER BY id"
        )
        for unit_uid, *event in rows:
            out.setdefault(unit_uid, []).append(Event(*event))
        return out

    def history_by_uid(self, uids: Iterable[str]) -> list[tuple]:
        """History rows (tm.memory.history.HISTORY_COLUMNS) with these uids, oldest first."""
        uids, rows = list(uids), []
        for start in range(0, len(uids), _PART):
            part = uids[start : start + _PART]
            marks = ",".join("?" * len(part))
            rows += self.conn.execute(
                f"SELECT id, {', '.join(HISTORY_COLUMNS)} FROM unit_history WHERE uid IN ({marks})", part
            ).fetchall()
        return [row[1:] for row in sorted(rows)]

    def units_by_uid(self, uids: Iterable[str]) -> dict[str, Unit]:
        uids, out = list(uids), {}
        for start in range(0, len(uids), _PART):
            part = uids[start : start + _PART]
            rows = self.conn.execute(
                f"SELECT id, {', '.join(UNIT_COLUMNS)} FROM units WHERE uid IN ({','.join('?' * len(part))})",
                part,
            )
            for row in rows:
                unit = unit_of(row)
                out[unit.uid] = unit
        return out

    def take_unit(self, held: Unit, given: Unit) -> None:
        """The stored unit ``held`` now says what the other copy's ``given`` says (its target and
        provenance; the source is the same), inside the caller's transaction."""
        self.conn.execute(
            "UPDATE units SET target = ?, pair_hash = ?, origin = ?, document = ?, context = ?, note = ?, "
            "tmx = ?, changed_at = ?, changed_by = ? WHERE id = ?",
            (
                given.target,
                pair_hash(held.source_lang, held.target_lang, held.source, given.target),
                given.origin,
                given.document,
                given.context,
                given.note,
                given.tmx,
                given.changed_at,
                given.changed_by,
                held.id,
            ),
        )
        self._target_index_remove(held.id, held.target)
        self._target_index_add([(held.id, given.target)])
        if given.target != held.target:
            self.drop_links([held.id])

    def drop_unit(self, held: Unit) -> None:
        """Delete a unit the other copy deleted (its history entry comes from there), inside the
        caller's transaction."""
        self._target_index_remove(held.id, held.target)
        self.conn.execute("DELETE FROM units WHERE id = ?", (held.id,))
        self.drop_links([held.id])  # (its reviewed rows stay, as tm delete leaves them)
