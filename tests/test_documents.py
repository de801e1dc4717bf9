"""Word, HTML and XLIFF releases: read into segments with inline placeholders, translated, reviewed
and written back in their own format; bad files refused with one message each."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tm.formats.inline import balance, placeholder_issue, plain
from tm.text.segment import segment_text
from tm.workflow.documents import document_segments
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .conftest import ROOT, SEED
from .test_translate import SOFFICE, edit, soffice

run, seeded = test_translate.run, test_translate.seeded  # the same fixtures: a CLI runner, the seeded memory

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _hyperlink(paragraph, text: str, url: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(
        url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run_ = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run_.append(t)
    link.append(run_)
    paragraph._p.append(link)


def make_docx(path: Path) -> Path:
    """A release as python-docx writes one: a heading, a bold term and a link inside a sentence,
    a line break, a table."""
    import docx

    document = docx.Document()
    document.add_heading("王毅談上海精神", level=1)
    p = document.add_paragraph("我們要弘揚")
    p.add_run("上海精神").bold = True
    p.add_run("，加強合作。詳見")
    _hyperlink(p, "外交部網站", "https://www.mfa.gov.cn/")
    p.add_run("。")
    p.add_run().add_break()
    p.add_run("雙方同意。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "北京"
    table.cell(0, 1).text = "上海"
    document.save(path)
    return path


def test_inline_placeholders_balance_and_qa():
    assert balance(["⟦1⟧上海精神。", "⟦/1⟧他說⟦2/⟧。", "⟦3⟧甲。", "乙⟦/3⟧"]) == [
        "⟦1⟧上海精神。⟦/1⟧",
        "他說⟦2/⟧。",
        "⟦3⟧甲。⟦/3⟧",
        "⟦3⟧乙⟦/3⟧",
    ]
    assert plain("弘揚⟦1⟧上海精神⟦/1⟧") == "弘揚上海精神"
    assert placeholder_issue("a ⟦1⟧b⟦/1⟧ ⟦2/⟧", "x ⟦1⟧y⟦/1⟧ ⟦2/⟧") is None
    assert placeholder_issue("a ⟦1⟧b⟦/1⟧ ⟦2/⟧", "x y ⟦2/⟧") == "placeholders: missing ⟦/1⟧ ⟦1⟧"


def test_the_seed_pasted_into_a_docx_segments_as_the_txt(tmp_path):
    import docx

    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "seed.docx"
    document.save(path)
    from_docx, _ = document_segments(path, "seed", "docx")
    from_txt = segment_text(SEED.read_text(encoding="utf-8"), "seed", "zh")
    assert len(from_docx) == len(from_txt) == 68
    assert [(s.id, s.clean) for s in from_docx] == [(s.id, s.clean) for s in from_txt]


def test_docx_segments_keep_formatting_as_placeholders(tmp_path):
    segments, _ = document_segments(make_docx(tmp_path / "r.docx"), "r", "docx")
    texts = [s.text for s in segments]
    assert texts[0] == "王毅談上海精神"
    assert "我們要弘揚⟦1⟧上海精神⟦/1⟧，加強合作。" in texts
    assert "詳見⟦2⟧外交部網站⟦/2⟧。" in texts or "詳見⟦3⟧外交部網站⟦/3⟧。" in texts
    assert any(t.startswith("⟦") and t.endswith("雙方同意。") for t in texts)  # the break goes with it
    assert texts[-2:] == ["北京", "上海"]  # the table, cell by cell


def test_a_bold_term_opening_a_sentence_is_the_marked_part(tmp_path):
    """As long in bold as in plain: the placeholder went around the plain rest of the sentence,
    and the English outside the codes then took the bold run's look."""
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("上海精神").bold = True
    paragraph.add_run("是基礎。")
    document.save(tmp_path / "t.docx")
    segments, _ = document_segments(tmp_path / "t.docx", "t", "docx")
    assert [s.text for s in segments] == ["⟦1⟧上海精神⟦/1⟧是基礎。"]


def _approve_all(sheet_path: Path, targets: dict[str, str]) -> None:
    rows = read_workbook(sheet_path).rows
    edit(
        sheet_path,
        {r.id: {"Target": targets.get(plain(r.source), f"EN {r.id}"), "Status": "approved"} for r in rows},
    )


def test_docx_translate_review_export_loop(run, seeded, tmp_path, db_path):
    import docx

    source = make_docx(tmp_path / "release.docx")
    sheet = tmp_path / "release.review.xlsx"
    result = run("translate", source, "-o", sheet, "--no-mt")
    assert result.exit_code == 0, result.output
    rows = read_workbook(sheet).rows
    bold = next(r for r in rows if "上海精神⟦/1⟧" in r.source)
    assert "⟦1⟧" in bold.source
    targets = {
        plain(bold.source): "We must carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧ and strengthen cooperation.",
        "北京": "Beijing",
        "上海": "Shanghai",
    }
    _approve_all(sheet, targets)
    assert run("review", sheet).exit_code in (0, 1)  # QA may flag the placeholder targets' terms
    out = tmp_path / "release.en.docx"
    export = run("export-doc", sheet, "-o", out)
    assert export.exit_code == 0, export.output
    english = docx.Document(str(out))
    paragraph = next(p for p in english.paragraphs if "Shanghai Spirit" in p.text)
    assert [r.text for r in paragraph.runs if r.bold] == ["Shanghai Spirit"]
    assert paragraph.text.startswith("We must carry forward the Shanghai Spirit")
    assert [c.text for c in english.tables[0].rows[0].cells] == ["Beijing", "Shanghai"]
    assert english.core_properties.language == "en-US"
    assert not any("\u4e00" <= ch <= "\u9fff" for p in english.paragraphs for ch in p.text)
    assert "https://www.mfa.gov.cn/" in {r.target_ref for r in english.part.rels.values() if r.is_external}

    source.write_bytes(source.read_bytes() + b"\0")  # the original changed since
    again = run("export-doc", sheet, "-o", tmp_path / "again.docx")
    assert again.exit_code == 4 and "changed since the review sheet was made" in again.output
    assert not (tmp_path / "again.docx").exists()
    flat = run("export-doc", sheet, "-o", tmp_path / "release.en.txt")
    assert flat.exit_code == 0 and "Shanghai Spirit and" in (tmp_path / "release.en.txt").read_text()


WRITER = SOFFICE is not None and any(Path(SOFFICE).resolve().parent.glob("libswlo*"))


def writer(tmp_path: Path, target: str, source: Path, out_dir: Path, infilter: str | None = None) -> Path:
    """LibreOffice Writer converting a file (HTML read as a Writer document, not Writer/Web)."""
    return soffice(tmp_path, target, source, out_dir, infilter)


@pytest.mark.skipif(  # in CI (TM_REQUIRE_LIBREOFFICE) it runs, and a missing Writer fails it
    not WRITER and not os.environ.get("TM_REQUIRE_LIBREOFFICE"),
    reason="LibreOffice Writer is not installed (apt-get install libreoffice-writer-nogui)",
)
def test_a_docx_libreoffice_wrote_is_translated_and_opens_again(run, seeded, tmp_path):
    page = tmp_path / "lo.html"
    page.write_text(
        "<html><body><h1>王毅談上海精神</h1><p>我們要弘揚<b>上海精神</b>，加強合作。</p>"
        "<table><tr><td>北京</td><td>上海</td></tr></table></body></html>",
        encoding="utf-8",
    )
    source = writer(tmp_path, "docx:MS Word 2007 XML", page, tmp_path / "lo", "HTML (StarWriter)")
    sheet = tmp_path / "lo.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    assert any("⟦1⟧上海精神⟦/1⟧" in r.source for r in rows)
    _approve_all(
        sheet, {"我們要弘揚上海精神，加強合作。": "We must carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧."}
    )
    out = tmp_path / "english.docx"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    text = writer(tmp_path, "txt:Text (encoded):UTF8", out, tmp_path / "txt").read_text(encoding="utf-8-sig")
    assert "We must carry forward the Shanghai Spirit." in text and "上海精神" not in text
    import docx

    english = docx.Document(str(out))
    paragraph = next(p for p in english.paragraphs if "Shanghai Spirit" in p.text)
    assert [r.text for r in paragraph.runs if r.bold] == ["Shanghai Spirit"]
    assert len(english.tables) == 1


PAGE = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>王毅答記者問</title>
<script>var s = "不翻譯。";</script><style>p { color: red }</style></head>
<body><p>我們要弘揚<b>上海<i>精神</i></b>&amp;合作。<br>雙方同意。</p>
<p><img src="x.png" alt="會見現場"> <a href="https://www.mfa.gov.cn/" title="外交部">外交部</a>發布。</p></body></html>
"""


def test_html_export_differs_only_in_text_and_lang(run, seeded, tmp_path):
    import lxml.html

    source = tmp_path / "page.html"
    source.write_text(PAGE, encoding="utf-8")
    segments, _ = document_segments(source, "page", "html")
    texts = [s.text for s in segments]
    assert "王毅答記者問" in texts and "不翻譯。" not in " ".join(texts)
    assert "我們要弘揚⟦1⟧上海⟦2⟧精神⟦/2⟧⟦/1⟧&合作。" in texts and "會見現場" in texts and "外交部" in texts
    sheet = tmp_path / "page.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    edit(sheet, {r.id: {"Target": "T" + r.source, "Status": "approved"} for r in rows})
    out = tmp_path / "page.en.html"
    assert run("export-doc", sheet, "-o", out).exit_code == 0

    def shape(tree):
        return [
            (e.tag, {k: v for k, v in e.attrib.items() if k not in ("lang", "alt", "title")})
            for e in tree.iter()
        ]

    before, after = lxml.html.parse(str(source)).getroot(), lxml.html.parse(str(out)).getroot()
    assert shape(before) == shape(after) and after.get("lang") == "en"
    assert after.find(".//title").text == "T王毅答記者問"
    assert after.find(".//img").get("alt") == "T會見現場"
    assert after.find(".//script").text == 'var s = "不翻譯。";'
    assert "T我們要弘揚上海精神&合作。" in after.text_content()


def test_placeholders_out_of_order_are_refused_and_never_written_as_markup(run, seeded, tmp_path):
    """Issue 22, point 9: `⟦/1⟧multilateralism⟦1⟧` passed QA, and export-doc then wrapped the
    rest of the paragraph in the link."""
    source = tmp_path / "page.html"
    source.write_text(
        '<html><body><p>我們支持<a href="https://www.un.org/">多邊主義</a>，反對單邊主義。</p></body></html>',
        encoding="utf-8",
    )
    sheet = tmp_path / "page.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    (row,) = read_workbook(sheet).rows
    assert row.source == "我們支持⟦1⟧多邊主義⟦/1⟧，反對單邊主義。"
    edit(
        sheet,
        {
            row.id: {
                "Target": "We support ⟦/1⟧multilateralism⟦1⟧ and oppose unilateralism.",
                "Status": "approved",
            }
        },
    )
    strict = run("review", sheet, "--strict", "--dry-run")
    assert strict.exit_code != 0 and "⟦/1⟧ comes before ⟦1⟧" in strict.output
    out = tmp_path / "page.en.html"
    result = run("export-doc", sheet, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "We support multilateralism and oppose unilateralism." in page and "<a " not in page
    assert row.id in result.output  # named among the rows whose formatting was left out


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a.txt" source-language="zh-CN" datatype="plaintext"><body>
<trans-unit id="1"><source>弘揚<g id="b">上海精神</g>。</source></trans-unit>
<trans-unit id="2"><source>雙方同意<x id="br"/>。</source><target>Both sides agreed<x id="br"/>.</target></trans-unit>
</body></file></xliff>
"""
XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh-CN"><file id="f1">
<unit id="u1"><segment><source>弘揚<pc id="1">上海精神</pc>。</source></segment></unit>
<unit id="u2"><segment><source>雙方同意。</source><target>Both sides agreed.</target></segment></unit>
</file></xliff>
"""


@pytest.mark.parametrize("version, text", [("1.2", XLIFF12), ("2.0", XLIFF20)])
def test_xliff_sources_read_targets_kept_and_written_back(run, seeded, tmp_path, version, text):
    source = tmp_path / "batch.xlf"
    source.write_text(text, encoding="utf-8")
    segments, proposals = document_segments(source, "batch", "xliff")
    assert [s.text for s in segments][0] == "弘揚⟦1⟧上海精神⟦/1⟧。"
    assert list(proposals.values())[0].startswith("Both sides agreed")
    sheet = tmp_path / "batch.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    assert rows[1].target.startswith("Both sides agreed")
    edit(sheet, {rows[0].id: {"Target": "Carry forward the ⟦1⟧Shanghai Spirit⟦/1⟧.", "Status": "approved"}})
    edit(sheet, {rows[1].id: {"Status": "approved"}})
    out = tmp_path / "batch.en.xlf"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    from translate.storage import xliff, xliff2

    store = (xliff2.Xliff2File if version == "2.0" else xliff.xlifffile).parsefile(str(out))
    units = [u for u in store.units if u.source]
    assert [u.target for u in units][0].startswith("Carry forward the")
    written = out.read_text(encoding="utf-8")
    assert ('trgLang="en"' if version == "2.0" else 'target-language="en"') in written
    assert (
        '<pc id="1">Shanghai Spirit</pc>' if version == "2.0" else '<g id="b">Shanghai Spirit</g>'
    ) in written


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in members.items():
            archive.writestr(name, data)


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/big.bin", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(300):
                member.write(zeros)


BAD = [
    ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), "Word 97-2003"),
    (
        "secret.docx",
        lambda p: p.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + bytes(400)
        ),
        "password-protected",
    ),
    ("escape.docx", lambda p: _zip(p, {"../../evil.txt": b"x"}), "unsafe path"),
    ("bomb.docx", _bomb, "zip bomb"),
    (
        "bad.html",
        lambda p: p.write_bytes(b"<html><body><p>\xff\xfe\xfd</p></body></html>"),
        "bytes that are not utf-8",
    ),
    (
        "entity.xlf",
        lambda p: p.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xliff version="1.2"/>'),
        "entity declaration",
    ),
    (
        "lies.docx",
        lambda p: p.write_text("<html><body><p>今天。</p></body></html>"),
        "the name says a Word document",
    ),
    ("lies.html", lambda p: make_docx(p), "but the file is a Word document"),
]


@pytest.mark.parametrize("name, write, said", BAD, ids=[b[0] for b in BAD])
def test_bad_documents_are_refused_with_one_message(run, seeded, tmp_path, db_path, name, write, said):
    path = tmp_path / name
    write(path)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    memory = db_path.read_bytes() if db_path.exists() else None
    for args in (("translate", path, "-o", tmp_path / "out.xlsx", "--no-mt"), ("segment", path)):
        result = run(*args)
        assert result.exit_code == 4 and isinstance(result.exception, SystemExit), result.output
        (line,) = result.output.splitlines()
        assert line.startswith(f"Error: {path}: ") and said in line, line
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before  # nothing written
    assert (db_path.read_bytes() if db_path.exists() else None) == memory


def test_align_reads_a_word_release_against_its_english_web_page(tmp_path):
    import docx
    from click.testing import CliRunner

    from tm.cli import cli

    zh = tmp_path / "release.docx"
    document = docx.Document()
    document.add_heading("王毅談合作", level=1)
    paragraph = document.add_paragraph("我們要弘揚")
    paragraph.add_run("上海精神").bold = True
    paragraph.add_run("。今天天氣很好。")
    document.save(zh)
    en = tmp_path / "release.html"
    en.write_text(
        "<html><body><h1>Wang Yi on cooperation</h1><p>We must carry forward the <b>Shanghai Spirit</b>. "
        "The weather is fine today.</p></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "links.tsv"
    result = CliRunner().invoke(
        cli, ["align", str(zh), str(en), "-o", str(out)], env={"TM_DB": str(tmp_path / "none.db")}
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    header = rows[0]
    pairs = {(r[header.index("chinese")], r[header.index("english")]) for r in rows[1:]}
    assert ("我們要弘揚上海精神。", "We must carry forward the Shanghai Spirit.") in pairs
    assert ("王毅談合作", "Wang Yi on cooperation") in pairs


def _lying_docx(path: Path, inflated: int, declared: int = 20_000) -> Path:
    """A Word file whose document part declares ``declared`` bytes and inflates to ``inflated``
    (a comment of spaces): the archive lies about its size, as a zip bomb does."""
    import struct
    import zipfile

    import docx

    real = path.with_name("real.docx")
    document = docx.Document()
    document.add_paragraph("你好。")
    document.save(real)
    with zipfile.ZipFile(real) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><!--" + b" " * inflated + b"-->")
            out.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    raw = bytearray(path.read_bytes())
    name = b"word/document.xml"
    for signature, name_length_at, name_at, size_at in (
        (b"PK\x03\x04", 26, 30, 22),
        (b"PK\x01\x02", 28, 46, 24),
    ):
        at = raw.find(signature)
        while at != -1:
            (length,) = struct.unpack_from("<H", raw, at + name_length_at)
            if raw[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", raw, at + size_at, declared)
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    return path


def test_a_docx_that_lies_about_its_size_is_refused_in_small_memory(tmp_path):
    """Issue 22, point 8: a member declaring 20 KB that inflates to hundreds of MB drove
    `tm segment` to gigabytes of memory before failing. Peak memory here stays under 300 MB."""
    bomb = _lying_docx(tmp_path / "bomb.docx", inflated=400 << 20)
    assert bomb.stat().st_size < 3 << 20
    script = (  # VmHWM: this program's own peak (getrusage would count what this test held before exec)
        "import re, sys\nfrom pathlib import Path\nfrom tm.cli import main\nsys.argv = ['tm', 'segment', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)\n"
        "print('peak', peak, 'exit', code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(bomb)], capture_output=True, text=True, cwd=ROOT)
    assert "does not unpack to what the archive declares" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    _, peak_kib, _, code = done.stdout.split()
    assert code != "0" and int(peak_kib) < 300 * 1024


def test_a_sheet_sent_with_its_original_exports_on_another_machine(run, seeded, tmp_path):
    """The second new-user run: export-doc looked for the original only where it was read."""
    import shutil

    source = make_docx(tmp_path / "release.docx")
    sheet = tmp_path / "release.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    _approve_all(sheet, {})
    elsewhere = tmp_path / "reviewer"  # the sheet and the original, moved together
    elsewhere.mkdir()
    shutil.move(sheet, elsewhere / sheet.name)
    shutil.move(source, elsewhere / source.name)
    result = run("export-doc", elsewhere / sheet.name, "-o", tmp_path / "release.en.docx")
    assert result.exit_code == 0, result.output
    (elsewhere / source.name).write_bytes(b"not the file that was translated")
    refused = run("export-doc", elsewhere / sheet.name, "-o", tmp_path / "again.en.docx")
    assert refused.exit_code == 4 and "nor beside the sheet" in refused.output


def test_an_html_fragment_is_read_as_html_and_given_back_as_a_fragment(run, seeded, tmp_path):
    """A CMS exports a story as <p>…</p> without <html> or <body>: its .html name and its tags
    agree, so it is a page (it was refused as plain text), and it comes back a fragment (libxml2
    wraps it in <html><body>)."""
    source = tmp_path / "story.html"
    source.write_text(
        '<p>我們支持<a href="https://www.un.org/">多邊主義</a>。</p>\n<p>今天。</p>\n', encoding="utf-8"
    )
    sheet = tmp_path / "story.review.xlsx"
    assert run("translate", source, "-o", sheet, "--no-mt").exit_code == 0
    rows = read_workbook(sheet).rows
    assert [r.source for r in rows] == ["我們支持⟦1⟧多邊主義⟦/1⟧。", "今天。"]
    edit(
        sheet,
        {
            r.id: {"Target": t, "Status": "approved"}
            for r, t in zip(rows, ["We support ⟦1⟧multilateralism⟦/1⟧.", "Today."])
        },
    )
    out = tmp_path / "story.en.html"
    assert run("export-doc", sheet, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        '<p>We support <a href="https://www.un.org/">multilateralism</a>.</p>\n<p>Today.</p>\n'
    )
    blocks = tmp_path / "block.html"  # WordPress block markup: its comments are the blocks
    blocks.write_text("<!-- wp:paragraph -->\n<p>今天。</p>\n<!-- /wp:paragraph -->\n", encoding="utf-8")
    sheet = tmp_path / "block.review.xlsx"
    assert run("translate", blocks, "-o", sheet, "--no-mt").exit_code == 0
    edit(sheet, {r.id: {"Target": "Today.", "Status": "approved"} for r in read_workbook(sheet).rows})
    assert run("export-doc", sheet, "-o", tmp_path / "block.en.html").exit_code == 0
    written = (tmp_path / "block.en.html").read_text(encoding="utf-8")
    assert written == "<!-- wp:paragraph -->\n<p>Today.</p>\n<!-- /wp:paragraph -->\n"
    plain = tmp_path / "notes.html"
    plain.write_text("今天。我們支持多邊主義。\n", encoding="utf-8")
    refused = run("translate", plain, "-o", tmp_path / "notes.xlsx", "--no-mt")
    assert refused.exit_code == 4 and "the file is plain text" in refused.output
