"""The round-trip instrument (bench/foreign_roundtrip.py, tests/roundtrip_*.py) sees what it must:
a change outside the targets, whitespace tm reformats, a lost inline code, a lost prop, a segment
that is no row, an encoding changed; and it normalises only what is no content (attribute order,
the declaration's quotes, CDATA). Small files made here; no corpus needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from .roundtrip_cli import ELSE, REFUSED, WHOLE, English, Outcome, coverage
from .roundtrip_corpus import round_trip, table
from .roundtrip_memory import check_tmx
from .roundtrip_xliff import check_export
from .roundtrip_xml import differences, parse, preamble_differences, tokens


def _diff(a: str, b: str) -> list[str]:
    return differences(tokens(parse(a.encode()).getroot()), tokens(parse(b.encode()).getroot()))


def test_attribute_order_declaration_quotes_and_cdata_are_not_differences():
    a = '<?xml version="1.0" encoding="UTF-8"?><r a="1" b="2"><x><![CDATA[1 < 2]]></x></r>'
    b = "<?xml version='1.0' encoding='utf-8'?><r b=\"2\" a=\"1\"><x>1 &lt; 2</x></r>"
    assert _diff(a, b) == []
    assert preamble_differences(a.encode(), b.encode()) == []


@pytest.mark.parametrize(
    "after, said",
    [
        ('<r a="1"><x>t</x>\n  <y/></r>', "tail at /r/x: '\\n' → '\\n  '"),  # whitespace tm reformats
        ('<r a="2"><x>t</x>\n<y/></r>', "/r: @a '1' → '2'"),
        ('<r a="1"><x>t</x>\n</r>', "lost: <y> at /r/y"),
        ('<r a="1"><x>t</x>\n<y/><!-- c --></r>', "added: comment ' c ' at /r"),
    ],
)
def test_every_change_is_named(after, said):
    found = _diff('<r a="1"><x>t</x>\n<y/></r>', after)
    assert said in found, found


def test_an_encoding_or_byte_order_mark_changed_is_named():
    a = '<?xml version="1.0" encoding="UTF-16"?><r/>'.encode("utf-16")
    b = b'<?xml version="1.0" encoding="UTF-8"?><r/>'
    assert preamble_differences(a, b) == [
        "byte-order mark: 'UTF-16LE BOM' → None",
        "encoding: 'UTF-16' → 'UTF-8'",
    ]


def test_the_english_keeps_placeholders_variables_and_whitespace():
    english = English()
    assert english.row("讀取⟦1⟧配置⟦/1⟧時出錯：{0} ⟦2/⟧") == "Eng1⟦1⟧Eng2⟦/1⟧Eng3 {0} ⟦2/⟧"
    assert english.row("SCO") == "SCO"  # text without Chinese is its own translation
    assert english.written == ["Eng1", "Eng2", "Eng3"]


def test_coverage_names_a_split_segment_a_missing_one_and_a_stray_row():
    rows = [("d:1:1", "甲乙。"), ("d:1:2", "丙丁。"), ("d:2:1", "戊⟦1/⟧己"), ("d:3:1", "no")]
    assert coverage(["甲乙。丙丁。", "戊己", "庚"], rows) == [
        "a segment split into 2 rows",
        "not a row: '庚'",
        "a row that is no segment of the file: 'no'",
    ]
    assert coverage(["甲乙。", "丙丁。"], rows[:2]) == []


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
 <file id="f1">
  <unit id="u1"><segment state="initial"><source>雙方<pc id="1">同意</pc>。</source>{t1}</segment></unit>
  <unit id="u2" translate="no"><segment><source>不譯</source></segment></unit>
 </file>
</xliff>
"""
PERMISSIVE = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:oasis:names:tc:xliff:document:2.0">
<xs:element name="xliff"><xs:complexType><xs:sequence><xs:any processContents="skip" maxOccurs="unbounded"/></xs:sequence>
<xs:anyAttribute processContents="skip"/></xs:complexType></xs:element></xs:schema>"""


@pytest.fixture
def schemas(tmp_path) -> Path:
    (tmp_path / "xliff20").mkdir()
    (tmp_path / "xliff20" / "xliff_core_2.0.xsd").write_text(PERMISSIVE)
    return tmp_path


def _check(export: str, schemas: Path, words=("Eng1", "Eng2")) -> list[str]:
    english = English()
    english.written += words
    outcome = Outcome(Path("x.xlf"), "xliff20")
    check_export(outcome, schemas, XLIFF.format(t1="").encode(), export.encode(), english, "sheet")
    return outcome.reasons


def test_an_xliff_export_with_only_targets_and_states_changed_passes(schemas):
    target = '<target>Eng1<pc id="1">Eng2</pc>.</target>'
    export = XLIFF.format(t1=target).replace('state="initial"', 'state="translated"')
    assert _check(export, schemas) == []


@pytest.mark.parametrize(
    "target, change, said",
    [
        ("<target>Eng1 Eng2.</target>", None, "inline codes {pc#1} in the source, {} in the target"),
        ('<target>Eng1<pc id="1">同意</pc>.</target>', None, "Chinese left in its target"),
        (
            '<target>Eng1<pc id="1">Eng2</pc>.</target>',
            ('trgLang="en"', 'trgLang="en-US"'),
            "@trgLang 'en' → 'en-US'",
        ),
        (
            '<target>Eng1<pc id="1">Eng2</pc>.</target>',
            ("\n </file>", "</file>"),
            "lost: tail '\\n ' at /xliff/file/unit[2]",
        ),
        (
            '<target>Eng1<pc id="1">Eng3</pc>.</target>',
            None,
            "English words typed are not in one target each (Eng2)",
        ),
    ],
)
def test_an_xliff_export_is_held_to_every_check(schemas, target, change, said):
    export = XLIFF.format(t1=target)
    if change:
        export = export.replace(*change)
    reasons = _check(export, schemas)
    assert any(said in r for r in reasons), reasons


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh" datatype="plaintext"/>
<body><tu tuid="7"><prop type="x-client">MFA</prop><note>checked</note>
<tuv xml:lang="zh"><seg>雙方<bpt i="1">&lt;b&gt;</bpt>同意<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="en"><seg>Both <bpt i="1">&lt;b&gt;</bpt>agreed<ept i="1">&lt;/b&gt;</ept></seg></tuv></tu></body></tmx>
"""


def test_a_tmx_export_keeps_segments_with_codes_props_and_notes(tmp_path):
    dtd = tmp_path / "tmx14.dtd"
    dtd.write_text("<!ELEMENT tmx ANY><!ATTLIST tmx version CDATA #IMPLIED>")  # checked elsewhere
    assert [r for r in check_tmx(TMX.encode(), TMX.encode(), dtd) if "invalid" not in r] == []
    plain = TMX.replace('<bpt i="1">&lt;b&gt;</bpt>', "").replace('<ept i="1">&lt;/b&gt;</ept>', "")
    reasons = check_tmx(
        TMX.encode(), plain.replace('tuid="7"', "").replace("<note>checked</note>", "").encode(), dtd
    )
    assert any("segment '雙方<bpt" in r and "exported as '雙方同意'" in r for r in reasons), reasons
    reasons = check_tmx(
        TMX.encode(), TMX.replace('tuid="7"', "").replace("<note>checked</note>", "").encode(), dtd
    )
    assert [r for r in reasons if "lost" in r] == [
        "<tu> at line 3: tu @tuid = '7' lost",
        "<tu> at line 3: tu note = 'checked' lost",
    ]


def test_a_file_tm_refuses_with_one_message_is_refused_clearly_and_the_table_counts_it(tmp_path):
    folder = tmp_path / "tmx"
    folder.mkdir()
    path = folder / "two-englishes.zh-en.tmx"
    path.write_text(
        TMX.replace(
            '<tuv xml:lang="en">', '<tuv xml:lang="en-GB"><seg>Both</seg></tuv><tuv xml:lang="en-US">'
        )
    )
    outcome = round_trip(path, tmp_path)
    assert outcome.verdict == REFUSED and "say which to read" in outcome.message
    assert "| tmx | 1 | 0 | 1 | 0 |" in table([outcome])


def test_a_traceback_is_anything_else(tmp_path, monkeypatch):
    import tm.formats.tmx as tmx_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    for name in dir(tmx_module):
        if name.startswith("read") and callable(getattr(tmx_module, name)):
            monkeypatch.setattr(tmx_module, name, broken)
    folder = tmp_path / "tmx"
    folder.mkdir()
    path = folder / "a.zh-en.tmx"
    path.write_text(TMX)
    outcome = round_trip(path, tmp_path)
    assert outcome.verdict == ELSE and any("traceback" in r and "boom" in r for r in outcome.reasons), (
        outcome.reasons
    )
    assert outcome.verdict != WHOLE


# --- what a translated document may change: its language, and rubies over Chinese ------------


def _html(text: str):
    from lxml import html

    return html.document_fromstring(text)


def test_html_the_root_may_gain_lang_en_only():
    from .roundtrip_docs import _english_declared

    before = _html("<html><body><p>x</p></body></html>")
    for added, kept in (('lang="en"', {}), ('lang="fr"', {"lang": "fr"})):
        after = _html(f"<html {added}><body><p>x</p></body></html>")
        _english_declared(before, after)
        assert dict(after.attrib) == kept
    after = _html('<html><body><p lang="en">x</p></body></html>')  # not the root: a difference
    _english_declared(before, after)
    assert differences(tokens(before), tokens(after))


def test_html_a_ruby_over_chinese_may_lose_its_reading_and_markup_not_a_ruby_over_other_text():
    from .roundtrip_docs import _rubies_dropped

    page = _html(
        "<html><body><p>a <ruby><rb>漢字</rb><rp>(</rp><rt>kanji</rt><rp>)</rp></ruby> b</p>"
        "<p><ruby>ab<rt>x</rt></ruby></p></body></html>"
    )
    _rubies_dropped(page)
    first, second = page.findall(".//p")
    assert first.text == "a 漢字 b" and len(first) == 0
    assert second[0].tag == "ruby" and second[0][0].text == "x"


def test_word_the_language_may_become_english_and_nothing_else_may():
    from .roundtrip_docs import W, _language_set_aside

    def part(lang: str):
        return parse(
            f'<w:styles xmlns:w="{W[1:-1]}"><w:rPr><w:lang w:val="{lang}" w:eastAsia="zh-CN"/></w:rPr>'
            f'<w:rPr><w:lang w:val="{lang}"/><w:b/></w:rPr></w:styles>'.encode()
        ).getroot()

    before, after = part("fr-FR"), part("en-US")
    assert _language_set_aside(before, False) == [] and _language_set_aside(after, True) == []
    assert differences(tokens(before), tokens(after)) == []
    assert _language_set_aside(part("de-DE"), True) == ["w:lang 'de-DE', not English"] * 2
    core = parse(
        b'<cp:coreProperties xmlns:cp="urn:cp" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:language>zh-CN</dc:language></cp:coreProperties>"
    ).getroot()
    assert _language_set_aside(core, True) == ["dc:language 'zh-CN', not English"]


def test_xliff_may_gain_a_target_language_where_it_had_none_only():
    from .roundtrip_xliff import _english_declared

    before = parse(
        b'<xliff><file source-language="zh"/><file source-language="zh" target-language="fr"/></xliff>'
    )
    after = parse(
        b'<xliff><file source-language="zh" target-language="en"/>'
        b'<file source-language="zh" target-language="en"/></xliff>'
    )
    kept = _english_declared(before.getroot(), after.getroot())
    assert [dict(f.attrib) for f in kept] == [
        {"source-language": "zh"},
        {"source-language": "zh", "target-language": "en"},  # fr → en is a difference
    ]
