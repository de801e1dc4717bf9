import sqlite3

import pytest

from glossary.formats.tabular import read_table, write_table
from glossary.formats.tbx import read_tbx
from glossary.formats.tbx_write import write_tbx
from glossary.formats.xlsx import read_xlsx, write_xlsx
from glossary.lookup import lookup_term
from glossary.match import Recognizer, find_rendering
from glossary.model import CONTENT_FIELDS, Entry
from glossary.qa import Pair, check_document, check_pair
from glossary.store import ConflictError, Termbase
from tm.errors import UserError
from tm.memory import open_memory, schema
from tm.memory.units import Unit
from tm.text.numbers import missing_numbers, source_numbers

from .conftest import ROOT

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

SEED_GLOSSARY = ROOT / "seeds" / "glossary.csv"

REQUIRED = {
    "上海精神": "Shanghai Spirit",
    "三股勢力": "three evil forces",
    "上海合作組織": "Shanghai Cooperation Organization",
    "上合組織": "SCO",
    "外長理事會": "Council of Foreign Ministers",
    "國務委員兼外長": "State Councilor and Foreign Minister",
    "新華社": "Xinhua News Agency",
    "人類命運共同體": "community with a shared future for mankind",
    "一帶一路": "Belt and Road",
    "新型國際關係": "new type of international relations",
    "全球數據安全倡議": "Global Initiative on Data Security",
    "世界反法西斯戰爭": "World Anti-Fascist War",
    "百年變局": "changes unseen in a century",
    "多邊主義": "multilateralism",
    "單邊主義": "unilateralism",
    "保護主義": "protectionism",
    "全球治理體系": "global governance system",
    "世界衛生組織": "World Health Organization",
    "新冠肺炎": "COVID-19",
    "復工復產": "resumption of work and production",
    "互聯互通": "connectivity",
    "政治病毒": "political virus",
    "冷戰思維": "Cold War mentality",
    "零和博弈": "zero-sum game",
    "歐亞經濟聯盟": "Eurasian Economic Union",
    "健康絲路": "Health Silk Road",
    "中醫藥": "traditional Chinese medicine",
    "患難見真情": "a friend in need is a friend indeed",
    "王毅": "Wang Yi",
    "拉夫羅夫": "Sergey Lavrov",
    "普京": "Vladimir Putin",
    "托卡耶夫": "Kassym-Jomart Tokayev",
    "熱恩別科夫": "Sooronbay Jeenbekov",
    "巴特圖勒嘎": "Khaltmaagiin Battulga",
    "習近平": "Xi Jinping",
}


@pytest.fixture
def termbase(memory):
    tb = Termbase.of(memory)
    tb.import_entries(read_table(SEED_GLOSSARY, "csv"))
    return tb


def test_seed_glossary_has_the_official_renderings(termbase):
    stored = {e.source: e for e in termbase.entries()}
    for source, target in REQUIRED.items():
        assert stored[source].target == target
    assert "three forces" in stored["三股勢力"].forbidden
    assert "community of common destiny" in stored["人類命運共同體"].forbidden
    assert {"One Belt, One Road", "OBOR"} <= set(stored["一帶一路"].forbidden)


def test_every_script_form_hits_one_entry(termbase):
    recognizer = Recognizer(termbase.effective())
    for text in ("打擊三股勢(shì)力", "打擊三股勢力", "打击三股势力"):
        (hit,) = recognizer.find(text)
        assert hit.entry.target == "three evil forces"
        assert hit.text in ("三股勢(shì)力", "三股勢力", "三股势力") and text[hit.start : hit.end] == hit.text


def test_longest_leftmost_wins():
    recognizer = Recognizer(
        [
            Entry("上海", "Shanghai"),
            Entry("上海合作組織", "Shanghai Cooperation Organization"),
            Entry("合作", "cooperation"),
        ]
    )
    hits = recognizer.find("上海合作組織在上海合作")
    assert [(h.text, h.entry.target) for h in hits] == [
        ("上海合作組織", "Shanghai Cooperation Organization"),
        ("上海", "Shanghai"),
        ("合作", "cooperation"),
    ]


def test_recognition_on_the_seed_document(termbase, seed_text):
    recognizer = Recognizer(termbase.effective())
    found = {h.entry.source for h in recognizer.find(seed_text)}
    assert {
        "新型國際關係",
        "三股勢力",
        "上海精神",
        "上合組織",
        "上海合作組織",
        "習近平",
        "健康絲路",
        "患難見真情",
        "百年變局",
        "一帶一路",
    } <= found  # the seed writes 新型國際關系
    for hit in recognizer.find(seed_text):
        assert seed_text[hit.start : hit.end] == hit.text


def test_priority_lets_a_project_glossary_override(memory, termbase):
    termbase.import_entries(
        [(None, Entry("三股勢力", "three forces of evil"))], glossary="project", priority=10
    )
    (hit,) = Recognizer(termbase.effective()).find("打擊三股勢力")
    assert hit.entry.glossary == "project"
    (hit,) = Recognizer(termbase.effective("general")).find("打擊三股勢力")
    assert hit.entry.target == "three evil forces"


def test_conflicts_are_listed_and_nothing_imported(termbase, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "source,target\n新詞,new word\n三股勢力,three forces of evil\n上合組織,S.C.O.\n", encoding="utf-8"
    )
    before = termbase.count()
    with pytest.raises(ConflictError) as err:
        termbase.import_entries(read_table(path, "csv"))
    assert len(err.value.conflicts) == 2 and "line 3" in str(err.value)
    assert termbase.count() == before and termbase.get("新詞") is None
    report = termbase.import_entries(read_table(path, "csv"), on_conflict="skip")
    assert report.added == 1 and len(report.skipped) == 2
    assert termbase.get("三股勢力").target == "three evil forces"
    report = termbase.import_entries(read_table(path, "csv"), on_conflict="replace")
    assert report.updated == 2 and termbase.get("三股勢力").target == "three forces of evil"


@pytest.mark.parametrize(
    "text, message",
    [
        ("source,target,colour\n甲,a,red\n", "line 1: unknown columns: colour"),
        ("source\n甲\n", "missing columns: target"),
        ("source,target\n甲,a\n乙,\n", "line 3: empty source term"),
        ("source,target\n甲,a\n乙,b\n甲,c\n", r"line 4: duplicate term '甲' \(first on line 2\)"),
        ("source,target\n甲,a,x\n", "line 2: 3 columns"),
        ("source,target,case_sensitive\n甲,a,maybe\n", "line 2: case_sensitive must be yes or no"),
    ],
)
def test_bad_glossary_files_name_the_line(termbase, tmp_path, text, message):
    _assert_refused(termbase, tmp_path / "bad.csv", text, lambda p: read_table(p, "csv"), message)


def _assert_refused(termbase, path, text, reader, message):
    """Importing the file fails with the message, and the term base is as it was."""
    path.write_text(text, encoding="utf-8")
    before = termbase.count()
    with pytest.raises(UserError, match=message):
        termbase.import_entries(reader(path))
    assert termbase.count() == before


@pytest.mark.parametrize(
    "target, rendering, found",
    [
        ("the SCO's member states", "SCO", ["SCO's"]),
        ("the three evil\n forces", "three evil forces", ["three evil\n forces"]),
        ("Three Evil Forces", "three evil forces", ["Three Evil Forces"]),
        ("the SCOPE of work", "SCO", []),
        ("multilateralisms", "multilateralism", ["multilateralisms"]),
    ],
)
def test_english_renderings(target, rendering, found):
    assert [target[a:b] for a, b in find_rendering(target, rendering)] == found


def test_case_sensitive_entries():
    assert find_rendering("the sco met", "SCO", case_sensitive=True) == []
    assert find_rendering("the SCO met", "SCO", case_sensitive=True) == [(4, 7)]


def test_qa_finds_missing_forbidden_and_numbers(termbase):
    recognizer = Recognizer(termbase.effective())
    issues = check_pair(
        Pair(
            "s1", "上合組織8個成員國合力打擊“三股勢力”。", "The SCO's seven members fight the three forces."
        ),
        recognizer,
    )
    kinds = sorted((i.kind, i.source_text) for i in issues)
    assert kinds == [("forbidden-term", "三股勢力"), ("missing-term", "三股勢力"), ("number", "8")]
    assert (
        check_pair(
            Pair(
                "s2",
                "上合組織8個成員國合力打擊“三股勢力”。",
                "The eight SCO members fight the three evil forces.",
            ),
            recognizer,
        )
        == []
    )


def test_inconsistent_renderings_across_a_document(termbase):
    pairs = [
        Pair("1", "新華社報道。", "Xinhua News Agency reported."),
        Pair("2", "新華社記者。", "a Xinhua reporter."),
        Pair("3", "新華社電。", "Xinhua News Agency"),
    ]
    issues = check_document(pairs, Recognizer(termbase.effective()))
    (issue,) = [i for i in issues if i.kind == "inconsistent-term"]
    assert "“Xinhua” in 1" in issue.message and "“Xinhua News Agency” in 2" in issue.message


@pytest.mark.parametrize(
    "source, target, missing",
    [
        ("新華社北京9月16日電", "Beijing, September 16 (Xinhua)", []),
        ("新華社北京9月16日電", "Beijing, October 16 (Xinhua)", ["9月"]),
        ("批準20多項文件草案", "approved more than 20 draft documents", []),
        ("勝利75周年", "the 75th anniversary of the victory", []),
        ("8個成員國", "eight member states", []),
        ("8個成員國", "nine member states", ["8"]),
        ("一是確定", "First, it was decided", []),
        ("增長7.5%", "grew 7.5 percent", []),
        ("投資1.5億元", "an investment of 150 million yuan", []),
        ("一帶一路和百年變局", "the Belt and Road and changes unseen in a century", []),
    ],
)
def test_number_check(source, target, missing):
    assert [n.text for n in missing_numbers(source, target)] == missing


def test_source_numbers_of_the_seed_sentence():
    found = [
        (n.text, n.value) for n in source_numbers("上海合作組織8個成員國外長和2個常設機構負責人齊聚一堂")
    ]
    assert found == [("8", 8.0), ("2", 2.0)]


def test_lookup_answers_with_entry_and_memory_evidence(memory, termbase):
    memory.import_units(
        [
            Unit("合力打擊“三股勢力”。", 'Jointly combat the "three evil forces".'),
            Unit("打擊三股勢力的合作。", "Cooperation against the three forces."),
        ]
    )
    answer = lookup_term(termbase, memory, "三股势力")
    assert answer.matches[0][0] == "exact" and answer.matches[0][1].target == "three evil forces"
    verdicts = sorted((ev.verdict, ev.rendering) for ev in answer.evidence)
    assert verdicts == [("approved", "three evil forces"), ("forbidden", "three forces")]
    assert [kind for kind, _ in lookup_term(termbase, memory, "三股").matches] == ["contains"]
    assert lookup_term(termbase, memory, "Shanghai Spirit").matches[0][1].source == "上海精神"
    fuzzy = lookup_term(termbase, memory, "上海合作组").matches
    assert fuzzy and fuzzy[0][1].source == "上海合作組織"


ENTRIES = [
    Entry(
        "三股勢力",
        "three evil forces",
        ["三股势力"],
        ["three forces of evil"],
        ["three forces"],
        "Terrorism, separatism & extremism",
        "security",
        "MFA glossary 2020",
        "approved",
        False,
    ),
    Entry("上合組織", "SCO", [], [], [], None, None, None, "proposed", True),
    Entry(
        "一帶一路",
        "Belt and Road",
        [],
        ["Belt and Road Initiative"],
        ["One Belt, One Road", "OBOR"],
        "=not a formula",
        None,
        None,
        "approved",
        True,
    ),
]


def _comparable(e: Entry) -> tuple:
    return tuple(getattr(e, f) for f in CONTENT_FIELDS)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "tbx"])
def test_round_trips_are_lossless(tmp_path, fmt):
    path = tmp_path / f"g.{fmt}"
    if fmt == "tbx":
        write_tbx(ENTRIES, path)
        back = [e for _, e in read_tbx(path)]
    elif fmt == "xlsx":
        write_xlsx(ENTRIES, path)
        back = [e for _, e in read_xlsx(path)]
    else:
        write_table(ENTRIES, path, fmt)
        back = [e for _, e in read_table(path, fmt)]
    assert [_comparable(e) for e in back] == [_comparable(e) for e in ENTRIES]


def test_xlsx_cells_starting_with_equals_are_text(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "g.xlsx"
    write_xlsx(ENTRIES, path)
    sheet = load_workbook(path).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=not a formula")
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    "dialect, root_tag, concept", [("basic", "martif", "termEntry"), ("v3", "tbx", "conceptEntry")]
)
def test_tbx_export_parses_with_entities_off(tmp_path, dialect, root_tag, concept):
    from defusedxml.ElementTree import parse

    path = tmp_path / "g.tbx"
    write_tbx(ENTRIES, path, dialect)
    root = parse(str(path), forbid_dtd=True)
    ns = "{urn:iso:std:iso:30042:ed-2}" if dialect == "v3" else ""
    assert root.getroot().tag == ns + root_tag
    assert len(root.findall(f".//{ns}{concept}")) == 3
    statuses = [t.text for t in root.iter(f"{ns}termNote")]
    assert statuses.count("deprecatedTerm-admn-sts") == 3


HAND_WRITTEN_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>written by hand</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="e1">
      <descrip type="subjectField">diplomacy</descrip>
      <langSet xml:lang="zh-Hant">
        <tig><term>人類命運共同體</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="en">
        <tig><term>community with a shared future for mankind</term>
             <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <tig><term>community of common destiny</term>
             <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
      </langSet>
    </termEntry>
    <termEntry id="e2">
      <langSet xml:lang="zh"><ntig><termGrp><term>健康絲路</term></termGrp></ntig></langSet>
      <langSet xml:lang="en"><ntig><termGrp><term>Health Silk Road</term>
        <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig></langSet>
    </termEntry>
  </body></text>
</martif>
"""


def test_hand_written_tbx_in_tig_and_ntig_form(tmp_path):
    path = tmp_path / "hand.tbx"
    path.write_text(HAND_WRITTEN_TBX, encoding="utf-8")
    entries = [e for _, e in read_tbx(path)]
    assert [(e.source, e.target, e.forbidden, e.domain) for e in entries] == [
        (
            "人類命運共同體",
            "community with a shared future for mankind",
            ["community of common destiny"],
            "diplomacy",
        ),
        ("健康絲路", "Health Silk Road", [], None),
    ]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '<!DOCTYPE martif [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n<martif><text><body/></text></martif>',
            "entity declaration",
        ),
        (
            "<martif><text><body><termEntry><langSet xml:lang='zh'><tig><term>甲</term></tig></langSet>\n"
            "</termEntry></body></text></martif>",
            "no entry holds both Chinese and English",
        ),
        ("<martif><text><body>\n<termEntry></langSet></body></text></martif>", "line 2: bad XML"),
    ],
)
def test_bad_tbx(tmp_path, termbase, body, message):
    _assert_refused(termbase, tmp_path / "bad.tbx", body, read_tbx, message)


def test_version_1_memory_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in schema._statements(schema.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with open_memory(path) as memory:
        memory.import_units([Unit("四是拓展全方位合作。", "Fourth.")])
    with open_memory(path) as memory:
        assert memory.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        Termbase.of(memory).add(Entry("上合組織", "SCO"))
        assert memory.count() == 1


def test_glossary_tsv_keeps_quotes(tmp_path):
    """TSV has no quoting: a note that opens with a quotation mark stays whole, and the row after
    it stays a row of its own, through import and export."""
    from glossary.formats.tabular import read_table, write_table

    path = tmp_path / "g.tsv"
    path.write_text(
        'source\ttarget\tnote\n新華社\tXinhua News Agency\t"Dateline form: (Xinhua)", always\n'
        "上海精神\tShanghai Spirit\t\n",
        encoding="utf-8",
    )
    entries = [e for _, e in read_table(path, "tsv")]
    assert [(e.source, e.note) for e in entries] == [
        ("新華社", '"Dateline form: (Xinhua)", always'),
        ("上海精神", None),
    ]
    out = tmp_path / "out.tsv"
    write_table(entries, out, "tsv")
    assert [(e.source, e.note) for _, e in read_table(out, "tsv")] == [(e.source, e.note) for e in entries]


def test_forbidden_renderings_match_whatever_the_punctuation_between_words():
    """Issue 22: "One Belt One Road" slipped past the forbidden "One Belt, One Road"."""
    from glossary.match import find_forbidden

    entry = Entry("一帶一路", "Belt and Road", forbidden=["One Belt, One Road"])
    for text in ("the One Belt One Road plan", "One-Belt-One-Road", "one belt, one road"):
        assert [r for r, _ in find_forbidden(text, entry)] == ["One Belt, One Road"], text
    assert find_forbidden("the Belt and Road", entry) == []
    assert find_forbidden("One Belt alone, One Roadster", entry) == []
