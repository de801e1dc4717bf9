"""The corpus of files other tools wrote (issue 21) is intact: the README lists exactly the files
there, every XML file parses (no network, no entities), each zh→en copy keeps its original's
element structure, and the schemas load. The corpus is third-party data kept in shared/
(``../shared/foreign``); without it these tests are skipped."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree, html

from .foreign_corpus import (
    corpus_dir,
    is_relabelled,
    originals,
    parse_any,
    relabelled_name,
    schemas_dir,
    structure,
    xml_parser,
)

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (CORPUS / "README.md").is_file(), reason=f"no corpus at {CORPUS} (shared/foreign)"
)
ORIGINALS = originals(CORPUS) if CORPUS.is_dir() else []


def _all_files():
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.parent.name != "LICENSES")


def _readme_rows() -> list[list[str]]:
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 2:
            rows.append([c.strip("`") for c in cells])
    return rows


def test_the_readme_lists_every_file_and_only_those():
    rows = _readme_rows()
    listed = {r[0] for r in rows}
    on_disk = {f"{p.parent.name}/{p.name}" for p in ORIGINALS}
    assert listed == on_disk
    copies_listed = {f"{r[0].split('/')[0]}/{r[1]}" for r in rows if ".zh-en." in r[1]}
    copies_on_disk = {f"{p.parent.name}/{p.name}" for p in _all_files() if is_relabelled(p)}
    assert copies_listed == copies_on_disk
    for row in rows:
        assert all(row[:7]), f"a README row has an empty cell: {row[0]}"


def test_no_file_is_large():
    sizes = {p: p.stat().st_size for p in _all_files()}
    assert all(size < 200_000 for size in sizes.values()), [p.name for p, s in sizes.items() if s >= 200_000]
    assert sum(sizes.values()) < 3_000_000


@pytest.mark.parametrize("path", [p for p in ORIGINALS], ids=lambda p: p.name)
def test_each_file_parses_and_its_zh_en_copy_keeps_the_structure(path):
    copy = relabelled_name(path)
    assert copy.is_file(), f"{copy.name} is missing"
    for p in (path, copy):
        if p.suffix == ".docx":
            with zipfile.ZipFile(p) as z:
                assert z.testzip() is None
        elif p.suffix not in (".html", ".htm"):
            etree.parse(str(p), xml_parser())  # raises on a file that is not well-formed
    assert structure(parse_any(path)) == structure(parse_any(copy))
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as a, zipfile.ZipFile(copy) as b:
            assert a.namelist() == b.namelist()


@pytest.mark.parametrize("path", [p for p in ORIGINALS if p.suffix not in (".docx",)], ids=lambda p: p.name)
def test_each_zh_en_copy_has_chinese_source_text_and_xml_copies_a_zh_label(path):
    copy = relabelled_name(path)
    root = parse_any(copy)
    text = root.text_content() if isinstance(root, html.HtmlElement) else "".join(root.itertext())
    raw = copy.read_bytes()
    assert re.search(r"[\u4e00-\u9fff]", text) or re.search(rb"&#(2[0-9]{4}|3[0-9]{4}|40[0-9]{3});", raw)
    if path.suffix not in (".html", ".htm"):
        values = {v for el in root.iter() if isinstance(el.tag, str) for v in el.attrib.values()}
        assert any(v.lower().startswith("zh") for v in values)


def test_the_schemas_load():
    schemas = schemas_dir()
    parser = xml_parser()
    etree.XMLSchema(etree.parse(str(schemas / "xliff12" / "xliff-core-1.2-transitional.xsd"), parser))
    etree.XMLSchema(etree.parse(str(schemas / "xliff20" / "xliff_core_2.0.xsd"), parser))
    etree.DTD(str(schemas / "tmx" / "tmx14.dtd"))
