"""A second review round corrects what the first stored; reviewed targets get QA; a sheet that is
not a review sheet is named for what it is."""

import json
import shutil

import pytest
from openpyxl import load_workbook

from tm.memory import open_memory

from .conftest import ROOT, SAMPLE_TMX, SEED, cli_invoker
from .sheet_cells import set_cells

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    assert invoke("glossary", "import", GLOSSARY).exit_code == 0
    return invoke


@pytest.fixture
def sheet(run, tmp_path):
    doc = tmp_path / "rel.txt"
    doc.write_text("上海精神是本組織的靈魂。\n謝謝大家。\n", encoding="utf-8")
    path = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    return path


def _translations(db_path, source):
    with open_memory(db_path) as memory:
        return [u.target for u in memory.iter_units() if u.source == source]


def test_comments_stay_with_corrections_and_confirmations(run, tmp_path, db_path):
    """Issue 22, point 3: a comment on a corrected or confirmed row was lost."""
    doc = tmp_path / "two.txt"
    doc.write_text("四是拓展全方位合作。\n中方愿意提供帮助。\n", encoding="utf-8")
    path = tmp_path / "two.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    import_tsv = tmp_path / "help.tsv"
    import_tsv.write_text("source\ttarget\n中方愿意提供帮助。\tChina is willing to help.\n", encoding="utf-8")
    assert run("import", import_tsv).exit_code == 0
    assert run("translate", doc, "--no-mt", "-o", path, "--force").exit_code == 0
    set_cells(
        path,
        {
            "two:1:1": {"Status": "approved", "Comment": "house style checked"},
            "two:2:1": {
                "Target": "China stands ready to help.",
                "Status": "approved",
                "Comment": "FM wording",
            },
        },
    )
    assert run("review", path, user="anna").exit_code == 0
    with open_memory(db_path) as memory:
        by_source = {u.source: u for u in memory.iter_units()}
        confirmed = memory.history(by_source["四是拓展全方位合作。"].id)
        corrected = memory.history(by_source["中方愿意提供帮助。"].id)
    assert confirmed[-1]["action"] == "confirm" and confirmed[-1]["comment"] == "house style checked"
    assert "two.xlsx two:1:1" in confirmed[-1]["reason"]
    assert (
        corrected[-1]["old_target"] == "China is willing to help."
        and corrected[-1]["comment"] == "FM wording"
    )


def test_a_second_round_corrects_the_unit_the_first_stored(run, sheet, db_path):
    set_cells(sheet, {"rel:2:1": {"Target": "Thank you all.", "Status": "approved"}})
    first = json.loads(run("review", sheet, "--json").output)
    assert first["added"] == 1
    set_cells(sheet, {"rel:2:1": {"Target": "Thank you, everyone."}})
    second = run("review", sheet, "--json", user="bob")  # another reviewer: a copy of ann's sheet?
    assert second.exit_code == 1 and "stored by ann" in json.loads(second.stdout)["refused"][0][2]
    second = run("review", sheet, "--json", "--force", user="bob")  # the reviser's round
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["corrected"] == 1
    assert _translations(db_path, "謝謝大家。") == ["Thank you, everyone."]  # not two 100% units
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == "謝謝大家。"]
        (change,) = memory.history(unit.id)
    assert change["old_target"] == "Thank you all." and change["changed_by"] == "bob"
    assert json.loads(run("review", sheet, "--json").stdout)["stored"] == 0  # a third time: nothing


def test_a_second_round_is_refused_for_a_unit_changed_in_the_meantime(run, sheet, db_path):
    set_cells(sheet, {"rel:2:1": {"Target": "Thank you all.", "Status": "approved"}})
    assert run("review", sheet).exit_code == 0
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == "謝謝大家。"]
    assert run("edit", unit.id, "--target", "Thanks to all of you.", user="cai").exit_code == 0
    set_cells(sheet, {"rel:2:1": {"Target": "Thank you, everyone."}})
    result = run("review", sheet)
    assert result.exit_code == 1 and "changed since this sheet's last review" in result.output
    assert "cai" in result.output
    assert _translations(db_path, "謝謝大家。") == ["Thanks to all of you."]


def test_reviewed_targets_get_qa_and_strict_refuses_the_flagged_rows(run, sheet, db_path):
    set_cells(sheet, {"rel:1:1": {"Target": "The Shanghai Mentality is the soul.", "Status": "approved"}})
    strict = run("review", sheet, "--strict")
    assert strict.exit_code == 1
    assert "QA row 2 (rel:1:1): missing-term: 上海精神" in strict.output
    assert "refused row 2 (rel:1:1): QA findings (--strict)" in strict.output
    assert _translations(db_path, "上海精神是本組織的靈魂。") == []
    lenient = run("review", sheet, "--json")
    report = json.loads(lenient.stdout)
    assert lenient.exit_code == 1 and report["added"] == 1 and report["findings"][0][1] == "rel:1:1"


def test_an_alignment_sheet_given_to_review_points_to_align(run, tmp_path):
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("上海精神是本組織的靈魂。謝謝大家。\n", encoding="utf-8")
    en.write_text("The Shanghai Spirit is the soul of the organization. Thank you all.\n", encoding="utf-8")
    links = tmp_path / "links.xlsx"
    assert run("align", zh, en, "-o", links).exit_code == 0
    result = run("review", links)
    assert result.exit_code == 4 and f"tm align --review {links} --import" in result.output


def test_a_renamed_tab_is_named(run, sheet, tmp_path):
    workbook = load_workbook(sheet)
    workbook["Segments"].title = "Segmente"
    renamed = tmp_path / "renamed.xlsx"
    workbook.save(renamed)
    result = run("review", renamed)
    assert (
        result.exit_code == 4 and "'Segmente'" in result.output and "name it Segments again" in result.output
    )


def test_a_version_1_sheet_still_exports(run, sheet, tmp_path):
    """Sheets written before the layout sheet (format 1) are read as before."""
    workbook = load_workbook(sheet)
    del workbook["_layout"]
    meta = workbook["_tm"]
    meta.delete_rows(1, meta.max_row)
    for values in (
        ["tm review sheet", 1, "2026-01-01 10:00 UTC"],
        ["document", "file", "separator", "segments"],
    ):
        meta.append(values)
    meta.append(["rel", "rel.txt", "\\n\\n", 2])
    old = tmp_path / "v1.xlsx"
    workbook.save(old)
    set_cells(old, {"rel:1:1": {"Target": "The Shanghai Spirit is the soul.", "Status": "approved"}})
    out = tmp_path / "v1.txt"
    assert run("export-doc", old, "-o", out, "--allow-missing").exit_code == 0
    assert out.read_text(encoding="utf-8") == "The Shanghai Spirit is the soul.\n\n謝謝大家。\n"


def test_seed_sheet_reviews_with_findings_listed(run, tmp_path):
    doc = tmp_path / "seed.txt"
    shutil.copy(SEED, doc)
    path = tmp_path / "seed.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    set_cells(path, {"seed:1:1": {"Target": "Xinhua, September 16.", "Status": "approved"}})
    result = run("review", path, "--json")
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1 and findings and all(f[1] == "seed:1:1" for f in findings)


def test_a_rejected_memory_proposal_is_kept_in_the_units_history(run, tmp_path, db_path):
    """Issue 22, point 2: a TM 100 proposal rejected with a comment left no trace."""
    doc = tmp_path / "fourth.txt"
    doc.write_text("四是拓展全方位合作。\n", encoding="utf-8")
    path = tmp_path / "fourth.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    comment = "WRONG: the ministry says all-dimensional"
    set_cells(path, {"fourth:1:1": {"Status": "rejected", "Comment": comment}})
    result = run("review", path, user="anna")
    assert result.exit_code == 0, result.output
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units() if u.source == "四是拓展全方位合作。"]
        (event,) = memory.history(unit.id)
    assert event["action"] == "reject" and event["changed_by"] == "anna"
    assert event["comment"] == comment and event["reason"] == "tm review fourth.xlsx fourth:1:1"
    assert unit.target == "Fourth, expanding all-round cooperation."  # the unit itself stays
    shown = run("history", str(unit.id))
    assert (
        "rejected " in shown.output
        and "by anna where it was proposed" in shown.output
        and comment in shown.output
    )


def test_a_rejected_translation_is_marked_yields_to_another_and_qa_counts_it(run, tmp_path, db_path):
    """Issue 22, point 2: the rejected TM 100 came back next time as if nothing had happened."""
    doc = tmp_path / "fourth.txt"
    doc.write_text("四是拓展全方位合作。\n", encoding="utf-8")

    def proposal(name: str) -> dict:
        path = tmp_path / f"{name}.xlsx"
        assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
        sheet = load_workbook(path)["Segments"]
        return {c.value: v.value for c, v in zip(sheet[1], sheet[2])} | {"path": path}

    for round_, who in enumerate(("anna", "ben")):
        first = proposal(f"round{round_}")
        set_cells(first["path"], {"fourth:1:1": {"Status": "rejected", "Comment": f"WRONG ({who})"}})
        assert run("review", first["path"], user=who).exit_code == 0
    again = proposal("again")
    assert again["Target"] == "Fourth, expanding all-round cooperation."  # nothing else to offer
    assert "by ben (2 times): tm review round1.xlsx fourth:1:1: WRONG (ben)" in again["QA issues"]
    report = json.loads(run("qa", "--json").stdout)
    (finding,) = [f for f in report["findings"] if f["check"] == "rejected more than once"]
    assert "rejected 2 times" in finding["message"] and "WRONG (anna)" in finding["message"]
    other = tmp_path / "other.tsv"
    other.write_text(
        "source\ttarget\n四是拓展全方位合作。\tFourth, expanding all-dimensional cooperation.\n",
        encoding="utf-8",
    )
    assert run("import", other).exit_code == 0
    assert (
        proposal("later")["Target"] == "Fourth, expanding all-dimensional cooperation."
    )  # the unrejected 100
