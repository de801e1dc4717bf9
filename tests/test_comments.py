"""Issue 22, point 3: a reviewer's comment stays with the decision in the unit's history, wherever
it was written (an alignment review sheet, an XLIFF batch in a CAT tool), travels as TMX notes
(read back without doubling), and shows in `tm history` and the unit page of `tm serve`."""

from __future__ import annotations

import urllib.request

import pytest
from lxml import etree

from tm.formats.xliff_review import NS12, NS20, TM
from tm.memory import open_memory

from .conftest import SAMPLE_TMX, cli_invoker
from .serving import Server
from .sheet_cells import set_cells

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

ZH = ["今天天氣很好。", "我們去湖邊散步。", "孩子們在岸上餵鴨子。", "傍晚下起了小雨。", "我們一起回家。"]
EN = [
    "The weather is fine today.",
    "We go for a walk by the lake.",
    "The children feed the ducks on the shore.",
    "In the evening a light rain begins to fall.",
    "We go home together.",
]


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    return cli_invoker(db_path, user="ann")


def _units(db) -> dict:
    with open_memory(db) as memory:
        return {u.source: u for u in memory.iter_units()}


def _history(db, unit_id: int) -> list[dict]:
    with open_memory(db) as memory:
        return memory.history(unit_id)


@pytest.fixture
def reviewed(run, tmp_path, db_path):
    """A memory whose units hold a reviewer's comments: a confirmation, a correction, a rejection,
    and a unit a row created (its note)."""
    doc = tmp_path / "two.txt"
    doc.write_text(
        "四是拓展全方位合作。\n中方愿意提供帮助。\n三是推動國際抗疫合作。\n謝謝大家。\n", encoding="utf-8"
    )
    help_tsv = tmp_path / "help.tsv"
    help_tsv.write_text("source\ttarget\n中方愿意提供帮助。\tChina is willing to help.\n", encoding="utf-8")
    assert run("import", SAMPLE_TMX).exit_code == 0 and run("import", help_tsv).exit_code == 0
    path = tmp_path / "two.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    set_cells(
        path,
        {
            "two:1:1": {"Status": "approved", "Comment": "house style checked"},
            "two:2:1": {
                "Target": "China stands ready to help.",
                "Status": "approved",
                "Comment": "FM wording",
            },
            "two:3:1": {"Status": "rejected", "Comment": "WRONG: <b>not</b> this one & never"},
            "two:4:1": {"Target": "Thank you, everyone.", "Status": "approved", "Comment": "speech"},
        },
    )
    assert run("review", path, user="anna").exit_code == 0
    return _units(db_path)


def test_history_and_the_unit_page_show_who_when_and_where(run, reviewed, db_path):
    corrected = reviewed["中方愿意提供帮助。"]
    shown = run("history", corrected.id)
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  review "))
    assert "by anna" in lines[at] and "(tm review two.xlsx two:2:1)" in lines[at]
    assert lines[at + 1] == "    comment: FM wording"
    created = run("history", reviewed["謝謝大家。"].id).output
    assert "    note: speech" in created and "by anna" in created

    server = Server(db_path)
    try:
        with urllib.request.urlopen(f"{server.url}/unit/{corrected.id}", timeout=30) as response:
            page = response.read().decode()
        rejected = reviewed["三是推動國際抗疫合作。"].id
        with urllib.request.urlopen(f"{server.url}/unit/{rejected}", timeout=30) as response:
            rejected_page = response.read().decode()
    finally:
        server.stop()
    assert '<p class="comment">FM wording</p>' in page and "by anna (tm review two.xlsx two:2:1)" in page
    assert '<p class="comment">WRONG: &lt;b&gt;not&lt;/b&gt; this one &amp; never</p>' in rejected_page


def _cat_tool_note(unit, version: str, text: str, author: str) -> None:
    """A note added to a unit as a CAT tool does (1.2 names its author; 2.0 has none)."""
    if version == "1.2":
        etree.SubElement(unit, f"{{{NS12}}}note", {"from": author}).text = text
        return
    notes = unit.find(f"{{{NS20}}}notes")
    if notes is None:
        notes = etree.Element(f"{{{NS20}}}notes")
        unit.find(f"{{{NS20}}}segment").addprevious(notes)
    etree.SubElement(notes, f"{{{NS20}}}note").text = text


def _finish(unit, version: str, target: str | None = None) -> None:
    """The translator's 'done' on a unit, the target typed over first if given."""
    ns = NS20 if version == "2.0" else NS12
    holder = unit.find(f"{{{ns}}}segment") if version == "2.0" else unit
    element = holder.find(f"{{{ns}}}target")
    if target is not None:
        element.text = target
    (holder if version == "2.0" else element).set("state", "final")


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_notes_added_in_a_cat_tool_stay_with_the_decision(run, tmp_path, db_path, version):
    doc = tmp_path / "two.txt"
    doc.write_text("四是拓展全方位合作。\n中方愿意提供帮助。\n", encoding="utf-8")
    help_tsv = tmp_path / "help.tsv"
    help_tsv.write_text("source\ttarget\n中方愿意提供帮助。\tChina is willing to help.\n", encoding="utf-8")
    for args in (("import", SAMPLE_TMX), ("import", help_tsv), ("glossary", "add", "中方", "China")):
        assert run(*args).exit_code == 0
    batch = tmp_path / "two.xlf"
    assert run("translate", doc, "--no-mt", "-o", batch, "--xliff-version", version).exit_code == 0
    tree = etree.parse(str(batch))
    name = "unit" if version == "2.0" else "trans-unit"
    units = {u.get(f"{{{TM}}}id"): u for u in tree.iter(f"{{{NS20 if version == '2.0' else NS12}}}{name}")}
    assert "中方 → China" in [n.text for n in units["two:2:1"].iter("{*}note")]  # tm's own note
    _cat_tool_note(units["two:1:1"], version, "house style checked", "maria")
    _finish(units["two:1:1"], version)
    _cat_tool_note(units["two:2:1"], version, "FM wording", "maria")
    _finish(units["two:2:1"], version, "China stands ready to help.")
    tree.write(str(batch), xml_declaration=True, encoding="UTF-8")

    result = run("review", batch, "--json", user="anna")
    assert result.exit_code == 0, result.output
    stored = _units(db_path)
    (confirmed,) = _history(db_path, stored["四是拓展全方位合作。"].id)
    (corrected,) = _history(db_path, stored["中方愿意提供帮助。"].id)
    by = "maria: " if version == "1.2" else ""
    assert confirmed["action"] == "confirm" and confirmed["comment"] == f"{by}house style checked"
    assert corrected["action"] == "review" and corrected["comment"] == f"{by}FM wording"  # not tm's note
    assert corrected["old_target"] == "China is willing to help." and corrected["changed_by"] == "anna"
    assert corrected["reason"] == "tm review two.xlf two:2:1"


def test_alignment_review_comments_stay_with_the_units_they_decide(run, tmp_path, db_path):
    zh, en = tmp_path / "walk.zh.txt", tmp_path / "walk.en.txt"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    assert run("align", zh, en, "--presplit", "--import").exit_code == 0  # stored before the review
    stored = _units(db_path)
    sheet = tmp_path / "walk.xlsx"
    assert run("align", zh, en, "--presplit", "-o", sheet).exit_code == 0
    set_cells(sheet, {1: {"Decision": "accept", "Comment": "checked against the PDF"}}, "Links")
    set_cells(
        sheet, {2: {"Decision": "reject", "Comment": "the lake is in the next sentence"}}, "By confidence"
    )
    fixed = "The children are feeding the ducks on the shore."
    set_cells(sheet, {3: {"English": fixed, "Decision": "fix", "Comment": "tense"}}, "Links")
    result = run("align", "--review", sheet, "--import", user="anna")
    assert result.exit_code == 0, result.output
    assert "memory: 1 added, " in result.output and "2 comments kept in the units' history" in result.output

    (accepted,) = [e for e in _history(db_path, stored[ZH[0]].id) if e["action"] == "comment"]
    assert accepted["comment"] == "checked against the PDF" and accepted["changed_by"] == "anna"
    assert accepted["reason"] == "tm align --review walk.xlsx link 1, accept"
    (rejected,) = _history(db_path, stored[ZH[1]].id)
    assert rejected["action"] == "reject" and rejected["comment"] == "the lake is in the next sentence"
    new = _units(db_path)[ZH[2]]
    assert new.target == fixed and new.note == "tense"  # a unit the link creates carries it
    again = run("align", "--review", sheet, "--import", user="anna")
    assert again.exit_code == 0 and "comments kept" not in again.output
    assert len(_history(db_path, stored[ZH[0]].id)) == 1 and len(_history(db_path, stored[ZH[1]].id)) == 1
    shown = run("history", stored[ZH[0]].id).output
    assert "commented " in shown and "by anna (tm align --review walk.xlsx link 1" in shown
    assert "comment: checked against the PDF" in shown


def _notes(tmx) -> dict[str, list[str]]:
    """Each unit's notes in a TMX file, by source."""
    out = {}
    for tu in etree.parse(str(tmx)).iter("tu"):
        source = tu.find("tuv/seg").text
        out[source] = [n.text for n in tu.findall("note")]
    return out


def test_tmx_carries_the_comments_and_reads_them_back_once(
    run, reviewed, tmp_path, db_path, backend, request
):
    first = tmp_path / "first.tmx"
    assert run("export", first).exit_code == 0
    notes = _notes(first)
    (confirmed,) = notes["四是拓展全方位合作。"]
    assert confirmed.startswith("Comment by anna on 20") and confirmed.endswith(
        " (confirmed, tm review two.xlsx two:1:1 (was imported)): house style checked"
    )
    (corrected,) = notes["中方愿意提供帮助。"]
    assert "(corrected, tm review two.xlsx two:2:1): FM wording" in corrected
    (rejected,) = notes["三是推動國際抗疫合作。"]
    assert rejected.endswith("(rejected, tm review two.xlsx two:3:1): WRONG: <b>not</b> this one & never")
    assert notes["謝謝大家。"] == ["speech"]  # the unit's own note

    again = run("import", first)  # into the memory it came from: nothing doubled
    assert again.exit_code == 0 and "comments kept" not in again.output
    assert _units(db_path)["謝謝大家。"].note == "speech"
    assert len(_history(db_path, reviewed["四是拓展全方位合作。"].id)) == 1

    elsewhere = (
        tmp_path / "other.db" if backend == "sqlite" else request.getfixturevalue("pg_server").new_database()
    )
    into = run("import", first, db=elsewhere, user="carl")
    assert into.exit_code == 0 and "3 comments kept in the units' history" in into.output
    moved = _units(elsewhere)
    assert moved["四是拓展全方位合作。"].note is None and moved["謝謝大家。"].note == "speech"
    (event,) = _history(elsewhere, moved["中方愿意提供帮助。"].id)
    assert (event["action"], event["changed_by"], event["comment"]) == ("comment", "anna", "FM wording")
    assert run("import", first, db=elsewhere).output.count("comments kept") == 0
    second = tmp_path / "second.tmx"
    assert run("export", second, db=elsewhere).exit_code == 0
    assert _notes(second) == notes  # the round trip writes the same notes
