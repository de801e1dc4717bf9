"""What of an HTML page and a Word document is work, through the command line: translate → sheet →
a reviewer approves English → export-doc. Text marked not for translation (HTML translate="no",
class="notranslate"; Word hidden text and do-not-translate styles) is not offered and comes back
untouched; a ruby's base text is translated and its reading is not in a segment; text directly in a
block around inner blocks, meta description/keywords, placeholders, button labels are units; <pre>
keeps its lines (issue 21, points 3 and 6)."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .sheet_cells import set_cells

run = test_translate.run  # a CLI runner on an empty memory, no MT model

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
