"""Glossary edits change exactly what they name: nothing curated is lost to an add, an import of
fewer columns, or an alternative given again; removals are explicit and said."""

import json
import shlex

import pytest

from .conftest import ROOT, cli_invoker

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

SEED_GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path):
    invoke = cli_invoker(db_path)
    assert invoke("glossary", "import", SEED_GLOSSARY).exit_code == 0
    return invoke


def _entry(run, source):
    entries = json.loads(run("glossary", "list", "--json").output)["entries"]
    return next(e for e in entries if e["source"] == source)


def test_add_on_a_curated_entry_keeps_what_it_does_not_name(run):
    before = _entry(run, "一帶一路")
    assert before["forbidden"] and before["alternatives"] and before["case_sensitive"]
    result = run("glossary", "add", "一帶一路", "Belt and Road")
    assert result.exit_code == 0 and "unchanged" in result.output
    assert _entry(run, "一帶一路") == before


def test_add_with_an_alternative_adds_it_and_says_so(run):
    before = _entry(run, "一帶一路")
    result = run("glossary", "add", "一帶一路", "Belt and Road", "--alt", "BRI")
    assert result.exit_code == 0 and "alternatives + “BRI”" in result.output
    after = _entry(run, "一帶一路")
    assert after["alternatives"] == [*before["alternatives"], "BRI"]
    assert after["forbidden"] == before["forbidden"] and after["domain"] == before["domain"]


def test_two_column_csv_over_curated_entries_keeps_every_other_field(run, tmp_path):
    before = _entry(run, "一帶一路")
    small = tmp_path / "two.csv"
    small.write_text("source,target\n一帶一路,Belt and Road\n", encoding="utf-8")
    result = run("glossary", "import", small)
    assert result.exit_code == 0 and "1 unchanged" in result.output
    assert _entry(run, "一帶一路") == before


def test_import_adds_to_lists_and_reports_each_change(run, tmp_path):
    before = _entry(run, "一帶一路")
    more = tmp_path / "more.csv"
    more.write_text("source,target,forbidden,note\n一帶一路,Belt and Road,B&R,official since 2015\n", "utf-8")
    result = run("glossary", "import", more)
    assert result.exit_code == 0 and "1 updated" in result.output
    assert "forbidden + “B&R”" in result.output and "note: (empty) → “official since 2015”" in result.output
    after = _entry(run, "一帶一路")
    assert after["forbidden"] == [*before["forbidden"], "B&R"]
    assert after["alternatives"] == before["alternatives"]


def test_sync_import_makes_the_file_the_whole_entry_for_its_columns(run, tmp_path):
    whole = tmp_path / "whole.csv"
    whole.write_text(
        "source,target,alternatives,forbidden,case_sensitive\n一帶一路,Belt and Road,,OBOR,no\n",
        encoding="utf-8",
    )
    result = run("glossary", "import", whole, "--sync")
    assert result.exit_code == 0
    assert "forbidden − “One Belt, One Road”" in result.output
    after = _entry(run, "一帶一路")
    assert after["alternatives"] == [] and after["forbidden"] == ["OBOR"] and not after["case_sensitive"]
    assert after["domain"] == "diplomacy"  # no domain column: not the file's to clear


def test_replace_promotes_an_alternative_without_listing_it_twice(run):
    result = run("glossary", "add", "一帶一路", "Belt and Road Initiative", "--replace")
    assert result.exit_code == 0 and "(now the approved rendering)" in result.output
    after = _entry(run, "一帶一路")
    assert (
        after["target"] == "Belt and Road Initiative"
        and "Belt and Road Initiative" not in after["alternatives"]
    )


def test_tbx_round_trip_changes_nothing(run, tmp_path):
    out = tmp_path / "g.tbx"
    assert run("glossary", "export", out).exit_code == 0
    before = json.loads(run("glossary", "list", "--json").output)["entries"]
    result = run("glossary", "import", out)
    assert result.exit_code == 0 and "0 updated" in result.output
    assert json.loads(run("glossary", "list", "--json").output)["entries"] == before


def test_a_changed_rendering_is_still_a_conflict(run):
    result = run("glossary", "add", "一帶一路", "One Belt")
    assert (
        result.exit_code != 0
        and "一帶一路 already has the approved rendering “Belt and Road”" in result.output
    )
    assert _entry(run, "一帶一路")["target"] == "Belt and Road"


def test_edit_removes_only_what_it_names_and_says_it(run):
    before = _entry(run, "一帶一路")
    result = run("glossary", "edit", "一帶一路", "--remove-forbidden", "obor", "--domain", "")
    assert result.exit_code == 0, result.output
    assert "forbidden − “obor”" in result.output and "domain: “diplomacy” → (empty)" in result.output
    after = _entry(run, "一帶一路")
    assert after["forbidden"] == ["One Belt, One Road"] and after["domain"] is None
    assert after["alternatives"] == before["alternatives"] and after["case_sensitive"]


def test_edit_of_an_item_the_entry_lacks_is_refused_and_changes_nothing(run):
    before = _entry(run, "一帶一路")
    result = run("glossary", "edit", "一帶一路", "--remove-alt", "Silk Road", "--note", "x")
    assert result.exit_code != 0 and "no alternatives “Silk Road”" in result.output
    assert _entry(run, "一帶一路") == before


def test_remove_says_what_the_entry_held(run):
    result = run("glossary", "remove", "一帶一路")
    assert result.exit_code == 0
    assert "removed 一帶一路 → Belt and Road" in result.output and "OBOR" in result.output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "tbx"])
def test_an_export_keeps_which_glossary_wins(run, tmp_path, db_path, fmt):
    """Issue 22, point 6: after an export and import, a project glossary's rendering no longer
    won over the general one (priority was lost)."""
    project = tmp_path / "project.csv"
    project.write_text("source,target\n一帶一路,BRI\n", encoding="utf-8")
    assert run("glossary", "import", project, "--glossary", "project", "--priority", "10").exit_code == 0
    out = tmp_path / f"all.{fmt}"
    assert run("glossary", "export", out).exit_code == 0
    fresh = cli_invoker(tmp_path / "fresh.db")
    assert fresh("glossary", "import", out).exit_code == 0, fresh("glossary", "import", out).output
    listed = json.loads(fresh("glossary", "list", "--json").output)["glossaries"]
    assert [(g["name"], g["priority"]) for g in listed] == [("project", 10), ("general", 0)]
    (entry,) = json.loads(fresh("glossary", "lookup", "一帶一路", "--json").output)["entries"][:1]
    assert entry["target"] == "BRI"


def test_a_forbidden_rendering_typed_as_the_new_one_is_told_how_to_approve_it(run):
    """A new user's finding: the conflict advised --replace, which then failed ("both accepted
    and forbidden") when the new rendering was one the entry forbids."""
    assert (
        run("glossary", "add", "上海精神", "Shanghai Spirit", "--forbidden", "Shanghai Mentality").exit_code
        == 0
    )
    result = run("glossary", "add", "上海精神", "Shanghai Mentality")
    assert result.exit_code == 4 and "--replace" not in result.output
    advice = result.output.split("to approve it, ")[1].strip()
    assert advice.startswith("tm glossary edit 上海精神 --remove-forbidden")
    args = shlex.split(advice)[1:]
    assert run(*args).exit_code == 0  # the advice works as given
    assert _entry(run, "上海精神")["target"] == "Shanghai Mentality"


def test_add_to_a_named_glossary_stores_it_there(run):
    result = run("glossary", "add", "上合組織", "SCO", "--glossary", "project")
    assert result.exit_code == 0, result.output
    entries = json.loads(run("glossary", "list", "--glossary", "project", "--json").output)["entries"]
    assert [(e["source"], e["glossary"], e["definition"]) for e in entries] == [("上合組織", "project", None)]


def test_a_variant_that_is_an_entry_of_its_own_is_said_to_have_no_effect(run):
    """The second new-user run: a --variant that another entry has as its term was taken in
    silence, and the other entry still won."""
    assert run("glossary", "add", "上合組織", "SCO").exit_code == 0
    result = run(
        "glossary", "add", "上海合作組織", "Shanghai Cooperation Organization", "--variant", "上合組織"
    )
    assert result.exit_code == 0
    assert "上合組織 is an entry of its own (上合組織 → SCO)" in result.output
    assert "tm glossary remove 上合組織" in result.output
