"""An alignment review sheet holds a reviewer's work: rows deleted in it drop their links (and
the import says which), and `tm align -o` never replaces it, or an input, unasked."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tm.memory import open_memory

from .conftest import cli_invoker

ZH = ["今天天氣很好。", "我們去湖邊散步。", "孩子們在岸上餵鴨子。", "傍晚下起了小雨。", "我們一起回家。"]
EN = [
    "The weather is fine today.",
    "We go for a walk by the lake.",
    "The children feed the ducks on the shore.",
    "In the evening a light rain begins to fall.",
    "We go home together.",
]


@pytest.fixture
def run(tmp_path):
    return cli_invoker(tmp_path / "none.db")


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    zh, en = tmp_path / "walk.zh.txt", tmp_path / "walk.en.txt"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return zh, en


def _delete_link_rows(sheet, link: int) -> None:
    (row,) = [cell.row for cell in sheet["A"][1:] if cell.value == link]
    sheet.delete_rows(row)


def test_links_whose_rows_were_deleted_are_skipped_and_named(run, tmp_path, pair):
    sheet = tmp_path / "walk.xlsx"
    result = run("align", *pair, "--presplit", "-o", sheet)
    assert result.exit_code == 0, result.output
    book = load_workbook(sheet)
    _delete_link_rows(book["Links"], 2)  # gone from both visible sheets
    _delete_link_rows(book["By confidence"], 2)
    _delete_link_rows(book["By confidence"], 4)  # gone from the sheet the reviewer worked in
    book.save(sheet)
    db = tmp_path / "memory.db"
    result = run("align", "--review", sheet, "--import", "--db", db)
    assert result.exit_code == 0, result.output
    assert f"{sheet}: 3 links to store, 0 rejected, 0 edited" in result.output
    assert "skipped links 2, 4: their rows were deleted from the sheet" in result.output
    assert "memory: 3 added, 0 updated" in result.output
    with open_memory(db) as memory:
        stored = {u.source: u.target for u in memory.iter_units()}
    assert stored == {ZH[k]: EN[k] for k in (0, 2, 4)}


def test_align_output_over_an_existing_sheet_needs_force(run, tmp_path, pair):
    sheet = tmp_path / "reviewed.xlsx"
    sheet.write_bytes(b"a reviewer's decisions")
    refused = run("align", *pair, "--presplit", "-o", sheet)
    assert refused.exit_code != 0 and "exists (it may hold work); use --force" in refused.output
    assert sheet.read_bytes() == b"a reviewer's decisions"
    replaced = run("align", *pair, "--presplit", "-o", sheet, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert load_workbook(sheet).sheetnames == ["Links", "By confidence", "_tm"]


def test_align_output_is_never_an_input_or_the_memory(run, tmp_path, pair):
    zh, en = pair
    before = en.read_bytes()
    refused = run("align", zh, en, "--presplit", "-o", en, "--force")
    assert refused.exit_code != 0 and f"{en}: is one of the inputs" in refused.output
    assert en.read_bytes() == before
    db = tmp_path / "memory.db"
    assert run("import", "--db", db, "--format", "tsv", _tsv(tmp_path)).exit_code == 0
    refused = run("align", zh, en, "--presplit", "--db", db, "-o", db, "--force")
    assert refused.exit_code != 0 and "is a memory database" in refused.output


def _tsv(tmp_path: Path) -> Path:
    path = tmp_path / "units.tsv"
    path.write_text(f"source\ttarget\n{ZH[0]}\t{EN[0]}\n", encoding="utf-8")
    return path
