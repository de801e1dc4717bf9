"""Issue 22, point 1: a row whose proposal came from a memory unit is a decision about that unit.
If the unit was changed (another sheet, `tm edit`) or deleted (`tm delete`) after the sheet was
written, the row is refused with who changed it, when and why; --force stores it as a correction,
never as a second translation. A memory that nevertheless holds several translations of one
source says so wherever a 100 % match is shown."""

from __future__ import annotations

import json
import threading
import time

import pytest
from lxml import etree
from openpyxl import load_workbook

from tm.errors import StaleUnit
from tm.formats.xliff_review import NS20, TM
from tm.memory import open_memory

from .conftest import cli_invoker
from .sheet_cells import set_cells

BOTH_BACKENDS = True

SOURCE = "中方坚定支持多边主义。"
OLD = "China firmly supports multilateralism."


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    invoke = cli_invoker(db_path, user="ann")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"source\ttarget\n{SOURCE}\t{OLD}\n", encoding="utf-8")
    assert invoke("import", pairs).exit_code == 0
    return invoke


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "rel.txt"
    path.write_text(f"{SOURCE}\n", encoding="utf-8")
    return path


def _sheet(run, doc, path):
    result = run("translate", doc, "--no-mt", "-o", path)
    assert result.exit_code == 0, result.output
    return path


def _translations(db_path) -> list[str]:
    with open_memory(db_path) as memory:
        return sorted(u.target for u in memory.iter_units() if u.source == SOURCE)


def _unit_id(db_path) -> int:
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == SOURCE]
        return unit.id


def test_two_sheets_correcting_one_unit_the_second_is_refused(run, doc, tmp_path, db_path):
    first, second = _sheet(run, doc, tmp_path / "a.xlsx"), _sheet(run, doc, tmp_path / "b.xlsx")
    set_cells(
        first, {"rel:1:1": {"Target": "China resolutely supports multilateralism.", "Status": "approved"}}
    )
    set_cells(
        second, {"rel:1:1": {"Target": "China staunchly supports multilateralism.", "Status": "approved"}}
    )
    assert run("review", first, user="anna").exit_code == 0
    refused = run("review", second, "--json", user="bo")
    assert refused.exit_code == 1
    report = json.loads(refused.stdout)
    assert report["stored"] == 0
    ((_, row_id, why),) = report["refused"]
    assert row_id == "rel:1:1" and "changed after the sheet was written by anna" in why
    assert "China resolutely supports multilateralism." in why and "--force" in why
    assert _translations(db_path) == ["China resolutely supports multilateralism."]  # no second unit

    forced = json.loads(run("review", second, "--json", "--force", user="bo").stdout)
    assert forced["corrected"] == 1 and forced["added"] == 0
    assert _translations(db_path) == ["China staunchly supports multilateralism."]
    with open_memory(db_path) as memory:
        history = memory.history(_unit_id(db_path))
    assert [h["new_target"] for h in history if h["action"] == "review"] == [
        "China resolutely supports multilateralism.",
        "China staunchly supports multilateralism.",
    ]


def test_a_sheet_written_before_tm_edit_does_not_bring_the_old_wording_back(run, doc, tmp_path, db_path):
    sheet = _sheet(run, doc, tmp_path / "a.xlsx")
    edited = "China firmly upholds multilateralism."
    assert (
        run("edit", _unit_id(db_path), "--target", edited, "--reason", "FM style", user="cai").exit_code == 0
    )
    set_cells(sheet, {"rel:1:1": {"Status": "approved"}})  # the old proposal, approved as it was
    result = run("review", sheet)
    assert result.exit_code == 1
    assert "changed after the sheet was written by cai" in result.stderr and "FM style" in result.stderr
    assert _translations(db_path) == [edited]


def test_a_sheet_written_before_tm_delete_does_not_bring_the_translation_back(run, doc, tmp_path, db_path):
    sheet = _sheet(run, doc, tmp_path / "a.xlsx")
    unit_id = _unit_id(db_path)
    assert run("delete", unit_id, "--reason", "wrong translation, do not reuse", user="dai").exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Status": "approved"}})
    result = run("review", sheet)
    assert result.exit_code == 1
    assert f"unit {unit_id}, whose translation this row proposed, was deleted" in result.stderr
    assert "by dai" in result.stderr and "wrong translation, do not reuse" in result.stderr
    assert _translations(db_path) == []
    assert run("review", sheet, "--force").exit_code == 0  # the reviewer insists
    assert _translations(db_path) == [OLD]


def test_the_same_rule_for_an_xliff_batch(run, doc, tmp_path, db_path):
    batch = tmp_path / "batch.xlf"
    assert run("translate", doc, "--no-mt", "-o", batch).exit_code == 0
    assert (
        run("edit", _unit_id(db_path), "--target", "China backs multilateralism.", user="cai").exit_code == 0
    )
    tree = etree.parse(str(batch))
    (unit,) = [u for u in tree.iter(f"{{{NS20}}}unit") if u.get(f"{{{TM}}}id") == "rel:1:1"]
    segment = unit.find(f"{{{NS20}}}segment")
    segment.find(f"{{{NS20}}}target").text = "China staunchly supports multilateralism."
    segment.set("state", "final")
    tree.write(str(batch), xml_declaration=True, encoding="UTF-8")
    result = run("review", batch)
    assert result.exit_code == 1 and "changed after the sheet was written by cai" in result.stderr
    assert _translations(db_path) == ["China backs multilateralism."]


def test_concurrent_corrections_of_one_unit_the_later_is_refused(db_path, backend):
    """Two reviews read the unit before either wrote: the one that waited for the row must not
    overwrite the other's correction (PostgreSQL at the same time; SQLite one after the other)."""
    from tm.memory.units import Unit

    with open_memory(db_path, user="setup") as memory:
        memory.import_units([Unit(SOURCE, OLD)])
        (read,) = [u for u in memory.iter_units()]
    with open_memory(db_path, user="anna") as first, open_memory(db_path, user="bo") as second:
        outcome = {}

        def later():
            try:
                with second.transaction():
                    second.replace_target(read, "China staunchly supports multilateralism.", "bo", "b")
            except StaleUnit as error:
                outcome["error"] = error

        with first.transaction():
            first.replace_target(read, "China resolutely supports multilateralism.", "anna", "a")
            if backend == "postgresql":  # the second waits for the row lock the first holds
                waiting = threading.Thread(target=later)
                waiting.start()
                time.sleep(0.5)
        if backend == "postgresql":
            waiting.join(10)
        else:
            later()
    assert "changed or deleted meanwhile" in str(outcome.get("error"))
    assert _translations(db_path) == ["China resolutely supports multilateralism."]


def test_several_translations_of_one_source_are_shown(run, doc, tmp_path, db_path):
    other = tmp_path / "other.tsv"
    other.write_text(f"source\ttarget\n{SOURCE}\tChina staunchly backs multilateralism.\n", encoding="utf-8")
    assert run("import", other).exit_code == 0
    (match, *_) = json.loads(run("lookup", SOURCE, "--json").stdout)
    assert match["score"] == 100 and len(match["other_translations"]) == 1
    plain = run("lookup", SOURCE).stdout
    assert plain.count("the memory also translates this source as") == 2  # each 100 % names the other
    sheet = _sheet(run, doc, tmp_path / "out.xlsx")
    rows = list(load_workbook(sheet)["Segments"].values)
    qa = rows[1][rows[0].index("QA issues")]
    assert "the memory also translates this source as" in qa


def test_copies_of_one_sheet_for_two_reviewers_do_not_overwrite_each_other(run, doc, tmp_path, db_path):
    """The second new-user run: two copies of one sheet (the same sheet id) given to two
    reviewers; the second review silently replaced the first one's correction."""
    import shutil

    sheet = _sheet(run, doc, tmp_path / "a.xlsx")
    copy = tmp_path / "copy-for-bo.xlsx"
    shutil.copy(sheet, copy)
    set_cells(
        sheet, {"rel:1:1": {"Target": "China resolutely supports multilateralism.", "Status": "approved"}}
    )
    set_cells(
        copy, {"rel:1:1": {"Target": "China staunchly supports multilateralism.", "Status": "approved"}}
    )
    assert run("review", sheet, user="anna").exit_code == 0
    refused = run("review", copy, user="bo")
    assert refused.exit_code == 1 and "stored by anna" in refused.stderr and "--force" in refused.stderr
    assert _translations(db_path) == ["China resolutely supports multilateralism."]
    assert run("review", copy, "--force", user="bo").exit_code == 0  # the reviser's round, insisted on
    assert _translations(db_path) == ["China staunchly supports multilateralism."]
    again = run("review", sheet, user="anna")  # anna's round is now the older one: refused
    assert again.exit_code == 1 and _translations(db_path) == ["China staunchly supports multilateralism."]


def test_a_sheet_imported_again_does_not_bring_back_a_unit_deleted_since(run, tmp_path, db_path):
    path = tmp_path / "new.txt"
    path.write_text("双方同意加强合作。\n", encoding="utf-8")
    sheet = _sheet(run, path, tmp_path / "new.xlsx")
    set_cells(
        sheet,
        {"new:1:1": {"Target": "The two sides agreed to strengthen cooperation.", "Status": "approved"}},
    )
    assert json.loads(run("review", sheet, "--json").stdout)["added"] == 1
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == "双方同意加强合作。"]
    assert run("delete", unit.id, "--reason", "bad alignment", user="dai").exit_code == 0
    result = run("review", sheet)
    assert result.exit_code == 1 and "was deleted" in result.stderr and "bad alignment" in result.stderr
    with open_memory(db_path) as memory:
        assert [u for u in memory.iter_units() if u.source == "双方同意加强合作。"] == []


def test_a_rejection_imported_twice_is_recorded_once(run, doc, tmp_path, db_path):
    sheet = _sheet(run, doc, tmp_path / "a.xlsx")
    set_cells(sheet, {"rel:1:1": {"Status": "rejected", "Comment": "WRONG: not our wording"}})
    assert run("review", sheet, user="anna").exit_code == 0
    assert run("review", sheet, user="anna").exit_code == 0
    with open_memory(db_path) as memory:
        rejections = [e for e in memory.history(_unit_id(db_path)) if e["action"] == "reject"]
    assert len(rejections) == 1


def test_rows_of_one_sheet_giving_one_source_two_translations_are_named(run, tmp_path, db_path):
    path = tmp_path / "two.txt"
    path.write_text(f"{SOURCE}\n\n{SOURCE}\n", encoding="utf-8")
    sheet = _sheet(run, path, tmp_path / "two.xlsx")
    set_cells(
        sheet,
        {
            "two:1:1": {"Target": "China resolutely supports multilateralism.", "Status": "approved"},
            "two:2:1": {"Target": "China staunchly supports multilateralism.", "Status": "approved"},
        },
    )
    result = run("review", sheet)
    assert result.exit_code == 1
    assert "row two:1:1 of this sheet gives unit" in result.stderr and "another translation" in result.stderr


def test_a_sheet_written_on_a_laptop_copy_corrects_the_servers_unit(run, doc, tmp_path, db_path):
    """Unit ids differ between copies: the sheet named the laptop's id, and the server stored a
    second 100 % translation beside its own unit."""
    filler = tmp_path / "filler.tsv"
    filler.write_text("source\ttarget\n上海精神。\tThe Shanghai Spirit.\n", encoding="utf-8")
    laptop = tmp_path / "laptop.db"
    assert run("import", filler, db=laptop).exit_code == 0  # ids on the laptop differ from the server's
    pairs = tmp_path / "pairs.tsv"
    assert run("import", pairs if pairs.exists() else filler, db=laptop).exit_code == 0
    same = tmp_path / "same.tsv"
    same.write_text(f"source\ttarget\n{SOURCE}\t{OLD}\n", encoding="utf-8")
    assert run("import", same, db=laptop).exit_code == 0
    sheet = tmp_path / "laptop.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet, db=laptop).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Target": "China firmly upholds multilateralism.", "Status": "approved"}})
    report = json.loads(run("review", sheet, "--json").stdout)
    assert report["corrected"] == 1 and report["added"] == 0
    assert _translations(db_path) == ["China firmly upholds multilateralism."]


def test_the_cells_a_reviewer_types_in_are_text(run, doc, tmp_path):
    """The second new-user run: "16 September" typed into Target became a date, stored as 44090."""
    sheet = load_workbook(_sheet(run, doc, tmp_path / "a.xlsx"))["Segments"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Target") + 1).number_format == "@"  # a proposal
    for name in ("Target", "Comment"):  # and the empty cells of the column
        column = header.index(name) + 1
        assert sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].number_format == "@"


def test_a_cat_tool_that_drops_tms_attributes_gets_one_line(run, doc, tmp_path):
    """The second new-user run: 68 identical lines saying rows were edited, when the CAT tool had
    only dropped tm's attributes; and comments on draft rows vanished without a word."""
    path = tmp_path / "five.txt"
    path.write_text("".join(f"第{n}句話。\n\n" for n in "一二三四五"), encoding="utf-8")
    batch = tmp_path / "batch.xlf"
    assert run("translate", path, "--no-mt", "-o", batch).exit_code == 0
    tree = etree.parse(str(batch))
    for unit in tree.iter(f"{{{NS20}}}unit"):
        for name in [a for a in unit.attrib if a.startswith(f"{{{TM}}}")]:
            del unit.attrib[name]
    tree.write(str(batch), xml_declaration=True, encoding="UTF-8")
    result = run("review", batch)
    assert result.exit_code == 1
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("refused")]
    assert line.startswith("refused 5 rows (1, 2, 3, 4, 5):") and "lost tm's attributes" in line
    sheet = _sheet(run, doc, tmp_path / "c.xlsx")
    set_cells(sheet, {"rel:1:1": {"Comment": "check with the desk"}})
    said = run("review", sheet)
    assert "comments on draft rows, not stored" in said.stderr and "rel:1:1" in said.stderr
