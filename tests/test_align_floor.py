"""Weak links are held back from `tm align --import` and named: an English release that lacks a
sentence (the Chinese one without counterpart merged into its neighbour's link), and links under
the confidence floor. Real files, the real model, the real CLI and memory file."""

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tm.align.aligner import Link
from tm.align.floor import FLOOR, MIN_GAIN, hold_reason
from tm.memory import open_memory

from .conftest import cli_invoker

ZH = ["今天天氣很好。", "我們去湖邊散步。", "孩子們在岸上餵鴨子。", "傍晚下起了小雨。", "我們一起回家。"]
EN = [
    "The weather is fine today.",
    "We go for a walk by the lake.",
    # the translation lacks "The children feed the ducks on the shore."
    "In the evening a light rain begins to fall.",
    "We go home together.",
]
WEAK = "孩子們在岸上餵鴨子。傍晚下起了小雨。"  # the 2-1 link the omission leaves


@pytest.fixture
def run(tmp_path):
    return cli_invoker(tmp_path / "none.db")


def _pair(directory: Path) -> tuple[Path, Path]:
    zh, en = directory / "walk.zh.txt", directory / "walk.en.txt"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return zh, en


def _stored(db: Path) -> dict[str, str]:
    with open_memory(db) as memory:
        return {u.source: u.target for u in memory.iter_units()}


def test_an_omission_is_held_back_named_and_not_stored(run, tmp_path):
    zh, en = _pair(tmp_path)
    db = tmp_path / "memory.db"
    result = run("align", zh, en, "--presplit", "--import", "--db", db)
    assert result.exit_code == 1, result.output  # done, and a person must look at something
    assert "memory: 3 added, 0 updated" in result.output
    assert "held back, not imported (1 links):" in result.output
    assert "link 3 [2,3]:[2], one sentence less is as similar" in result.output
    assert f"{WEAK} ↔ {EN[2]}" in result.output
    assert "--review walk.zh.xlsx --import" in result.output and "--import-all" in result.output
    assert _stored(db) == {ZH[0]: EN[0], ZH[1]: EN[1], ZH[4]: EN[3]}

    result = run("align", zh, en, "--presplit", "--json")  # no import: the link says it would be held
    held = [link for link in json.loads(result.output) if link["held"]]
    assert [(link["zh"], link["en"]) for link in held] == [([2, 3], [2])]

    result = run("align", zh, en, "--presplit", "--import", "--import-all", "--db", db)
    assert result.exit_code == 0, result.output
    assert _stored(db)[WEAK] == EN[2]


def test_tm_import_of_the_alignment_tsv_holds_back_the_same_links(run, tmp_path):
    """The second new-user run: `tm import pairs.tsv` stored the weak links `tm align --import`
    holds back. The TSV says which (its held column); tm import leaves them out and names them."""
    zh, en = _pair(tmp_path)
    pairs, db = tmp_path / "pairs.tsv", tmp_path / "memory.db"
    assert run("align", zh, en, "--presplit", "-o", pairs).exit_code == 0
    result = run("import", pairs, "--db", db)
    assert result.exit_code == 1 and "held back 1 weak link(s)" in result.output
    assert _stored(db) == {ZH[0]: EN[0], ZH[1]: EN[1], ZH[4]: EN[3]}
    lines = pairs.read_text(encoding="utf-8").splitlines()
    pairs.write_text(  # the reviewer checked it: the held cell emptied
        "\n".join(line.rsplit("\t", 1)[0] + "\t" for line in lines) + "\n", encoding="utf-8"
    )
    assert run("import", pairs, "--db", db).exit_code == 0
    assert _stored(db)[WEAK] == EN[2]


def test_the_review_sheet_puts_held_links_on_top_and_stores_what_the_reviewer_decides(run, tmp_path):
    zh, en = _pair(tmp_path)
    sheet = tmp_path / "walk.xlsx"
    assert run("align", zh, en, "--presplit", "-o", sheet).exit_code == 0
    book = load_workbook(sheet)
    top = book["By confidence"]["A2":"F2"][0]
    assert top[0].value == 3 and top[1].value == WEAK and top[1].fill.fgColor.rgb.endswith("FFF2CC")
    top[5].value = "reject"
    book.save(sheet)
    db = tmp_path / "memory.db"
    result = run("align", "--review", sheet, "--import", "--db", db)
    assert result.exit_code == 0, result.output
    assert _stored(db) == {ZH[0]: EN[0], ZH[1]: EN[1], ZH[4]: EN[3]}


def test_an_archive_holds_the_weak_link_of_its_pair_and_names_it(run, tmp_path):
    for side, lines in (("zh", ZH), ("en", EN)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "walk.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "memory.db"
    args = ("align", tmp_path / "zh", tmp_path / "en", "--presplit", "--import", "--db", db, "--jobs", "1")
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "memory: 1 pairs stored, 3 units added, 0 updated" in result.output
    assert "held back, not imported (1 links):" in result.output
    assert "walk.txt ↔ walk.txt:" in result.output and "link 3 [2,3]:[2]" in result.output
    assert WEAK not in _stored(db)
    data = json.loads(run(*args, "--json").output)
    assert [len(pair["links"]) for pair in data["held"]] == [1]


@pytest.mark.parametrize(
    "link, held",
    [
        (Link((0,), (0,), FLOOR - 0.01), True),
        (Link((0,), (0,), FLOOR), False),
        (Link((0, 1), (0,), 0.6, 0.6 - MIN_GAIN / 2), True),  # a part as good as the whole
        (Link((0, 1), (0,), 0.6, 0.6 - 2 * MIN_GAIN), False),
        (Link((0,), (), 0.0), False),  # a sentence alone is never imported, so never held
    ],
)
def test_which_links_are_held(link, held):
    assert (hold_reason(link) is not None) is held
