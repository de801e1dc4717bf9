"""Placeholders of a new segment placed in the memory's target by the word links of the unit it
matched (tm.workflow.placeholders): the memory stores plain text, so a 100 % or fuzzy proposal
gets the segment's bold runs, links and breaks around or after the English of their words, and
QA names those the links cannot place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tm.formats.inline import plain
from tm.workflow.placeholders import restore
from tm.workflow.wordlinks import PositionMap, links_of

from . import test_translate
from .test_documents import _hyperlink

run = test_translate.run  # a CLI runner on an empty memory, no MT model

ZH = "中方願意同各方加強合作，詳情見外交部網站。"
EN = "China is willing to strengthen cooperation with all parties; details are on the website of the Foreign Ministry."
PLACED = (
    "China is willing to ⟦1⟧strengthen cooperation⟦/1⟧ with all parties; details are on the website "
    "of the ⟦2⟧Foreign Ministry⟦/2⟧."
)


def _placed(source: str, memory_source: str = ZH, target: str = EN) -> str:
    links = links_of(memory_source, target)
    return restore(source, target, None, links, PositionMap(plain(source), memory_source))


def test_pairs_go_around_the_english_of_their_words_and_a_break_after_its_word():
    assert _placed("中方願意同各方⟦1⟧加強合作⟦/1⟧，詳情見⟦2⟧外交部⟦/2⟧網站。") == PLACED
    # simplified, or another script than the memory's: the same words
    assert _placed("中方愿意同各方⟦1⟧加强合作⟦/1⟧，详情见⟦2⟧外交部⟦/2⟧网站。") == PLACED
    assert _placed("中方願意同各方加強合作⟦1/⟧，詳情見外交部網站。") == (
        "China is willing to strengthen cooperation⟦1/⟧ with all parties; details are on the website of "
        "the Foreign Ministry."
    )
    # a fuzzy match: what the two sources share carries the placeholders; a pair around the words
    # that differ (各國, the memory says 各方) has no place in the memory's English
    assert _placed("中方願意同各國⟦1⟧加強合作⟦/1⟧，詳情見⟦2⟧外交部⟦/2⟧網站。") == PLACED
    assert _placed("中方願意同⟦1⟧各國⟦/1⟧加強合作，詳情見外交部網站。") == EN


def test_without_links_only_the_certain_places_are_used():
    assert restore("中方⟦1⟧願意⟦/1⟧。", "China is willing.", None, [], None) == "China is willing."
    assert restore("⟦1⟧中方願意。⟦/1⟧", "China is willing.", None, []) == "⟦1⟧China is willing.⟦/1⟧"


def test_a_stretch_over_other_words_or_a_place_that_breaks_the_nesting_is_left_out():
    target = "China is willing to strengthen cooperation."
    links = [((0, 2), (0, 5)), ((7, 9), (20, 30)), ((9, 11), (31, 42))]
    assert restore("中方願意同各方⟦1⟧加強⟦/1⟧合作。", target, None, links) == (
        "China is willing to ⟦1⟧strengthen⟦/1⟧ cooperation."
    )
    # 加強 linked back to "China" too: "willing" between is 願意's alone, so the stretch is not 加強's
    stretched = [((7, 9), (20, 30)), ((7, 9), (0, 5)), ((2, 4), (9, 16)), ((9, 11), (31, 42))]
    assert restore("中方願意同各方⟦1⟧加強⟦/1⟧合作。", target, None, stretched) == target
    # ⟦1⟧ and ⟦2⟧ are apart in the source; ⟦2⟧'s English lies inside ⟦1⟧'s: left for the reviewer
    both = [((7, 9), (20, 30)), ((7, 9), (31, 42)), ((9, 11), (31, 42))]
    assert restore("中方願意同各方⟦1⟧加強⟦/1⟧⟦2⟧合作⟦/2⟧。", target, None, both) == (
        "China is willing to ⟦1⟧strengthen cooperation⟦/1⟧."
    )


def _memory(run, tmp_path: Path) -> None:
    tsv = tmp_path / "memory.tsv"
    tsv.write_text(f"source\ttarget\n{ZH}\t{EN}\n", encoding="utf-8")
    assert run("import", tsv).exit_code == 0


def _docx(path: Path, paragraphs: list[tuple[str, str, str, str, str]]) -> Path:
    """Paragraphs of (text, bold run, text, linked text, text)."""
    import docx

    document = docx.Document()
    for before, bold, middle, linked, after in paragraphs:
        p = document.add_paragraph(before)
        p.add_run(bold).bold = True
        p.add_run(middle)
        _hyperlink(p, linked, "https://www.mfa.gov.cn/")
        p.add_run(after)
    document.save(path)
    return path


RELEASE = [
    ("中方願意同各方", "加強合作", "，詳情見", "外交部", "網站。"),  # the memory's sentence: 100 %
    ("中方願意同各國", "加強合作", "，詳情見", "外交部", "網站。"),  # one word differs: fuzzy
]


def _rows(run, tmp_path: Path, release: Path) -> list[dict]:
    """The sheet's rows by column (Source, Target, QA issues…)."""
    from openpyxl import load_workbook

    sheet = tmp_path / "release.review.xlsx"
    result = run("translate", release, "-o", sheet, "--no-mt", "--force")
    assert result.exit_code in (0, 1), result.output
    cells = list(load_workbook(sheet)["Segments"].iter_rows(values_only=True))
    return [{k: v or "" for k, v in zip(cells[0], row)} for row in cells[1:]]


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_release_gets_its_bold_term_and_link_in_the_memorys_english(run, tmp_path, kind):
    _memory(run, tmp_path)
    if kind == "docx":
        release = _docx(tmp_path / "release.docx", RELEASE)
    else:
        paragraphs = "".join(
            f'<p>{a}<b>{b}</b>{c}<a href="https://www.mfa.gov.cn/">{d}</a>{e}</p>'
            for a, b, c, d, e in RELEASE
        )
        release = tmp_path / "release.html"
        release.write_text(f"<html><body>{paragraphs}</body></html>", encoding="utf-8")
    rows = _rows(run, tmp_path, release)
    assert [r["Source"] for r in rows][0] == "中方願意同各方⟦1⟧加強合作⟦/1⟧，詳情見⟦2⟧外交部⟦/2⟧網站。"
    assert [r["Target"] for r in rows] == [PLACED, PLACED]
    assert not any("placeholders" in r["QA issues"] for r in rows)
    sheet = tmp_path / "release.review.xlsx"
    out = tmp_path / f"release.en.{kind}"
    assert run("export-doc", sheet, "-o", out, "--allow-draft").exit_code == 0
    if kind == "html":
        written = out.read_text(encoding="utf-8")
        assert "<b>strengthen cooperation</b>" in written
        assert '<a href="https://www.mfa.gov.cn/">Foreign Ministry</a>.' in written
    else:
        import docx

        paragraph = docx.Document(out).paragraphs[0]
        assert [r.text for r in paragraph.runs if r.bold] == ["strengthen cooperation"]
        assert "Foreign Ministry" in paragraph._p.xml.split("w:hyperlink")[1]


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh-CN"><file id="f1">
<unit id="u1"><segment><source>中方願意同各方加強合作<ph id="1"/>，詳情見外交部網站。</source></segment></unit>
<unit id="u2"><segment><source>中方願意同<pc id="2">各國</pc>加強合作，詳情見外交部網站。</source></segment></unit>
</file></xliff>
"""


def test_an_xliff_ph_mid_sentence_lands_after_its_word_and_the_unplaceable_is_flagged(run, tmp_path):
    _memory(run, tmp_path)
    batch = tmp_path / "batch.xlf"
    batch.write_text(XLIFF, encoding="utf-8")
    rows = _rows(run, tmp_path, batch)
    assert rows[0]["Target"] == (
        "China is willing to strengthen cooperation⟦1/⟧ with all parties; details are on the website "
        "of the Foreign Ministry."
    )
    assert rows[1]["Target"] == EN  # 各國 is not in the memory's source: no words to place it by
    assert "placeholders: missing ⟦/1⟧ ⟦1⟧" in rows[1]["QA issues"]
    assert "placeholders" not in rows[0]["QA issues"]
    out = tmp_path / "batch.en.xlf"
    assert run("export-doc", tmp_path / "release.review.xlsx", "-o", out, "--allow-draft").exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert 'strengthen cooperation<ph id="1"/> with all parties' in written


class _AttendingEngine:
    """An engine whose attention is right: what the pipeline does with an engine's links."""

    def prepare(self, segment: str) -> str:
        return segment.strip()

    def translate(self, segments, recognizer=None, lexicon=None):
        from tm.mt.engine import Translation

        return [Translation(s, EN, 0.9) for s in segments]

    def attention_links(self, segments, outputs):
        return [links_of(ZH, output) for output in outputs]


def test_machine_translation_places_placeholders_by_the_engines_attention():
    from tm.text.segment import Segment
    from tm.workflow.pipeline import Batch, Document, Row, machine_translate

    source = "中方願意同各方⟦1⟧加強合作⟦/1⟧，詳情見⟦2⟧外交部⟦/2⟧網站⟦3/⟧。"
    row = Row(Segment("d", 1, 1, source), source)
    machine_translate(Batch([Document("d", Path("d.html"), [row], [0])]), _AttendingEngine())
    assert row.origin == "MT"
    assert row.target == (
        "China is willing to ⟦1⟧strengthen cooperation⟦/1⟧ with all parties; details are on the website⟦3/⟧ "
        "of the ⟦2⟧Foreign Ministry⟦/2⟧."
    )


def test_the_engines_attention_links_each_output_piece_to_a_source_piece(tiny_model):
    """The tiny model memorised 26 sentences: its attention is no guide to where words are (a
    real model's is better, and none can be had here), so this checks the mechanism only."""
    from tm.mt.engine import MAX_SOURCE_TOKENS, Engine

    engine = Engine(tiny_model, compute_type="float32")
    source = "外長們強調合作。"
    output = engine.translate([source])[0].text
    (links,) = engine.attention_links([source], [output])
    prepared = engine.prepare(source)
    assert links
    assert all(0 <= a < b <= len(prepared) and 0 <= c < d <= len(output) for (a, b), (c, d) in links)
    assert all(not output[c].isspace() for _, (c, _) in links)
    starts = [c for _, (c, _) in links]
    assert starts == sorted(starts)
    words = [m.span() for m in re.finditer(r"\w+", output)]
    assert all(any(c < e and s < d for _, (c, d) in links) for s, e in words)  # every word is linked
    assert engine.attention_links(["合作" * MAX_SOURCE_TOKENS], ["cooperation"]) == [[]]  # decoded in clauses


def test_what_a_poor_attention_cannot_place_is_named_in_qa(tiny_model, db_path, tmp_path):
    from tm.formats.inline import misnested, tags_of
    from tm.memory import open_memory

    from .conftest import cli_invoker

    open_memory(db_path).close()
    run = cli_invoker(db_path)
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>外長們<b>強調</b>合作<br/>。</p></body></html>", encoding="utf-8")
    sheet = tmp_path / "page.xlsx"
    result = run("translate", page, "-o", sheet, "--compute-type", "float32", "--force")
    assert result.exit_code in (0, 1), result.output
    from openpyxl import load_workbook

    cells = list(load_workbook(sheet)["Segments"].iter_rows(values_only=True))
    row = dict(zip(cells[0], cells[1]))
    assert row["Origin"] == "MT" and row["Source"] == "外長們⟦1⟧強調⟦/1⟧合作⟦2/⟧。"
    assert not misnested(row["Target"]) and tags_of(row["Target"]) <= tags_of(row["Source"])
    if tags_of(row["Target"]) != tags_of(row["Source"]):
        assert "placeholders: missing" in row["QA issues"]


def test_the_links_stored_with_the_unit_are_the_ones_used(run, tmp_path, db_path):
    """The memory keeps each unit's links (tm.align.unitlinks); placement reads them, so a unit
    whose stored links say nothing gets nothing placed, and QA names the placeholders."""
    from tm.align.unitlinks import encode, tokens
    from tm.memory import open_memory

    _memory(run, tmp_path)
    with open_memory(db_path) as memory:
        (unit,) = [u for u in memory.iter_units()]
        zh, _, en, _ = tokens(unit.source, unit.target)
        with memory.transaction():
            memory.store_links([(unit.id, encode(len(zh), len(en), set()))])
    rows = _rows(run, tmp_path, _docx(tmp_path / "release.docx", RELEASE[:1]))
    assert rows[0]["Target"] == EN
    assert "placeholders: missing" in rows[0]["QA issues"]
