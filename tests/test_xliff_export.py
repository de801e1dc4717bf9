"""The CAT-tool route to the English document: `tm translate -o batch.xlf`, targets typed and
states set as a CAT tool does (then the file re-indented, as tools that rewrite XML do), `tm
export-doc batch.xlf -o release.en.docx|.txt` with the checks of the workbook route."""

from __future__ import annotations

import re

import docx
import pytest
from lxml import etree

from tm.cli.common import EXIT_REFUSED
from tm.formats.inline import plain
from tm.formats.xliff_review import NS12, NS20, TM
from tm.workflow.sheet_read import read_workbook
from tm.workflow.xliff_batch import read_xliff

from . import test_translate
from .sheet_cells import set_cells
from .test_documents import make_docx
from .test_xliff_roundtrip import VERSIONS, _translate, _units

run, seeded = test_translate.run, test_translate.seeded


def _cat_tool(path, version: str, targets: dict[str, str], states: dict[str, str] | None = None) -> None:
    """Type ``targets`` (placeholder text, by segment id) as inline markup, set each unit's state
    (done unless ``states`` says otherwise), and save the file re-indented."""
    tree = etree.parse(str(path))
    ns = NS20 if version == "2.0" else NS12
    paired, empty = ("pc", "ph") if version == "2.0" else ("g", "x")
    done = ["translated", "reviewed", "final"] if version == "2.0" else ["translated", "signed-off", "final"]
    for number, (segment_id, unit) in enumerate(_units(tree, version).items()):
        holder = unit.find(f"{{{ns}}}segment") if version == "2.0" else unit
        old = holder.find(f"{{{ns}}}target")
        if segment_id in targets:
            markup = re.sub(r"⟦(\d+)/⟧", rf'<{empty} id="\1"/>', targets[segment_id])
            markup = re.sub(r"⟦/\d+⟧", f"</{paired}>", re.sub(r"⟦(\d+)⟧", rf'<{paired} id="\1">', markup))
            new = etree.fromstring(f'<target xmlns="{ns}">{markup}</target>')
            if old is None:
                holder.find(f"{{{ns}}}source").addnext(new)
            else:
                new.attrib.update(old.attrib)
                old.getparent().replace(old, new)
            old = new
        state = (states or {}).get(segment_id, done[number % 3])
        if version == "2.0":
            holder.set("state", state)
        elif old is not None:
            old.set("state", state)
    etree.indent(tree, space="\t")  # what a tool that rewrites the XML does to it
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("version", VERSIONS)
def test_a_release_reviewed_in_a_cat_tool_exports_as_from_a_sheet(run, seeded, tmp_path, version):
    batch, sheet = tmp_path / "batch.xlf", tmp_path / "sheet.xlsx"
    _translate(run, seeded, batch, version)
    assert run("translate", seeded, "-o", sheet).exit_code == 0
    targets = {r.id: f"Sentence {r.id}." for r in read_workbook(sheet).rows}
    _cat_tool(batch, version, targets)
    set_cells(sheet, {i: {"Target": t, "Status": "approved"} for i, t in targets.items()})

    from_batch, from_sheet = tmp_path / "batch.en.txt", tmp_path / "sheet.en.txt"
    result = run("export-doc", batch, "-o", from_batch)
    assert result.exit_code == 0, result.output
    assert run("export-doc", sheet, "-o", from_sheet).exit_code == 0
    english = from_batch.read_text(encoding="utf-8")
    assert english == from_sheet.read_text(encoding="utf-8")  # paragraphs and line breaks alike
    assert english.splitlines()[0] == "Sentence release:1:1. Sentence release:1:2."
    paragraphs = [line for line in seeded.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(english.splitlines()) == len(paragraphs) == 21


@pytest.mark.parametrize("version", VERSIONS)
def test_units_not_marked_done_are_named_and_nothing_is_written(run, seeded, tmp_path, version):
    batch = tmp_path / "batch.xlf"
    tree = _translate(run, seeded, batch, version)
    ids = list(_units(tree, version))
    draft, empty = ids[0], ids[1]
    not_done = "initial" if version == "2.0" else "needs-review-translation"
    targets = {i: f"Sentence {i}." for i in ids if i != empty}
    _cat_tool(batch, version, targets, {draft: not_done, empty: not_done})
    out = tmp_path / "release.en.txt"

    refused = run("export-doc", batch, "-o", out)
    assert refused.exit_code == EXIT_REFUSED and not out.exists()
    assert (
        f"2 segment(s) have no approved translation: {draft} (draft), {empty} (no target)" in refused.output
    )
    assert "mark them translated or final in the CAT tool or use --allow-draft" in refused.output
    drafts = run("export-doc", batch, "-o", out, "--allow-draft")
    assert drafts.exit_code == EXIT_REFUSED and f"{empty} (no target)" in drafts.output and not out.exists()

    kept = run("export-doc", batch, "-o", out, "--allow-draft", "--allow-missing")
    assert kept.exit_code == 0 and f"left in Chinese (1): {empty}" in kept.output
    first = out.read_text(encoding="utf-8").splitlines()[0]
    chinese = {r.id: r.source for r in read_xliff(batch).rows}[empty]
    assert first == f"Sentence {draft}. {chinese}"  # the Chinese stands in


def test_a_batch_written_before_it_carried_the_layout_still_exports_text(run, seeded, tmp_path):
    batch = tmp_path / "batch.xlf"
    tree = _translate(run, seeded, batch, "2.0")
    _cat_tool(batch, "2.0", {i: f"Sentence {i}." for i in _units(tree, "2.0")})
    old = etree.parse(str(batch))
    for element in old.iter():
        for name in ("path", "sha256", "format", "segments", "gap"):
            element.attrib.pop(f"{{{TM}}}{name}", None)
    old.write(str(batch), xml_declaration=True, encoding="UTF-8")
    out = tmp_path / "release.en.txt"
    assert run("export-doc", batch, "-o", out).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 21  # one line a paragraph, as the seed
    docx_out = run("export-doc", batch, "-o", tmp_path / "release.en.docx")
    assert docx_out.exit_code == EXIT_REFUSED and "write it as .txt" in docx_out.output


@pytest.mark.parametrize("version", VERSIONS)
def test_a_word_release_comes_back_from_a_cat_tool_as_a_word_document(run, seeded, tmp_path, version):
    release = make_docx(tmp_path / "release.docx")
    document = docx.Document(str(release))
    opening = document.add_paragraph()  # a paragraph that opens with formatting: <source><pc>…
    opening.add_run("王毅").bold = True
    opening.add_run("表示，雙方同意。")
    document.save(str(release))
    batch = tmp_path / "release.xlf"
    _translate(run, release, batch, version)
    sources = {plain(r.source): r for r in read_xliff(batch).rows}
    english = {
        "王毅談上海精神": "Wang Yi on the Shanghai Spirit",
        "我們要弘揚上海精神，加強合作。": "We must carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧ and strengthen cooperation.",
        "詳見外交部網站。": "See the ⟦2⟧Foreign Ministry's website⟦/2⟧.",
        "雙方同意。": "⟦3/⟧The two sides agreed.",
        "北京": "Beijing",
        "上海": "Shanghai",
        "王毅表示，雙方同意。": "⟦1⟧Wang Yi⟦/1⟧ said the two sides agreed.",
    }
    assert sorted(sources) == sorted(english)
    assert sources["王毅表示，雙方同意。"].source == "⟦1⟧王毅⟦/1⟧表示，雙方同意。"
    targets = {sources[zh].id: en for zh, en in english.items()}
    link = sources["詳見外交部網站。"].id
    _cat_tool(batch, version, {**targets, link: "See the Foreign Ministry's website."})  # the link left out

    out = tmp_path / "release.en.docx"
    result = run("export-doc", batch, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"formatting left out where the target lacks its placeholders (1): {link}" in result.output
    written = docx.Document(str(out))
    texts = [p.text for p in written.paragraphs if p.text.strip()]
    assert texts[0] == "Wang Yi on the Shanghai Spirit"
    assert texts[-1] == "Wang Yi said the two sides agreed."
    bold = {p.text: [r.text for r in p.runs if r.bold] for p in written.paragraphs}
    assert bold["Wang Yi said the two sides agreed."] == ["Wang Yi"]
    paragraph = next(p for p in written.paragraphs if "Shanghai Spirit and" in p.text)
    assert [r.text for r in paragraph.runs if r.bold] == ["Shanghai Spirit"]
    assert [c.text for c in written.tables[0].rows[0].cells] == ["Beijing", "Shanghai"]
    assert written.core_properties.language == "en-US"
    assert not any("\u4e00" <= ch <= "\u9fff" for p in written.paragraphs for ch in p.text)

    release.write_bytes(release.read_bytes() + b"\0")  # the original changed since
    again = run("export-doc", batch, "-o", tmp_path / "again.docx")
    assert again.exit_code == EXIT_REFUSED and "changed since the review sheet was made" in again.output
    assert not (tmp_path / "again.docx").exists()
