"""Nothing written over what must not be: inputs, the memory, files that may hold work; and the
exported document keeps every sentence and the source's layout."""

import os
import stat

import pytest
from openpyxl import load_workbook

from tm.workflow.sheet_read import read_workbook

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

GLOSSARY = ROOT / "seeds" / "glossary.csv"


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    invoke = cli_invoker(db_path, user="tester")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    return invoke


def _approve_all(path, skip=()):
    workbook = load_workbook(path)
    sheet = workbook["Segments"]
    header = [c.value for c in sheet[1]]
    target, status = header.index("Target") + 1, header.index("Status") + 1
    for r in range(2, sheet.max_row + 1):
        segment_id = sheet.cell(r, 1).value
        if segment_id not in skip:
            sheet.cell(r, target).value = f"T {segment_id}."
            sheet.cell(r, status).value = "approved"
    workbook.save(path)


def _delete_rows(path, ids):
    workbook = load_workbook(path)
    sheet = workbook["Segments"]
    for r in range(sheet.max_row, 1, -1):
        if sheet.cell(r, 1).value in ids:
            sheet.delete_rows(r)
    workbook.save(path)


def _sheet(run, tmp_path, text):
    doc = tmp_path / "rel.txt"
    doc.write_text(text, encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    return doc, sheet


def test_blank_lines_between_paragraphs_are_kept(run, tmp_path):
    _, sheet = _sheet(run, tmp_path, "第一段。\n\n\n第二段。\n第三段。\n\n第四段。第五句。\n")
    _approve_all(sheet)
    out = tmp_path / "rel.en.txt"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    assert (
        out.read_text(encoding="utf-8") == "T rel:1:1.\n\n\nT rel:2:1.\nT rel:3:1.\n\nT rel:4:1. T rel:4:2.\n"
    )


def test_a_deleted_row_never_makes_its_sentence_vanish(run, tmp_path):
    _, sheet = _sheet(run, tmp_path, "甲句。乙句。\n丙句。\n丁句。\n")
    _approve_all(sheet)
    _delete_rows(sheet, {"rel:1:2", "rel:3:1"})
    out = tmp_path / "rel.en.txt"
    refused = run("export-doc", sheet, "-o", out)
    assert refused.exit_code == 4 and not out.exists()
    assert "deleted from the sheet: rel:1:2, rel:3:1" in refused.output
    assert "approve them" not in refused.output  # rows that are gone cannot be approved
    kept = run("export-doc", sheet, "-o", out, "--allow-missing")
    assert kept.exit_code == 0 and "left in Chinese (2): rel:1:2, rel:3:1" in kept.output
    assert out.read_text(encoding="utf-8") == "T rel:1:1. 乙句。\nT rel:2:1.\n丁句。\n"


def test_the_error_counts_and_names_what_is_missing(run, tmp_path):
    _, sheet = _sheet(run, tmp_path, "甲句。乙句。\n丙句。\n")
    _approve_all(sheet, skip={"rel:2:1"})
    _delete_rows(sheet, {"rel:1:2"})
    result = run("export-doc", sheet, "-o", tmp_path / "x.txt")
    assert "1 segment(s) have no approved translation: rel:2:1 (no target)" in result.output
    assert "deleted from the sheet: rel:1:2" in result.output


def test_export_doc_never_writes_over_the_source_release(run, tmp_path):
    doc, sheet = _sheet(run, tmp_path, "甲句。\n")
    _approve_all(sheet)
    original = doc.read_bytes()
    for extra in ([], ["--force"]):
        result = run("export-doc", sheet, "-o", doc, *extra)
        assert result.exit_code == 4 and "is one of the inputs" in result.output
    assert doc.read_bytes() == original


def test_export_never_destroys_the_memory(run, db_path, tmp_path):
    before = run("stats", "--json").output
    for extra in ([], ["--force"]):
        result = run("export", db_path, "--format", "tmx", *extra)
        assert result.exit_code == 4 and "is a memory database" in result.output
    assert run("stats", "--json").output == before


def test_existing_exports_need_force(run, tmp_path):
    out = tmp_path / "all.tmx"
    out.write_text("work in progress", encoding="utf-8")
    result = run("export", out)
    assert result.exit_code == 4 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "work in progress"
    assert run("export", out, "--force").exit_code == 0 and "<tmx" in out.read_text(encoding="utf-8")
    glossary_out = tmp_path / "g.csv"
    glossary_out.write_text("mine", encoding="utf-8")
    assert run("glossary", "export", glossary_out).exit_code == 4 and glossary_out.read_text() == "mine"


def test_written_files_get_the_permissions_of_a_plain_write(run, tmp_path):
    assert run("glossary", "import", GLOSSARY).exit_code == 0
    old = os.umask(0o022)
    try:
        _, sheet = _sheet(run, tmp_path, "甲句。\n")
        _approve_all(sheet)
        outputs = [tmp_path / name for name in ("m.tmx", "m.csv", "g.tbx", "g.csv", "g.xlsx", "rel.en.txt")]
        assert run("export", outputs[0]).exit_code == 0
        assert run("export", outputs[1]).exit_code == 0
        for path in outputs[2:5]:
            assert run("glossary", "export", path).exit_code == 0
        assert run("export-doc", sheet, "-o", outputs[5]).exit_code == 0
        for path in [sheet, *outputs]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
        os.chmod(outputs[0], 0o664)  # a file replaced keeps the mode it had
        assert run("export", outputs[0], "--force").exit_code == 0
        assert stat.S_IMODE(outputs[0].stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_sheet_layout_survives_a_round_trip_of_the_reader(run, tmp_path):
    _, sheet = _sheet(run, tmp_path, "甲句。\n\n乙句。\n")
    layout = read_workbook(sheet).documents[0]
    assert [(s.id, s.source, s.gap) for s in layout.segments] == [
        ("rel:1:1", "甲句。", 0),
        ("rel:2:1", "乙句。", 2),
    ]
