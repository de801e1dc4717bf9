"""`tm db copy --merge` as a sync between a team's memory and a laptop copy of it (issue 22,
point 4), through the command line, with the team's memory on SQLite and on a real PostgreSQL
server: edits and deletions travel both ways, a unit both sides changed is reported with both
versions and left alone, merging again changes nothing, and copies made before units had an
identity still sync."""

from __future__ import annotations

import json
import sqlite3

from tm.memory import open_memory
from tm.memory.postgres import is_url

from .conftest import SAMPLE_TMX, cli_invoker
from .schema_before import without_identities

BOTH_BACKENDS = True

EDIT3 = "Fourth, broadening all-round cooperation."  # unit 3: 四是拓展全方位合作。
EDIT5 = "China and Russia complement each other in science and technology."  # unit 5: 中俄科技…


def _team(server, tmp_path):
    """The team's memory (the sample TMX) and a laptop copy of it."""
    tm = cli_invoker(server, user="ann")
    assert tm("import", SAMPLE_TMX).exit_code == 0
    laptop = tmp_path / "laptop.db"
    copied = tm("db", "copy", server, laptop)
    assert copied.exit_code == 0, copied.output
    return tm, laptop


def _merge(tm, source, destination, status: int = 0) -> dict:
    result = tm("db", "copy", source, destination, "--merge", "--json")
    assert result.exit_code == status, result.output
    return json.loads(result.output)


def _new_unit(tm, db, tmp_path, source: str, target: str) -> None:
    tsv = tmp_path / f"{abs(hash(source))}.tsv"
    tsv.write_text(f"source\ttarget\n{source}\t{target}\n", encoding="utf-8")
    assert tm("import", tsv, db=db).exit_code == 0


def _state(db) -> tuple[dict, set]:
    """What a memory says: each unit's (source, target) by its uid, and its history entries."""
    with open_memory(db) as memory:
        units = {u.uid: (u.source, u.target) for u in memory.iter_units()}
        entries = {
            (row[0], row[1], row[2], row[3])
            for row in memory.conn.execute("SELECT uid, unit_uid, action, new_target FROM unit_history")
        }
    return units, entries


def _target(db, source: str) -> list[str]:
    with open_memory(db) as memory:
        return [u.target for u in memory.iter_units() if u.source == source]


def test_edits_and_deletions_travel_both_ways(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    # on the trip
    assert tm("edit", 3, "--target", EDIT3, db=laptop, user="lin").exit_code == 0
    assert tm("delete", 9, db=laptop, user="lin").exit_code == 0
    _new_unit(tm, laptop, tmp_path, "六是深化人文交流。", "Sixth, deepening people-to-people exchanges.")
    # meanwhile at the office
    assert tm("edit", 5, "--target", EDIT5).exit_code == 0
    assert tm("delete", 7).exit_code == 0
    _new_unit(tm, db_path, tmp_path, "七是加強安全合作。", "Seventh, strengthening security cooperation.")

    report = _merge(tm, laptop, db_path)
    assert _target(db_path, "四是拓展全方位合作。") == [EDIT3]  # the edit, not a second unit beside it
    assert _target(db_path, "中俄科技具有互補優勢。") == [EDIT5]  # the office's own edit stays
    assert (report["units"], report["updated"], report["deleted"], report["history"]) == (1, 1, 1, 2)
    assert report["conflicts"] == []
    history = json.loads(tm("history", 3, "--json").output)["history"]
    assert [(e["action"], e["changed_by"], e["new_target"]) for e in history] == [("edit", "lin", EDIT3)]
    deleted = json.loads(tm("history", 9, "--json").output)
    assert deleted["deleted"] and deleted["history"][-1]["changed_by"] == "lin"
    assert json.loads(tm("stats", "--json").output)["units"] == 9  # 9, less two deleted, two new

    report = _merge(tm, db_path, laptop)
    assert (report["units"], report["updated"], report["deleted"], report["history"]) == (1, 1, 1, 2)
    assert _target(laptop, "中俄科技具有互補優勢。") == [EDIT5]
    assert _state(laptop) == _state(db_path)  # the same units under the same identities, same history

    for source, destination in ((laptop, db_path), (db_path, laptop)):  # again: nothing to do
        report = _merge(tm, source, destination)
        assert (report["units"], report["updated"], report["deleted"], report["history"]) == (0, 0, 0, 0)
    assert _state(laptop) == _state(db_path) and len(_state(laptop)[1]) == 4  # no entry twice


def test_a_unit_both_sides_changed_is_reported_and_left_alone(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    assert tm("edit", 3, "--target", "Laptop three.", db=laptop, user="lin").exit_code == 0
    assert tm("edit", 3, "--target", "Office three.").exit_code == 0
    assert tm("delete", 4, db=laptop, user="lin").exit_code == 0
    assert tm("edit", 4, "--target", "Office four.").exit_code == 0
    assert tm("edit", 6, "--target", "Both six.", db=laptop, user="lin").exit_code == 0
    assert tm("edit", 6, "--target", "Both six.").exit_code == 0  # the same edit: no conflict

    report = _merge(tm, laptop, db_path, status=1)
    versions = {
        c["source"]: (c["in_source"]["target"], c["in_source"]["deleted"], c["in_destination"]["target"])
        for c in report["conflicts"]
    }
    assert versions == {
        "四是拓展全方位合作。": ("Laptop three.", False, "Office three."),
        "五是倡導支持多邊主義。": (None, True, "Office four."),
    }
    assert _target(db_path, "四是拓展全方位合作。") == ["Office three."]  # left as they were
    assert _target(db_path, "五是倡導支持多邊主義。") == ["Office four."]
    assert [e["changed_by"] for e in json.loads(tm("history", 3, "--json").output)["history"]] == ["ann"]
    six = json.loads(tm("history", 6, "--json").output)["history"]
    assert sorted(e["changed_by"] for e in six) == ["ann", "lin"]  # both edits kept

    printed = tm("db", "copy", db_path, laptop, "--merge")  # the other way: the same two, in words
    assert printed.exit_code == 1
    assert "2 conflicts" in printed.output and "Office three." in printed.output
    assert "Laptop three." in printed.output and "deleted" in printed.output
    assert _target(laptop, "四是拓展全方位合作。") == ["Laptop three."]

    # a person settles them: both say the same, and the next merge has nothing left
    assert tm("edit", 3, "--target", "Office three.", db=laptop, user="lin").exit_code == 0
    assert tm("delete", 4).exit_code == 0
    assert _merge(tm, laptop, db_path)["conflicts"] == []
    assert _merge(tm, db_path, laptop)["conflicts"] == []
    assert _state(laptop)[0] == _state(db_path)[0]


def test_glossary_conflicts_of_a_merge_are_replaced_or_kept_as_asked(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    assert tm("glossary", "add", "外交部", "Ministry of Foreign Affairs").exit_code == 0
    assert tm("glossary", "add", "外交部", "Foreign Ministry", db=laptop).exit_code == 0
    assert tm("edit", 3, "--target", EDIT3, db=laptop).exit_code == 0
    listed = tm("db", "copy", laptop, db_path, "--merge")  # listed and left alone, the rest merged
    assert listed.exit_code == 1 and "--replace" in listed.output and "--skip-conflicts" in listed.output
    assert "“Foreign Ministry”" in listed.output and "“Ministry of Foreign Affairs”" in listed.output
    assert _target(db_path, "四是拓展全方位合作。") == [EDIT3]
    (entry,) = json.loads(tm("glossary", "list", "--json").output)["entries"]
    assert entry["target"] == "Ministry of Foreign Affairs"

    kept = tm("db", "copy", laptop, db_path, "--merge", "--skip-conflicts")
    assert kept.exit_code == 0 and "kept" in kept.output
    (entry,) = json.loads(tm("glossary", "list", "--json").output)["entries"]
    assert entry["target"] == "Ministry of Foreign Affairs"

    assert tm("db", "copy", laptop, db_path, "--merge", "--replace").exit_code == 0
    (entry,) = json.loads(tm("glossary", "list", "--json").output)["entries"]
    assert entry["target"] == "Foreign Ministry"
    both = tm("db", "copy", laptop, db_path, "--merge", "--replace", "--skip-conflicts")
    assert both.exit_code == 4 and "exclude each other" in both.output


def _before_identities(location) -> None:
    """The memory as a tm before unit identities left it (what a team upgrading has)."""
    if is_url(location):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            without_identities(conn, postgres=True)
            conn.execute("UPDATE tm_schema SET version = 5")
        return
    conn = sqlite3.connect(location, isolation_level=None)
    without_identities(conn, postgres=False)
    conn.execute("PRAGMA user_version = 5")
    conn.close()


def test_a_copy_made_before_units_had_an_identity_still_syncs(db_path, tmp_path):
    tm, laptop = _team(db_path, tmp_path)
    assert tm("edit", 3, "--target", EDIT3, db=laptop, user="lin").exit_code == 0
    assert tm("delete", 9, db=laptop, user="lin").exit_code == 0
    assert tm("edit", 5, "--target", EDIT5).exit_code == 0
    _before_identities(db_path)
    _before_identities(laptop)

    report = _merge(tm, laptop, db_path)  # both upgraded on opening, and alike
    assert (report["units"], report["updated"], report["deleted"], report["conflicts"]) == (0, 1, 1, [])
    assert _target(db_path, "四是拓展全方位合作。") == [EDIT3]
    report = _merge(tm, db_path, laptop)
    assert (report["units"], report["updated"], report["deleted"], report["history"]) == (0, 1, 0, 1)
    assert _state(laptop) == _state(db_path)
    assert tm("edit", 4, "--target", "New four.", db=laptop).exit_code == 0  # new entries get one too
    assert _merge(tm, laptop, db_path)["updated"] == 1


def test_a_pair_both_sides_imported_on_their_own_is_one_unit_when_merged(db_path, tmp_path):
    """The second new-user run: the same pair imported on the laptop and at the office after the
    copy, then edited on the laptop, became two translations of one source at the office."""
    tm, laptop = _team(db_path, tmp_path)
    source, target = "八是推進綠色發展。", "Eighth, advancing green development."
    _new_unit(tm, laptop, tmp_path, source, target)
    _new_unit(tm, db_path, tmp_path, source, target)
    with open_memory(laptop) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == source]
    edited = "Eighth, promoting green development."
    assert tm("edit", unit.id, "--target", edited, db=laptop, user="lin").exit_code == 0
    report = _merge(tm, laptop, db_path)
    assert report["conflicts"] == [] and _target(db_path, source) == [edited]
    _new_unit(tm, db_path, tmp_path, source, target)  # the first wording, imported again: a unit of its own
    assert sorted(_target(db_path, source)) == sorted([edited, target])
