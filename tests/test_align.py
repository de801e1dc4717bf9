"""The aligner end to end: real embeddings (the model ships in its package), real files."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tm.align.aligner import align
from tm.align.io import Aligned, read_review, write_review
from tm.cli import cli
from tm.memory import open_memory

ZH = [
    "外長們強調,要繼續加強安全合作。",
    "三是推動國際抗疫合作。",
    "中俄科技具有互補優勢。雙方將實施好科技創新年逾千個合作項目。",
    "四是拓展全方位合作。",
    "中國同四國相互提供抗疫援助。",
]
EN = [
    "The foreign ministers stressed the need to continue strengthening security cooperation.",
    "Third, promoting international cooperation against COVID-19.",
    "China and Russia have complementary strengths in science and technology.",
    "The two sides will implement more than 1,000 cooperation projects of the Years of Scientific and Technological Innovation.",
    "Fourth, expanding all-round cooperation.",
    "China and the four countries have provided each other with assistance in fighting the epidemic.",
]


def test_one_to_one_and_one_to_two_links():
    links = align(ZH, EN)
    assert [(k.zh, k.en) for k in links] == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), (2, 3)),
        ((3,), (4,)),
        ((4,), (5,)),
    ]
    assert all(0 < k.score <= 1 for k in links)


def test_empty_side():
    assert [(k.zh, k.en) for k in align(["一。"], [])] == [((0,), ())]


def _files(tmp_path: Path, zh: list[str], en: list[str]) -> tuple[Path, Path]:
    zf, ef = tmp_path / "release.zh.txt", tmp_path / "release.en.txt"
    zf.write_text("\n".join(zh) + "\n", encoding="utf-8")
    ef.write_text("\n".join(en) + "\n", encoding="utf-8")
    return zf, ef


def test_cli_outputs_and_import(tmp_path):
    zf, ef = _files(tmp_path, ZH, EN)
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    for ext in ("align", "tsv", "tmx"):
        out = tmp_path / f"links.{ext}"
        assert runner.invoke(cli, ["align", str(zf), str(ef), "--presplit", "-o", str(out)]).exit_code == 0
    assert (tmp_path / "links.align").read_text().splitlines()[2] == "[2]:[2,3]"
    assert len(re.findall(r"<tu[ >]", (tmp_path / "links.tmx").read_text(encoding="utf-8"))) == 5
    result = runner.invoke(cli, ["align", str(zf), str(ef), "--import", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    with open_memory(db) as memory:
        assert memory.count() == 6  # segmented: the third line holds two Chinese sentences
        (match,) = memory.lookup("四是拓展全方位合作。", limit=1)
        assert (
            match.unit.origin == "aligned" and match.unit.target == "Fourth, expanding all-round cooperation."
        )


def test_wrong_pairs_warn_and_do_not_import(tmp_path):
    zf, ef = _files(tmp_path, ZH, ZH)
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    result = runner.invoke(cli, ["align", str(zf), str(ef), "--presplit", "--import", "--db", db])
    assert result.exit_code != 0 and "looks Chinese" in result.output and "not imported" in result.output
    unrelated = [
        "Bananas are rich in potassium.",
        "The match ended in a draw.",
        "Paint the fence blue.",
        "Our cat sleeps all day.",
        "Rain is expected tomorrow.",
    ]
    zf, ef = _files(tmp_path, ZH, unrelated)
    result = runner.invoke(cli, ["align", str(zf), str(ef), "--presplit", "--import", "--db", db])
    assert result.exit_code != 0 and "different documents" in result.output
    with open_memory(db) as memory:
        assert memory.count() == 0
    forced = runner.invoke(
        cli, ["align", str(zf), str(ef), "--presplit", "--import", "--force-import", "--db", db]
    )
    # the pair is taken; its links, all under the confidence floor, are held back and named
    assert forced.exit_code == 1 and "held back, not imported (5 links)" in forced.output
    forced = runner.invoke(
        cli,
        ["align", str(zf), str(ef), "--presplit", "--import", "--force-import", "--import-all", "--db", db],
    )
    assert forced.exit_code == 0
    with open_memory(db) as memory:
        assert memory.count() == 5


def test_review_round_trip_through_xlsx(tmp_path):
    aligned = Aligned(ZH, EN, align(ZH, EN), "release.zh", "release.en")
    path = tmp_path / "review.xlsx"
    write_review(aligned, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Links", "By confidence", "_tm"] and book["_tm"].sheet_state == "hidden"
    links = book["Links"]
    assert [c.value for c in links[1]][:6] == [
        "Link",
        "Chinese",
        "English",
        "Confidence",
        "Shape",
        "Decision",
    ]
    by_conf = [row[3].value for row in book["By confidence"].iter_rows(min_row=2)]
    assert by_conf == sorted(by_conf)
    links["F3"] = "reject"  # link 2
    links["C4"] = "China and Russia complement each other in science and technology."  # link 3, edited
    row_of_link_1 = next(r for r in book["By confidence"].iter_rows(min_row=2) if r[0].value == 1)
    row_of_link_1[5].value = "accept"
    book.save(path)
    reviewed = read_review(path)
    assert reviewed.rejected == 1 and reviewed.edited == 1 and len(reviewed.accepted) == 4
    book["By confidence"].cell(
        row=[r[0].value for r in book["By confidence"].iter_rows()].index(2) + 1, column=6
    ).value = "accept"
    book.save(tmp_path / "conflict.xlsx")
    with pytest.raises(Exception, match="link 2 is both"):
        read_review(tmp_path / "conflict.xlsx")
    assert (
        "中俄科技具有互補優勢。雙方將實施好科技創新年逾千個合作項目。",
        "China and Russia complement each other in science and technology.",
    ) in reviewed.accepted
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    result = runner.invoke(cli, ["align", "--review", str(path), "--import", "--db", db])
    assert result.exit_code == 0 and "4 links to store, 1 rejected, 1 edited" in result.output
    with open_memory(db) as memory:
        assert memory.count() == 4


def test_review_sheet_takes_text_with_control_characters(tmp_path):
    # text pasted from PDFs and word processors carries control characters no cell can hold
    zh, en = [ZH[0], "三是推動\x01國際抗疫合作。"], [EN[0], "Third, promoting\x07 international cooperation."]
    path = tmp_path / "review.xlsx"
    write_review(Aligned(zh, en, align(zh, en)), path)
    texts = [(row[1].value, row[2].value) for row in load_workbook(path)["Links"].iter_rows(min_row=2)]
    assert texts[1] == ("三是推動國際抗疫合作。", "Third, promoting international cooperation.")
    assert not read_review(path).edited  # the hidden originals were cleaned alike


def test_review_of_a_foreign_workbook_is_refused(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(Exception, match="not an alignment review sheet"):
        read_review(path)


def test_eval_align_cli(tmp_path):
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    (gold / "a.align").write_text("[0]:[0]\n[1]:[1,2]\n")
    (pred / "a.align").write_text("[0]:[0]\n[1]:[1]\n[]:[2]\n")
    out = CliRunner().invoke(cli, ["eval", "align", "--gold", str(gold), "--pred", str(pred), "--json"])
    data = json.loads(out.output)
    assert data["strict_precision"] == pytest.approx(1 / 3) and data["lax_recall"] == 1.0


def test_paragraphs_and_glossary_terms_are_used():
    from glossary.match import Recognizer
    from glossary.model import Entry
    from tm.align.features import Side, gloss_view, mark_terms

    recognizer = Recognizer([Entry("三股勢力", "three evil forces")])
    zh = ["打擊三股勢力。", "謝謝。"]
    zh_side = Side(zh, "", lambda s: set())
    en_side = Side(["Thank you.", "Fight the three evil forces."], " ", lambda s: set())
    hits = [recognizer.find(s) for s in zh]
    mark_terms(zh_side, en_side, hits)
    assert zh_side.terms[0] and zh_side.terms[0] == en_side.terms[1] and not en_side.terms[0]
    glossed = gloss_view(zh, hits)[0]
    assert "three evil forces" in glossed and glossed.endswith(".")  # the approved rendering
    links = align(ZH, EN, paragraphs=([0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 2]), recognizer=recognizer)
    assert [(k.zh, k.en) for k in links][2] == ((2,), (2, 3))


def test_anchors_pair_repeated_text_with_the_copy_at_its_own_place():
    from tm.align.features import anchors

    rng = np.random.default_rng(0)
    once = rng.normal(size=(5, 16)).astype(np.float32)
    once /= np.linalg.norm(once, axis=1, keepdims=True)
    twice = np.concatenate([once, once])  # a document pasted twice, on both sides
    assert anchors(twice, twice) == [(i, i) for i in range(10)]


@pytest.mark.parametrize("marks", ["“”", '""'])
def test_a_quotation_over_two_sentences_is_cut_where_both_sides_close_it(marks):
    # The speech opens in the first Chinese sentence and closes in the second; the English
    # puts the speaker between its first two sentences. Without the quotation balance the
    # aligner gave the second English sentence to the second Chinese one.
    zh = [
        f"发言人笑着说：{marks[0]}两国之间的往来不多，关系有些疏远了。",
        f"了解情况的人知道这是因为距离太远，不了解的人还以为我们不重视这段友谊。{marks[1]}",
        "记者会随后结束。",
    ]
    en = [
        "'There have not been many visits between our two countries,' the spokesman said with a smile.",
        "'We have grown somewhat distant.",
        "Those who know the situation understand that it is because of the distance; "
        "those who do not may think we do not value this friendship.'",
        "The press conference then ended.",
    ]
    links = [(k.zh, k.en) for k in align(zh, en)]
    assert links == [((0,), (0, 1)), ((1,), (2,)), ((2,), (3,))]


def test_presplit_lines_lose_their_interlinear_pinyin_as_segmented_text_does(tmp_path):
    annotated = [ZH[0], "三是推動國(guó)際抗疫合作。", *ZH[2:]]
    zf, ef = _files(tmp_path, annotated, EN)
    db = str(tmp_path / "m.db")
    result = CliRunner().invoke(cli, ["align", str(zf), str(ef), "--presplit", "--import", "--db", db])
    assert result.exit_code == 0, result.output
    with open_memory(db) as memory:
        (match,) = memory.lookup("三是推動國際抗疫合作。", limit=1)
        assert match.unit.source == "三是推動國際抗疫合作。" and match.unit.target == EN[1]


def test_numbers_and_latin_names_are_shared_tokens_inside_chinese_text():
    from tm.align.features import _SHARED_TOKEN_RE

    zh = set(_SHARED_TOKEN_RE.findall("上海合作组织(SCO)与G20就COVID-19疫情达成2项共识，增长3.5%。"))
    en = set(_SHARED_TOKEN_RE.findall("The SCO and the G20 reached 2 agreements on COVID-19; growth 3.5%."))
    assert zh == {"SCO", "G20", "COVID-19", "2", "3.5"} and zh <= en
    assert not _SHARED_TOKEN_RE.findall("國(guó)際")  # interlinear pinyin is no name
