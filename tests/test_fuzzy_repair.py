"""Fuzzy-match repair (`tm lookup --repair`, `tm translate`) and the Repetitions band, through the
real command line on the seed memory and glossary."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tm.memory import open_memory
from tm.workflow.repair import repair

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

BOTH_BACKENDS = True
GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    open_memory(db_path).close()
    invoke = cli_invoker(db_path, user="tester")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    assert invoke("glossary", "import", GLOSSARY).exit_code == 0
    for zh, en in (("北京", "Beijing"), ("莫斯科", "Moscow")):
        assert invoke("glossary", "add", zh, en, "--case-sensitive").exit_code == 0
    return invoke


def _add(run, tmp_path, rows):
    tsv = tmp_path / "extra.tsv"
    tsv.write_text("source\ttarget\n" + "".join(f"{zh}\t{en}\n" for zh, en in rows), encoding="utf-8")
    assert run("import", tsv).exit_code == 0


def lookup(run, text):
    result = run("lookup", text, "--repair", "--json", "--min", "60")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]


def test_numbers_dates_terms_are_substituted_in_the_form_the_target_used(run, tmp_path):
    _add(
        run,
        tmp_path,
        [
            ("新華社北京9月16日電", "BEIJING, September 16 (Xinhua)"),
            ("會議批準20多項文件草案。", "The meeting approved more than 20 draft documents."),
            (
                "發表世界反法西斯戰爭勝利75周年聲明。",
                "issue a statement on the 75th anniversary of the World Anti-Fascist War.",
            ),
        ],
    )
    dateline = lookup(run, "新華社莫斯科9月10日電")
    assert dateline["repaired"]["target"] == "MOSCOW, September 10 (Xinhua)"
    assert [(f["target_memory"], f["target_query"]) for f in dateline["repaired"]["fixes"]] == [
        ("BEIJING", "MOSCOW"),
        ("September 16", "September 10"),
    ]
    assert dateline["score"] < 100  # the match percent stays the memory's
    more = lookup(run, "會議批準30多項文件草案。")
    assert more["repaired"]["target"] == "The meeting approved more than 30 draft documents."
    anniversary = lookup(run, "發表世界反法西斯戰爭勝利80周年聲明。")
    assert "the 80th anniversary" in anniversary["repaired"]["target"]
    ordinal = lookup(run, "六是拓展全方位合作。")  # the sample memory: 四是… → Fourth, …
    assert ordinal["repaired"]["target"] == "Sixth, expanding all-round cooperation."
    words = lookup(run, "中國同五國相互提供抗疫援助。")
    assert words["repaired"]["target"].startswith("China and the five countries")


def test_no_repair_when_more_than_placeables_differ_or_the_counterpart_is_ambiguous(run, tmp_path):
    _add(
        run,
        tmp_path,
        [
            (
                "兩國在4個領域合作,簽署4份協議。",
                "The two countries cooperate in 4 areas and signed 4 agreements.",
            )
        ],
    )
    assert lookup(run, "五是推動全方位合作。")["repaired"] is None  # 拓展 → 推動 is no placeable
    assert lookup(run, "兩國在5個領域合作,簽署4份協議。")["repaired"] is None  # which "4" is whose?
    plain = run("lookup", "五是推動全方位合作。", "--min", "60")
    assert "repaired" not in plain.output


def test_translate_labels_repaired_rows_lists_the_fixes_and_counts_repetitions(run, tmp_path):
    doc = tmp_path / "release.txt"
    doc.write_text("六是拓展全方位合作。\n謝謝。\n謝謝。\n六是拓展全方位合作。\n", encoding="utf-8")
    result = run("translate", doc, "--no-mt", "-o", tmp_path / "out.xlsx", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["repaired"] == {"segments": 2, "fixes": 2}
    total = data["total"]
    assert total["repetitions"]["segments"] == 2  # each sentence once as new work, then repeated
    assert total["85–94"]["segments"] == 1 and total["none"]["segments"] == 1
    assert data["documents"][0]["bands"]["repetitions"]["characters"] == 9 + 2
    sheet = load_workbook(tmp_path / "out.xlsx")["Segments"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("Target")] == "Sixth, expanding all-round cooperation."
    assert row[header.index("Origin")] == "fuzzy 90% + 1 fix" and row[header.index("Match %")] == 90
    assert "fixed 四 → 六: “Fourth” → “Sixth”" in row[header.index("TM source")]
    text = run("translate", doc, "--no-mt", "-o", tmp_path / "again.xlsx").output
    assert "repetitions" in text and "fuzzy matches repaired: 2" in text


@pytest.mark.parametrize(
    "query, memory_source, memory_target, repaired",
    [
        (
            "我们将采取十二项举措。",
            "我们将采取四项举措。",
            "We will take four measures.",
            "We will take 12 measures.",
        ),
        (
            "我们将采取四项举措。",
            "我们将采取十二项举措。",
            "We will take 12 measures.",
            "We will take four measures.",
        ),
        ("第十二届会议", "第四届会议", "the fourth session", "the 12th session"),
        ("第四届会议", "第十二届会议", "the 12th session", "the fourth session"),
        (
            "我们将采取五项举措。",
            "我们将采取四项举措。",
            "We will take four measures.",
            "We will take five measures.",
        ),
    ],
)
def test_numbers_follow_news_style_words_to_nine_digits_from_ten(
    query, memory_source, memory_target, repaired
):
    """Issue 22: a repair wrote "twelve" where the memory's style (Xinhua's) writes 12."""
    assert repair(query, memory_source, memory_target).target == repaired
