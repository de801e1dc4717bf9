"""XLIFF files real CAT tools wrote (the corpus of issue 21, relabelled zh→en; skipped without it)
through tm translate → approve every row → tm export-doc: each <mrk mtype="seg"> is a row and
comes back in the target, everything outside the targets and the tools' status markers is as it
was, the file keeps its extension, and a file that validates against the official XLIFF 1.2
transitional or 2.0 schema still does once tm wrote it."""

from __future__ import annotations

import pytest
from lxml import etree

from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .foreign_corpus import corpus_dir, originals, relabel, schemas_dir
from .sheet_cells import set_cells

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (CORPUS / "README.md").is_file(), reason=f"no corpus at {CORPUS} (shared/foreign)"
)
FILES = [p for p in originals(CORPUS) if p.parent.name in ("xliff12", "xliff20")] if CORPUS.is_dir() else []
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
MARKERS = ("conf", "{MQXliff}status", "{http://www.memsource.com/mxlf/2.0}confirmed", "state")
LANGUAGES = ("target-language", "trgLang")
run = test_translate.run


def _local(element) -> str:
    return element.tag.split("}")[-1] if isinstance(element.tag, str) else ""


def _segs(element) -> list:
    return [m for m in element.iter() if _local(m) == "mrk" and m.get("mtype") == "seg"]


def _outside_targets(root) -> str:
    """The file without its targets (alt-trans ones stay) and the status attributes tm sets."""
    from copy import deepcopy

    root = deepcopy(root)
    for target in [t for t in root.iter() if _local(t) == "target"]:
        if _local(target.getparent()) != "alt-trans":
            target.getparent().remove(target)
    for element in root.iter():
        for name in (*MARKERS, *LANGUAGES):
            element.attrib.pop(name, None)
    return etree.canonicalize(etree.tostring(root, encoding="unicode"))


def _language(element) -> str | None:
    """The target-language attribute this element of the file carries, if any (1.2 file, 2.0 root)."""
    if _local(element) == "file" and element.nsmap.get(None) != NS20:
        return "target-language"
    return "trgLang" if _local(element) == "xliff" and element.nsmap.get(None) == NS20 else None


def _schema(version: str):
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    folder = schemas_dir() / ("xliff20" if version == "2.0" else "xliff12")
    name = "xliff_core_2.0.xsd" if version == "2.0" else "xliff-core-1.2-transitional.xsd"
    return etree.XMLSchema(etree.parse(str(folder / name), parser))


@pytest.mark.parametrize("original", FILES, ids=[p.name for p in FILES])
def test_a_cat_tools_xliff_comes_back_whole(run, tmp_path, original):
    source = tmp_path / original.name
    source.write_bytes(relabel(original))
    sheet = tmp_path / "file.review.xlsx"
    result = run("translate", source, "-o", sheet, "--no-mt")
    assert result.exit_code == 0, result.output
    rows = read_workbook(sheet).rows
    before = etree.parse(str(source)).getroot()
    units = [u for u in before.iter() if _local(u) == "trans-unit" and u.get("translate") != "no"]
    segmented = [u for u in units if any(_local(c) == "seg-source" for c in u)]
    assert len(rows) >= sum(len(_segs(next(c for c in u if _local(c) == "seg-source"))) for u in segmented)
    if original.name == "piazza.sdlxliff":
        assert len(rows) == 5  # Trados's five segments, not one paragraph
    set_cells(sheet, {r.id: {"Target": f"EN {r.source}", "Status": "approved"} for r in rows})
    out_dir = tmp_path / "out"
    result = run("export-doc", sheet, "--out-dir", out_dir)
    assert result.exit_code == 0, result.output
    (out,) = out_dir.iterdir()
    assert out.suffix == original.suffix
    after = etree.parse(str(out)).getroot()
    assert _outside_targets(before) == _outside_targets(after)
    holders = [[e for e in root.iter() if _local(e) in ("xliff", "file")] for root in (before, after)]
    for old, new in zip(*holders):  # a target language only where the file named none
        assert [new.get(n) for n in LANGUAGES] == [
            old.get(n) or ("en" if n == _language(old) else None) for n in LANGUAGES
        ]
    for unit in segmented:
        (seg_source,) = [c for c in unit if _local(c) == "seg-source"]
        (written,) = [u for u in after.iter(unit.tag) if u.get("id") == unit.get("id")]
        (target,) = [c for c in written if _local(c) == "target"]
        assert [m.get("mid") for m in _segs(target)] == [m.get("mid") for m in _segs(seg_source)]
        assert all("".join(m.itertext()).startswith("EN ") for m in _segs(target))
    version = "2.0" if before.nsmap.get(None) == NS20 else "1.2"
    schema = _schema(version)
    if schema.validate(before):
        assert schema.validate(after), schema.error_log
