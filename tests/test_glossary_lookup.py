"""`tm glossary lookup` folds its query as the glossary's keys are and says what an English query
is to its entry; `tm glossary check` reads a review workbook as one."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from glossary.lookup import lookup_term
from glossary.model import Entry
from glossary.store import Termbase
from tm.cli import cli
from tm.formats.xlsxio import set_text
from tm.memory import open_memory
from tm.text.langs import document_name

from .conftest import ROOT, SAMPLE_TMX, SEED

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [*map(str, args), "--db", str(db_path)])

    return invoke


@pytest.fixture
def seeded(run):
    """The seed glossary (its import creates the memory) and the sample memory."""
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    assert run("import", SAMPLE_TMX).exit_code == 0
    return run


def entries(run, query: str) -> list[dict]:
    result = run("glossary", "lookup", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["entries"]


@pytest.mark.parametrize("query", ["SCO", "ＳＣＯ", "sco", "S.C.O."])
def test_width_and_case_of_an_english_query_do_not_matter(seeded, query):
    (first, *_) = entries(seeded, query)
    assert (first["match"], first["source"], first["target"]) == ("approved rendering", "上合組織", "SCO")


def test_a_chinese_query_with_latin_letters_is_folded_for_width_and_case(db_path):
    with open_memory(db_path) as memory:
        termbase = Termbase.of(memory)
        termbase.add(Entry("G20峰會", "G20 Summit"))
        for query in ("G20峰會", "ｇ２０峰会", "g20峰(fēng)會"):
            (kind, entry), *_ = lookup_term(termbase, memory, query).matches
            assert (kind, entry.source) == ("exact", "G20峰會"), query
        assert [k for k, _ in lookup_term(termbase, memory, "ｇ２０").matches] == ["contains"]


@pytest.mark.parametrize("query", ["", "   ", "，。！", " - "])
def test_an_empty_query_is_an_error_not_ten_hits(seeded, query):
    result = seeded("glossary", "lookup", query)
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: empty query: give a Chinese term or an English rendering"
    ]


@pytest.mark.parametrize("query", ["One Belt, One Road", "one belt one road", "ＯＢＯＲ"])
def test_a_forbidden_rendering_is_said_forbidden_and_for_which_entry(seeded, query):
    text = seeded("glossary", "lookup", query)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0] == (
        f"{query}: FORBIDDEN for 一帶一路, whose approved rendering is “Belt and Road”"
    )
    (first, *_) = entries(seeded, query)
    assert (first["match"], first["source"]) == ("forbidden rendering", "一帶一路")
    assert first["target"] == "Belt and Road"


def test_approved_and_alternative_renderings_name_their_entry(seeded):
    alternative = seeded("glossary", "lookup", "belt and road initiative").stdout
    assert alternative.startswith(
        "belt and road initiative: accepted alternative of 一帶一路, whose approved rendering is “Belt and Road”"
    )
    approved = seeded("glossary", "lookup", "Three Evil Forces").stdout
    assert approved.startswith("Three Evil Forces: approved rendering of 三股勢力\n")
    assert entries(seeded, "Belt and Road")[0]["match"] == "approved rendering"
    assert [e["match"] for e in entries(seeded, "Belt")] == ["contains"]


def test_an_english_query_shows_how_the_memory_rendered_its_entry(seeded):
    answer = json.loads(seeded("glossary", "lookup", "three forces", "--json").stdout)
    assert answer["entries"][0]["match"] == "forbidden rendering"
    assert answer["memory"] and answer["memory"][0]["verdict"] == "approved"
    assert "三股勢" in answer["memory"][0]["source"]


# ------------------------------------------------------------------ QA of a review workbook


def set_targets(path, targets: dict[str, str]) -> None:
    """What a translator does: type targets into the rows of the given IDs."""
    workbook = load_workbook(path)
    sheet = workbook["Segments"]
    header = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for segment_id, target in targets.items():
        set_text(sheet.cell(rows[segment_id], header.index("Target") + 1), target)
    workbook.save(path)


def test_check_reads_a_review_workbook_by_row_id(seeded, tmp_path):
    sheet = tmp_path / "s.xlsx"
    assert seeded("translate", SEED, "--no-mt", "-o", sheet).exit_code == 0
    wrong, right = (f"{document_name(SEED)}:{n}" for n in ("8:3", "14:3"))  # both hold 一帶一路
    set_targets(sheet, {wrong: "Deepen One Belt, One Road cooperation.", right: "Belt and Road cooperation."})

    result = seeded("glossary", "check", sheet)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    said = "一帶一路: forbidden rendering “One Belt, One Road”; use “Belt and Road”"
    assert f"{wrong}\tforbidden-term\t{said}" in lines
    assert not [line for line in lines if line.startswith(f"{right}\t") and "一帶一路" in line]
    assert "68 segment(s)" in result.stderr

    found = json.loads(seeded("glossary", "check", sheet, "--json").stdout)
    assert {(i["segment"], i["found"]) for i in found if i["kind"] == "forbidden-term"} == {
        (wrong, "One Belt, One Road")
    }


def test_check_of_a_file_that_is_no_workbook_says_what_read_workbook_says(seeded, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("一帶一路\tOne Belt, One Road\n", encoding="utf-8")
    result = seeded("glossary", "check", text)
    assert result.exit_code == 4 and f"{text}: not an .xlsx workbook" in result.output
