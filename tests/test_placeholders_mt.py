"""Placeholders through machine translation: the engine sees plain text, and the placeholders
with a certain place in its output are put back; the rest QA names for the reviewer."""

from pathlib import Path

from openpyxl import load_workbook

from glossary.match import Recognizer
from glossary.model import Entry
from tm.workflow.placeholders import restore

from .conftest import cli_invoker


def test_restore_places_what_is_certain_and_nothing_else():
    terms = Recognizer([Entry("上海精神", "Shanghai Spirit")])
    assert restore("弘扬⟦1⟧上海精神⟦/1⟧。", "Carry forward the Shanghai Spirit.", terms) == (
        "Carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧."
    )
    assert restore("⟦1⟧弘扬上海精神。⟦/1⟧", "Carry forward the Shanghai Spirit.", terms) == (
        "⟦1⟧Carry forward the Shanghai Spirit.⟦/1⟧"
    )
    assert restore("⟦1/⟧弘扬上海精神。⟦2/⟧", "Carry it forward.", terms) == "⟦1/⟧Carry it forward.⟦2/⟧"
    # not a glossary term, or a rendering that is not there once: left for the reviewer (QA names it)
    assert restore("弘扬⟦1⟧精神⟦/1⟧。", "Carry forward the spirit.", terms) == "Carry forward the spirit."
    twice = "The Shanghai Spirit is the Shanghai Spirit."
    assert restore("⟦1⟧上海精神⟦/1⟧是上海精神。", twice, terms) == twice
    assert restore("中间⟦1/⟧换行。", "A break.", terms) == "A break."  # a break mid-sentence: not certain
    assert restore("弘扬⟦1⟧上海精神⟦/1⟧。", "", terms) == ""


def _translated_page(run, tmp_path, html: str, *options) -> tuple[Path, dict]:
    """`tm translate` of an HTML page into a sheet: the sheet, and its first row by column."""
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><p>{html}</p></body></html>", encoding="utf-8")
    sheet = tmp_path / "page.xlsx"
    result = run("translate", page, "-o", sheet, "--compute-type", "float32", "--force", *options)
    assert result.exit_code == 0, result.output
    segments = load_workbook(sheet)["Segments"]
    return sheet, dict(zip([c.value for c in segments[1]], [c.value for c in segments[2]]))


def test_a_bold_term_comes_back_bold_from_the_engine(tiny_model, db_path, tmp_path):
    run = cli_invoker(db_path)
    assert run("glossary", "add", "上海精神", "Shanghai Spirit").exit_code == 0
    sheet, row = _translated_page(run, tmp_path, "弘扬<b>上海精神</b>。")
    assert row["Source"] == "弘扬⟦1⟧上海精神⟦/1⟧。"
    assert row["Target"] == "Carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧."
    assert not row["QA issues"] or "placeholders" not in row["QA issues"]
    out = tmp_path / "page.en.html"
    assert run("export-doc", sheet, "-o", out, "--allow-draft").exit_code == 0
    assert "<b>Shanghai Spirit</b>" in out.read_text(encoding="utf-8")


def test_an_enforced_term_keeps_its_placeholders(tiny_model, db_path, tmp_path):
    """The model says "weather"; the glossary's "climate" is forced in its place, and the bold
    pair around the term goes around the forced rendering."""
    run = cli_invoker(db_path)
    assert run("glossary", "add", "天氣", "climate").exit_code == 0
    _, row = _translated_page(run, tmp_path, "今天<b>天氣</b>很好。")
    assert row["Target"] == "The ⟦1⟧climate⟦/1⟧ is nice today."
    # --no-glossary: the model's own rendering, and QA says what the glossary wants
    _, row = _translated_page(run, tmp_path, "今天<b>天氣</b>很好。", "--no-glossary")
    assert row["Target"] == "The weather is nice today."
    assert "climate" in row["QA issues"]
