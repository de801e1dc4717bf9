"""Fixing what is wrong in the memory: delete, edit and history, recorded with the user; a
deleted unit never comes back from a lookup or the concordance, and its id is never reused."""

import json

import pytest

from tm.memory import open_memory
from tm.memory.units import Unit

from .conftest import SAMPLE_TMX, cli_invoker

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL


@pytest.fixture
def run(db_path):
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    return invoke


def _unit_of(run, text):
    (best,) = json.loads(run("lookup", text, "--json", "--limit", "1").output)
    return best["unit"]


def test_lookups_show_unit_ids(run):
    unit = _unit_of(run, "四是拓展全方位合作。")
    assert f"unit {unit['id']} ·" in run("lookup", "四是拓展全方位合作。").output
    assert f"unit {unit['id']} ·" in run("concordance", "全方位").output


def test_delete_removes_a_unit_from_every_lookup_and_keeps_it_in_history(run, db_path):
    unit = _unit_of(run, "四是拓展全方位合作。")
    dry = run("delete", unit["id"], "--dry-run")
    assert dry.exit_code == 0 and "would delete 1 unit(s)" in dry.output
    assert _unit_of(run, "四是拓展全方位合作。")["id"] == unit["id"]
    result = run("delete", unit["id"], "--reason", "bad alignment", user="bob")
    assert result.exit_code == 0 and "deleted 1 unit(s)" in result.output
    for query in ("四是拓展全方位合作。", "四是拓展全方位合作", "四是拓展全方位的合作。"):
        hits = json.loads(run("lookup", query, "--json", "--min", "50").output)
        assert unit["id"] not in [h["unit"]["id"] for h in hits]
    assert "no hits" in run("concordance", "全方位").output
    assert "no hits" in run("concordance", "all-round", "--side", "target").output
    history = json.loads(run("history", unit["id"], "--json").output)
    assert history["deleted"] and history["unit"]["target"] == unit["target"]
    (event,) = history["history"]
    assert event["action"] == "delete" and event["changed_by"] == "bob" and event["reason"] == "bad alignment"
    # the id is never given again
    with open_memory(db_path) as memory:
        memory.import_units([Unit("新的句子。", "A new sentence.")])
        assert max(u.id for u in memory.iter_units()) > unit["id"]
        assert memory.units_by_id([unit["id"]]) == {}


def test_delete_a_document_counts_first(run):
    result = run("delete", "--document", "xinhua-wang-yi-interview-2020-09-16", "--dry-run", "--json")
    data = json.loads(result.output)
    assert data["dry_run"] and len(data["deleted"]) == 8  # one of the 9 has no document
    assert json.loads(run("stats", "--json").output)["units"] == 9
    assert run("delete", "--document", "xinhua-wang-yi-interview-2020-09-16").exit_code == 0
    assert json.loads(run("stats", "--json").output)["units"] == 1


def test_delete_of_an_unknown_id_deletes_nothing(run):
    unit = _unit_of(run, "四是拓展全方位合作。")
    result = run("delete", unit["id"], 99999)
    assert result.exit_code == 4 and "no unit 99999" in result.output
    assert json.loads(run("stats", "--json").output)["units"] == 9


def test_a_deleted_unit_is_named_as_deleted_not_unknown(run):
    """The second new-user run: deleting or editing a deleted unit said "no unit 22"."""
    unit = _unit_of(run, "四是拓展全方位合作。")
    assert run("delete", unit["id"], "--reason", "bad alignment", user="dai").exit_code == 0
    for command in (["delete", unit["id"]], ["edit", unit["id"], "--target", "x"]):
        result = run(*command)
        assert result.exit_code == 4 and f"unit {unit['id']} was deleted" in result.output
        assert "by dai (bad alignment)" in result.output


def test_edit_corrects_a_target_and_history_says_who(run):
    unit = _unit_of(run, "四是拓展全方位合作。")
    result = run("edit", unit["id"], "--target", "Fourth, broadening all-round cooperation.", user="cai")
    assert result.exit_code == 0
    assert _unit_of(run, "四是拓展全方位合作。")["target"] == "Fourth, broadening all-round cooperation."
    text = run("history", unit["id"]).output
    assert "edit" in text and "by cai" in text and unit["target"] in text
    assert run("edit", unit["id"], "--target", "Fourth, broadening all-round cooperation.").exit_code == 4
    assert "no unit 99999" in run("edit", 99999, "--target", "x").output
