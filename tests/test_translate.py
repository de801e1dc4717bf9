"""`tm translate` → edit the sheet → `tm review` → `tm export-doc`, on real files and a real memory."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tm.formats.xlsxio import set_text
from tm.memory import open_memory
from tm.memory.units import Unit
from tm.text.segment import Segment, paragraph_gaps
from tm.workflow.analysis import band, source_units
from tm.workflow.pipeline import Row, unique_names
from tm.workflow.sheet import HEADER, HIDDEN
from tm.workflow.sheet_read import read_workbook

from .conftest import ROOT, SAMPLE_TMX, SEED, cli_invoker

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))  # memory + glossary only
    open_memory(db_path).close()  # an empty memory: translate only reads one, and refuses a missing one
    return cli_invoker(db_path, user="tester")


@pytest.fixture
def seeded(run, tmp_path):
    """The seed memory and glossary, and a copy of the seed document to translate."""
    assert run("import", SAMPLE_TMX).exit_code == 0
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    doc = tmp_path / "release.txt"
    shutil.copy(SEED, doc)
    return doc


def segments_sheet(path: Path):
    workbook = load_workbook(path)
    return workbook, workbook["Segments"]


def column(sheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def edit(path: Path, changes: dict[str, dict[str, str]], out: Path | None = None) -> Path:
    """What a translator does: set cells (by column name) of the rows with the given IDs."""
    workbook, sheet = segments_sheet(path)
    ids = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for segment_id, cells in changes.items():
        for name, value in cells.items():
            set_text(sheet.cell(ids[segment_id], column(sheet, name)), value)  # typed as text
    workbook.save(out or path)
    return out or path


def units(db_path) -> list[tuple]:
    with open_memory(db_path) as memory:
        return [(u.id, u.source, u.target, u.origin, u.changed_at) for u in memory.iter_units()]


def test_translate_without_a_model_fills_memory_matches_and_says_how_to_install(run, seeded, tmp_path):
    result = run("translate", seeded, "--out-dir", tmp_path / "review", "--json")
    assert result.exit_code == 0, result.output
    assert "tm models install" in result.stderr
    data = json.loads(result.stdout)
    sheet_path = tmp_path / "review" / "release.review.xlsx"
    assert data["outputs"] == [str(sheet_path)]
    total = data["total"]
    assert total["100"]["segments"] == 8 and total["none"]["segments"] == 60 and total["MT"]["segments"] == 0
    assert sum(b["segments"] for b in total.values()) == 68
    assert (
        sum(b["characters"] for b in total.values())
        == data["documents"][0]["bands"]["none"]["characters"] + (total["100"]["characters"])
    )

    workbook, sheet = segments_sheet(sheet_path)
    assert workbook.sheetnames == ["Segments", "Glossary", "Summary", "_tm", "_layout"]
    assert workbook["_tm"].sheet_state == "hidden" and workbook["_tm"].protection.sheet
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 69 and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    for name in HIDDEN:
        letter = sheet.cell(1, column(sheet, name)).column_letter
        assert sheet.column_dimensions[letter].hidden
    validation = sheet.data_validations.dataValidation[0]  # the second guards the other columns
    assert validation.formula1 == '"draft,approved,rejected"'
    rows = {sheet.cell(r, 1).value: [c.value for c in sheet[r]] for r in range(2, sheet.max_row + 1)}
    by_name = {name: i for i, name in enumerate(HEADER)}
    exact = [r for r in rows.values() if r[by_name["Origin"]] == "TM 100"]
    assert len(exact) == 8 and all(r[by_name["Target"]] for r in exact)
    assert all(r[by_name["Status"]] == "draft" for r in rows.values())
    shanghai = next(r for r in rows.values() if "上海精神" in r[by_name["Source"]])
    assert "上海精神 → Shanghai Spirit" in shanghai[by_name["Terms"]]
    empty = next(r for r in rows.values() if r[by_name["Origin"]] == "none")
    assert "untranslated" in empty[by_name["QA issues"]]
    glossary_rows = [[c.value for c in r] for r in workbook["Glossary"].iter_rows(min_row=2)]
    assert ["上海精神", "Shanghai Spirit"] in [r[:2] for r in glossary_rows]
    assert all(r[-1] >= 1 for r in glossary_rows)  # every entry listed occurs in the document
    assert "Total" in [r[0].value for r in workbook["Summary"].iter_rows()]


def test_fuzzy_matches_show_the_memory_source_with_differences(run, tmp_path):
    assert run("import", SAMPLE_TMX).exit_code == 0
    doc = tmp_path / "doc.txt"
    doc.write_text("二是推動國(guó)際抗疫合作。\n謝謝大家。\n", encoding="utf-8")
    assert run("translate", doc, "--no-mt", "-o", tmp_path / "out.xlsx").exit_code == 0
    sheet = read_workbook(tmp_path / "out.xlsx")
    _, sheet_ws = segments_sheet(tmp_path / "out.xlsx")
    fuzzy = [c.value for c in sheet_ws[2]]
    assert fuzzy[HEADER.index("Origin")].startswith("fuzzy ") and 75 <= fuzzy[HEADER.index("Match %")] < 99
    assert "[-二-]{+三+}" in fuzzy[HEADER.index("TM source")]
    # the match differs from the segment only in its number: repaired, the percent kept
    assert fuzzy[HEADER.index("Target")] == "Second, promoting international cooperation against COVID-19."
    assert fuzzy[HEADER.index("Origin")].endswith("% + 1 fix")
    assert sheet.rows[1].target == "" and not sheet.refused


def test_review_round_trip_is_one_transaction_and_idempotent(run, seeded, tmp_path, db_path):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    original = read_workbook(sheet_path)
    exact = [r for r in original.rows if r.unit_id is not None]
    empty = [r for r in original.rows if not r.target]
    corrected, confirmed, fresh, rejected = exact[0], exact[1], empty[0], empty[1]
    edit(
        sheet_path,
        {
            corrected.id: {"Target": corrected.target + " (revised)", "Status": "approved"},
            confirmed.id: {"Status": "approved"},
            fresh.id: {"Target": "A new translation.", "Status": "Approved ", "Comment": "checked"},
            rejected.id: {"Target": "Wrong.", "Status": "rejected"},
        },
    )
    before = units(db_path)
    dry = run("review", sheet_path, "--dry-run", "--json")
    assert dry.exit_code == 1 and json.loads(dry.stdout)["stored"] == 3  # stored, with QA findings:
    assert {f[1] for f in json.loads(dry.stdout)["findings"]} == {fresh.id}  # its terms are missing
    assert units(db_path) == before

    first = run("review", sheet_path, "--json", "--reviewer", "Ann")
    report = json.loads(first.stdout)
    assert (report["added"], report["corrected"], report["confirmed"], report["rejected"]) == (1, 1, 1, 1)
    assert len(report["drafts"]) == 64
    with open_memory(db_path) as memory:
        (match,) = memory.lookup(corrected.source, limit=1)
        assert match.unit.target.endswith("(revised)") and match.unit.origin == "reviewed"
        assert match.unit.changed_by == "Ann"
        (change,) = memory.history(match.unit.id)
        assert change["old_target"] == corrected.target and "r.xlsx" in change["reason"]
        (new,) = memory.lookup(fresh.source, limit=1)
        assert new.unit.target == "A new translation." and new.unit.note == "checked"
        assert memory.lookup(rejected.source, min_score=100) == []
        assert memory.count() == 10
    after_first = units(db_path)
    second = json.loads(run("review", sheet_path, "--json").stdout)
    assert second["stored"] == 0 and second["unchanged"] == 3
    assert units(db_path) == after_first

    # The next translation of the same release finds the reviewed sentences in their context.
    assert run("translate", seeded, "-o", sheet_path, "--force").exit_code == 0
    again = {r.id: r for r in read_workbook(sheet_path).rows}
    for row, target in ((corrected, corrected.target + " (revised)"), (confirmed, confirmed.target)):
        assert again[row.id].target == target
    assert again[fresh.id].target == "A new translation."
    _, ws = segments_sheet(sheet_path)
    origins = {ws.cell(r, 1).value: ws.cell(r, column(ws, "Origin")).value for r in range(2, ws.max_row + 1)}
    assert origins[corrected.id] == origins[confirmed.id] == origins[fresh.id] == "TM 101"


def test_rows_with_edited_sources_or_moved_ids_are_refused_and_the_rest_imports(
    run, seeded, tmp_path, db_path
):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    rows = read_workbook(sheet_path).rows
    a, b, c = rows[10], rows[11], rows[12]
    edit(
        sheet_path,
        {
            a.id: {"Source": a.source + "改", "Target": "Edited source.", "Status": "approved"},
            b.id: {"ID": c.id, "Target": "Moved.", "Status": "approved"},
            c.id: {"Target": "Kept.", "Status": "approved"},
        },
    )
    result = run("review", sheet_path)
    assert result.exit_code == 1
    assert f"refused row {a.number} ({a.id})" in result.stderr and f"({c.id})" in result.stderr
    assert "stored 1 (new 1" in result.stdout
    with open_memory(db_path) as memory:
        assert memory.lookup(c.source, min_score=100)[0].unit.target == "Kept."
        assert memory.lookup(a.source + "改", min_score=100) == []


@pytest.mark.parametrize(
    "damage, message",
    [
        ("not-xlsx", "not an .xlsx workbook"),
        ("foreign", "not a review sheet written by `tm translate`"),
        ("no-check-column", "lacks the column(s) Check"),
        ("missing", "no such file"),
    ],
)
def test_bad_workbooks_leave_the_memory_untouched(run, seeded, tmp_path, db_path, damage, message):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    if damage == "not-xlsx":
        sheet_path.write_text("ID,Source\n", encoding="utf-8")
    elif damage == "foreign":
        workbook = load_workbook(sheet_path)
        del workbook["_tm"]
        workbook.save(sheet_path)
    elif damage == "no-check-column":
        workbook, sheet = segments_sheet(sheet_path)
        sheet.delete_cols(column(sheet, "Check"))
        workbook.save(sheet_path)
    else:
        sheet_path.unlink()
    before = units(db_path)
    result = run("review", sheet_path)
    assert result.exit_code == 4 and message in result.output and "Traceback" not in result.output
    assert units(db_path) == before


def test_outputs_never_overwrite_inputs_or_earlier_sheets(run, seeded, tmp_path):
    odd = tmp_path / "odd.xlsx"  # a text file with an odd name
    shutil.copy(seeded, odd)
    same = run("translate", odd, "-o", odd)
    assert (
        same.exit_code != 0
        and "is one of the inputs" in same.output
        and odd.read_bytes() == seeded.read_bytes()
    )
    clash = run("translate", seeded, "-o", seeded)
    assert clash.exit_code != 0 and "must be an .xlsx" in clash.output
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    edit(sheet_path, {read_workbook(sheet_path).rows[0].id: {"Comment": "my work"}})
    data = sheet_path.read_bytes()
    again = run("translate", seeded, "-o", sheet_path)
    assert again.exit_code != 0 and "--force" in again.output and sheet_path.read_bytes() == data
    assert run("translate", seeded, "-o", sheet_path, "--force").exit_code == 0
    assert sheet_path.read_bytes() != data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_formula_like_cells_stay_text(run, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("=HYPERLINK(1)。\n+1 增長。\n", encoding="utf-8")
    assert run("translate", doc, "--no-mt", "-o", tmp_path / "out.xlsx").exit_code == 0
    _, sheet = segments_sheet(tmp_path / "out.xlsx")
    cell = sheet.cell(2, column(sheet, "Source"))
    assert cell.value == "=HYPERLINK(1)。" and cell.data_type == "s"
    assert read_workbook(tmp_path / "out.xlsx").rows[0].intact


def test_export_doc_reassembles_paragraphs(run, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("第一句。第二句。\n\n第三句。\n", encoding="utf-8")
    sheet_path = tmp_path / "doc.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet_path).exit_code == 0
    ids = [r.id for r in read_workbook(sheet_path).rows]
    assert ids == ["doc:1:1", "doc:1:2", "doc:2:1"]
    edit(
        sheet_path, {ids[0]: {"Target": " One,\nreally.\n", "Status": "approved"}, ids[1]: {"Target": "Two."}}
    )
    out = tmp_path / "doc.en.txt"
    missing = run("export-doc", sheet_path, "-o", out)
    assert (
        missing.exit_code == 4
        and "doc:1:2 (draft)" in missing.output
        and "doc:2:1 (no target)" in missing.output
    )
    assert not out.exists()
    assert run("export-doc", sheet_path, "-o", out, "--allow-draft", "--allow-missing").exit_code == 0
    assert out.read_text(encoding="utf-8") == "One, really. Two.\n\n第三句。\n"
    edit(sheet_path, {ids[1]: {"Status": "approved"}, ids[2]: {"Target": "Three.", "Status": "approved"}})
    assert "exists" in run("export-doc", sheet_path, "-o", out).output  # it may hold work
    assert run("export-doc", sheet_path, "-o", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8") == "One, really. Two.\n\nThree.\n"
    assert "is one of the inputs" in run("export-doc", sheet_path, "-o", sheet_path, "--force").output


def test_many_files_one_sheet_each_or_one_workbook(run, tmp_path):
    docs = []
    for name, text in (("a", "第一句。\n"), ("b", "第二句。\n第三句。\n")):
        docs.append(tmp_path / f"{name}.txt")
        docs[-1].write_text(text, encoding="utf-8")
    result = run("translate", *docs, "--no-mt", "--out-dir", tmp_path / "out", "--json")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.review.xlsx", "b.review.xlsx"]
    assert [d["bands"]["none"]["segments"] for d in json.loads(result.stdout)["documents"]] == [1, 2]
    assert run("translate", *docs, "--no-mt", "-o", tmp_path / "all.xlsx").exit_code == 0
    sheet = read_workbook(tmp_path / "all.xlsx")
    assert [d.name for d in sheet.documents] == ["a", "b"] and len(sheet.rows) == 3
    for row in sheet.rows:
        edit(tmp_path / "all.xlsx", {row.id: {"Target": f"T {row.id}.", "Status": "approved"}})
    assert "--out-dir" in run("export-doc", tmp_path / "all.xlsx", "-o", tmp_path / "x.txt").output
    assert run("export-doc", tmp_path / "all.xlsx", "--out-dir", tmp_path / "en").exit_code == 0
    assert (tmp_path / "en" / "b.en.txt").read_text(encoding="utf-8") == "T b:1:1.\nT b:2:1.\n"


def test_bad_inputs_get_one_message(run, tmp_path, seeded):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run("translate", binary, "--no-mt", "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 4 and "--encoding" in result.output and not (tmp_path / "o.xlsx").exists()
    assert (
        "no glossary named"
        in run("translate", seeded, "--glossary", "nope", "-o", tmp_path / "o.xlsx").output
    )
    english = tmp_path / "english.txt"
    english.write_text("This is the English version.\n", encoding="utf-8")
    warned = run("translate", english, "--no-mt", "-o", tmp_path / "e.xlsx")
    assert warned.exit_code == 0 and "no Chinese characters" in warned.stderr


def test_bands_and_counts():
    def row(origin, score=None):
        return Row(Segment("d", 1, 1, "x"), "x", origin=origin, score=score)

    assert [band(row("fuzzy", s)) for s in (98, 95, 94, 85, 84, 75, 74)] == [
        "95–98",
        "95–98",
        "85–94",
        "85–94",
        "75–84",
        "75–84",
        "<75",
    ]
    assert (
        band(row("context", 101)) == "101" and band(row("near-exact", 99)) == "99" and band(row("MT")) == "MT"
    )
    assert source_units("上合組織(SCO)成立20年。") == 4 + 1 + 2 + 1 + 1


def test_paragraph_layout_and_names():
    assert paragraph_gaps("一。\n二。\n三。\n", "line") == [0, 1, 1]
    assert paragraph_gaps("\n一。\n\n二。\n \n\n三。\n", "line") == [0, 2, 3]
    assert paragraph_gaps("一\n二。\n\n三", "blank") == [0, 2]
    assert unique_names([Path("a/x.txt"), Path("b/x.txt"), Path("y.txt")]) == ["x", "x-2", "y"]


def test_sorted_rows_still_import(run, seeded, tmp_path):
    """A reviewer may sort or filter: the hidden cells move with their rows."""
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    workbook, sheet = segments_sheet(sheet_path)
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    for r, row in enumerate(sorted(values, key=lambda v: v[HEADER.index("Source")]), start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c).value = value
    workbook.save(sheet_path)
    reread = read_workbook(sheet_path)
    assert not reread.refused and [r.number for r in reread.rows] == list(range(2, 70))


SOFFICE = shutil.which("soffice")
NEED_SOFFICE = bool(os.environ.get("TM_REQUIRE_LIBREOFFICE"))  # set by .ci/run


def soffice(tmp_path: Path, target: str, source: Path, out_dir: Path, infilter: str | None = None) -> Path:
    """LibreOffice converting a file, as `soffice --convert-to` (``infilter``: read it with this filter)."""
    import subprocess

    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no clash with a running office
    extra = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *extra, "--convert-to", target]
        + ["--outdir", str(out_dir), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (found,) = out_dir.glob(source.stem + ".*")
    return found


@pytest.mark.skipif(
    SOFFICE is None and not NEED_SOFFICE, reason="LibreOffice (libreoffice-calc-nogui) is not installed"
)
def test_sheets_saved_by_libreoffice_calc_import_and_export(run, seeded, tmp_path, db_path):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    rows = read_workbook(sheet_path).rows
    changes = {r.id: {"Target": r.target or f"Sentence {r.id}.", "Status": "approved"} for r in rows}
    changes[rows[0].id]["Comment"] = "=1+1 stays text"
    changes[rows[1].id]["Status"] = "rejected"
    edit(sheet_path, changes)
    resaved = soffice(tmp_path, "xlsx", sheet_path, tmp_path / "lo")
    assert load_workbook(resaved)["_tm"].sheet_state == "hidden"

    reread = read_workbook(resaved)
    assert not reread.refused and len(reread.rows) == 68
    result = run("review", resaved, "--json")
    report = json.loads(result.stdout)
    assert report["rejected"] == 1 and report["stored"] == 67 and not report["refused"]
    assert result.exit_code == 1 and report["findings"]  # placeholder targets miss terms and numbers
    assert json.loads(run("review", resaved, "--json").stdout)["stored"] == 0

    out = tmp_path / "release.en.txt"
    export = run("export-doc", resaved, "-o", out, "--allow-missing")
    assert export.exit_code == 0 and "left in Chinese (1): release:1:2" in export.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len([p for p in seeded.read_text(encoding="utf-8").splitlines() if p.strip()]) == 21
    assert lines[0].startswith("Sentence ") and rows[1].source in lines[0]

    csv_file = soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1", resaved, tmp_path / "csv")
    import csv

    cells = list(csv.reader(csv_file.read_text(encoding="utf-8").splitlines()))
    assert cells[0][: len(HEADER)] == HEADER
    first = dict(zip(HEADER, cells[1]))
    assert first["Source"] == rows[0].source and first["Comment"] == "=1+1 stays text"
    assert first["Status"] == "approved" and cells[2][HEADER.index("Status")] == "rejected"


def test_translate_with_the_tiny_model_end_to_end(tiny_model, db_path, tmp_path, monkeypatch):
    """Memory first, the real MT engine for the rest (one batch, repeats once), glossary enforced."""
    from tm.mt.engine import Engine

    calls: list[list[str]] = []
    real = Engine.translate

    def counting(self, segments, *args, **kwargs):
        calls.append(list(segments))
        return real(self, segments, *args, **kwargs)

    monkeypatch.setattr(Engine, "translate", counting)
    run = cli_invoker(db_path)
    assert run("import", SAMPLE_TMX).exit_code == 0
    assert (
        run("glossary", "add", "三股勢力", "three evil forces", "--forbidden", "three forces").exit_code == 0
    )
    doc = tmp_path / "today.txt"
    doc.write_text("四是拓展全方位合作。謝謝。\n合力打擊三股勢力。\n謝謝。弘揚上海精神。\n", encoding="utf-8")
    sheet_path = tmp_path / "today.xlsx"
    result = run("translate", doc, "-o", sheet_path, "--compute-type", "float32", "--json")
    assert result.exit_code == 0, result.output
    total = json.loads(result.stdout)["total"]
    assert total["100"]["segments"] == 1 and total["MT"]["segments"] == 3 and total["none"]["segments"] == 0
    assert total["repetitions"]["segments"] == 1  # the second 謝謝。
    assert calls == [["謝謝。", "合力打擊三股勢力。", "弘揚上海精神。"]]  # 謝謝。 twice, translated once
    sheet = read_workbook(sheet_path)
    targets = {r.id: r.target for r in sheet.rows}
    assert targets["today:2:1"] == "Jointly fight the three evil forces."
    assert targets["today:1:2"] == targets["today:3:1"] == "Thank you."
    _, ws = segments_sheet(sheet_path)
    confidences = [ws.cell(r, column(ws, "MT confidence")).value for r in range(2, 7)]
    assert confidences[0] is None and all(0 < c <= 1 for c in confidences[1:])
    edit(sheet_path, {r.id: {"Status": "approved"} for r in sheet.rows})
    report = json.loads(run("review", sheet_path, "--json").stdout)
    assert (report["added"], report["confirmed"]) == (3, 1)  # the repeated pair is one unit
    out = tmp_path / "today.en.txt"
    assert run("export-doc", sheet_path, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "Fourth, expanding all-round cooperation. Thank you.\n"
        "Jointly fight the three evil forces.\n"
        "Thank you. Carry forward the Shanghai Spirit.\n"
    )


def test_quality_check_flags_a_target_identical_to_its_source():
    from glossary.match import Recognizer
    from tm.workflow.pipeline import Batch, Document, quality_check

    rows = [
        Row(Segment("d", 1, 1, "上合組織成立20年。"), "上合組織成立20年。", target="上合組織成立20年。"),
        Row(Segment("d", 1, 2, "成立20年。"), "成立20年。", target="Founded 20 years ago."),
        Row(Segment("d", 1, 3, "成立二十年。"), "成立二十年。", target="Founded ten years ago."),
    ]
    quality_check(Batch([Document("d", Path("d.txt"), rows, [0])]), Recognizer([]))
    assert any(i.startswith("identical") for i in rows[0].issues)
    assert rows[1].issues == []
    assert any(i.startswith("number") for i in rows[2].issues)


def test_a_correction_to_a_translation_the_memory_already_has_confirms_it(run, tmp_path, db_path):
    """The memory spells the source with pinyin and holds two translations of it; the reviewer
    picks the other one: that unit is confirmed, nothing is stored twice."""
    with open_memory(db_path) as memory:
        for target, when in (
            ("Promote cooperation.", "2020-01-01T00:00:00Z"),
            ("Push cooperation.", "2021-01-01T00:00:00Z"),
        ):
            memory.import_units([Unit("推動國(guó)際合作。", target, created_at=when)])
    doc = tmp_path / "doc.txt"
    doc.write_text("推動國際合作。\n", encoding="utf-8")
    sheet_path = tmp_path / "s.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet_path).exit_code == 0
    (row,) = read_workbook(sheet_path).rows
    assert row.target == "Push cooperation."
    edit(sheet_path, {row.id: {"Target": "Promote cooperation.", "Status": "approved"}})
    result = run("review", sheet_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["confirmed"], report["corrected"], report["added"]) == (1, 0, 0)
    with open_memory(db_path) as memory:
        assert sorted((u.target, u.origin) for u in memory.iter_units()) == [
            ("Promote cooperation.", "reviewed"),
            ("Push cooperation.", "imported"),
        ]


@pytest.mark.skipif(
    SOFFICE is None and not NEED_SOFFICE, reason="LibreOffice (libreoffice-calc-nogui) is not installed"
)
def test_a_sheet_saved_as_ods_is_told_to_be_saved_as_xlsx(run, seeded, tmp_path, db_path):
    """Issue 22: `tm review x.ods` (LibreOffice's own format) said only "not an .xlsx workbook"."""
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    out = tmp_path / "ods"
    out.mkdir()
    ods = soffice(tmp_path, "ods", sheet_path, out)
    result = run("review", ods)
    assert result.exit_code == 4 and "is an OpenDocument spreadsheet" in result.output
    assert "save it as .xlsx" in result.output
