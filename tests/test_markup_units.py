"""What of an HTML page and a Word document is work, through the command line: translate → sheet →
a reviewer approves English → export-doc. Text marked not for translation (HTML translate="no",
class="notranslate"; Word hidden text and do-not-translate styles) is not offered and comes back
untouched; a ruby's base text is translated and its reading is not in a segment; text directly in a
block around inner blocks, meta description/keywords, placeholders, button labels are units; <pre>
keeps its lines (issue 21, points 3 and 6)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from tm.formats.docx_styles import Protection
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .sheet_cells import set_cells

run = test_translate.run  # a CLI runner on an empty memory, no MT model
DATA = Path(__file__).parent / "data"

# Written for this test after the pages of a ministry's site (fmprc.gov.cn's shape: meta keywords
# and description, a search form, an article div with a lead-in around its paragraphs).
PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="keywords" content="外交部,发言人">
<meta name="description" content="外交部发言人答记者问">
<title>外交部</title></head>
<body>
<form action="/search"><input type="text" placeholder="请输入关键词"> <input type="submit" value="搜索"></form>
<div class="content">
导语：发言人回答了提问。
<p>中国<ruby><rb>外交部</rb><rp>(</rp><rt>wài jiāo bù</rt><rp>)</rp></ruby>发言人出席。</p>
<p><ruby>上海<rt>shàng hǎi</rt></ruby>精神是<b>合作</b>的基础。</p>
<p>请访问<span translate="no">外交部网站 www.fmprc.gov.cn</span>查看。</p>
<p class="notranslate">新华社北京9月16日电</p>
<div translate="no"><p>内部编号：外发二〇二〇</p><p translate="yes">双方同意。</p></div>
<pre>
第一行：合作
  第二行：发展
</pre>
（完）
</div>
</body></html>
"""
ENGLISH = {
    "外交部,发言人": "Foreign Ministry, spokesperson",
    "外交部发言人答记者问": "Foreign Ministry spokesperson answers questions",
    "外交部": "Ministry of Foreign Affairs",
    "请输入关键词": "Enter keywords",
    "搜索": "Search",
    "导语：发言人回答了提问。": "Lead: the spokesperson answered questions.",
    "中国外交部发言人出席。": "The Chinese Foreign Ministry spokesperson attended.",
    "上海精神是⟦1⟧合作⟦/1⟧的基础。": "The Shanghai Spirit is the basis of ⟦1⟧cooperation⟦/1⟧.",
    "请访问⟦1/⟧查看。": "See ⟦1/⟧.",
    "双方同意。": "Both sides agreed.",
    "第一行：合作⟦1/⟧第二行：发展": "Line one: cooperation⟦1/⟧Line two: development",
    "（完）": "(End)",
}
UNTOUCHED = (
    '<span translate="no">外交部网站 www.fmprc.gov.cn</span>',
    '<p class="notranslate">新华社北京9月16日电</p>',
    "<p>内部编号：外发二〇二〇</p>",
)


def _approve_all(sheet: Path, english: dict[str, str]) -> list:
    rows = read_workbook(sheet).rows
    assert [r.source for r in rows] == list(english)  # nothing more, nothing less, in page order
    set_cells(sheet, {r.id: {"Target": english[r.source], "Status": "approved"} for r in rows})
    return rows


def test_an_html_page_keeps_what_is_not_for_translation_and_offers_every_text(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    sheet = tmp_path / "page.review.xlsx"
    result = run("translate", page, "-o", sheet, "--no-mt")
    assert result.exit_code == 0, result.output
    _approve_all(sheet, ENGLISH)
    out = tmp_path / "page.en.html"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 0, result.output

    written = out.read_text(encoding="utf-8")
    for kept in UNTOUCHED:  # byte for byte as lxml writes the page
        assert kept in written
    root = lxml.html.document_fromstring(written)
    assert root.get("lang") == "en" and root.find(".//title").text == "Ministry of Foreign Affairs"
    meta = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert meta == {
        "keywords": "Foreign Ministry, spokesperson",
        "description": ENGLISH["外交部发言人答记者问"],
    }
    inputs = root.findall(".//input")
    assert [inputs[0].get("placeholder"), inputs[1].get("value")] == ["Enter keywords", "Search"]
    assert not root.findall(".//ruby") and "wài" not in written and "shàng" not in written  # readings gone
    paragraphs = [p.text_content() for p in root.iter("p")]
    assert paragraphs[:2] == [
        ENGLISH["中国外交部发言人出席。"],
        "The Shanghai Spirit is the basis of cooperation.",
    ]
    assert root.find(".//p/b").text == "cooperation"
    assert paragraphs[2] == "See 外交部网站 www.fmprc.gov.cn."
    assert paragraphs[-1] == "Both sides agreed."
    article = root.find(".//div[@class='content']")
    assert article.text.strip() == "Lead: the spokesperson answered questions."
    assert article[-1].tail.strip() == "(End)"
    assert root.find(".//pre").text == "\nLine one: cooperation\n  Line two: development\n"  # lines kept
    assert [e.tag for e in root.iter() if isinstance(e.tag, str)] == [
        e.tag
        for e in lxml.html.document_fromstring(PAGE).iter()
        if isinstance(e.tag, str) and e.tag not in ("ruby", "rb", "rp", "rt")
    ]  # nothing else added or taken away


def test_a_paragraph_left_in_chinese_keeps_its_ruby(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    sheet = tmp_path / "page.review.xlsx"
    assert run("translate", page, "-o", sheet, "--no-mt").exit_code == 0
    rows = _approve_all(sheet, ENGLISH)
    ruby_row = next(r for r in rows if r.source.startswith("中国外交部"))
    set_cells(sheet, {ruby_row.id: {"Target": None, "Status": None}})
    out = tmp_path / "page.en.html"
    result = run("export-doc", sheet, "-o", out, "--allow-missing")
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert (
        "<p>中国<ruby><rb>外交部</rb><rp>(</rp><rt>wài jiāo bù</rt><rp>)</rp></ruby>发言人出席。</p>"
        in written
    )


def test_a_sheet_that_read_the_page_otherwise_is_refused(run, tmp_path, monkeypatch):
    """A sheet made by a tm that read fewer units (an older version ignored text around inner
    blocks) would put its targets into the wrong paragraphs: export-doc refuses it."""
    import tm.formats.html as html

    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    sheet = tmp_path / "page.review.xlsx"
    reader = html.page_units
    monkeypatch.setattr(html, "page_units", lambda *a: [b for b in reader(*a) if "run" not in b.extra])
    assert run("translate", page, "-o", sheet, "--no-mt").exit_code == 0
    monkeypatch.setattr(html, "page_units", reader)
    rows = read_workbook(sheet).rows
    set_cells(sheet, {r.id: {"Target": "x", "Status": "approved"} for r in rows})
    out = tmp_path / "page.en.html"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 4 and "translate it again" in result.output and not out.exists()


# Written by LibreOffice 7.4 (soffice --convert-to docx) from the .fodt beside it: a ruby over
# 外交部 and 上海, a run in the character style DoNotTranslate, hidden text set directly and by a
# character style (Hidden Note), and a paragraph in the style tw4winExternal.
WORD = DATA / "libreoffice-ruby-not-for-translation.docx"
WORD_ENGLISH = {
    "中國外交部發言人答記者問。": "The Chinese Foreign Ministry spokesperson answered questions.",
    "請訪問⟦1/⟧查看全文。": "See ⟦1/⟧ for the full text.",
    "雙方同意加強合作。⟦1/⟧": "Both sides agreed to strengthen cooperation.⟦1/⟧",
    "王毅⟦1/⟧表示，上海精神是合作的基礎。": "Wang Yi⟦1/⟧ said the Shanghai Spirit is the basis of cooperation.",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _body(path: Path) -> list:
    import docx

    return list(docx.Document(str(path)).element.body.iter(f"{{{W}}}p"))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t"))


def test_a_word_document_with_ruby_and_text_not_for_translation(run, tmp_path):
    source = tmp_path / "release.docx"
    shutil.copy(WORD, source)
    sheet = tmp_path / "release.review.xlsx"
    result = run("translate", source, "-o", sheet, "--no-mt")
    assert result.exit_code == 0, result.output
    _approve_all(sheet, WORD_ENGLISH)
    out = tmp_path / "release.en.docx"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 0, result.output

    before, after = _body(source), _body(out)
    texts = [_text(p) for p in after]
    assert texts[0] == WORD_ENGLISH["中國外交部發言人答記者問。"]  # the reading is gone
    assert not after[0].findall(f".//{{{W}}}ruby") and not after[4].findall(f".//{{{W}}}ruby")
    assert texts[1] == "See www.fmprc.gov.cn for the full text."
    assert texts[2] == "Both sides agreed to strengthen cooperation.內部備註：勿譯。"
    assert texts[4] == "Wang Yi（據新華社） said the Shanghai Spirit is the basis of cooperation."

    def run_holding(paragraph, text):
        return next(r for r in paragraph.iter(f"{{{W}}}r") if _text(r) == text)

    for para, kept in ((1, "www.fmprc.gov.cn"), (2, "內部備註：勿譯。"), (4, "（據新華社）")):
        assert etree.tostring(run_holding(after[para], kept)) == etree.tostring(
            run_holding(before[para], kept)
        )
    assert etree.tostring(after[3]) == etree.tostring(before[3])  # the tw4winExternal paragraph

    if shutil.which("soffice"):  # and LibreOffice opens it, showing the English without readings
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "txt",
             "--outdir", str(tmp_path / "txt"), str(out)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        shown = (tmp_path / "txt" / "release.en.txt").read_text(encoding="utf-8-sig")
        assert "The Chinese Foreign Ministry spokesperson answered questions." in shown
        assert "wài" not in shown and "Shànghǎi" not in shown


STYLES = f"""<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="NoTrans"><w:name w:val="No_Trans"/></w:style>
<w:style w:type="character" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="NoTrans"/></w:style>
<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Spelling"><w:name w:val="Spelling"/><w:rPr><w:noProof/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Quiet"><w:name w:val="Quiet"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Para"><w:name w:val="DONOTTRANSLATE_para"/></w:style>
</w:styles>"""


@pytest.mark.parametrize(
    "run_properties, paragraph_style, excluded",
    [
        ("", None, False),
        ('<w:rStyle w:val="NoTrans"/>', None, True),
        ('<w:rStyle w:val="Code"/>', None, True),  # based on a style not for translation
        ('<w:rStyle w:val="Secret"/>', None, True),  # hidden by its style
        ('<w:rStyle w:val="Secret"/><w:vanish w:val="0"/>', None, False),  # shown by the run itself
        ('<w:rStyle w:val="Spelling"/>', None, False),  # "do not check spelling" is still work
        ("<w:noProof/>", None, False),
        ("", "Quiet", True),  # hidden by its paragraph's style
    ],
)
def test_which_word_runs_are_not_for_translation(run_properties, paragraph_style, excluded):
    protection = Protection(etree.fromstring(STYLES))
    r = etree.fromstring(f'<w:r xmlns:w="{W}"><w:rPr>{run_properties}</w:rPr><w:t>字</w:t></w:r>')
    assert protection.run_excluded(r, paragraph_style or protection.default_paragraph) is excluded


def test_a_word_paragraph_in_a_style_not_for_translation_is_not_read():
    protection = Protection(etree.fromstring(STYLES))
    para = etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="Para"/></w:pPr></w:p>')
    plain_para = etree.fromstring(f'<w:p xmlns:w="{W}"/>')
    assert protection.paragraph_excluded(para) and not protection.paragraph_excluded(plain_para)


def test_inline_elements_of_older_pages_show_their_text(tmp_path):
    from tm.formats.html import HtmlDocument

    page = tmp_path / "old.html"
    page.write_text(
        "<html><body><p>总理<tt>朱镕基</tt>出席<strike>会议</strike>。</p></body></html>", "utf-8"
    )
    assert [b.text for b in HtmlDocument(page).blocks] == ["总理⟦1⟧朱镕基⟦/1⟧出席⟦2⟧会议⟦/2⟧。"]
