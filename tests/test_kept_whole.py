"""Files other tools wrote come back from tm whole, outside the translations (issue 21): hand-made
pages and a Word file LibreOffice wrote (tests/data) through the user's commands and the
round-trip instrument's checks (tests/roundtrip_*.py), so CI covers what the corpus of
third-party files (shared/foreign) found: the page's white space beside inline elements and
after <br>, no DOCTYPE or <meta> it did not have, ITS translate rules honoured; in Word tracked
insertions and deletions, comment anchors and a field whose result is Chinese kept in place."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tm.formats.inline import plain
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .foreign_corpus import schemas_dir
from .roundtrip_cli import WHOLE
from .roundtrip_corpus import round_trip
from .sheet_cells import set_cells

run = test_translate.run  # a CLI runner on an empty memory, no MT model
DATA = Path(__file__).parent / "data"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize(
    "name, folder",
    [
        ("layout-whitespace.html", "html"),
        ("xhtml-no-content-type.xhtml", "html"),
        ("libreoffice-changes-comments-fields.docx", "docx"),
    ],
)
def test_the_instrument_finds_the_file_round_tripped_whole(name, folder, tmp_path):
    copy = tmp_path / folder / name.replace(".", ".zh-en.", 1)  # where the instrument looks for it
    copy.parent.mkdir()
    shutil.copy(DATA / name, copy)
    outcome = round_trip(copy, schemas_dir())
    assert outcome.verdict == WHOLE, "\n".join(outcome.reasons)


def _export(run, source: Path, tmp_path: Path, english) -> tuple[list, Path]:
    sheet, out = tmp_path / "s.xlsx", tmp_path / f"out{source.suffix}"
    result = run("translate", source, "--no-mt", "-o", sheet)
    assert result.exit_code in (0, 1), result.output
    rows = read_workbook(sheet).rows
    set_cells(sheet, {r.id: {"Target": english(r.source), "Status": "approved"} for r in rows})
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 0, result.output
    return rows, out


def test_html_white_space_outside_the_translation_and_no_doctype_are_kept(run, tmp_path):
    page = tmp_path / "page.html"
    shutil.copy(DATA / "layout-whitespace.html", page)
    english = {
        "王毅表示 ⟦1/⟧ 上海精神是合作的基礎 ⟦2/⟧ .": "Wang Yi said ⟦1/⟧ the Shanghai Spirit is the basis ⟦2/⟧ .",
        "朱鎔基總理出席：⟦1/⟧ ⟦2/⟧": "Premier Zhu Rongji attended: ⟦1/⟧ ⟦2/⟧",
    }
    _, out = _export(run, page, tmp_path, lambda s: english.get(s, "Ministry of Foreign Affairs"))
    written = out.read_text(encoding="utf-8")
    assert not written.lstrip().lower().startswith("<!doctype")  # none in the source, none added
    assert '\n    <span translate="no">SCO</span>\n' in written and "2020</span>\n    .\n   </p>" in written
    assert "attended: <br>\n<img" in written


def test_xhtml_gets_no_meta_and_keeps_elements_html_closes(run, tmp_path):
    page = tmp_path / "page.xhtml"
    shutil.copy(DATA / "xhtml-no-content-type.xhtml", page)
    _, out = _export(run, page, tmp_path, lambda s: "Eng " + "".join(t for t in s if t in "⟦⟧/0123456789"))
    written = out.read_bytes()
    etree.fromstring(written)  # still XML
    assert b"http-equiv" not in written and b"<meta" not in written
    assert b'src="site.js"></script>' in written and b'<a name="top"></a>' in written  # not <script/>


def test_its_translate_rules_keep_what_they_select_out_of_the_rows(run, tmp_path):
    page = tmp_path / "page.html"
    shutil.copy(DATA / "its-translate-rule.html", page)
    rows, out = _export(run, page, tmp_path, lambda s: "Eng" + "".join(c for c in s if c in "⟦⟧/0123456789"))
    sources = " ".join(plain(r.source) for r in rows)
    assert "運行" in sources and "王毅訪問" not in sources and "地圖" not in sources
    written = out.read_text(encoding="utf-8")
    assert '<span class="cmd">王毅訪問</span>' in written and 'alt="上海合作組織地圖"' in written


def test_a_selector_that_is_no_xpath_is_one_clear_error(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        (DATA / "its-translate-rule.html").read_text(encoding="utf-8").replace("//h:img/@alt", "//h:img[@"),
        encoding="utf-8",
    )
    result = run("translate", page, "--no-mt", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 4 and "ITS translateRule selector '//h:img[@'" in result.output
    assert not (tmp_path / "s.xlsx").exists()


def test_word_tracked_changes_comments_and_a_chinese_field_result_stay_in_place(run, tmp_path):
    doc = tmp_path / "release.docx"
    shutil.copy(DATA / "libreoffice-changes-comments-fields.docx", doc)
    english = {
        "雙方⟦1⟧一致⟦/1⟧同意⟦2/⟧加強合作。": "Both sides ⟦1⟧unanimously⟦/1⟧ agreed⟦2/⟧ to step up cooperation.",
        "王毅強調⟦1/⟧上海精神⟦2/⟧⟦3/⟧是合作的基礎。": "Wang Yi stressed that ⟦1/⟧the Shanghai Spirit⟦2/⟧⟦3/⟧ is the basis.",
        "標題：⟦1/⟧外交部新聞稿⟦2/⟧。": "Title: ⟦1/⟧MFA press release⟦2/⟧.",
    }
    rows, out = _export(run, doc, tmp_path, lambda s: english[s])
    assert [r.source for r in rows] == list(english)
    body = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml")).find(f"{W}body")
    first, second, third = body.findall(f"{W}p")
    assert "".join(first.find(f"{W}ins").itertext()) == "unanimously"
    assert first.find(f"{W}del").find(f".//{W}delText").text == "已經"  # the deletion, still tracked
    names = [el.tag.split("}")[1] for el in second.iter() if el.tag.startswith(W)]
    start, end = names.index("commentRangeStart"), names.index("commentRangeEnd")
    assert "".join(t.text for t in second.iter(f"{W}t")).startswith(
        "Wang Yi stressed that the Shanghai Spirit"
    )
    between = [t.text for t in second.iter(f"{W}t")][1:2]
    assert between == ["the Shanghai Spirit"] and start < names.index("commentReference") and end > start
    assert [c.get(f"{W}fldCharType") for c in third.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    assert "".join(third.itertext()).replace(" TITLE ", "") == "Title: MFA press release."
