"""The term base: glossary entries in the memory's SQLite file, conflicts reported, never guessed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from glossary.history import TermHistory
from glossary.match import Recognizer
from glossary.model import DEFAULT_GLOSSARY, STATUSES, Entry, edit, merge
from glossary.rows import FIELDS, SELECT, entry_of, values_of
from tm.errors import UserError
from tm.memory.sqlite import write_transaction
from tm.memory.units import now
from tm.text.langs import normalize_lang
from tm.text.normalize import matching_key


@dataclass
class Conflict:
    source: str
    existing: str  # the approved rendering stored now
    incoming: str
    glossary: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return (
            f"{where}{self.source}: stored “{self.existing}”, file says “{self.incoming}” ({self.glossary})"
        )


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Conflict] = field(default_factory=list)
    changes: list[tuple[str, list[str]]] = field(default_factory=list)  # (term, what changed)
    forms: list[str] = field(default_factory=list)  # source forms of the entries added or changed


class ConflictError(UserError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        listing = "\n".join(f"  {c}" for c in conflicts[:50])
        more = f"\n  … and {len(conflicts) - 50} more" if len(conflicts) > 50 else ""
        super().__init__(
            f"{len(conflicts)} term(s) already have a different approved rendering; nothing was "
            f"imported. Pass --replace to take the file's renderings or --skip-conflicts to keep "
            f"the stored ones:\n{listing}{more}"
        )


def _stated_priorities(rows: list[tuple[int | None, Entry]], glossary: str | None) -> dict[str, int]:
    """The priority a file states for each of its glossaries (an export carries them); two
    different ones for one glossary are an error naming the lines."""
    stated: dict[str, tuple[int, int | None]] = {}
    for line, entry in rows:
        if entry.priority is None:
            continue
        name = glossary or entry.glossary
        if name in stated and stated[name][0] != entry.priority:
            first, at = stated[name]
            raise UserError(
                f"line {line}: glossary {name!r} has priority {entry.priority} here and {first}"
                + (f" on line {at}" if at else "")
            )
        stated.setdefault(name, (entry.priority, line))
    return {name: value for name, (value, _) in stated.items()}


def validate(entry: Entry, line: int | None = None) -> Entry:
    """Trimmed, checked entry; a bad one is a UserError naming the line."""
    where = f"line {line}: " if line else ""
    entry.source, entry.target = entry.source.strip(), entry.target.strip()
    if not entry.source or not entry.target:
        raise UserError(f"{where}empty source term or approved rendering")
    if entry.status not in STATUSES:
        raise UserError(f"{where}status {entry.status!r} is not one of {', '.join(STATUSES)}")
    for name in ("source_variants", "alternatives", "forbidden"):
        setattr(entry, name, [v.strip() for v in getattr(entry, name) if v.strip()])
    terms = {*entry.source_forms, *entry.accepted, *entry.forbidden}
    entry.term_info = {t: d for t, d in entry.term_info.items() if t in terms and d}  # of its terms only
    overlap = {f.casefold() for f in entry.forbidden} & {a.casefold() for a in entry.accepted}
    if overlap:
        raise UserError(f"{where}{entry.source}: “{sorted(overlap)[0]}” is both accepted and forbidden")
    entry.source_lang, entry.target_lang = (
        normalize_lang(entry.source_lang),
        normalize_lang(entry.target_lang),
    )
    return entry


class _LazyEntries:
    """A read-only sequence of entries built from database rows on first access."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows
        self.made: dict[int, Entry] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Entry:
        if index not in self.made:
            self.made[index] = entry_of(self.rows[index])
        return self.made[index]


class Termbase(TermHistory):
    """Glossaries stored beside the memory (same database, own tables)."""

    def __init__(self, conn, transaction=None, user: str | None = None):
        """``conn`` runs ``?``-parameter SQL; ``transaction`` opens a write transaction on it
        (default: SQLite's); ``user`` is recorded as who created or changed an entry."""
        self.conn = conn
        self._transaction = transaction or (lambda: write_transaction(conn))
        self.user = user

    @classmethod
    def of(cls, memory) -> Termbase:
        """The term base of a memory, writing through the memory's own transactions."""
        return cls(memory.conn, memory.transaction, memory.user)

    # -------------------------------------------------------------- glossaries

    def glossaries(self) -> list[tuple[str, int, int]]:
        """(name, priority, entries), highest priority first."""
        return self.conn.execute(
            "SELECT g.name, g.priority, count(t.id) FROM glossaries g LEFT JOIN terms t "
            "ON t.glossary = g.name GROUP BY g.name, g.priority ORDER BY g.priority DESC, g.name"
        ).fetchall()

    def _ensure_glossary(self, name: str, priority: int | None) -> None:
        self.conn.execute(
            "INSERT INTO glossaries (name, priority) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, priority or 0),
        )
        if priority is not None:
            self.conn.execute("UPDATE glossaries SET priority = ? WHERE name = ?", (priority, name))

    # ----------------------------------------------------------------- reading

    def entries(self, glossary: str | None = None, statuses: Iterable[str] = STATUSES) -> list[Entry]:
        """The stored entries, each with its glossary's priority (which an export carries)."""
        priorities = {name: priority for name, priority, _ in self.glossaries()}
        out = [entry for entry, _, _ in self._rows(glossary, statuses)]
        for entry in out:
            entry.priority = priorities.get(entry.glossary)
        return out

    def _rows(self, glossary: str | None, statuses: Iterable[str]):
        """(entry, search keys, match keys), highest-priority glossary first."""
        for row, search_keys, match_keys in self._raw_rows(glossary, statuses):
            yield entry_of(row), search_keys, match_keys

    def _raw_rows(self, glossary: str | None, statuses: Iterable[str]):
        statuses = list(statuses)
        sql = (
            f"SELECT {FIELDS}, t.search_keys, t.match_keys FROM terms t JOIN glossaries g "
            f"ON g.name = t.glossary WHERE t.status IN ({','.join('?' * len(statuses))})"
        )
        args: list = list(statuses)
        if glossary:
            sql += " AND t.glossary = ?"
            args.append(glossary)
        sql += " ORDER BY g.priority DESC, t.glossary, t.source_key"
        for row in self.conn.execute(sql, args):
            yield row[:-2], row[-2].split("\n"), row[-1].split("\n")

    def _effective_rows(self, glossary: str | None):
        chosen: set[str] = set()
        for row, search_keys, match_keys in self._raw_rows(glossary, ("approved", "proposed")):
            if any(k in chosen for k in search_keys):
                continue  # a glossary of higher priority already rules this term
            chosen.update(search_keys)
            yield row, match_keys

    def effective(self, glossary: str | None = None) -> list[Entry]:
        """The entries that apply: not deprecated, and per source form the highest-priority one."""
        return [entry_of(row) for row, _ in self._effective_rows(glossary)]

    def recognizer(self, glossary: str | None = None) -> Recognizer:
        """A recognizer of the effective entries, built from the keys stored at import; entries
        are made from their rows only when recognized (a large glossary loads fast)."""
        rows = list(self._effective_rows(glossary))
        return Recognizer(_LazyEntries([r for r, _ in rows]), [k for _, k in rows])

    def get(self, source: str, glossary: str = DEFAULT_GLOSSARY) -> Entry | None:
        row = self.conn.execute(
            f"{SELECT} WHERE t.glossary = ? AND t.source_key = ?", (glossary, matching_key(source))
        ).fetchone()
        return entry_of(row) if row else None

    def entries_by_id(self, ids: list[int]) -> list[Entry]:
        """The entries with these ids, in the order given."""
        if not ids:
            return []
        rows = self.conn.execute(f"{SELECT} WHERE t.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        order = {term_id: n for n, term_id in enumerate(ids)}
        return sorted((entry_of(r) for r in rows), key=lambda e: order[e.id])

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM terms").fetchone()[0]

    # ----------------------------------------------------------------- writing

    def add(self, entry: Entry, replace: bool = False, priority: int | None = None) -> tuple[str, list[str]]:
        """Add one entry, or add to the stored one what ``entry`` states: ('added' | 'updated' |
        'unchanged', the changes in words). A different approved rendering for a stored term is a
        conflict unless replace is given."""
        try:
            report = self.import_entries(
                [(None, entry)], entry.glossary, priority, "replace" if replace else "fail"
            )
        except ConflictError as exc:  # worded for one entry typed on the command line, not a file
            (conflict,) = exc.conflicts
            advice = f"Pass --replace to make it “{conflict.incoming}”"
            stored = self.get(entry.source, entry.glossary)
            if stored and conflict.incoming.casefold() in {f.casefold() for f in stored.forbidden}:
                advice = (  # --replace alone would be refused as both accepted and forbidden
                    f"“{conflict.incoming}” is one of its forbidden renderings: to approve it, "
                    f'tm glossary edit {entry.source} --remove-forbidden "{conflict.incoming}" '
                    f'--target "{conflict.incoming}"'
                )
            raise UserError(
                f"{conflict.source} already has the approved rendering “{conflict.existing}” "
                f"({conflict.glossary}); nothing was changed. {advice}"
            ) from None
        outcome = "added" if report.added else "updated" if report.updated else "unchanged"
        return outcome, report.changes[0][1] if report.changes else []

    def edit(
        self,
        source: str,
        glossary: str,
        values: dict,
        add: dict[str, list[str]],
        remove: dict[str, list[str]],
    ) -> list[str]:
        """Set, add and remove exactly what is named on the stored entry; the changes in words."""
        with self._transaction():
            old = self.get(source, glossary)
            if old is None:
                raise UserError(f"no entry {source!r} in glossary {glossary!r}")
            entry, changes = edit(old, values, add, remove)
            if changes:
                validate(entry)
                self._update(old.id, entry, matching_key(entry.source))
        return changes

    def remove(self, source: str, glossary: str = DEFAULT_GLOSSARY) -> Entry | None:
        """Remove an entry; the entry removed (None when there was none)."""
        with self._transaction():
            entry = self.get(source, glossary)
            if entry is not None:
                (uid,) = self.conn.execute("SELECT uid FROM terms WHERE id = ?", (entry.id,)).fetchone()
                self.drop(uid)
                self._record(uid, "remove", entry)  # what it held: a merge carries the removal
        return entry

    def import_entries(
        self,
        rows: Iterable[tuple[int | None, Entry]],
        glossary: str | None = None,
        priority: int | None = None,
        on_conflict: str = "fail",
        sync: bool = False,
        transaction: bool = True,
    ) -> ImportReport:
        """Import (line, entry) pairs in one transaction. A stored entry changes only in what the
        input states (lists are added to), unless ``sync``: then the input is the whole entry.

        on_conflict: 'fail' (report all conflicts, import nothing), 'replace' or 'skip'.
        A source term twice in the same input is an error naming both lines. ``transaction=False``:
        inside the caller's.
        """
        report = ImportReport()
        rows = list(rows)
        stated = _stated_priorities(rows, glossary) if priority is None else {}
        with self._transaction() if transaction else contextlib.nullcontext():
            seen: dict[tuple[str, str], int | None] = {}
            ensured: set[str] = set()  # glossaries made (and given their priority) already
            conflicts: list[Conflict] = []
            for line, entry in rows:
                if glossary:
                    entry.glossary = glossary
                validate(entry, line)
                key = matching_key(entry.source)
                if (entry.glossary, key) in seen:
                    first = seen[(entry.glossary, key)]
                    raise UserError(
                        f"line {line}: duplicate term {entry.source!r}"
                        + (f" (first on line {first})" if first else "")
                    )
                seen[(entry.glossary, key)] = line
                if entry.glossary not in ensured:  # (once, not once per entry)
                    ensured.add(entry.glossary)
                    self._ensure_glossary(
                        entry.glossary, priority if priority is not None else stated.get(entry.glossary)
                    )
                stored = self.conn.execute(
                    f"{SELECT} WHERE t.glossary = ? AND t.source_key = ?", (entry.glossary, key)
                ).fetchone()
                if stored is None:
                    self._insert(entry, key)
                    report.added += 1
                    report.forms += entry.source_forms
                    continue
                old = entry_of(stored)
                if old.target != entry.target and on_conflict != "replace":
                    conflict = Conflict(entry.source, old.target, entry.target, entry.glossary, line)
                    (report.skipped if on_conflict == "skip" else conflicts).append(conflict)
                    continue
                merged, changes = merge(old, entry, sync)
                if not changes:
                    report.unchanged += 1
                    continue
                validate(merged, line)
                self._update(old.id, merged, key)
                report.updated += 1
                report.changes.append((entry.source, changes))
                report.forms += [*old.source_forms, *merged.source_forms]
            if conflicts:
                raise ConflictError(conflicts)
        return report

    def _insert(self, entry: Entry, key: str) -> None:
        values = values_of(entry, key)
        # A file's dates and authors (TBX transactions) are kept; else now, by whoever imports.
        stamp, user = now(), self.user
        made = (entry.created_at, entry.created_by) if entry.created_at else (stamp, user)
        changed = (entry.changed_at, entry.changed_by) if entry.changed_at else made
        values.update(zip(("created_at", "created_by", "changed_at", "changed_by"), (*made, *changed)))
        marks = ", ".join(":" + k for k in values)
        (term_id,) = self.conn.execute(
            f"INSERT INTO terms ({', '.join(values)}) VALUES ({marks}) RETURNING id", values
        ).fetchone()
        self._index_forms(term_id, values["search_keys"])
        self._record(values["uid"], "add")

    def _update(self, term_id: int, entry: Entry, key: str) -> None:
        values = values_of(entry, key)
        del values["uid"]  # an entry keeps the identity it has
        values["changed_at"], values["changed_by"] = now(), self.user
        (uid,) = self.conn.execute(
            f"UPDATE terms SET {', '.join(f'{k} = :{k}' for k in values)} WHERE id = :id RETURNING uid",
            {**values, "id": term_id},
        ).fetchone()
        self._index_forms(term_id, values["search_keys"])
        self._record(uid, "edit")

    def _index_forms(self, term_id: int, search_keys: str) -> None:
        self.conn.execute("DELETE FROM term_forms WHERE term_id = ?", (term_id,))
        self.conn.executemany(
            "INSERT INTO term_forms (form_key, term_id) VALUES (?, ?)",
            [(k, term_id) for k in set(search_keys.split("\n"))],
        )
