"""A placeholder mistyped in a Target (``⟧/1⟧`` for ``⟦/1⟧``) is never published as text: `tm qa
SHEET.xlsx` and `tm review` name it (`--strict` refuses the row), and `tm export-doc` refuses to
write the document, naming the row, instead of dropping the link and printing the brackets."""

from __future__ import annotations

import json

import pytest

from tm.formats.inline import broken_placeholder, placeholder_issue
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .sheet_cells import set_cells

run = test_translate.run  # a CLI runner on an empty memory, no MT model
PAGE = '<html><body><p>請見<a href="https://www.fmprc.gov.cn">外交部網站</a>。</p></body></html>\n'
MISTYPED = "See the ⟦1⟧Foreign Ministry website⟧/1⟧."


@pytest.mark.parametrize(
    "target, typed",
    [
        (MISTYPED, "⟧/1⟧"),
        ("See the ⟦1⟧Foreign Ministry website⟦/1].", "⟦/1]"),
        ("See the ⟦1Foreign Ministry website⟦/1⟧.", "⟦1"),
        ("See the ⟦1⟧Foreign Ministry website⟦/1⟧ ⟧/1⟧.", "⟧/1⟧"),  # its pair whole, a stray one beside
    ],
)
def test_a_bracket_in_no_placeholder_is_named(target, typed):
    said = broken_placeholder("請見⟦1⟧外交部網站⟦/1⟧。", target)
    assert said and f"“{typed}”" in said
    assert placeholder_issue("請見⟦1⟧外交部網站⟦/1⟧。", target) == said


def test_literal_brackets_the_source_has_are_no_mistake():
    assert broken_placeholder("符號⟦⟦與⟧", "the signs ⟦⟦ and ⟧") is None
    assert broken_placeholder("請見⟦1⟧網站⟦/1⟧", "See the ⟦1⟧website⟦/1⟧") is None


@pytest.fixture
def sheet(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    sheet = tmp_path / "page.review.xlsx"
    assert run("translate", page, "--no-mt", "-o", sheet).exit_code in (0, 1)
    (row,) = read_workbook(sheet).rows
    assert row.source == "請見⟦1⟧外交部網站⟦/1⟧。"
    set_cells(sheet, {row.id: {"Target": MISTYPED, "Status": "approved"}})
    return sheet


def test_qa_of_the_sheet_reports_it(run, sheet):
    result = run("qa", sheet, "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["counts"]["placeholder"] == 1, result.output
    (finding,) = [f for f in data["findings"] if f["check"] == "placeholder"]
    assert "“⟧/1⟧” is no placeholder" in finding["message"] and finding["ids"] == ["page:1:1"]


def test_review_strict_refuses_the_row_and_export_doc_refuses_to_write_it(run, sheet, tmp_path):
    result = run("review", sheet, "--strict", "--json")
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["stored"] == 0, result.output
    assert any("“⟧/1⟧” is no placeholder" in str(f) for f in report["findings"]), report
    out = tmp_path / "page.en.html"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 4 and not out.exists()
    assert result.output.count("Error:") == 1 and "page:1:1 (row 2)" in result.output
    assert "“⟧/1⟧” is no placeholder" in result.output
    assert run("export-doc", sheet, "-o", tmp_path / "page.en.txt").exit_code == 4  # nor as text
