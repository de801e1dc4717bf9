"""Issue 21, point 1: text that looks like a placeholder is text. Software strings carry ICU/Java
variables ({0}, {count, plural, …}); tm's own placeholders are ⟦1⟧, so a variable survives
translate → sheet or XLIFF batch → review → export-doc, the memory stores it as text, QA names a
target that drops one, and sheets and batches of the previous notation ({1}) still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from tm.formats.inline import escape, from_legacy, legacy, placeholder_issue, plain, tokens
from tm.formats.xliff_review import NS12, NS20
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .conftest import ROOT
from .sheet_cells import set_cells
from .test_documents import make_docx
from .test_xliff_roundtrip import _set, _units

BOTH_BACKENDS = True  # the tests that store units run on SQLite and PostgreSQL
run, seeded, units = test_translate.run, test_translate.seeded, test_translate.units
GOLDEN = ROOT / "tests" / "golden" / "sheet-v2"  # written by tm before ⟦1⟧ (make.py, then translate)

ICU12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="app.properties"
 source-language="zh-CN" datatype="plaintext"><body>
<trans-unit id="cfg"><source>讀取配置時出錯：{0}</source></trans-unit>
<trans-unit id="del"><source>{count, plural, one {已刪除 # 個文件} other {已刪除 # 個文件}}</source></trans-unit>
<trans-unit id="hi"><source>歡迎，<g id="b">{name}</g>！</source></trans-unit>
</body></file></xliff>
"""
TARGETS = {
    "讀取配置時出錯：{0}": "Error reading configuration: {0}",
    "{count, plural, one {已刪除 # 個文件} other {已刪除 # 個文件}}": (
        "{count, plural, one {# file deleted} other {# files deleted}}"
    ),
    "歡迎，⟦1⟧{name}⟦/1⟧！": "Welcome, ⟦1⟧{name}⟦/1⟧!",
}


def _approve(sheet: Path, targets: dict[str, str]) -> None:
    """A reviewer types each row's target (by its source) and approves it."""
    rows = read_workbook(sheet).rows
    set_cells(sheet, {r.id: {"Target": targets[r.source], "Status": "approved"} for r in rows})


def test_icu_variables_survive_the_sheet_review_and_export(run, seeded, tmp_path, db_path):
    source = tmp_path / "app.xlf"
    source.write_text(ICU12, encoding="utf-8")
    sheet = tmp_path / "app.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    assert [r.source for r in rows] == list(TARGETS)  # braces shown as written; the <g> is ⟦1⟧
    assert not any("placeholders" in c.value for c in load_workbook(sheet)["Segments"]["H"] if c.value)

    dropped = sheet.with_name("dropped.xlsx")
    shutil.copy(sheet, dropped)
    set_cells(dropped, {rows[0].id: {"Target": "Error reading configuration.", "Status": "approved"}})
    qa = run("review", dropped, "--dry-run")
    assert qa.exit_code == 1 and "variable {0} is missing from the target" in qa.output
    assert "number 0" not in qa.output  # the variable's digit is not a number of its own

    _approve(sheet, TARGETS)
    review = run("review", sheet)
    assert review.exit_code == 0, review.output
    stored = {u[1]: u[2] for u in units(db_path)}
    assert stored["讀取配置時出錯：{0}"] == "Error reading configuration: {0}"  # text, as written
    assert stored["歡迎，{name}！"] == "Welcome, {name}!"
    out = tmp_path / "app.en.xlf"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert '<target state="translated">Error reading configuration: {0}</target>' in written
    assert "{count, plural, one {# file deleted} other {# files deleted}}</target>" in written
    assert '<target state="translated">Welcome, <g id="b">{name}</g>!</target>' in written


@pytest.mark.sqlite_only
@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_the_batch_holds_variables_as_text_and_invents_no_inline_elements(
    run, seeded, tmp_path, db_path, version
):
    source = tmp_path / "app.xlf"
    source.write_text(ICU12, encoding="utf-8")
    batch = tmp_path / "batch.xlf"
    assert run("translate", source, "-o", batch, "--no-mt", "--xliff-version", version).exit_code == 0
    tree = etree.parse(str(batch))
    ns = NS20 if version == "2.0" else NS12
    inline = [e for e in tree.iter() if etree.QName(e).localname in ("pc", "ph", "g", "x")]
    assert [(etree.QName(e).localname, e.get("id"), e.text) for e in inline] == [
        ("pc" if version == "2.0" else "g", "1", "{name}")
    ]
    sources = [
        "".join(s.itertext()) for s in tree.iter(f"{{{ns}}}source") if s.getparent().tag != f"{{{ns}}}match"
    ]
    assert sources[:2] == [
        "讀取配置時出錯：{0}",
        "{count, plural, one {已刪除 # 個文件} other {已刪除 # 個文件}}",
    ]

    by_id = _units(tree, version)
    for unit_id, target in zip(by_id, TARGETS.values()):
        _set(by_id[unit_id], version, target.replace("⟦1⟧", "").replace("⟦/1⟧", ""), "translated")
    hello = by_id[list(by_id)[2]]  # the CAT tool keeps the <pc>/<g> around the variable
    holder = hello.find(f"{{{ns}}}segment") if version == "2.0" else hello
    target = holder.find(f"{{{ns}}}target")
    target.text = "Welcome, "
    element = etree.SubElement(target, f"{{{ns}}}{'pc' if version == '2.0' else 'g'}", id="1")
    element.text, element.tail = "{name}", "!"
    tree.write(str(batch), xml_declaration=True, encoding="UTF-8")
    review = run("review", batch)
    assert review.exit_code == 0, review.output
    stored = {u[1]: u[2] for u in units(db_path)}
    assert stored["讀取配置時出錯：{0}"] == "Error reading configuration: {0}"
    assert stored["歡迎，{name}！"] == "Welcome, {name}!"
    out = tmp_path / "app.en.xlf"
    assert run("export-doc", batch, "-o", out).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert (
        "Error reading configuration: {0}</target>" in written and 'Welcome, <g id="b">{name}</g>!' in written
    )


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    p = document.add_paragraph("模板中的{1}由系統填寫，")
    p.add_run("上海精神").bold = True
    p.add_run("不變。")
    document.save(path)
    return path


def _html(path: Path) -> Path:
    path.write_text(
        '<html><body><p>模板中的{1}由系統填寫，<b>上海精神</b>不變。</p><img src="a.png" alt="圖{0}"></body></html>',
        encoding="utf-8",
    )
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize("make", [_docx, _html], ids=["docx", "html"])
def test_literal_braces_beside_real_formatting_in_word_and_html(run, seeded, tmp_path, make):
    source = make(tmp_path / ("release.docx" if make is _docx else "page.html"))
    sheet = tmp_path / "release.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    targets = {
        "模板中的{1}由系統填寫，⟦1⟧上海精神⟦/1⟧不變。": "The system fills in {1}; ⟦1⟧the Shanghai Spirit⟦/1⟧ stays.",
        "圖{0}": "Figure {0}",
    }
    _approve(sheet, targets)
    assert run("review", sheet).exit_code in (0, 1)  # the glossary may want its rendering
    out = tmp_path / ("release.en.docx" if make is _docx else "page.en.html")
    export = run("export-doc", sheet, "-o", out)
    assert export.exit_code == 0 and "formatting left out" not in export.output, export.output
    if make is _docx:
        import docx

        (paragraph,) = docx.Document(str(out)).paragraphs
        assert paragraph.text == "The system fills in {1}; the Shanghai Spirit stays."
        assert [r.text for r in paragraph.runs if r.bold] == ["the Shanghai Spirit"]
    else:
        page = out.read_text(encoding="utf-8")
        assert (
            "The system fills in {1}; <b>the Shanghai Spirit</b> stays." in page
            and 'alt="Figure {0}"' in page
        )


RELEASE = "讀取配置時出錯：{0}\n\n共{count}個文件，第{1}個已損壞。\n\n記號⟦1⟧不是佔位符。\n"


def test_a_plain_text_release_with_braces(run, seeded, tmp_path, db_path):
    source = tmp_path / "notes.txt"
    source.write_text(RELEASE, encoding="utf-8")
    sheet = tmp_path / "notes.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    assert [r.source for r in rows] == [
        "讀取配置時出錯：{0}",
        "共{count}個文件，第{1}個已損壞。",
        "記號⟦⟦1⟧不是佔位符。",
    ]
    targets = {
        rows[0].source: "Error reading configuration: {0}",
        rows[1].source: "{count} files, file {1} is damaged.",
        rows[2].source: "The sign ⟦⟦1⟧ is no placeholder.",
    }
    _approve(sheet, targets)
    review = run("review", sheet)
    assert review.exit_code == 0, review.output  # no placeholder, variable or number finding
    assert ("記號⟦1⟧不是佔位符。", "The sign ⟦1⟧ is no placeholder.") in {
        (u[1], u[2]) for u in units(db_path)
    }
    out = tmp_path / "notes.en.txt"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "Error reading configuration: {0}\n\n{count} files, file {1} is damaged.\n\nThe sign ⟦1⟧ is no placeholder.\n"
    )
    again = tmp_path / "again.review.xlsx"  # the memory's own text, braces and ⟦ alike, as a 100% match
    assert run("translate", source, "-o", again, "--no-mt").exit_code == 0
    assert [r.target for r in read_workbook(again).rows] == list(targets.values())


def test_the_notation_is_unambiguous():
    text = escape("a ⟦1⟧ {0} ⟦⟦")
    assert plain(text) == "a ⟦1⟧ {0} ⟦⟦" and placeholder_issue(text, text) is None
    assert [k for k, _ in tokens("⟦1⟧" + text + "⟦/1⟧⟦2/⟧")] == ["open", "text", "close", "empty"]
    assert from_legacy("弘揚{1}上海精神{/1}{2/}{0}", tagged=True) == "弘揚⟦1⟧上海精神⟦/1⟧⟦2/⟧{0}"
    assert from_legacy("共{1}個", tagged=False) == "共{1}個"  # plain text never had placeholders
    assert legacy("弘揚⟦1⟧上海精神⟦/1⟧⟦2/⟧{0}⟦⟦") == "弘揚{1}上海精神{/1}{2/}{0}⟦"


@pytest.mark.sqlite_only
def test_context_hashes_are_those_of_the_previous_version(run, seeded, tmp_path):
    """A unit reviewed from a formatted release stays a 101 match for it: the Context column is
    what tm wrote before ⟦1⟧ (values from the previous version, for test_documents.make_docx)."""
    source = make_docx(tmp_path / "release.docx")
    sheet = tmp_path / "release.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    contexts = {r.id: r.context for r in read_workbook(sheet).rows}
    assert contexts == {
        "release:1:1": "58e6c0da4eafd0be",
        "release:2:1": "5bff2f37fb3bc678",
        "release:2:2": "fda74133e503a0bf",
        "release:2:3": "a6671acbb4f79a97",
        "release:3:1": "cfee837085f946c8",
        "release:4:1": "e496dc7e3dc22d32",
    }


def _golden(tmp_path: Path) -> tuple[Path, Path]:
    """The previous version's sheet and batch of release.docx and notes.txt, the originals'
    recorded paths pointed at copies here."""
    for name in ("release.docx", "notes.txt", "old-sheet.xlsx", "old.batch.xlf"):
        shutil.copy(GOLDEN / name, tmp_path / name)
    sheet, batch = tmp_path / "old-sheet.xlsx", tmp_path / "old.batch.xlf"
    workbook = load_workbook(sheet)
    for row in workbook["_tm"].iter_rows(min_row=3):
        row[3].value = str(tmp_path / row[1].value)
    workbook.save(sheet)
    batch.write_text(
        batch.read_text(encoding="utf-8").replace("/tmp/braces-gold/", f"{tmp_path}/"), encoding="utf-8"
    )
    return sheet, batch


@pytest.mark.sqlite_only
def test_a_sheet_of_the_previous_version_reads_as_it_meant(run, seeded, tmp_path, db_path):
    import docx

    sheet, _ = _golden(tmp_path)
    read = read_workbook(sheet)
    assert not read.refused
    assert (
        {r.id: r.source for r in read.rows}
        == {
            "release:1:1": "我們要弘揚⟦1⟧上海精神⟦/1⟧，加強合作。",
            "release:1:2": "錯誤代碼{0}。{/0}",  # that version took {0} for a tag and closed it; tm never wrote tag 0
            "release:2:1": "雙方同意。",
            "notes:1:1": "讀取配置時出錯：{0}",  # plain text: braces were always text
            "notes:2:1": "共{1}個文件。",
        }
    )
    set_cells(  # typed as that sheet's translators were told: {1}…{/1}
        sheet,
        {
            "release:1:1": {
                "Target": "We must carry forward the {1}Shanghai Spirit{/1}.",
                "Status": "approved",
            },
            "release:1:2": {"Target": "Error code {0}.", "Status": "approved"},
            "release:2:1": {"Target": "Both sides agreed.", "Status": "approved"},
            "notes:1:1": {"Target": "Error reading configuration: {0}", "Status": "approved"},
            "notes:2:1": {"Target": "{1} files in all.", "Status": "approved"},
        },
    )
    assert run("review", sheet).exit_code in (0, 1)
    stored = {u[1]: u[2] for u in units(db_path)}
    assert stored["我們要弘揚上海精神，加強合作。"] == "We must carry forward the Shanghai Spirit."
    assert stored["共{1}個文件。"] == "{1} files in all."
    out = tmp_path / "release.en.docx"
    export = run("export-doc", sheet, "--document", "release", "-o", out)
    assert export.exit_code == 0, export.output
    paragraphs = docx.Document(str(out)).paragraphs
    assert paragraphs[0].text == "We must carry forward the Shanghai Spirit. Error code {0}."
    assert [r.text for r in paragraphs[0].runs if r.bold] == ["Shanghai Spirit"]
    notes = tmp_path / "notes.en.txt"
    assert run("export-doc", sheet, "--document", "notes", "-o", notes).exit_code == 0
    assert notes.read_text(encoding="utf-8") == "Error reading configuration: {0}\n\n{1} files in all.\n"


@pytest.mark.sqlite_only
def test_a_batch_of_the_previous_version_reads_as_it_meant(run, seeded, tmp_path, db_path):
    import docx

    _, batch = _golden(tmp_path)
    tree = etree.parse(str(batch))
    by_id = _units(tree, "1.2")
    target = by_id["release:1:1"].find(f"{{{NS12}}}target")
    target.text, target.attrib["state"] = "We must carry forward the ", "translated"
    etree.SubElement(target, f"{{{NS12}}}g", id="1").text = "Shanghai Spirit"
    target[0].tail = "."
    _set(by_id["release:2:1"], "1.2", "Both sides agreed.", "translated")
    tree.write(str(batch), xml_declaration=True, encoding="UTF-8")
    review = run("review", batch, "--json")
    data = json.loads(review.stdout)
    assert data["stored"] == 2 and "release:1:1" not in {r[1] for r in data["refused"]}
    assert {u[1]: u[2] for u in units(db_path)}["我們要弘揚上海精神，加強合作。"] == (
        "We must carry forward the Shanghai Spirit."
    )
    out = tmp_path / "release.en.docx"
    export = run("export-doc", batch, "--document", "release", "--allow-missing", "-o", out)
    assert export.exit_code == 0, export.output
    paragraph = docx.Document(str(out)).paragraphs[0]
    assert [r.text for r in paragraph.runs if r.bold] == ["Shanghai Spirit"]
