"""XLIFF for CAT-tool users: `tm translate -o batch.xlf` (2.0, or 1.2) read back by
translate-toolkit, targets edited and marked done as a CAT tool would, `tm review batch.xlf` into
the memory once; tampered units refused and listed, bad files refused with one message."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from tm.formats.xliff_review import MTC, NS12, NS20, TM
from tm.workflow.sheet import check_hash
from tm.workflow.xliff_batch import read_xliff

from . import test_translate

run, seeded = test_translate.run, test_translate.seeded  # a CLI runner; the seeded memory and document
units = test_translate.units
VERSIONS = ["2.0", "1.2"]


def _translate(run, doc, out, version):
    result = run("translate", doc, "-o", out, "--xliff-version", version)
    assert result.exit_code == 0, result.output
    return etree.parse(str(out))


def _units(tree, version):
    """(tm:id → unit element) in document order."""
    ns = NS20 if version == "2.0" else NS12
    name = "unit" if version == "2.0" else "trans-unit"
    return {u.get(f"{{{TM}}}id"): u for u in tree.iter(f"{{{ns}}}{name}")}


def _set(unit, version, target: str, state: str | None = None, approved: bool = False):
    """What a CAT tool does: type the target, set the segment's state."""
    ns = NS20 if version == "2.0" else NS12
    holder = unit.find(f"{{{ns}}}segment") if version == "2.0" else unit
    element = holder.find(f"{{{ns}}}target")
    if element is None:
        element = etree.SubElement(holder, f"{{{ns}}}target")
        holder.find(f"{{{ns}}}source").addnext(element)
    element.text = target
    if state and version == "2.0":
        holder.set("state", state)
    elif state:
        element.set("state", state)
    if approved:
        unit.set("approved", "yes")


def _lookup(run, text: str) -> list[str]:
    result = run("lookup", "--json", "--min", "100", text)
    assert result.exit_code in (0, 3), result.output  # 3: no match
    return [m["target"] for m in json.loads(result.stdout) if m["score"] >= 100]


@pytest.mark.parametrize("version", VERSIONS)
def test_translated_batch_is_xliff_that_translate_toolkit_reads(run, seeded, tmp_path, version):
    out = tmp_path / "batch.xlf"
    tree = _translate(run, seeded, out, version)
    root = tree.getroot()
    assert root.get("version") == version and root.get(f"{{{TM}}}sheet")
    if version == "2.0":
        from translate.storage.xliff2 import Xliff2File

        store = Xliff2File.parsefile(str(out))
        assert root.get("srcLang") == "zh" and root.get("trgLang") == "en"
    else:
        from translate.storage.xliff import xlifffile

        store = xlifffile.parsefile(str(out))
        assert root.find(f"{{{NS12}}}file").get("target-language") == "en"
    read = [u for u in store.units if u.source]
    assert len(read) == 68  # the seed's 68 sentences, one unit each
    found = _units(tree, version)
    assert [u.source for u in read] == [r.source for r in read_xliff(out).rows]
    exact = [u for u in read if u.target]
    assert len(exact) == 8 and exact[0].target.startswith("Third, promoting international cooperation")
    states = [u.get("state") for u in root.iter(f"{{{NS20 if version == '2.0' else NS12}}}*")]
    if version == "2.0":
        assert {s for s in states if s} == {"initial"}  # nothing counts as done until the translator says
    else:
        assert {s for s in states if s} == {"needs-translation", "needs-review-translation"}
    first = found["release:1:1"]
    assert first.get(f"{{{TM}}}check") == check_hash(
        "release:1:1",
        read[0].source,
        first.get(f"{{{TM}}}proposed"),
        first.get(f"{{{TM}}}unit"),
        first.get(f"{{{TM}}}context"),
    )
    notes = [n.text for n in first.iter(f"{{{NS20 if version == '2.0' else NS12}}}note")]
    assert "王毅 → Wang Yi" in notes  # glossary hits as notes


@pytest.mark.parametrize("version", VERSIONS)
def test_fuzzy_proposals_carry_their_score_and_placeholders_are_inline_elements(
    run, seeded, tmp_path, version
):
    doc = tmp_path / "page.html"
    doc.write_text(
        "<html><body><p>二是推動國際抗疫合作。</p><p>我們弘揚<b>上海精神</b>。<br>謝謝大家。</p></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "page.xlf"
    tree = _translate(run, doc, out, version)
    found = _units(tree, version)
    fuzzy = found["page:1:1"]
    if version == "2.0":
        match = fuzzy.find(f"{{{MTC}}}matches/{{{MTC}}}match")
        assert match.get("matchQuality") == "90" and match.get("type") == "tm"
        assert fuzzy.find(f"{{{NS20}}}segment").get("state") == "initial"
        source = found["page:2:1"].find(f"{{{NS20}}}segment/{{{NS20}}}source")
        assert [e.tag for e in source] == [f"{{{NS20}}}pc"] and source[0].text == "上海精神"
        assert found["page:2:2"].find(f".//{{{NS20}}}ph").get("id") == "2"
    else:
        alt = fuzzy.find(f"{{{NS12}}}alt-trans")
        assert alt.get("match-quality") == "90"
        assert alt.find(f"{{{NS12}}}source").text == "三是推動國際抗疫合作。"  # the memory's source
        assert fuzzy.find(f"{{{NS12}}}target").get("state") == "needs-review-translation"
        source = found["page:2:1"].find(f"{{{NS12}}}source")
        assert [e.tag for e in source] == [f"{{{NS12}}}g"] and source[0].text == "上海精神"
        assert found["page:2:2"].find(f".//{{{NS12}}}x").get("id") == "2"
    rows = {r.id: r for r in read_xliff(out).rows}
    assert rows["page:2:1"].source == "我們弘揚⟦1⟧上海精神⟦/1⟧。" and rows["page:2:1"].intact
    assert rows["page:2:2"].source == "⟦2/⟧謝謝大家。"


@pytest.mark.parametrize("version", VERSIONS)
def test_cat_tool_edits_are_reviewed_into_the_memory_once(run, seeded, tmp_path, db_path, version):
    out = tmp_path / "batch.xlf"
    tree = _translate(run, seeded, out, version)
    found = _units(tree, version)
    empty = [u for u in found.values() if not u.get(f"{{{TM}}}proposed")]
    done, signed, draft = empty[0], empty[1], empty[2]
    final = "final" if version == "2.0" else "signed-off"
    _set(done, version, "Xinhua News Agency, Beijing, 16 September.", "translated")
    _set(signed, version, "The details follow:", final, approved=version == "1.2")
    _set(draft, version, "Not ready yet.", "initial" if version == "2.0" else "needs-review-translation")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    before = len(units(db_path))

    result = run("review", out, "--json")
    assert result.exit_code in (0, 1), result.output  # 1: QA findings in the typed targets
    report = json.loads(result.stdout)
    assert report["added"] == 2 and report["refused"] == []
    assert report["confirmed"] == 0  # exact matches left untouched are not taken as reviewed
    assert draft.get(f"{{{TM}}}id") in report["drafts"]
    assert len(units(db_path)) == before + 2
    source = read_xliff(out).rows[1].source
    assert _lookup(run, source) == ["The details follow:"]

    again = json.loads(run("review", out, "--json").stdout)
    assert again["stored"] == 0 and again["unchanged"] == 2
    assert len(units(db_path)) == before + 2


@pytest.mark.parametrize("version", VERSIONS)
def test_a_tampered_source_is_refused_and_listed(run, seeded, tmp_path, db_path, version):
    out = tmp_path / "batch.xlf"
    tree = _translate(run, seeded, out, version)
    found = _units(tree, version)
    empty = [u for u in found.values() if not u.get(f"{{{TM}}}proposed")]
    tampered, fine = empty[0], empty[1]
    ns = NS20 if version == "2.0" else NS12
    tampered.find(f".//{{{ns}}}source").text = "篡改的原文。"
    _set(tampered, version, "Tampered.", "final" if version == "2.0" else "translated")
    _set(fine, version, "The details follow:", "reviewed" if version == "2.0" else "final")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")

    result = run("review", out)
    assert result.exit_code == 1
    assert f"({tampered.get(f'{{{TM}}}id')}): ID, source or the tm attributes" in result.stderr
    assert "stored 1 (new 1" in result.stdout
    assert _lookup(run, "篡改的原文。") == []


@pytest.mark.parametrize(
    "content, message",
    [
        ("ID,Source\nnot xml\n", "bad XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            f'<xliff xmlns="{NS20}" version="2.0"><file id="f"/></xliff>',
            "entities are not allowed",
        ),
        (f'<xliff xmlns="{NS20}" version="2.0" srcLang="zh"><file id="f"/></xliff>', "not written by"),
        ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an XLIFF"),
    ],
    ids=["not-xml", "entities", "foreign-xliff", "other-xml"],
)
def test_bad_xliff_files_get_one_message_and_leave_the_memory_alone(
    run, seeded, tmp_path, db_path, content, message
):
    before = units(db_path)
    bad = tmp_path / "bad.xlf"
    bad.write_text(content, encoding="utf-8")
    result = run("review", bad)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert units(db_path) == before


def test_a_word_release_goes_to_a_cat_tool_and_back_into_the_memory(run, seeded, tmp_path):
    import docx

    release = tmp_path / "release.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("我們要弘揚")
    paragraph.add_run("上海精神").bold = True
    paragraph.add_run("。")
    document.save(release)
    out = tmp_path / "release.xlf"
    tree = _translate(run, release, out, "2.0")
    (unit,) = _units(tree, "2.0").values()
    ns = NS20
    assert unit.find(f".//{{{ns}}}source/{{{ns}}}pc") is not None  # the bold run, as an inline element
    _set(unit, "2.0", "We must carry forward the Shanghai Spirit.", "final")
    source = unit.find(f".//{{{ns}}}source")
    target = unit.find(f".//{{{ns}}}target")
    pc = etree.SubElement(target, f"{{{ns}}}pc", id=source.find(f"{{{ns}}}pc").get("id"))
    target.text, pc.text, pc.tail = "We must carry forward the ", "Shanghai Spirit", "."
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    result = run("review", out, "--json")
    report = json.loads(result.stdout)
    assert report["added"] == 1 and report["refused"] == [], result.output
    assert _lookup(run, "我們要弘揚上海精神。") == [
        "We must carry forward the Shanghai Spirit."
    ]  # plain in the memory


@pytest.mark.parametrize("version", VERSIONS)
def test_a_batch_a_tool_re_indented_keeps_units_that_open_with_formatting(run, seeded, tmp_path, version):
    import docx

    release = tmp_path / "opening.docx"
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("王毅").bold = True
    paragraph.add_run("表示，雙方同意。")
    document.save(release)
    out = tmp_path / "opening.xlf"
    tree = _translate(run, release, out, version)
    (unit,) = _units(tree, version).values()
    _set(unit, version, "Wang Yi said the two sides agreed.", "final" if version == "2.0" else "translated")
    etree.indent(tree, space="  ")  # <source> opens with <pc>/<g>: indentation goes in before it
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    assert "<source>\n" in out.read_text(encoding="utf-8")
    (row,) = read_xliff(out).rows
    assert row.source == "⟦1⟧王毅⟦/1⟧表示，雙方同意。" and row.intact
    report = json.loads(run("review", out, "--json").stdout)
    assert report["added"] == 1 and report["refused"] == []


def _re_indent_mixed(path) -> None:
    """What a tool that re-indents mixed content does (Java's XSLT indent, minidom): a line
    break and indentation before and after every text beside an inline element."""
    from xml.dom import minidom

    pretty = minidom.parse(str(path)).toprettyxml(indent="  ", encoding="UTF-8")
    path.write_bytes(pretty)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("indent", ["whitespace-only", "mixed-content"])
def test_a_batch_whose_states_alone_a_tool_changed_is_stored_however_it_was_re_indented(
    run, seeded, tmp_path, version, indent
):
    doc = tmp_path / "page.html"
    doc.write_text(
        "<html><body><p><b>四是</b>拓展全方位合作。</p><p>三是推動國際抗疫<i>合作。</i></p>"
        "<p><b>五是</b>倡導支持<i>多邊主義。</i></p></body></html>",
        encoding="utf-8",
    )  # sources that open and close with inline elements, each with a memory proposal
    out = tmp_path / "page.xlf"
    tree = _translate(run, doc, out, version)
    found = _units(tree, version)
    proposals = {i: u.get(f"{{{TM}}}proposed") for i, u in found.items()}
    assert all(proposals.values())
    for unit in found.values():  # the translator confirms each proposal, changing nothing else
        holder = unit.find(f"{{{NS20}}}segment") if version == "2.0" else unit.find(f"{{{NS12}}}target")
        holder.set("state", "translated")
    if indent == "whitespace-only":
        etree.indent(tree, space="\t")
        tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    else:
        tree.write(str(out), xml_declaration=True, encoding="UTF-8")
        _re_indent_mixed(out)
        assert re.search(r"\n\s+拓展全方位合作。\n", out.read_text(encoding="utf-8"))
    rows = read_xliff(out).rows
    assert [(r.source, r.target, r.intact) for r in rows] == [
        ("⟦1⟧四是⟦/1⟧拓展全方位合作。", proposals["page:1:1"], True),
        ("三是推動國際抗疫⟦1⟧合作。⟦/1⟧", proposals["page:2:1"], True),
        ("⟦1⟧五是⟦/1⟧倡導支持⟦2⟧多邊主義。⟦/2⟧", proposals["page:3:1"], True),
    ]
    report = json.loads(run("review", out, "--json").stdout)
    assert report["refused"] == [] and report["stored"] == 3


@pytest.mark.parametrize("version", VERSIONS)
def test_indentation_a_cat_tool_put_around_an_inline_element_is_not_text(run, seeded, tmp_path, version):
    """A target re-indented after its inline element (``the\\n   <pc>Shanghai Spirit</pc>\\n   .``)
    is "the Shanghai Spirit." in the Word file and the memory, not "Shanghai Spirit .": a line
    break and its indentation are one space between words, none before closing punctuation."""
    import docx

    release = tmp_path / "release.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("我們要弘揚")
    paragraph.add_run("上海精神").bold = True
    paragraph.add_run("。")
    document.save(release)
    out = tmp_path / "release.xlf"
    tree = _translate(run, release, out, version)
    (unit,) = _units(tree, version).values()
    _set(unit, version, "", "final" if version == "2.0" else "translated", approved=version == "1.2")
    ns, inline = (NS20, "pc") if version == "2.0" else (NS12, "g")
    source, target = unit.find(f".//{{{ns}}}source"), unit.find(f".//{{{ns}}}target")
    pc = etree.SubElement(target, f"{{{ns}}}{inline}", id=source.find(f"{{{ns}}}{inline}").get("id"))
    target.text, pc.text, pc.tail = "We must carry forward the\n   ", "Shanghai Spirit", "\n   .\n  "
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    english = tmp_path / "release.en.docx"
    result = run("export-doc", out, "-o", english)
    assert result.exit_code == 0, result.output
    assert [p.text for p in docx.Document(str(english)).paragraphs] == [
        "We must carry forward the Shanghai Spirit."
    ]
    result = run("review", out, "--json")
    assert json.loads(result.stdout)["refused"] == [], result.output
    assert _lookup(run, "我們要弘揚上海精神。") == ["We must carry forward the Shanghai Spirit."]
