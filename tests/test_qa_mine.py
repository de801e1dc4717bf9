"""`tm qa` (the QA report of a whole memory or a review workbook) and `tm glossary mine` (term
candidates from the aligned memory), through the real command line."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tm.memory import open_memory

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

BOTH_BACKENDS = True
GLOSSARY = ROOT / "seeds" / "glossary.csv"
FLAWED = [  # (source, target, document): each unit after the first two has one kind of flaw
    ("五是倡導支持多邊主義。", "Fifth, advocating and supporting multilateralism.", "a"),
    ("五是倡導支持多邊主義。", "Fifth, advocating and backing multilateralism.", "b"),
    ("合力打擊三股勢力。", "Jointly combat the three forces.", "a"),
    ("批準20多項文件。", "Approved many documents.", "a"),
    ("會議取得成果。", "會議取得成果。", "a"),
    ("會議很成功。", "The meeting  was a success.", "b"),
    ("他說:(會議很好。", "He said (the meeting was good.", "b"),
    ("會議很重要。", "Approved many documents.", "b"),
]


@pytest.fixture
def run(db_path, tmp_path):
    open_memory(db_path).close()
    return cli_invoker(db_path, user="tester")


def _import(run, tmp_path, rows):
    tsv = tmp_path / "units.tsv"
    tsv.write_text(
        "source\ttarget\tdocument\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8"
    )
    assert run("import", tsv).exit_code == 0


def test_qa_of_the_memory_finds_each_kind_of_flaw_and_names_units_documents_dates(run, tmp_path):
    _import(run, tmp_path, FLAWED)
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    result = run("qa", "--json", "-o", tmp_path / "qa.xlsx")
    assert result.exit_code == 1  # findings
    data = json.loads(result.stdout)
    assert data["units"] == len(FLAWED)
    counts = data["counts"]
    assert counts["same source, different targets"] == 1 and counts["same target, different sources"] == 1
    assert counts["missing term"] == 1 and counts["forbidden term"] == 1 and counts["number"] == 1
    assert counts["source copied"] == 1 and counts["double space"] == 1 and counts["unpaired bracket"] == 2
    same = next(f for f in data["findings"] if f["check"] == "same source, different targets")
    assert same["ids"] == ["1", "2"] and same["documents"] == ["a", "b"] and all(same["dates"])
    forbidden = next(f for f in data["findings"] if f["check"] == "forbidden term")
    assert "three forces" in forbidden["message"] and forbidden["ids"] == ["3"]
    sheet = load_workbook(tmp_path / "qa.xlsx")["Findings"]
    assert [c.value for c in sheet[1]][:4] == ["Check", "Units", "Documents", "Dates"]
    assert sheet.auto_filter.ref and sheet.max_row == len(data["findings"]) + 1
    text = run("qa", "--show", "1")
    assert "same source, different targets · units 1, 2 · a; b" in text.output


def test_qa_of_a_clean_memory_exits_0_and_of_a_review_workbook_checks_its_rows(run, tmp_path):
    assert run("import", SAMPLE_TMX).exit_code == 0
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    clean = run("qa")
    assert clean.exit_code == 0 and "9 units, 0 findings" in clean.output
    doc = tmp_path / "release.txt"
    doc.write_text("四是拓展全方位合作。\n合力打擊三股勢力。\n", encoding="utf-8")
    assert run("translate", doc, "--no-mt", "-o", tmp_path / "r.xlsx").exit_code == 0
    data = json.loads(run("qa", tmp_path / "r.xlsx", "--json").stdout)
    assert data["units"] == 2 and data["counts"]["untranslated"] == 1  # the row the memory left empty
    assert data["findings"][0]["ids"] == ["release:2:1"]
    assert "exists" in run("qa", "-o", tmp_path / "r.xlsx").output  # never over an input or earlier file


def test_mine_proposes_recurring_terms_importable_and_lists_conflicts_apart(run, tmp_path):
    rows = []
    for n, (place, name) in enumerate([("北京", "Beijing"), ("上海", "Shanghai"), ("廣州", "Guangzhou")] * 2):
        verb, english = ("訪問了", "visited") if n < 3 else ("參觀了", "toured")  # two distinct units each
        rows.append(
            (f"代表團{verb}{place}和深圳。", f"The delegation {english} {name} and Shenzhen.", f"d{n % 2}")
        )
        rows.append(
            (
                f"深圳的經濟在{place}之後。" if n < 3 else f"{place}的經濟在深圳之前。",
                f"{name} and Shenzhen: economies.",
                f"d{n % 2}",
            )
        )
    _import(run, tmp_path, rows)
    assert run("glossary", "add", "深圳", "Shenzen").exit_code == 0  # a misspelt entry: a conflict
    out = tmp_path / "proposed.csv"
    result = run("glossary", "mine", out, "--min-units", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pairs = {(c["key"], c["rendering"]) for c in data["candidates"]}
    assert {("北京", "Beijing"), ("上海", "Shanghai"), ("广州", "Guangzhou")} <= pairs
    beijing = next(c for c in data["candidates"] if c["key"] == "北京")
    assert beijing["units"] == 4 and beijing["documents"] == 2 and len(beijing["examples"]) == 2
    assert beijing["evidence"] == "pinyin" and beijing["term"] == "北京"
    assert [(c["key"], c["rendering"], c["conflict"]) for c in data["conflicts"]] == [
        ("深圳", "Shenzhen", "Shenzen")
    ]
    assert (tmp_path / "proposed.conflicts.csv").exists()
    assert run("glossary", "import", out, "--glossary", "mined").exit_code == 0
    listed = run("glossary", "list", "--glossary", "mined", "--json")
    entries = {e["source"]: e for e in json.loads(listed.stdout)["entries"]}
    assert entries["北京"]["status"] == "proposed" and "4 units in 2 documents" in entries["北京"]["note"]
    again = json.loads(run("glossary", "mine", tmp_path / "again.csv", "--min-units", "3", "--json").stdout)
    assert "北京" not in {c["key"] for c in again["candidates"]}  # an entry now: not proposed again


def test_qa_of_a_workbook_does_not_count_placeholder_ids_as_numbers(run, tmp_path):
    """Issue 22: "number 2 has no counterpart" for {2}…{/2} in a web page's review sheet."""
    from .sheet_cells import set_cells

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><p>我們<b>支持</b>和<i>推動</i>多邊主義。</p></body></html>", encoding="utf-8"
    )
    sheet = tmp_path / "page.xlsx"
    assert run("translate", page, "--no-mt", "-o", sheet).exit_code == 0
    rows = load_workbook(sheet)["Segments"]
    row_id = rows.cell(2, 1).value
    set_cells(sheet, {row_id: {"Target": "We support and promote multilateralism."}})  # tags left out
    data = json.loads(run("qa", sheet, "--json").stdout)
    assert not [f for f in data["findings"] if "number" in json.dumps(f)], data["findings"]
