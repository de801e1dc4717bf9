import pytest

from tm.align.score import AlignScore, format_align, parse_align, score_dirs
from tm.errors import UserError

GOLD = parse_align("[0,1]:[0]\n[2]:[1,2]\n[3]:[]\n[4]:[3]\n")


def score(pred_text: str) -> dict:
    s = AlignScore()
    s.add(GOLD, parse_align(pred_text))
    return s.table()


def test_perfect_prediction():
    t = score(format_align(GOLD))
    assert t["strict_f1"] == t["lax_f1"] == 1.0


def test_split_link_is_lax_but_not_strict():
    t = score("[0]:[0]\n[1]:[]\n[2]:[1,2]\n[3]:[]\n[4]:[3]\n")
    # precision: 5 predicted, strict hits [2]:[1,2] [3]:[] [4]:[3]; lax adds [0]:[0]
    assert t["strict_precision"] == pytest.approx(3 / 5)
    assert t["lax_precision"] == pytest.approx(4 / 5)
    # recall: 3 gold links with both sides; strict hits 2; lax: [0,1]:[0] overlaps [0]:[0]
    assert t["strict_recall"] == pytest.approx(2 / 3)
    assert t["lax_recall"] == pytest.approx(1.0)


def test_wrong_links_score_zero():
    t = score("[0,1,2]:[3]\n[3,4]:[0,1,2]\n")
    assert t["strict_f1"] == 0.0 and t["lax_f1"] == 0.0


def test_counts_add_up_over_files(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    (tmp_path / "gold" / "a.align").write_text("[0]:[0]\n[1]:[1]\n")
    (tmp_path / "pred" / "a.align").write_text("[0]:[0]\n[1]:[1]\n")
    (tmp_path / "gold" / "b.align").write_text("[0]:[0]\n[1]:[1]\n")
    (tmp_path / "pred" / "b.align").write_text("[0,1]:[0,1]\n")
    total, names = score_dirs(tmp_path / "gold", tmp_path / "pred")
    assert names == ["a.align", "b.align"]
    t = total.table()
    assert t["strict_precision"] == pytest.approx(2 / 3) and t["strict_recall"] == pytest.approx(2 / 4)
    assert t["lax_precision"] == 1.0 and t["lax_recall"] == 1.0


def test_bad_lines_name_the_line():
    with pytest.raises(UserError, match="line 2"):
        parse_align("[0]:[0]\n0:0\n")
