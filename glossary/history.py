"""What happened to glossary entries, and what syncing two copies of a term base needs of each
(tm db copy --merge). An entry's identity (uid) is the same in every copy; each addition,
change and removal is an event with an identity of its own (term_history, where a removal
leaves what the entry held), so a copy knows what the other did since they parted, as units'
history tells it for units. A mixin of glossary.store.Termbase."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from glossary.model import Entry
from glossary.rows import FIELDS, entry_of, values_of
from tm.memory.units import new_uid, now
from tm.text.normalize import matching_key

EVENT_COLUMNS = ("uid", "term_uid", "action", "changed_at", "changed_by", "entry")
_PART = 500  # uids per IN (…)


@dataclass(frozen=True)
class TermEvent:
    """One history entry of a glossary entry, as a sync compares them."""

    uid: str
    action: str  # add | edit | remove
    changed_at: str
    changed_by: str | None


class TermHistory:
    """The history half of Termbase: ``self.conn`` runs ``?``-parameter SQL, ``self.user`` is who
    writes."""

    def _record(self, term_uid: str, action: str, removed: Entry | None = None) -> None:
        """An event of the entry ``term_uid``, inside the caller's transaction."""
        held = None
        if removed is not None:
            data = {k: v for k, v in asdict(removed).items() if k not in ("id", "given", "columns")}
            held = json.dumps(data, ensure_ascii=False)
        self.conn.execute(
            f"INSERT INTO term_history ({', '.join(EVENT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
            (new_uid(), term_uid, action, now(), self.user, held),
        )

    def events_by_term(self) -> dict[str, list[TermEvent]]:
        """Every event, by the uid of its entry, oldest first."""
        out: dict[str, list[TermEvent]] = {}
        rows = self.conn.execute(
            "SELECT term_uid, uid, action, changed_at, changed_by FROM term_history ORDER BY id"
        )
        for term_uid, *event in rows:
            out.setdefault(term_uid, []).append(TermEvent(*event))
        return out

    def history_rows(self, uids: Iterable[str]) -> list[tuple]:
        """The events with these uids (EVENT_COLUMNS), oldest first."""
        uids, rows = list(uids), []
        for start in range(0, len(uids), _PART):
            part = uids[start : start + _PART]
            rows += self.conn.execute(
                f"SELECT id, {', '.join(EVENT_COLUMNS)} FROM term_history "
                f"WHERE uid IN ({','.join('?' * len(part))})",
                part,
            ).fetchall()
        return [row[1:] for row in sorted(rows)]

    def add_history_rows(self, rows: list[tuple]) -> int:
        """Events another copy recorded, inside the caller's transaction."""
        self.conn.executemany(
            f"INSERT INTO term_history ({', '.join(EVENT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        return len(rows)

    def entries_by_uid(self) -> dict[str, Entry]:
        """Every entry by its uid (a glossary is small beside the units: read at once)."""
        rows = self.conn.execute(f"SELECT t.uid, {FIELDS} FROM terms t").fetchall()
        return {uid: entry_of(row) for uid, *row in rows}

    def put(self, uid: str, entry: Entry) -> None:
        """The entry ``uid`` as another copy has it, stamps and all, whether stored here or not;
        inside the caller's transaction, recorded by the events carried with it."""
        key = matching_key(entry.source)
        values = values_of(entry, key) | {"uid": uid}
        values |= {k: getattr(entry, k) for k in ("created_at", "created_by", "changed_at", "changed_by")}
        (term_id,) = self.conn.execute(
            f"INSERT INTO terms ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)}) "
            f"ON CONFLICT (uid) DO UPDATE SET {', '.join(f'{k} = excluded.{k}' for k in values)} "
            "RETURNING id",
            values,
        ).fetchone()
        self._index_forms(term_id, values["search_keys"])

    def drop(self, uid: str) -> None:
        """Remove the entry ``uid`` another copy removed, inside the caller's transaction."""
        held = "SELECT id FROM terms WHERE uid = ?"
        self.conn.execute(f"DELETE FROM term_forms WHERE term_id IN ({held})", (uid,))
        self.conn.execute("DELETE FROM terms WHERE uid = ?", (uid,))
