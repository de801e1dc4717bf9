"""What a new user's end-to-end try of every command found: each case failed before its fix."""

import json
import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tm.cli import cli
from tm.memory import open_memory
from tm.memory.units import Unit
from tm.text.segment import paragraphs, segment_text

from .conftest import ROOT, SAMPLE_TMX, cli_invoker
from .sheet_cells import set_cells

GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    return invoke


def test_no_output_ever_replaces_a_memory_database(run, db_path, tmp_path):
    doc = tmp_path / "rel.txt"
    doc.write_text("謝謝大家。\n", encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Target": "Thank you all.", "Status": "approved"}})
    before = db_path.read_bytes()
    result = run("export-doc", sheet, "-o", db_path, "--force")  # export-doc has no --db to compare with
    assert result.exit_code == 4 and "is a memory database" in result.output
    disguised = tmp_path / "mem.xlsx"
    disguised.write_bytes(before)
    result = run("translate", doc, "--no-mt", "-o", disguised, "--force", db=disguised)
    assert result.exit_code == 4 and "is a memory database" in result.output
    assert db_path.read_bytes() == before and disguised.read_bytes() == before


def test_align_force_replaces_the_output_but_never_imports_a_wrong_pair(run, db_path, tmp_path):
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("今天天氣很好。\n我們去湖邊散步。\n孩子們在岸上餵鴨子。\n", encoding="utf-8")
    en.write_text("Prices rose sharply.\nThe bank cut rates.\nMarkets fell in Asia.\n", encoding="utf-8")
    out = tmp_path / "links.tsv"
    out.write_text("old", encoding="utf-8")
    units = json.loads(run("stats", "--json").output)["units"]
    result = run("align", zh, en, "--presplit", "-o", out, "--force", "--import")
    assert result.exit_code == 4 and "--force-import" in result.output
    assert json.loads(run("stats", "--json").output)["units"] == units


def test_a_row_rejected_in_a_later_round_takes_back_what_the_first_stored(run, db_path, tmp_path):
    doc = tmp_path / "rel.txt"
    doc.write_text("我們去湖邊散步。\n", encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Target": "We walk by the lake.", "Status": "approved"}})
    assert json.loads(run("review", sheet, "--json").stdout)["added"] == 1
    set_cells(sheet, {"rel:1:1": {"Status": "rejected"}})
    report = json.loads(run("review", sheet, "--json").stdout)
    assert report["withdrawn"] == ["rel:1:1"]
    assert json.loads(run("lookup", "我們去湖邊散步。", "--json").output) == []


@pytest.mark.parametrize(
    ("query", "only_query", "only_memory"),
    [("中國同4國外長會談。", [], []), ("中國同五國外長會談。", ["五"], ["四"])],
)
def test_lookup_compares_numbers_by_value(memory, query, only_query, only_memory):
    memory.import_units([Unit("中國同四國外長會談。", "China held talks with four foreign ministers.")])
    (match,) = memory.lookup(query, min_score=50)
    assert (match.numbers_only_in_query, match.numbers_only_in_memory) == (only_query, only_memory)


def test_commands_that_change_what_is_stored_never_create_a_memory(tmp_path):
    typo = tmp_path / "typo.db"
    for args in (
        ["delete", "1", "--dry-run"],
        ["edit", "1", "--target", "x"],
        ["glossary", "remove", "上海精神"],
    ):
        result = CliRunner().invoke(cli, [*args, "--db", str(typo)])
        assert result.exit_code == 4 and "no memory there" in result.output
        assert not typo.exists()


def test_another_applications_database_and_a_missing_directory_are_refused(tmp_path):
    other = tmp_path / "photos.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE albums (id INTEGER)")
    result = CliRunner().invoke(cli, ["import", str(SAMPLE_TMX), "--db", str(other)])
    assert result.exit_code == 4 and "another application's SQLite database" in result.output
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["albums"]
    missing = tmp_path / "no" / "such" / "dir" / "m.db"
    result = CliRunner().invoke(cli, ["import", str(SAMPLE_TMX), "--db", str(missing)])
    assert result.exit_code == 4 and "does not exist" in result.output and not (tmp_path / "no").exists()


def test_a_new_memory_takes_the_umask(tmp_path):
    old = os.umask(0o002)
    try:
        with open_memory(tmp_path / "team.db"):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "team.db").stat().st_mode) == 0o664


def test_history_shows_a_confirmation_by_review(run, tmp_path):
    doc = tmp_path / "rel.txt"
    doc.write_text("四是拓展全方位合作。\n", encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Status": "approved"}})
    assert json.loads(run("review", sheet, "--json").stdout)["confirmed"] == 1
    (match,) = json.loads(run("lookup", "四是拓展全方位合作。", "--json").output)
    events = json.loads(run("history", match["unit"]["id"], "--json").output)["history"]
    assert [e["action"] for e in events] == ["confirm"] and "was imported" in events[0]["reason"]


def test_glossary_lookup_puts_the_winning_glossary_first(run, tmp_path):
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    project = tmp_path / "project.csv"
    project.write_text("source,target\n上合組織,Shanghai Cooperation Organization\n", encoding="utf-8")
    assert run("glossary", "import", project, "--glossary", "project", "--priority", "10").exit_code == 0
    entries = json.loads(run("glossary", "lookup", "上合組織", "--json").output)["entries"]
    assert entries[0]["glossary"] == "project"


def test_queries_are_folded_and_an_empty_one_is_an_error(run):
    assert "Third" in run("concordance", "Ｔｈｉｒｄ", "--side", "target").output
    for command in ("lookup", "concordance"):
        result = run(command, "  ")
        assert result.exit_code == 4 and "empty query" in result.output
    hits = json.loads(
        run(
            "lookup",
            "外长们强调,要继续加强安全合作,合力打击“三股势力”,共同营造良好安全环境。",
            "--json",
            "--min",
            "100",
        ).output
    )
    assert all(h["score"] >= 100 for h in hits)


def test_full_width_full_stop_ends_a_sentence_and_blank_paragraphs_join_chinese_without_spaces():
    texts = [s.text for s in segment_text("四是拓展合作．ＳＣＯ外長會議１．５億。", "d", "zh")]
    assert texts == ["四是拓展合作．", "ＳＣＯ外長會議１．５億。"]
    assert paragraphs("內容如下:\n第一。\n\nEnglish line\nnext line", "blank") == [
        "內容如下:第一。",
        "English line next line",
    ]


def test_an_unchanged_second_import_still_lets_a_later_rejection_take_the_unit_back(run, tmp_path):
    doc = tmp_path / "rel.txt"
    doc.write_text("我們去湖邊散步。\n", encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Target": "We walk by the lake.", "Status": "approved"}})
    assert json.loads(run("review", sheet, "--json").stdout)["added"] == 1
    assert json.loads(run("review", sheet, "--json").stdout)["unchanged"] == 1
    set_cells(sheet, {"rel:1:1": {"Status": "rejected"}})
    assert json.loads(run("review", sheet, "--json").stdout)["withdrawn"] == ["rel:1:1"]


def test_a_nul_character_and_a_missing_output_folder_get_one_message(run, tmp_path):
    tsv = tmp_path / "nul.tsv"
    tsv.write_text("source\ttarget\n甲\x00乙。\tA.\n", encoding="utf-8")
    result = run("import", tsv)
    assert result.exit_code == 4 and "NUL" in result.output and "Traceback" not in result.output
    result = run("export", tmp_path / "no" / "such" / "x.tmx")
    assert result.exit_code == 4 and "does not exist" in result.output and "Traceback" not in result.output


def test_formatting_stays_in_the_document_and_out_of_the_memory(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>各方表示,將繼續弘揚<b>上海精神</b>。</p></body></html>", encoding="utf-8")
    sheet = tmp_path / "page.xlsx"
    assert run("translate", page, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"page:1:1": {"Target": "All sides will carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧.",
                                    "Status": "approved"}})  # fmt: skip
    assert json.loads(run("review", sheet, "--json").stdout)["added"] == 1
    (hit,) = json.loads(run("lookup", "各方表示,將繼續弘揚上海精神。", "--json").output)
    assert hit["score"] == 100 and "⟦1⟧" not in hit["unit"]["source"] + hit["unit"]["target"]
    again = tmp_path / "again.xlsx"
    result = run("translate", page, "--no-mt", "-o", again, "--json")
    assert (
        json.loads(result.stdout)["total"]["101"]["segments"] == 1
    )  # the same page matches again, in context
    # the memory's translation comes with the segment's placeholders, placed by the word links
    from tm.workflow.sheet_read import read_workbook

    (row,) = read_workbook(again).rows
    assert row.target == "All sides will carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧."
    # a target without the source's placeholders: the export says the formatting is left out
    set_cells(again, {"page:1:1": {"Target": "All sides will carry forward the Shanghai Spirit.",
                                   "Status": "approved"}})  # fmt: skip
    out = tmp_path / "page.en.html"
    exported = run("export-doc", again, "-o", out)
    assert (
        exported.exit_code == 0 and "formatting left out" in exported.output and "page:1:1" in exported.output
    )


def test_a_libpq_keyword_string_is_a_server_never_a_file_named_after_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    location = "host=127.0.0.1 port=9 user=tm password=s3cret-kw dbname=team"
    result = CliRunner().invoke(cli, ["import", str(SAMPLE_TMX), "--db", location])
    assert result.exit_code == 4 and "cannot connect" in result.output
    assert "s3cret-kw" not in result.output and list(tmp_path.iterdir()) == []


def test_an_archive_is_never_aligned_into_one_of_its_own_folders(run, tmp_path):
    zh, en = tmp_path / "zh", tmp_path / "en"
    zh.mkdir()
    en.mkdir()
    (zh / "a.txt").write_text("今天天氣很好。\n", encoding="utf-8")
    (en / "a.txt").write_text("The weather is fine today.\n", encoding="utf-8")
    result = run("align", zh, en, "-o", zh)
    assert result.exit_code == 4 and "is one of the folders being aligned" in result.output
    assert sorted(p.name for p in zh.iterdir()) == ["a.txt"]


def test_two_unrelated_releases_are_not_paired_by_content(run, tmp_path):
    zh, en, out = tmp_path / "zh", tmp_path / "en", tmp_path / "out"
    zh.mkdir()
    en.mkdir()
    (zh / "panda.txt").write_text(
        "大熊貓是中國的國寶。\n它們喜歡吃竹子。\n動物園裡有兩隻熊貓。\n", encoding="utf-8"
    )
    (en / "trade.txt").write_text(
        "Exports of steel rose by ten percent.\nThe central bank kept interest rates unchanged.\n"
        "Oil prices fell on Monday.\n",
        encoding="utf-8",
    )
    result = run("align", zh, en, "-o", out, "--json")
    assert (
        json.loads(result.stdout)["pairs"] == [] or "panda.txt" not in result.stdout.split('"pairs"')[1][:200]
    )


def test_merging_the_same_memory_twice_adds_no_history_twice(run, db_path, tmp_path):
    assert run("edit", "3", "--target", "Fourth, broadening all-round cooperation.").exit_code == 0
    laptop = tmp_path / "laptop.db"
    assert run("import", SAMPLE_TMX, db=laptop).exit_code == 0
    for _ in range(2):
        assert run("db", "copy", db_path, laptop, "--merge").exit_code == 0
    hits = json.loads(run("lookup", "四是拓展全方位合作。", "--json", db=laptop).output)
    (edited,) = [
        h["unit"]["id"] for h in hits if "broadening" in h["target"]
    ]  # merged in as a unit of its own
    history = json.loads(run("history", edited, "--json", db=laptop).output)["history"]
    assert [e["action"] for e in history] == ["edit"]


def _damaged(sheet, out):
    """The sheet with bytes in the middle of its first worksheet's compressed data flipped."""
    import zipfile

    data = bytearray(sheet.read_bytes())
    info = zipfile.ZipFile(sheet).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    out.write_bytes(bytes(data))
    return out


def test_wrong_or_damaged_workbooks_get_one_message(run, tmp_path):
    """Issue 22, point 13: each of these was a traceback."""
    tsv = tmp_path / "links.tsv"
    tsv.write_text("zh_ids\ten_ids\n1\t1\n", encoding="utf-8")
    csv_file = tmp_path / "g.csv"
    csv_file.write_text("source,target\n上海精神,Shanghai Spirit\n", encoding="utf-8")
    sheet = tmp_path / "release.xlsx"
    release = ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt"
    assert run("translate", release, "--no-mt", "-o", sheet).exit_code == 0
    bad = _damaged(sheet, tmp_path / "damaged.xlsx")
    for args, said in [
        (("align", "--review", tsv), "links.tsv: --review reads the .xlsx review sheet"),
        (("glossary", "import", csv_file, "--format", "xlsx"), "g.csv: not an .xlsx workbook"),
        (("review", bad), "damaged, it does not decompress"),
        (("export-doc", bad, "-o", tmp_path / "out.txt"), "damaged, it does not decompress"),
        (("qa", bad), "damaged, it does not decompress"),
    ]:
        result = run(*args)
        assert result.exit_code == 4 and said in result.output, (args, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out.txt").exists()


def test_an_empty_release_is_refused_and_nothing_written(run, tmp_path):
    """Issue 22: an empty release wrote an empty workbook and exited 0."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    release = ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt"
    result = run("translate", release, empty, "--no-mt", "--out-dir", tmp_path / "out")
    assert result.exit_code == 4 and "empty.txt: no text to translate" in result.output
    assert not (tmp_path / "out").exists()


def test_import_document_option_wins_over_the_files_own(db_path, tmp_path):
    """Issue 22: `tm import --document NAME` was ignored when the file named a document."""
    run = cli_invoker(db_path)
    tsv = tmp_path / "units.tsv"
    tsv.write_text("source\ttarget\tdocument\n謝謝。\tThank you.\told-name\n", encoding="utf-8")
    assert run("import", tsv, "--document", "release-2020").exit_code == 0
    assert run("import", SAMPLE_TMX, "--document", "sample-2020").exit_code == 0
    with open_memory(db_path) as memory:
        documents = {u.document for u in memory.iter_units()}
    assert documents == {"release-2020", "sample-2020"}


def test_export_doc_keeps_the_releases_crlf_line_endings(run, tmp_path):
    """Issue 22: a release saved on Windows (CRLF) came back with LF line endings."""
    from tm.workflow.sheet_read import read_workbook

    release = tmp_path / "release.txt"
    release.write_bytes("謝謝。\r\n\r\n你好。\r\n".encode())
    sheet = tmp_path / "release.xlsx"
    assert run("translate", release, "--no-mt", "-o", sheet).exit_code == 0
    rows = read_workbook(sheet).rows
    set_cells(sheet, {r.id: {"Target": f"EN {n}", "Status": "approved"} for n, r in enumerate(rows)})
    out = tmp_path / "release.en.txt"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    assert out.read_bytes() == b"EN 0\r\n\r\nEN 1\r\n"


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_standard_input_is_read_once(tmp_path, name):
    """Issue 22: `tm segment /dev/stdin` and `tm translate <(…)` read a pipe twice (to tell its
    format, then to read it) and saw nothing; `-` was not accepted."""
    import subprocess
    import sys

    env = {**os.environ, "TM_DB": str(tmp_path / "m.db"), "ARGOS_PACKAGES_DIR": str(tmp_path / "none")}
    tm = [sys.executable, "-m", "tm"]
    assert subprocess.run([*tm, "import", str(SAMPLE_TMX)], capture_output=True, env=env).returncode == 0
    done = subprocess.run(
        [*tm, "segment", name], input="謝謝。你好。\n".encode(), capture_output=True, env=env
    )
    assert done.returncode == 0 and done.stdout.decode().splitlines() == [
        "stdin:1:1\t謝謝。",
        "stdin:1:2\t你好。",
    ]
    sheet = tmp_path / "piped.xlsx"
    done = subprocess.run(
        [*tm, "translate", name, "--no-mt", "-o", str(sheet)],
        input="謝謝。\n".encode(),
        capture_output=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    from tm.workflow.sheet_read import read_workbook

    assert [r.source for r in read_workbook(sheet).rows] == ["謝謝。"]


def test_a_process_substitution_is_named_stdin_not_by_its_descriptor(tmp_path):
    """A new user's finding: `tm segment <(…)` named the document "63" (/dev/fd/63)."""
    import shlex
    import subprocess
    import sys

    command = f"{shlex.quote(sys.executable)} -m tm segment <(printf '謝謝。\\n')"
    done = subprocess.run(["bash", "-c", command], capture_output=True, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == ["stdin:1:1\t謝謝。"]


def test_messages_name_the_files_kind_and_what_failed(run, tmp_path):
    """Issue 22: `tm import` of a review workbook or a Word release said only "cannot tell the
    format"; a refused server lost the first half of libpq's message (what failed)."""
    sheet = tmp_path / "release.xlsx"
    release = ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt"
    assert run("translate", release, "--no-mt", "-o", sheet).exit_code == 0
    result = run("import", sheet)
    assert (
        result.exit_code == 4
        and "is an Excel workbook: a review sheet is stored with `tm review FILE`" in result.output
    )
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>謝謝。</p></body></html>", encoding="utf-8")
    assert "is a web page: `tm translate FILE` pre-translates it" in run("import", page).output
    refused = run("stats", db="postgresql://ann:s3cret@127.0.0.1:1/tm")
    assert (
        refused.exit_code == 4
        and "Connection refused" in refused.output
        and "Is the server running" in refused.output
    )
    assert "s3cret" not in refused.output


def test_proposed_entries_are_suggestions_not_rules(run, tmp_path):
    """Issue 22, point 5: mined candidates imported as `proposed` appeared as missing-term
    findings, in the sheet and in `tm qa`. Only approved entries are enforced."""
    glossary = tmp_path / "mined.csv"
    glossary.write_text("source,target,status\n合作,collaboration,proposed\n", encoding="utf-8")
    assert run("glossary", "import", glossary).exit_code == 0
    release = tmp_path / "release.txt"
    release.write_text("四是拓展全方位合作。\n", encoding="utf-8")
    sheet = tmp_path / "release.xlsx"
    assert run("translate", release, "--no-mt", "-o", sheet).exit_code == 0  # the memory holds it: TM 100
    from tm.workflow.sheet_read import read_workbook

    (row,) = read_workbook(sheet).rows
    assert row.target == "Fourth, expanding all-round cooperation."
    cells = next(r for r in load_workbook(sheet)["Segments"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in load_workbook(sheet)["Segments"][1]]
    assert cells[header.index("Terms")] == "合作 → collaboration (proposed, a suggestion)"
    assert "collaboration" not in (cells[header.index("QA issues")] or "")
    data = json.loads(run("qa", sheet, "--json").stdout)
    assert not [f for f in data["findings"] if "collaboration" in json.dumps(f, ensure_ascii=False)]


def test_align_tsv_output_goes_into_the_memory(db_path, tmp_path):
    """Issue 22: `tm align -o pairs.tsv` could be read neither by `tm import` nor by `tm align
    --review`: tm import takes it (a sentence left out makes no unit), --review says to."""
    run = cli_invoker(db_path)
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("外長們強調合作。\n謝謝。\n你好。\n", encoding="utf-8")
    en.write_text("The foreign ministers stressed cooperation.\nThank you.\n", encoding="utf-8")
    pairs = tmp_path / "pairs.tsv"
    assert run("align", zh, en, "--presplit", "-o", pairs).exit_code == 0
    result = run("import", pairs)  # the omission's merged link is held back, as align --import does
    assert result.exit_code == 1 and "held back 1 weak link(s)" in result.output, result.output
    with open_memory(db_path) as memory:
        units = {(u.source, u.target, u.origin) for u in memory.iter_units()}
    assert units == {("外長們強調合作。", "The foreign ministers stressed cooperation.", "aligned")}
    review = run("align", "--review", pairs)
    assert review.exit_code == 4 and f"tm import {pairs}" in review.output


def test_a_refused_import_leaves_no_new_memory_behind(tmp_path):
    """Issue 21/22: a refused `tm import` (or glossary import) still created an empty memory, and
    a mistyped --db then looked like a memory with nothing in it."""
    db = tmp_path / "fresh.db"
    run = cli_invoker(db)
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n1\t2\n", encoding="utf-8")
    assert run("import", bad).exit_code == 4 and not db.exists()
    bad_glossary = tmp_path / "bad.csv"
    bad_glossary.write_text("source,target\n上海精神,\n", encoding="utf-8")
    assert run("glossary", "import", bad_glossary).exit_code == 4 and not db.exists()
    assert run("translate", tmp_path / "missing.txt", "-o", tmp_path / "x.xlsx").exit_code == 4
    done = run("import", SAMPLE_TMX)
    assert done.exit_code == 0 and "created a new memory" in done.output and db.exists()


def test_a_csv_cell_opening_with_an_apostrophe_and_a_formula_sign_reads_back_as_it_was(tmp_path):
    """A second read: the export put an apostrophe before "-5" but not before "'-5'", whose own
    apostrophe the reader then took off."""
    from tm.formats.tabular import table_writer
    from tm.text.files import read_csv

    path = tmp_path / "cells.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = table_writer(out, "csv", ["source", "target"])
        writer.writerow(["=A1", "'-5'"])
        writer.writerow(["'@home", "plain"])
    _, *rows = list(read_csv(path, ","))
    assert [cells for _, cells in rows] == [["=A1", "'-5'"], ["'@home", "plain"]]


def test_a_mistyped_release_is_named_as_missing(tmp_path):
    """A second read: `tm translate missing.txt` (no -o) said a pipe has no folder."""
    result = cli_invoker(tmp_path / "m.db")("translate", tmp_path / "missing.txt")
    assert result.exit_code == 4 and "missing.txt: no such file" in result.output
