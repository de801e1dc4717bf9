import json

import pytest
from click.testing import CliRunner

from glossary.match import Recognizer
from glossary.model import Entry
from tm.cli import cli
from tm.mt.evaluate import score_mt, term_accuracy


def test_perfect_and_imperfect_scores():
    refs = ["The foreign ministers stressed cooperation.", "We oppose unilateralism."]
    perfect = score_mt(refs, refs)
    assert perfect.bleu == pytest.approx(100) and perfect.chrf == pytest.approx(100) and perfect.ter == 0
    worse = score_mt(["The ministers stressed cooperation.", "We oppose it."], refs, per_segment=True)
    assert worse.bleu < 100 and worse.ter > 0 and len(worse.per_segment) == 2
    assert "tok:13a" in worse.signatures["bleu"] and "nc:6" in worse.signatures["chrf"]


def test_chinese_targets_use_the_zh_tokenizer():
    scores = score_mt(["我们反对单边主义。"], ["我们反对单边主义。"], target_lang="zh")
    assert "tok:zh" in scores.signatures["bleu"] and scores.bleu == pytest.approx(100)


def test_term_accuracy_counts_occurrences():
    recognizer = Recognizer([Entry("三股勢力", "three evil forces", alternatives=["three forces of evil"])])
    sources = ["打擊三股勢力。", "三股势力和三股勢力", "沒有術語"]
    hyps = ["fight the three evil forces", "three forces and three forces", "no term"]
    assert term_accuracy(sources, hyps, recognizer) == (1, 3)


def test_cli(tmp_path):
    hyp, ref, src, seg = (tmp_path / n for n in ("hyp.txt", "ref.txt", "src.txt", "seg.tsv"))
    hyp.write_text("Fight the three forces.\nThank you.\n", encoding="utf-8")
    ref.write_text("Fight the three evil forces.\nThank you.\n", encoding="utf-8")
    src.write_text("打擊三股勢力。\n謝謝。\n", encoding="utf-8")
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    runner.invoke(cli, ["glossary", "add", "三股勢力", "three evil forces", "--db", db])
    out = runner.invoke(
        cli,
        [
            "eval",
            "mt",
            "--hyp",
            str(hyp),
            "--ref",
            str(ref),
            "--src",
            str(src),
            "--glossary",
            "--segments",
            str(seg),
            "--db",
            db,
            "--json",
        ],
    )
    data = json.loads(out.output)
    assert data["term_total"] == 1 and data["term_hits"] == 0 and 0 < data["bleu"] < 100
    assert seg.read_text().splitlines()[0] == "line\tbleu\tchrf\tter"
    text = runner.invoke(cli, ["eval", "mt", "--hyp", str(hyp), "--ref", str(ref)]).output
    assert "BLEU" in text and "nrefs:1" in text
    ref.write_text("one line\n", encoding="utf-8")
    bad = runner.invoke(cli, ["eval", "mt", "--hyp", str(hyp), "--ref", str(ref)])
    assert bad.exit_code != 0 and "one segment per line" in bad.output
