"""Word alignment: the scores (AER, phrase pairs), the dictionary evidence, the aligner trained on
some pairs and aligning others, and `tm eval wordalign` with its refusals."""

from __future__ import annotations

import pytest

from tm.align.wordeval import Score, parse_links, phrase_pairs
from tm.align.words import WordAligner
from tm.cli.common import EXIT_REFUSED
from tm.errors import UserError

from .conftest import cli_invoker

PAIRS = [
    ("外交部 发言人 说 。", "The Foreign Ministry spokesman said ."),
    ("新华社 雅加达 3月 22日 电", "Xinhua News Agency , Jakarta , March 22"),
    ("印 尼 重申 反对 外国 军队", "Indonesia reiterated its opposition to foreign troops"),
]
# Sure links of PAIRS, a possible one for "The".
GOLD = ["0-0-P 0-1 0-2 1-3 2-4 3-5", "0-0 0-1 0-2 1-4 2-6 3-7", "0-0 1-0 2-1 3-3 4-5 5-6"]


def test_aer_precision_recall_on_a_hand_example():
    sure, possible = parse_links("0-0 1-1 1-2-P", 3, 3, "gold")
    assert sure == {(0, 0), (1, 1)} and possible == {(0, 0), (1, 1), (1, 2)}
    score = Score()
    score.add({(0, 0), (1, 2), (2, 2)}, sure, possible, 3, 3)
    table = score.table()
    # A∩S = {0-0}, A∩P = {0-0, 1-2}: AER = 1 − (1 + 2) / (3 + 2)
    assert table["aer"] == pytest.approx(0.4)
    assert table["precision"] == pytest.approx(2 / 3)
    assert table["recall"] == pytest.approx(0.5)


def test_phrase_pairs_are_those_consistent_with_the_links():
    assert phrase_pairs({(0, 0), (1, 1)}, 2, 2) == {(0, 0, 0, 0), (1, 1, 1, 1), (0, 1, 0, 1)}
    # 0-1 and 1-0 cross: each word is a phrase pair, and so are both together
    assert phrase_pairs({(0, 1), (1, 0)}, 2, 2) == {(0, 0, 1, 1), (1, 1, 0, 0), (0, 1, 0, 1)}
    # one Chinese word to two English words: the two English words only come together
    assert phrase_pairs({(0, 0), (0, 1)}, 1, 2) == {(0, 0, 0, 1)}


def test_a_perfect_alignment_scores_aer_zero_and_phrase_f1_one():
    sure, possible = parse_links(GOLD[0], 4, 6, "gold")
    score = Score()
    score.add(possible, sure, possible, 4, 6)  # every gold link, possible ones too
    assert score.table()["aer"] == 0 and score.table()["phrase_f1"] == 1
    score = Score()
    score.add(sure, sure, possible, 4, 6)  # the sure ones: AER 0 still, but "The" is in no phrase
    assert score.table()["aer"] == 0 and score.table()["phrase_f1"] < 1


@pytest.mark.parametrize(
    "line, message",
    [
        ("0-9", "outside the pair"),
        ("0-1-S", "is not a link"),
        ("a-1", "is not a link"),
        ("5-0", "outside the pair"),
    ],
)
def test_bad_gold_links_are_refused_naming_them(line, message):
    with pytest.raises(UserError, match=message):
        parse_links(line, 3, 3, "gold.align, line 1")


def _tokens(pairs):
    return [(z.split(), e.split()) for z, e in pairs]


def test_the_aligner_links_by_dictionary_numbers_and_names_and_aligns_new_pairs():
    aligner = WordAligner.train(_tokens(PAIRS[:2]))
    links = aligner.align(*_tokens(PAIRS[2:])[0])  # a pair it was not trained on
    assert {(0, 0), (1, 0), (2, 1), (3, 3), (4, 5)} <= links
    dated = aligner.align(*_tokens(PAIRS[1:2])[0])
    assert {(0, 0), (0, 1), (0, 2), (1, 4), (2, 6), (3, 7)} <= dated  # 新华社 → three words, 3月 → March


def test_a_stored_aligner_aligns_as_the_trained_one():
    import json

    aligner = WordAligner.train(_tokens(PAIRS), terms=[("重申", "reiterated")])
    stored = WordAligner.from_state(json.loads(json.dumps(aligner.state(), ensure_ascii=False)))
    for z, e in _tokens(PAIRS):
        assert stored.align(z, e) == aligner.align(z, e)


def test_approved_glossary_renderings_are_certain_links():
    pair = (["推进", "一带一路", "建设"], ["advance", "the", "Belt", "and", "Road", "Initiative"])
    plain = WordAligner.train([pair]).align(*pair)
    assert not {(1, 2), (1, 3), (1, 4)} <= plain
    with_terms = WordAligner.train([pair], terms=[("一带一路", "Belt and Road")]).align(*pair)
    assert {(1, 2), (1, 3), (1, 4)} <= with_terms


@pytest.fixture
def files(tmp_path):
    zh, en, gold = (tmp_path / n for n in ("t.zh", "t.en", "t.align"))
    zh.write_text("\n".join(z for z, _ in PAIRS) + "\n", encoding="utf-8")
    en.write_text("\n".join(e for _, e in PAIRS) + "\n", encoding="utf-8")
    gold.write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    return zh, en, gold


def test_eval_wordalign_writes_links_and_scores_them(files, tmp_path):
    zh, en, gold = files
    tm = cli_invoker(tmp_path / "none.db")
    pred = tmp_path / "out.align"
    result = tm("eval", "wordalign", "--zh", zh, "--en", en, "--gold", gold, "--pred", pred)
    assert result.exit_code == 0, result.output
    assert "3 pairs" in result.output and "AER" in result.output and "phrase F1" in result.output
    lines = pred.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert {"0-1", "0-2", "1-3", "2-4", "3-5"} <= set(lines[0].split())
    as_json = tm("eval", "wordalign", "--zh", zh, "--en", en, "--gold", gold, "--json")
    assert '"aer": 0.' in as_json.output
    again = tm("eval", "wordalign", "--zh", zh, "--en", en, "--pred", pred)
    assert again.exit_code == EXIT_REFUSED and "--force" in again.output


def test_eval_wordalign_uses_the_glossary_of_a_memory(files, tmp_path):
    zh, en, _ = files
    db = tmp_path / "m.db"
    tm = cli_invoker(db)
    assert tm("glossary", "add", "重申", "restated", "--db", db).exit_code == 0
    en.write_text(en.read_text(encoding="utf-8").replace("reiterated", "restated"), encoding="utf-8")
    result = tm("eval", "wordalign", "--zh", zh, "--en", en, "--db", db)
    assert result.exit_code == 0, result.output
    assert "2-1" in result.output.splitlines()[2].split()


def test_eval_wordalign_refuses_files_that_are_not_parallel(files, tmp_path):
    zh, en, gold = files
    tm = cli_invoker(tmp_path / "none.db")
    en.write_text("one line only\n", encoding="utf-8")
    result = tm("eval", "wordalign", "--zh", zh, "--en", en)
    assert result.exit_code == EXIT_REFUSED
    assert "has 3 lines but" in result.output and "not parallel" in result.output
    assert "Traceback" not in result.output


def test_eval_wordalign_refuses_gold_outside_the_tokens(files, tmp_path):
    zh, en, gold = files
    gold.write_text("0-1\n0-0\n9-0\n", encoding="utf-8")
    result = cli_invoker(tmp_path / "none.db")("eval", "wordalign", "--zh", zh, "--en", en, "--gold", gold)
    assert result.exit_code == EXIT_REFUSED
    assert "line 3" in result.output and "9-0" in result.output and "outside the pair" in result.output
