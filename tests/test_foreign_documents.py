"""Pages and XLIFF files other tools wrote: HTML in UTF-16, XHTML with an XML declaration, a page
in GB18030 without a charset; XLIFF whose segments a CAT tool already settled, XLIFF from another
language, and the bilingual files CAT tools keep (.sdlxliff, .mqxliff) given to `tm review`."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from lxml import etree

from tm.formats.inline import plain
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .test_translate import edit

run = test_translate.run  # a CLI runner on an empty memory, no MT model

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>外交部</title></head>
<body><p>王毅表示，<b>上海精神</b>是合作的基础。</p><p>朱镕基总理出席。</p></body></html>
"""
XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh-CN" lang="zh-CN">
<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /><title>外交部</title></head>
<body><p>王毅表示，<b>上海精神</b>是合作的基础。</p><p>朱镕基总理出席。<br />&nbsp;</p>
<script type="text/javascript">//<![CDATA[
if (1 < 2) { document.title = "x"; }
//]]></script></body></html>
"""
ENGLISH = {
    "外交部": "Ministry of Foreign Affairs",
    "王毅表示，上海精神是合作的基础。": "Wang Yi said the Shanghai Spirit is the basis of cooperation.",
    "朱镕基总理出席。": "Premier Zhu Rongji attended.",
}


def _translate_and_export(run, page: Path, tmp_path: Path, *options) -> Path:
    sheet = tmp_path / "page.review.xlsx"
    result = run("translate", page, "-o", sheet, "--no-mt", *options)
    assert result.exit_code == 0, result.output
    rows = read_workbook(sheet).rows
    assert [plain(r.source) for r in rows] == list(ENGLISH)
    edit(sheet, {r.id: {"Target": ENGLISH[plain(r.source)], "Status": "approved"} for r in rows})
    edit(
        sheet,
        {rows[1].id: {"Target": "Wang Yi said the ⟦1⟧Shanghai Spirit⟦/1⟧ is the basis of cooperation."}},
    )
    out = tmp_path / f"page.en{page.suffix}"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_an_html_page_in_utf16_is_read_by_its_mark_and_written_back_in_it(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.format(charset="utf-16").encode("utf-16"))  # with its byte-order mark
    out = _translate_and_export(run, page, tmp_path)
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    text = data.decode("utf-16")
    assert "<b>Shanghai Spirit</b>" in text and 'lang="en"' in text and "镕" not in text


def test_xhtml_with_an_xml_declaration_is_read_and_written_back_as_xml(run, tmp_path):
    page = tmp_path / "page.xhtml"
    page.write_text(XHTML, encoding="utf-8")
    out = _translate_and_export(run, page, tmp_path)
    written = out.read_bytes()
    assert written.startswith(b"<?xml")
    root = etree.fromstring(written)  # well-formed XML (its &nbsp; read, not a fall-back to HTML)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.find(".//h:b", ns).text == "Shanghai Spirit"
    assert root.find(".//h:br", ns) is not None and b"<br>" not in written
    assert b"<![CDATA[" in written and "if (1 < 2)" in root.find(".//h:script", ns).text


def test_a_page_without_a_charset_is_read_in_the_encoding_given_and_exported_alike(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.replace('<meta charset="{charset}">', "").encode("gb18030"))
    refused = run("translate", page, "-o", tmp_path / "x.xlsx", "--no-mt")
    assert refused.exit_code == 4 and "pass --encoding" in refused.output
    out = _translate_and_export(run, page, tmp_path, "--encoding", "gb18030")
    assert b"Premier Zhu Rongji attended." in out.read_bytes()


def test_a_gb2312_page_holding_a_gbk_character_is_read(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.format(charset="gb2312").encode("gb18030"))  # 镕 is GBK, not GB2312
    out = _translate_and_export(run, page, tmp_path)
    assert b"Premier Zhu Rongji attended." in out.read_bytes()


XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="{src}" trgLang="en-US"><file id="f1">
<unit id="u1"><segment state="final"><source>雙方同意。</source><target>Both sides agreed.</target></segment></unit>
<unit id="u2"><segment state="final"><source>弘揚上海精神。</source><target>Carry the spirit.</target></segment></unit>
<unit id="u3"><segment><source>加強合作。</source></segment></unit>
</file></xliff>
"""


def test_xliff_segments_a_cat_tool_settled_keep_their_state_unless_their_target_changes(run, tmp_path):
    source = tmp_path / "batch.xlf"
    source.write_text(XLIFF20.format(src="zh-CN"), encoding="utf-8")
    sheet = tmp_path / "batch.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    edit(sheet, {r.id: {"Status": "approved"} for r in rows})
    edit(sheet, {rows[1].id: {"Target": "Carry forward the Shanghai Spirit."}})
    edit(sheet, {rows[2].id: {"Target": "Strengthen cooperation."}})
    out = tmp_path / "batch.en.xlf"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    segments = etree.parse(str(out)).getroot().findall(".//x:segment", ns)
    assert [(s.get("state"), s.find("x:target", ns).text) for s in segments] == [
        ("final", "Both sides agreed."),  # written back as it was: still final
        ("translated", "Carry forward the Shanghai Spirit."),
        ("translated", "Strengthen cooperation."),
    ]


def test_an_xliff_file_from_another_language_is_named_in_a_warning(run, tmp_path):
    source = tmp_path / "batch.xlf"
    source.write_text(XLIFF20.format(src="ja-JP"), encoding="utf-8")
    result = run("translate", source, "-o", tmp_path / "batch.review.xlsx", "--no-mt")
    assert result.exit_code == 0
    assert "its srcLang is ja-JP, not Chinese" in result.output


SDLXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2" sdl:version="1.0">
<file original="batch.xlf" datatype="x-sdlfilterframework2" source-language="zh-CN" target-language="en-US"><body>
<trans-unit id="6b1f2c1e-0c61-4f0e-9d7b-2b8f3f1f7c11"><source>雙方同意。</source>
<seg-source><mrk mtype="seg" mid="1">雙方同意。</mrk></seg-source>
<target><mrk mtype="seg" mid="1">Both sides agreed.</mrk></target>
<sdl:seg-defs><sdl:seg id="1" conf="Translated" origin="interactive"/></sdl:seg-defs></trans-unit>
</body></file></xliff>
"""
MQXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff" version="1.2">
<file original="batch.xlf" source-language="zho-CN" target-language="eng-US" datatype="plaintext"><body>
<trans-unit id="1" mq:status="ManuallyConfirmed"><source xml:space="preserve">雙方同意。</source>
<target xml:space="preserve">Both sides agreed.</target></trans-unit>
</body></file></xliff>
"""


@pytest.mark.parametrize(
    "name, text, said",
    [
        ("batch.xlf.sdlxliff", SDLXLIFF, "SDL Trados Studio's own file (.sdlxliff)"),
        ("batch.mqxliff", MQXLIFF, "memoQ's own file (.mqxliff)"),
    ],
)
def test_review_names_a_cat_tools_own_file_and_what_to_give_it(run, tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("review", path)
    assert result.exit_code == 4
    assert said in result.output and "give `tm review` that file" in result.output
    assert "xlsx" not in result.output


def test_a_utf16_page_named_txt_is_named_for_what_it_is(run, tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(XHTML.encode("utf-16"))
    result = run("segment", page)
    assert result.exit_code == 4 and "is an HTML page" in result.output and "--format html" in result.output


def test_align_reads_a_page_without_a_charset_in_the_encoding_given(tmp_path):
    from tm.align.pairs import read_sentences

    page = tmp_path / "page.html"
    page.write_bytes(PAGE.replace('<meta charset="{charset}">', "").encode("gb18030"))
    sentences, _ = read_sentences(page, "zh", False, "gb18030")
    assert "朱镕基总理出席。" in sentences
