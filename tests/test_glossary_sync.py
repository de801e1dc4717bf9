"""`tm db copy --merge` syncs the glossary as it syncs units (issue 22, point 4), through the
command line, the office's memory on SQLite and on a real PostgreSQL server, the laptop a SQLite
file: a removal stays removed and travels, a change made on one side travels whole, an entry
both sides changed is reported with both versions and left alone (exit 1) unless --replace or
--skip-conflicts, merging again changes nothing, and copies made before entries had an identity
still sync."""

from __future__ import annotations

import json
import sqlite3

from glossary.rows import term_uid
from tm.memory import open_memory
from tm.memory.postgres import is_url

from .conftest import ROOT, cli_invoker
from .schema_before import back_to

BOTH_BACKENDS = True

GLOSSARY = ROOT / "seeds" / "glossary.csv"
FORCES, SCO = "三股勢力", "上合組織"
_STAMPS = ("created_at", "created_by", "changed_at", "changed_by", "priority")


def _team(office, tmp_path):
    """The office's memory (the seed glossary and 莫斯科 → Moskva) and a laptop copy of it."""
    tm = cli_invoker(office, user="ann")
    assert tm("glossary", "import", GLOSSARY).exit_code == 0
    assert tm("glossary", "add", "莫斯科", "Moskva").exit_code == 0
    laptop = tmp_path / "laptop.db"
    copied = tm("db", "copy", office, laptop)
    assert copied.exit_code == 0, copied.output
    return tm, laptop


def _merge(tm, source, destination, *options: str, status: int = 0) -> dict:
    result = tm("db", "copy", source, destination, "--merge", "--json", *options)
    assert result.exit_code == status, result.output
    return json.loads(result.output)


def _counts(report: dict) -> tuple[int, int, int, int]:
    return report["terms"], report["terms_changed"], report["terms_removed"], report["term_history"]


def _glossary(db) -> dict[str, dict]:
    """Each entry as its memory says it (without the stamps), by source term."""
    listed = json.loads(cli_invoker(db)("glossary", "list", "--json").output)["entries"]
    return {e["source"]: {k: v for k, v in e.items() if k not in _STAMPS} for e in listed}


def _history(db) -> set[tuple]:
    with open_memory(db) as memory:
        return set(memory.conn.execute("SELECT uid, term_uid, action, changed_by FROM term_history"))


def test_removals_and_edits_travel_both_ways_and_again_change_nothing(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    # at the office: the (a) and (b)
    assert tm("glossary", "remove", "莫斯科").exit_code == 0
    assert tm("glossary", "edit", FORCES, "--remove-forbidden", "three forces").exit_code == 0
    assert tm("glossary", "add", "外交部", "Ministry of Foreign Affairs").exit_code == 0
    # on the trip: a change to another entry, made whole, and a new entry
    assert (
        tm("glossary", "edit", SCO, "--note", "Short form", "--add-alt", "the SCO", "--status", "proposed",
           db=laptop, user="lin").exit_code
        == 0
    )  # fmt: skip
    assert tm("glossary", "add", "外長", "foreign minister", db=laptop, user="lin").exit_code == 0

    report = _merge(tm, laptop, db_path)  # back at the office
    office = _glossary(db_path)
    assert "莫斯科" not in office  # the removal stands
    assert office[FORCES]["forbidden"] == []  # and so does the forbidden rendering removed
    assert (office[SCO]["note"], office[SCO]["alternatives"], office[SCO]["status"]) == (
        "Short form", ["the SCO"], "proposed"
    )  # fmt: skip
    assert office["外長"]["target"] == "foreign minister" and "外交部" in office
    assert _counts(report) == (1, 1, 0, 2) and report["term_conflicts"] == []

    report = _merge(tm, db_path, laptop)  # the office's, on the laptop
    assert _counts(report) == (1, 1, 1, 3)
    assert _glossary(laptop) == _glossary(db_path)
    assert _history(laptop) == _history(db_path)

    for source, destination in ((laptop, db_path), (db_path, laptop)):  # again: nothing to do
        assert _counts(_merge(tm, source, destination)) == (0, 0, 0, 0)
    assert _glossary(laptop) == _glossary(db_path) and _history(laptop) == _history(db_path)


def test_an_entry_both_sides_changed_is_a_conflict_left_alone(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    # (c) the note edited on both sides; an edit on one side and a removal on the other
    assert tm("glossary", "edit", FORCES, "--note", "Office's note").exit_code == 0
    assert tm("glossary", "edit", FORCES, "--note", "Laptop's note", db=laptop, user="lin").exit_code == 0
    assert tm("glossary", "remove", "莫斯科").exit_code == 0
    assert tm("glossary", "edit", "莫斯科", "--target", "Moscow", db=laptop, user="lin").exit_code == 0
    # the same change on both sides is no conflict; a change on one side still travels
    assert tm("glossary", "edit", SCO, "--domain", "").exit_code == 0
    assert tm("glossary", "edit", SCO, "--domain", "", db=laptop).exit_code == 0
    assert tm("glossary", "edit", "上海精神", "--add-alt", "spirit of Shanghai", db=laptop).exit_code == 0

    report = _merge(tm, laptop, db_path, status=1)
    conflicts = {c["source"]: (c["in_source"], c["in_destination"]) for c in report["term_conflicts"]}
    assert set(conflicts) == {FORCES, "莫斯科"}
    theirs, mine = conflicts[FORCES]
    assert (theirs["note"], theirs["changed_by"], mine["note"], mine["changed_by"]) == (
        "Laptop's note", "lin", "Office's note", "ann"
    )  # fmt: skip
    theirs, mine = conflicts["莫斯科"]
    assert (theirs["target"], theirs["removed"], mine["removed"], mine["changed_by"]) == (
        "Moscow", False, True, "ann"
    )  # fmt: skip
    office = _glossary(db_path)
    assert office[FORCES]["note"] == "Office's note" and "莫斯科" not in office  # left alone
    assert office["上海精神"]["alternatives"] == ["spirit of Shanghai"]  # the rest is merged

    printed = tm("db", "copy", db_path, laptop, "--merge")  # the other way: the same two, in words
    assert printed.exit_code == 1, printed.output
    assert "2 glossary conflicts" in printed.output and "removed (ann" in printed.output
    assert "note: “Office's note”" in printed.output and "note: “Laptop's note”" in printed.output
    assert _glossary(laptop)[FORCES]["note"] == "Laptop's note"

    kept = tm("db", "copy", laptop, db_path, "--merge", "--skip-conflicts")  # keep the office's
    assert kept.exit_code == 0 and f"kept: {FORCES} (general)" in kept.output
    assert _glossary(db_path)[FORCES]["note"] == "Office's note" and "莫斯科" not in _glossary(db_path)
    assert _merge(tm, laptop, db_path, status=1)["term_conflicts"]  # still there to settle

    replaced = _merge(tm, laptop, db_path, "--replace")  # take the laptop's
    assert len(replaced["terms_replaced"]) == 2 and replaced["term_conflicts"] == []
    office = _glossary(db_path)
    assert office[FORCES]["note"] == "Laptop's note" and office["莫斯科"]["target"] == "Moscow"
    for source, destination in ((db_path, laptop), (laptop, db_path)):  # settled for good
        assert _merge(tm, source, destination)["term_conflicts"] == []
    assert _glossary(laptop) == _glossary(db_path)


def test_conflicts_settled_by_making_both_say_the_same(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    assert tm("glossary", "edit", FORCES, "--note", "Office's note").exit_code == 0
    assert tm("glossary", "edit", FORCES, "--note", "Laptop's note", db=laptop).exit_code == 0
    assert _merge(tm, laptop, db_path, status=1)["term_conflicts"]
    assert tm("glossary", "edit", FORCES, "--note", "Office's note", db=laptop).exit_code == 0
    for source, destination in ((laptop, db_path), (db_path, laptop), (laptop, db_path)):
        assert _merge(tm, source, destination)["term_conflicts"] == []
    assert _history(laptop) == _history(db_path)


def test_entries_both_sides_added_on_their_own_are_joined_or_conflict(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    assert tm("glossary", "add", "外交部", "Ministry of Foreign Affairs", "--note", "use MFA").exit_code == 0
    assert (
        tm("glossary", "add", "外交部", "Ministry of Foreign Affairs", "--alt", "MFA", db=laptop).exit_code
        == 0
    )
    assert tm("glossary", "add", "外長", "Foreign Minister").exit_code == 0
    assert tm("glossary", "add", "外長", "foreign minister", db=laptop).exit_code == 0

    report = _merge(tm, laptop, db_path, status=1)
    assert [(c["source"], c["why"]) for c in report["term_conflicts"]] == [
        ("外長", "added in both, differently")
    ]
    joined = _glossary(db_path)["外交部"]
    assert (joined["note"], joined["alternatives"]) == ("use MFA", ["MFA"])
    assert _glossary(db_path)["外長"]["target"] == "Foreign Minister"
    _merge(tm, db_path, laptop, status=1)
    assert _glossary(laptop)["外交部"] == joined


def _before_glossary_identities(location) -> None:
    """The memory as a tm before glossary entries had an identity and a history left it."""
    if is_url(location):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            back_to(conn, True, 11)
            conn.execute("UPDATE tm_schema SET version = 11")
        return
    conn = sqlite3.connect(location, isolation_level=None)
    back_to(conn, False, 11)
    conn.execute("PRAGMA user_version = 11")
    conn.close()


def test_a_copy_made_before_entries_had_an_identity_still_syncs(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    _before_glossary_identities(db_path)
    _before_glossary_identities(laptop)
    # both upgraded on opening, and alike: the same identities on either backend
    assert tm("glossary", "remove", "莫斯科").exit_code == 0
    assert tm("glossary", "edit", FORCES, "--remove-forbidden", "three forces", db=laptop).exit_code == 0

    report = _merge(tm, laptop, db_path)
    assert _counts(report) == (0, 1, 0, 1) and "莫斯科" not in _glossary(db_path)
    assert _glossary(db_path)[FORCES]["forbidden"] == []
    report = _merge(tm, db_path, laptop)
    assert _counts(report) == (0, 0, 1, 1)
    assert _glossary(laptop) == _glossary(db_path) and _history(laptop) == _history(db_path)
    with open_memory(laptop) as memory, open_memory(db_path) as office:
        uids = "SELECT uid, glossary, source_key FROM terms ORDER BY uid"
        derived = memory.conn.execute(uids).fetchall()
        assert derived == office.conn.execute(uids).fetchall()
        assert all(uid == term_uid(glossary, key) for uid, glossary, key in derived)  # as new entries get
