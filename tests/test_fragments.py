"""Fragments (issue 23, point 3): the longest parts of an unmatched segment the memory's sources
hold, with the English their stored word links give, in `tm translate` (sheet column, XLIFF
notes, the analysis' coverage), `tm lookup --fragments` and `tm serve`; never English the links
do not support."""

import gc
import json
import os

import pytest
from openpyxl import load_workbook

from glossary.store import Termbase
from tm.align import unitlinks
from tm.align.fragments import FragmentFinder, covered
from tm.memory import open_memory
from tm.memory.units import Unit
from tm.web.answers import answer_json, search
from tm.workflow.sheet import HEADER

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

BOTH_BACKENDS = True
SEED_GLOSSARY = ROOT / "seeds" / "glossary.csv"
# Parts the seed memory holds once (in different units), around text it does not
SEGMENT = "中國同四國相互提供大量物資,三是推動國際經濟發展。"
# A part four units hold (tests/data/fragments.tmx and the seed), rendered alike
AGREED = "我們將繼續加強安全合作,中國同四國相互提供大量物資。"
ONCE = 1, 0.5  # FragmentFinder's threshold lowered: what one unit's links give


@pytest.fixture
def run(db_path):
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0  # nine units, aligned as they are stored
    assert invoke("import", ROOT / "tests" / "data" / "fragments.tmx").exit_code == 0
    assert invoke("glossary", "import", SEED_GLOSSARY).exit_code == 0
    return invoke


def _units(db_path) -> dict[str, int]:
    with open_memory(db_path) as memory:
        return {u.source: u.id for u in memory.iter_units()}


def test_fragments_carry_the_english_their_units_links_give(run, db_path):
    with open_memory(db_path) as memory:
        found = FragmentFinder(memory, None, *ONCE).find(SEGMENT)
        assert FragmentFinder(memory).find(SEGMENT) == []  # one unit is not enough by default
    by_text = {f.text: f for f in found}
    assert by_text["中國同四國相互提供"].rendering == "China and the four countries have provided each other"
    assert by_text["中國同四國相互提供"].unit_id == _units(db_path)["中國同四國相互提供抗疫援助。"]
    assert by_text["中國同四國相互提供"].count == 1 and by_text["中國同四國相互提供"].seen == 1
    third = by_text["三是推動國際"]
    assert (
        third.rendering == "Third, promoting international" and SEGMENT[third.start : third.end] == third.text
    )
    assert [f.text for f in found] == ["中國同四國相互提供", "三是推動國際"]  # longest first
    assert covered(SEGMENT, found) == len("中國同四國相互提供") + len("三是推動國際")


def test_script_and_width_do_not_matter(run, db_path):
    with open_memory(db_path) as memory:
        found = FragmentFinder(memory, None, *ONCE).find("中国同四国相互提供大量物资")  # simplified
    assert [(f.text, f.rendering) for f in found] == [
        ("中国同四国相互提供", "China and the four countries have provided each other")
    ]


def test_a_span_inside_a_glossary_term_is_left_to_the_glossary(run, db_path):
    with open_memory(db_path) as memory:
        bare = FragmentFinder(memory, None, *ONCE).find("必須反對三股勢力。")
        recognizer = Termbase.of(memory).recognizer()
        with_terms = FragmentFinder(memory, recognizer, *ONCE).find("必須反對三股勢力。")
    assert [f.text for f in bare] == ["三股勢力"] and bare[0].rendering == "three evil forces"
    assert with_terms == []


def test_no_english_the_links_do_not_support(run, db_path):
    """A unit whose stored links say nothing of the span, or that has no stored links at all,
    proposes nothing; a unit is not aligned on the fly for a fragment."""
    with open_memory(db_path) as memory:
        unit_id = _units(db_path)["中國同四國相互提供抗疫援助。"]
        with memory.transaction():
            memory.store_links([(unit_id, unitlinks.encode(0, 0, set()))])  # words no longer as cut
        assert [f.text for f in FragmentFinder(memory, None, *ONCE).find(SEGMENT)] == ["三是推動國際"]
        with memory.transaction():
            memory.drop_links([unit_id])
        assert [f.text for f in FragmentFinder(memory, None, *ONCE).find(SEGMENT)] == ["三是推動國際"]


def test_the_majority_rendering_its_count_and_the_threshold(run, db_path):
    """Four units render the span alike: proposed with their count. A fifth renders it otherwise:
    four of five agree, under the default threshold (0.9): the part all five agree on is proposed."""
    with open_memory(db_path) as memory:
        found = FragmentFinder(memory).find(AGREED)
        assert [(f.text, f.rendering, f.count, f.seen) for f in found] == [
            ("繼續加強安全合作", "continue strengthening security cooperation", 4, 4)
        ]
        assert found[0].unit_id == max(_units(db_path).values())  # the newest agreeing
        other = Unit(
            "中方願同各方繼續加強安全合作。",
            "China is ready to work with all parties to further enhance security cooperation.",
        )
        memory.import_units([other])
        assert unitlinks.link_pending(memory).aligned == 1
        shorter = FragmentFinder(memory).find(AGREED)
        assert [(f.text, f.rendering, f.count, f.seen) for f in shorter] == [
            ("安全合作", "security cooperation", 5, 5)
        ]
        again = FragmentFinder(memory, None, 3, 0.75).find(AGREED)
    assert [(f.rendering, f.count, f.seen) for f in again] == [
        ("continue strengthening security cooperation", 4, 5)
    ]


def test_translate_shows_fragments_in_the_sheet_the_xliff_and_the_analysis(run, tmp_path):
    release = tmp_path / "release.txt"
    release.write_text(AGREED + "\n三是推動國際抗疫合作。\n", encoding="utf-8")
    result = run("translate", release, "--no-mt", "-o", tmp_path / "r.xlsx", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    coverage = data["fragment coverage"]
    assert (
        coverage["characters"]
        == data["total"]["none"]["characters"]
        > coverage["covered"]
        == len("繼續加強安全合作")
    )
    assert (
        data["total"]["none"]["fragments"] == coverage["covered"] and data["total"]["100"]["fragments"] == 0
    )
    sheet = load_workbook(tmp_path / "r.xlsx")["Segments"]
    header = [c.value for c in sheet[1]]
    assert header == HEADER and "Fragments" in header
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    cells = {r[header.index("Source")]: r[header.index("Fragments")] for r in rows}
    assert cells[AGREED] == "繼續加強安全合作 → continue strengthening security cooperation (4)"
    assert not cells["三是推動國際抗疫合作。"]  # a 100 % match needs none

    text = run("translate", release, "--no-mt", "-o", tmp_path / "r2.xlsx").stdout
    assert "fragments cover" in text and "without a memory match" in text
    none = run("translate", release, "--no-mt", "--no-fragments", "-o", tmp_path / "r3.xlsx", "--json")
    assert json.loads(none.stdout)["fragment coverage"]["covered"] == 0

    for version in ("1.2", "2.0"):
        xlf = tmp_path / f"r{version}.xlf"
        assert run("translate", release, "--no-mt", "-o", xlf, "--xliff-version", version).exit_code == 0
        written = xlf.read_text("utf-8")
        assert "fragment: 繼續加強安全合作 → continue strengthening security cooperation (4)" in written
        from tm.workflow.xliff_batch import read_xliff

        assert all(not row.comment for row in read_xliff(xlf).rows)  # tm's notes are no comment


def test_lookup_fragments(run):
    result = run("lookup", AGREED, "--fragments", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["matches"] == []
    assert [(f["text"], f["count"], f["seen"]) for f in data["fragments"]] == [("繼續加強安全合作", 4, 4)]
    text = run("lookup", AGREED, "--fragments").stdout
    assert "繼續加強安全合作 → continue strengthening security cooperation (4)" in text
    plain = run("lookup", AGREED, "--json")
    assert plain.exit_code != 0 and json.loads(plain.stdout) == []  # without --fragments: as before
    nothing = run("lookup", "完全不同的句子出现在这里。", "--fragments")
    assert nothing.exit_code != 0 and "no fragment" in nothing.stderr


def test_serve_answers_fragments(run, db_path):
    with open_memory(db_path) as memory:
        termbase = Termbase.of(memory)
        answer = search(memory, termbase, AGREED, recognizer=termbase.recognizer)
        whole = search(memory, termbase, "三是推動國際抗疫合作。", recognizer=termbase.recognizer)
    data = answer_json(answer)
    assert [f["text"] for f in data["fragments"]] == ["繼續加強安全合作"]
    assert answer_json(whole)["fragments"] == []  # a whole match says it all


def test_a_batch_shared_out_among_workers_finds_what_one_process_finds(run, db_path, monkeypatch):
    """`tm translate` shares a batch's segments out among forked workers, each reading units over
    a connection of its own (memory.reopened: the parent's stays the parent's); the fragments are
    those one process finds, and the parent's memory still answers afterwards."""
    from tm.align import fragments_batch

    sources = [SEGMENT, AGREED, "我們將繼續加強安全合作。", "必須反對三股勢力。", "今天天氣很好。", AGREED]
    monkeypatch.setattr(fragments_batch, "PER_JOB", 1)
    with open_memory(db_path) as memory:
        alone = fragments_batch.find_all(FragmentFinder(memory, None, *ONCE), sources, jobs=1)
        shared = fragments_batch.find_all(FragmentFinder(memory, None, *ONCE), sources, jobs=3)
        assert memory.count() > 0  # its connection was not the workers'
    assert shared == alone and set(alone) == set(sources)
    assert any(alone.values())  # not a batch of nothing

    def dies(self):
        os._exit(1)  # a worker killed (for memory): its share is found in the parent

    monkeypatch.setattr(type(memory), "reopened", dies)
    with open_memory(db_path) as memory:
        assert fragments_batch.find_all(FragmentFinder(memory, None, *ONCE), sources, jobs=3) == alone
    assert gc.isenabled()


def test_a_unit_whose_links_link_nothing_is_not_counted_and_case_is_folded_as_lookups_fold_it(run, db_path):
    """A unit the aligner linked nothing in (an untranslated target) says nothing of a span: not
    one of the units examined, as a unit without links. A span is found whatever its case, but
    as typed where case folding changes a text's length (ß), as find_in_original looks."""
    with open_memory(db_path) as memory:
        newest = max(_units(db_path).values())
        unit = memory.units_by_id([newest])[newest][0]
        zh, _, en, _ = unitlinks.tokens(unit.source, unit.target)
        with memory.transaction():
            memory.store_links([(newest, unitlinks.encode(zh, len(en), set()))])
        found = FragmentFinder(memory).find(AGREED)
        assert [(f.text, f.count, f.seen) for f in found] == [("繼續加強安全合作", 3, 3)]
        units = [
            Unit(f"第{n}條:Straße的API接口已經關閉。", "The API interface of Straße is closed.")
            for n in range(4)
        ]
        memory.import_units(units)
        assert unitlinks.link_pending(memory).aligned == 4
        found = FragmentFinder(memory).find("調用API接口失敗。")  # the units' views change length folded
        assert [(f.text, f.rendering, f.count) for f in found] == [("API接口", "API interface", 4)]
