"""XLIFF that CAT tools wrote, through tm and back (issue 21): Trados's SDLXLIFF, memoQ's
mqxliff and Okapi's segmented XLIFF keep their segmentation (each <mrk mtype="seg"> a row, its
translation back in the target's <mrk> with the same mid, the tool's status markers set);
units marked translate="no" are not work and come back untouched; --allow-missing leaves a unit
tm did not fill as the file had it. The files are in tests/data/segmented (see its README)."""

from __future__ import annotations

import json
import shutil
from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree

from tm.formats.inline import plain
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .sheet_cells import set_cells

run = test_translate.run  # a CLI runner on an empty memory, no MT model
DATA = Path(__file__).parent / "data" / "segmented"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _translate(run, source: Path, tmp_path: Path) -> tuple[Path, dict]:
    sheet = tmp_path / f"{source.stem}.review.xlsx"
    result = run("translate", source, "-o", sheet, "--no-mt", "--json")
    assert result.exit_code == 0, result.output
    return sheet, json.loads(result.stdout)


def _export(run, sheet: Path, tmp_path: Path, *options) -> Path:
    out_dir = tmp_path / "out"
    result = run("export-doc", sheet, "--out-dir", out_dir, *options)
    assert result.exit_code == 0, result.output
    (written,) = out_dir.iterdir()
    return written


def _marks(element, ns: str = NS12) -> dict[str, etree._Element]:
    return {m.get("mid"): m for m in element.iter(_q(ns, "mrk")) if m.get("mtype") == "seg"}


def _canonical(tree, ns: str, drop_attributes: tuple = ()) -> str:
    """The file as canonical XML without its targets (and the status attributes named): what
    tm must leave exactly as it was."""
    root = deepcopy(tree.getroot())
    for target in list(root.iter(_q(ns, "target"))):
        if target.getparent().tag != _q(ns, "alt-trans"):
            target.getparent().remove(target)
    for element in root.iter():
        for name in drop_attributes:
            element.attrib.pop(name, None)
    return _c14n(root)


def _c14n(element) -> str:
    """Canonical XML 2.0 (1.0 refuses memoQ's relative namespace name, "MQXliff")."""
    return etree.canonicalize(etree.tostring(element, encoding="unicode"))


def _unit_c14n(tree, ns: str, name: str, ident: str) -> str:
    (unit,) = [u for u in tree.getroot().iter(_q(ns, name)) if u.get("id") == ident]
    return _c14n(unit)


def test_trados_segments_are_rows_and_each_translation_goes_into_its_mrk(run, tmp_path):
    source = tmp_path / "release.docx.sdlxliff"
    shutil.copy(DATA / source.name, source)
    sheet, result = _translate(run, source, tmp_path)
    rows = read_workbook(sheet).rows
    assert [(r.id, r.source) for r in rows] == [
        ("release.docx:1:1", "外交部長⟦1⟧王毅⟦/1⟧接受新華社專訪。"),
        ("release.docx:1:2", "雙方同意加強合作。"),
        ("release.docx:1:3", "朱鎔基總理出席。"),
        ("release.docx:2:1", "上海精神是合作的基礎。"),
        ("release.docx:2:2", "謝謝。"),
    ]  # Trados's five segments, not two units; the translate="no" unit is no row
    assert sum(band["segments"] for band in result["total"].values()) == 5
    assert rows[3].target == "The Shanghai Spirit is the basis of cooperation."  # the file's, proposed
    set_cells(
        sheet,
        {
            "release.docx:1:1": {
                "Target": "Foreign Minister ⟦1⟧Wang Yi⟦/1⟧ spoke to Xinhua.",
                "Status": "approved",
            },
            "release.docx:1:2": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"},
            "release.docx:2:1": {"Target": "The Shanghai Spirit is the foundation.", "Status": "approved"},
            "release.docx:2:2": {"Status": "approved"},  # signed off in Trados, written back as it was
            "release.docx:1:3": {"Target": "Premier Zhu Rongji attended.", "Status": "approved"},
        },
    )
    out = _export(run, sheet, tmp_path)
    assert out.name == "release.docx.en.sdlxliff"  # Trados opens its file by the extension
    before, after = etree.parse(str(source)), etree.parse(str(out))
    units = [u for u in after.getroot().iter(_q(NS12, "trans-unit")) if u.get("translate") != "no"]
    targets = {mid: m for u in units for mid, m in _marks(u.find(_q(NS12, "target"))).items()}
    assert {mid: "".join(m.itertext()).strip() for mid, m in targets.items()} == {
        "1": "Foreign Minister Wang Yi spoke to Xinhua.",
        "2": "The two sides agreed to cooperate more.",
        "3": "Premier Zhu Rongji attended.",
        "4": "The Shanghai Spirit is the foundation.",
        "5": "Thank you.",
    }
    assert targets["1"].find(_q(NS12, "g")).get("id") == "4"  # the bold run, where the translator put it
    assert targets["1"].find(_q(NS12, "g")).text == "Wang Yi"
    assert len(_marks(after.getroot())) == 5 and sum(1 for _ in after.getroot().iter(_q(NS12, "mrk"))) == 10
    confs = {s.get("id"): s.get("conf") for s in after.getroot().iter(_q(SDL, "seg"))}
    assert confs == {
        "1": "Translated",
        "2": "Translated",
        "3": "Translated",
        "4": "Translated",
        "5": "ApprovedSignOff",
    }
    assert [u.find(_q(NS12, "target")).get("state") for u in units] == ["translated", "translated"]
    # everything but the targets and the confirmation levels is as Trados wrote it
    assert _canonical(before, NS12, ("conf",)) == _canonical(after, NS12, ("conf",))
    unit = "8a2b0f1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"  # translate="no"
    assert _unit_c14n(before, NS12, "trans-unit", unit) == _unit_c14n(after, NS12, "trans-unit", unit)


def test_memoq_units_tm_fills_are_confirmed_and_the_rest_left_alone(run, tmp_path):
    source = tmp_path / "release.mqxliff"
    shutil.copy(DATA / source.name, source)
    sheet, result = _translate(run, source, tmp_path)
    rows = read_workbook(sheet).rows
    assert [(r.id, plain(r.source)) for r in rows] == [
        ("release:1:1", "外交部長王毅接受新華社專訪。"),
        ("release:2:1", "雙方同意加強合作。"),
        ("release:3:1", "謝謝。"),
    ]  # unit 2 (translate="no") is not work
    assert sum(band["segments"] for band in result["total"].values()) == 3
    set_cells(
        sheet,
        {
            "release:1:1": {
                "Target": "⟦1/⟧Foreign Minister Wang Yi⟦2/⟧ spoke to Xinhua.",
                "Status": "approved",
            },
            "release:2:1": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"},
            "release:3:1": {"Status": "approved"},  # proofread in memoQ, unchanged
        },
    )
    out = _export(run, sheet, tmp_path)
    assert out.name == "release.en.mqxliff"
    before, after = etree.parse(str(source)), etree.parse(str(out))
    units = {u.get("id"): u for u in after.getroot().iter(_q(NS12, "trans-unit"))}
    assert {i: u.get(_q(MQ, "status")) for i, u in units.items()} == {
        "1": "ManuallyConfirmed",
        "2": "NotStarted",
        "3": "ManuallyConfirmed",
        "4": "Proofread",
    }
    assert [units[i].find(_q(NS12, "target")).get("state") for i in "1234"] == [
        "translated",
        None,
        "translated",
        None,
    ]
    bold = units["1"].find(_q(NS12, "target"))
    assert [e.tag.split("}")[1] for e in bold] == ["bpt", "ept"] and "".join(bold.itertext()) == (
        "{}Foreign Minister Wang Yi{} spoke to Xinhua."
    )
    status = _q(MQ, "status")
    assert _canonical(before, NS12, (status,)) == _canonical(after, NS12, (status,))
    for unit in "24":
        assert _unit_c14n(before, NS12, "trans-unit", unit) == _unit_c14n(after, NS12, "trans-unit", unit)


def _bare(text: str) -> str:
    """The file as Okapi's older writers leave it: XLIFF 1.2 without its namespace."""
    return text.replace(f' xmlns="{NS12}"', "")


@pytest.mark.parametrize("bare", [False, True], ids=["namespace", "no-namespace"])
def test_okapi_segments_are_rows_and_a_unit_without_target_gets_one_laid_out_as_seg_source(
    run, tmp_path, bare
):
    source = tmp_path / "release.xlf"
    text = (DATA / "okapi-segmented.xlf").read_text(encoding="utf-8")
    source.write_text(_bare(text) if bare else text, encoding="utf-8")
    ns = "" if bare else NS12
    sheet, _ = _translate(run, source, tmp_path)
    rows = read_workbook(sheet).rows
    assert [(r.id, plain(r.source), plain(r.target)) for r in rows] == [
        ("release:1:1", "外交部長王毅接受新華社專訪。", ""),
        ("release:1:2", "雙方同意加強合作。", ""),
        ("release:2:1", "上海精神是合作的基礎。", "The Shanghai Spirit is the basis."),
        ("release:2:2", "謝謝。", "Thanks."),
    ]
    set_cells(
        sheet,
        {
            "release:1:1": {"Target": "Foreign Minister Wang Yi spoke to Xinhua.", "Status": "approved"},
            "release:1:2": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"},
            "release:2:1": {"Target": "⟦1/⟧The Shanghai Spirit⟦2/⟧ is the foundation.", "Status": "approved"},
            "release:2:2": {"Target": "Thank you.", "Status": "approved"},
        },
    )
    out = _export(run, sheet, tmp_path)
    assert out.name == "release.en.xlf"
    before, after = etree.parse(str(source)), etree.parse(str(out))
    tu1, tu2, tu3 = after.getroot().iter(_q(ns, "trans-unit"))
    target = tu1.find(_q(ns, "target"))
    assert target.getprevious().tag == _q(ns, "seg-source") and target.get("state") == "translated"
    assert {mid: m.text for mid, m in _marks(target, ns).items()} == {
        "0": "Foreign Minister Wang Yi spoke to Xinhua.",
        "1": "The two sides agreed to cooperate more.",
    }
    assert {mid: "".join(m.itertext()) for mid, m in _marks(tu3.find(_q(ns, "target")), ns).items()} == {
        "0": "<b>The Shanghai Spirit</b> is the foundation.",
        "1": "Thank you.",
    }
    assert _canonical(before, ns) == _canonical(after, ns)
    assert _unit_c14n(before, ns, "trans-unit", "tu2") == _c14n(tu2)


XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN">
<file id="f1">
<unit id="u1"><segment><source>雙方同意加強合作。</source></segment><ignorable><source> </source></ignorable><segment><source>謝謝。</source></segment></unit>
<unit id="u2" translate="no"><segment><source>新華社北京9月16日電</source></segment></unit>
<group id="g1" translate="no">
<unit id="u3"><segment><source>變量 = 1;</source><target>變量 = 1;</target></segment></unit>
<unit id="u4" translate="yes"><segment><source>朱鎔基總理出席。</source></segment></unit>
</group>
</file></xliff>
"""


def test_xliff20_units_marked_translate_no_are_not_work_and_come_back_untouched(run, tmp_path):
    source = tmp_path / "release.xlf"
    source.write_text(XLIFF20, encoding="utf-8")
    sheet, result = _translate(run, source, tmp_path)
    rows = read_workbook(sheet).rows
    assert [(r.id, r.source) for r in rows] == [
        ("release:1:1", "雙方同意加強合作。"),
        ("release:1:2", "謝謝。"),  # a unit's segments are one paragraph's sentences
        ("release:2:1", "朱鎔基總理出席。"),  # translate="yes" inside the group that says no
    ]
    total = result["total"]
    assert sum(b["segments"] for b in total.values()) == 3
    assert sum(b["characters"] for b in total.values()) == 8 + 2 + 7  # nothing of u2 or u3 counted
    english = ["The two sides agreed to cooperate more.", "Thank you.", "Premier Zhu Rongji attended."]
    set_cells(sheet, {r.id: {"Target": t, "Status": "approved"} for r, t in zip(rows, english)})
    out = _export(run, sheet, tmp_path)
    before, after = etree.parse(str(source)), etree.parse(str(out))
    assert [t.text for t in after.getroot().iter(_q(NS20, "target"))] == [
        *english[:2],
        "變量 = 1;",
        english[2],
    ]
    for unit in ("u2", "u3"):
        assert _unit_c14n(before, NS20, "unit", unit) == _unit_c14n(after, NS20, "unit", unit)


XLIFF12_EARLIER = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="a.html" source-language="zh-CN" datatype="html"><body>
<trans-unit id="a1"><source>雙方同意加強合作。</source></trans-unit>
<trans-unit id="a2"><source>謝謝。</source><target xml:lang="fr-FR" state="needs-review-translation">Merci.</target></trans-unit>
<trans-unit id="a3"><source>朱鎔基總理出席。</source></trans-unit>
</body></file>
<file original="b.html" source-language="zh-CN" target-language="en-GB" datatype="html"><body>
<trans-unit id="b1"><source>上海精神是合作的基礎。</source><target state="final">The Shanghai Spirit is the basis.</target></trans-unit>
<trans-unit id="b2"><source>外交部長王毅接受新華社專訪。</source></trans-unit>
</body></file>
</xliff>
"""
XLIFF20_EARLIER = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN" trgLang="fr-FR">
<file id="f1">
<unit id="u1"><segment state="reviewed"><source>謝謝。</source><target>Merci.</target></segment></unit>
<unit id="u2"><segment><source>雙方同意加強合作。</source></segment></unit>
<unit id="u3"><segment><source>朱鎔基總理出席。</source></segment></unit>
</file></xliff>
"""


def test_allow_missing_leaves_units_tm_did_not_fill_as_the_file_had_them_xliff12(run, tmp_path):
    source = tmp_path / "earlier.xlf"
    source.write_text(XLIFF12_EARLIER, encoding="utf-8")
    sheet, _ = _translate(run, source, tmp_path)
    set_cells(
        sheet,
        {
            "earlier:1:1": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"},
            "earlier:5:1": {"Target": "Foreign Minister Wang Yi spoke to Xinhua.", "Status": "approved"},
        },
    )  # a2 (a French target), a3 (none) and b1 (final) are not approved
    result = run("export-doc", sheet, "-o", tmp_path / "earlier.en.xlf", "--allow-missing")
    assert result.exit_code == 0, result.output
    assert "left as the file had them (3): earlier:2:1, earlier:3:1, earlier:4:1" in result.output
    before, after = etree.parse(str(source)), etree.parse(str(tmp_path / "earlier.en.xlf"))
    for unit in ("a2", "a3", "b1"):  # target, state and language as they were; no source as a target
        assert _unit_c14n(before, NS12, "trans-unit", unit) == _unit_c14n(after, NS12, "trans-unit", unit)
    filled = {u.get("id"): u.find(_q(NS12, "target")) for u in after.getroot().iter(_q(NS12, "trans-unit"))}
    assert (filled["a1"].text, filled["a1"].get("state")) == (
        "The two sides agreed to cooperate more.",
        "translated",
    )
    assert filled["b2"].text == "Foreign Minister Wang Yi spoke to Xinhua."
    # the file without a target language gets English; the one naming a variant keeps it
    assert [f.get("target-language") for f in after.getroot().iter(_q(NS12, "file"))] == ["en", "en-GB"]


def test_allow_missing_leaves_units_tm_did_not_fill_as_the_file_had_them_xliff20(run, tmp_path):
    source = tmp_path / "earlier.xlf"
    source.write_text(XLIFF20_EARLIER, encoding="utf-8")
    sheet, _ = _translate(run, source, tmp_path)
    set_cells(
        sheet, {"earlier:2:1": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"}}
    )
    out = tmp_path / "earlier.en.xlf"
    assert run("export-doc", sheet, "-o", out, "--allow-missing").exit_code == 0
    before, after = etree.parse(str(source)), etree.parse(str(out))
    for unit in ("u1", "u3"):
        assert _unit_c14n(before, NS20, "unit", unit) == _unit_c14n(after, NS20, "unit", unit)
    assert after.getroot().get("trgLang") == "fr-FR"  # the file's, as the target of u1 is
    (segment,) = [u for u in after.getroot().iter(_q(NS20, "unit")) if u.get("id") == "u2"][0]
    assert segment.get("state") == "translated"


def test_allow_missing_leaves_a_trados_segment_tm_did_not_fill_empty_and_unconfirmed(run, tmp_path):
    source = tmp_path / "release.docx.sdlxliff"
    shutil.copy(DATA / source.name, source)
    sheet, _ = _translate(run, source, tmp_path)
    set_cells(
        sheet,
        {"release.docx:1:2": {"Target": "The two sides agreed to cooperate more.", "Status": "approved"}},
    )
    out = _export(run, sheet, tmp_path, "--allow-missing")
    root = etree.parse(str(out)).getroot()
    unit = [u for u in root.iter(_q(NS12, "trans-unit")) if u.get("id").startswith("0d4e")][0]
    target = unit.find(_q(NS12, "target"))
    assert {mid: "".join(m.itertext()) for mid, m in _marks(target).items()} == {
        "1": "",
        "2": "The two sides agreed to cooperate more.",
        "3": "",
    }
    assert target.get("state") is None  # two of its segments are not translated
    assert {s.get("id"): s.get("conf") for s in root.iter(_q(SDL, "seg"))} == {
        "1": None,
        "2": "Translated",
        "3": None,
        "4": "Draft",
        "5": "ApprovedSignOff",
    }
    assert root.find(_q(NS12, "file")).get("target-language") == "en-US"
