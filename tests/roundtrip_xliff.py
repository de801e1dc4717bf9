"""XLIFF 1.2 (with .sdlxliff, .mqxliff, .mxliff) and 2.0 through tm, both ways a translator
works: the review sheet (translate → fill and approve every row → review → export-doc) and the
XLIFF batch for a CAT tool (translate -o b.xlf → targets and states edited → export-doc). The
export must hold every translatable segment's English in its target, keep the inline codes and
variables of its source, validate against the XLIFF schema of its version, and differ from the
input only in targets and in the status attributes a CAT tool sets when a target is written."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

from lxml import etree

from .roundtrip_cli import (
    REFUSED,
    VARIABLE,
    English,
    Outcome,
    Session,
    Stop,
    approve_all,
    coverage,
    last_lines,
)
from .roundtrip_xml import (
    differences,
    has_cjk,
    local,
    new_schema_errors,
    parse,
    preamble_differences,
    squeeze,
    tokens,
)

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
SCHEMAS = {"1.2": "xliff12/xliff-core-1.2-transitional.xsd", "2.0": "xliff20/xliff_core_2.0.xsd"}
# Inline elements whose content is native code, not text (1.2 bpt/ept/ph/it/ut, with their sub).
NATIVE_CODE = {"bpt", "ept", "ph", "it", "ut", "sub", "originalData"}
INLINE = {"g", "x", "bx", "ex", "bpt", "ept", "ph", "it", "ut", "mrk", "pc", "sc", "ec", "sm", "em", "cp"}
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"
PHRASE = "http://www.memsource.com/mxlf/2.0"
# What a CAT tool sets when a target is written: left out of the comparison with the targets.
STATUS = {
    "trans-unit": {
        "approved",
        f"{{{MQ}}}status",
        f"{{{MQ}}}percent",
        f"{{{MQ}}}lastchangedtimestamp",
        f"{{{PHRASE}}}confirmed",
        f"{{{PHRASE}}}score",
        f"{{{PHRASE}}}gross-score",
        f"{{{PHRASE}}}trans-origin",
        f"{{{PHRASE}}}modified-at",
        f"{{{PHRASE}}}modified-by",
        f"{{{PHRASE}}}level-edited",
    },
    "segment": {"state", "subState"},
    "seg": {"conf", "origin", "origin-system", "percent", "text-match", "struct-match"},
}


class Segment:
    """A translatable segment of a file: its source (a <source>, or a 1.2 <seg-source> <mrk>)
    and how to find its target."""

    def __init__(self, unit, source, mid: str | None = None):
        self.unit, self.source, self.mid = unit, source, mid

    @property
    def text(self) -> str:
        return plain(self.source)

    def target(self):
        ns = etree.QName(self.unit).namespace
        q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
        target = self.unit.find(q("target"))
        if target is None and local(self.unit) == "segment":
            return None
        if target is not None and self.mid is not None:
            return next((m for m in target.iter(q("mrk")) if m.get("mid") == self.mid), None)
        return target


def plain(el) -> str:
    """The text of a source or target: inline codes' native content left out."""
    out = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and local(child) not in NATIVE_CODE:
            out.append(plain(child))
        out.append(child.tail or "")
    return "".join(out)


def _translatable(el) -> bool:
    """translate="no" or "yes" of the element or its nearest ancestor saying either (2.0 inherits)."""
    said = next((e.get("translate") for e in (el, *el.iterancestors()) if e.get("translate")), "yes")
    return said != "no"


def segments(root) -> tuple[list[Segment], list[Segment]]:
    """The file's segments with text: those to translate, and those marked translate="no"."""
    found: list[Segment] = []
    if local(root) == "xliff" and etree.QName(root).namespace == NS20:
        for unit in root.iter(f"{{{NS20}}}unit"):
            for seg in unit.iterfind(f"{{{NS20}}}segment"):
                source = seg.find(f"{{{NS20}}}source")
                if source is not None:
                    found.append(Segment(seg, source))
    else:
        for unit in root.iter("{*}trans-unit"):  # 1.2, 1.1, or a file that forgot the namespace
            ns = etree.QName(unit).namespace
            q = (lambda name, ns=ns: f"{{{ns}}}{name}") if ns else (lambda name: name)
            seg_source = unit.find(q("seg-source"))
            marks = (
                [m for m in seg_source.iter(q("mrk")) if m.get("mtype") == "seg"]
                if seg_source is not None
                else []
            )
            if marks:
                found += [Segment(unit, m, m.get("mid")) for m in marks]
            elif unit.find(q("source")) is not None:
                found.append(Segment(unit, unit.find(q("source"))))
    found = [s for s in found if plain(s.source).strip()]
    return [s for s in found if _translatable(s.unit)], [s for s in found if not _translatable(s.unit)]


def version(root) -> str:
    """2.0, 1.2, or what a file in another namespace (1.1) or none is: no schema to check it by."""
    return {NS20: "2.0", NS12: "1.2"}.get(
        etree.QName(root).namespace, f"namespace {etree.QName(root).namespace}"
    )


def _keep(el) -> bool:
    """Targets are where tm writes (a trans-unit's or segment's own, not an alt-trans's)."""
    return not (local(el) == "target" and local(el.getparent()) in ("trans-unit", "segment"))


def _without_status(root):
    root = copy.deepcopy(root)
    for el in root.iter():
        for name in STATUS.get(local(el), ()):
            el.attrib.pop(name, None)
    return root


def _english_declared(before, after):
    """``after`` without the target language tm declares where the file declared none (a 1.x
    <file>'s target-language, 2.0's trgLang): English there is the translated document's own."""
    after = copy.deepcopy(after)
    files = lambda root: [root, *(f for f in root.iter() if local(f) == "file")]  # noqa: E731
    pairs = zip(files(before), files(after))
    for old, new in pairs:
        for name in ("target-language", "trgLang"):
            value = new.get(name)
            if old.get(name) is None and value is not None and re.fullmatch(r"(?i)en([-_]\w+)*", value):
                del new.attrib[name]
    return after


def _codes(el) -> Counter:
    return Counter(
        (local(c), c.get("id") or c.get("mid")) for c in el.iter() if c is not el and local(c) in INLINE
    )


def check_export(
    outcome: Outcome, schemas: Path, data: bytes, out: bytes, english: English, route: str
) -> None:
    """Everything the export must be, against its input; each difference a reason."""
    says = lambda reasons: outcome.fail(*(f"{route}: {r}" for r in reasons))  # noqa: E731
    try:
        after = parse(out)
    except etree.XMLSyntaxError as exc:
        says([f"the export is not well-formed XML ({exc})"])
        return
    before = parse(data)
    says(preamble_differences(data, out))
    if version(before.getroot()) in SCHEMAS:
        says(new_schema_errors(schemas / SCHEMAS[version(before.getroot())], data, out))
    elif f"{route}: not validated" not in " ".join(outcome.notes):
        outcome.notes.append(f"{route}: not validated: no schema for XLIFF in {version(before.getroot())}")
    says(
        differences(
            tokens(_without_status(before.getroot()), _keep),
            tokens(_without_status(_english_declared(before.getroot(), after.getroot())), _keep),
        )
    )
    in_segments, _ = segments(before.getroot())
    out_segments, _ = segments(after.getroot())
    if len(in_segments) != len(out_segments):
        says([f"{len(in_segments)} translatable segments in the file, {len(out_segments)} in the export"])
        return
    found = Counter()
    for seg in out_segments:
        target = seg.target()
        where = f"segment {seg.text.strip()[:20]!r}"
        if target is None:
            says([f"{where} has no target"])
            continue
        text = plain(target)
        found.update(w for w in english.written if w in _words(text))
        if has_cjk(text):
            says([f"{where}: Chinese left in its target {text.strip()[:40]!r}"])
        if _codes(seg.source) != _codes(target):
            says(
                [
                    f"{where}: inline codes {_show_codes(_codes(seg.source))} in the source, "
                    f"{_show_codes(_codes(target))} in the target"
                ]
            )
        lost = Counter(VARIABLE.findall(plain(seg.source))) - Counter(VARIABLE.findall(text))
        if lost:
            says([f"{where}: variables {sorted(lost)} missing from the target"])
    missing = [w for w in english.written if found[w] != 1]
    if missing:
        says(
            [
                f"{len(missing)} of the {len(english.written)} English words typed are not in one target each "
                f"({', '.join(missing[:4])}{'…' if len(missing) > 4 else ''})"
            ]
        )


def _words(text: str) -> set[str]:
    return set(re.findall(r"Eng\d+", text))


def _show_codes(codes: Counter) -> str:
    return (
        "{"
        + ", ".join(f"{n}#{i}" + (f"×{c}" if c > 1 else "") for (n, i), c in sorted(codes.items(), key=str))
        + "}"
    )


def via_sheet(session: Session, path: Path, schemas: Path) -> None:
    """translate → every row filled and approved → review → export-doc in the file's own format."""
    outcome, folder = session.outcome, session.folder
    sheet, out = folder / "s.xlsx", folder / f"out{path.suffix}"
    session.first("translate", path, "--no-mt", "-o", sheet, written=sheet, ok=(0, 1))
    english = English()
    rows = approve_all(sheet, english)
    translatable, _ = segments(parse(path.read_bytes()).getroot())
    outcome.fail(*(f"sheet: {r}" for r in coverage([squeeze(s.text) for s in translatable], rows)))
    session.must("review", sheet, ok=(0, 1))
    out = _export(session, sheet, out, "sheet")
    check_export(outcome, schemas, path.read_bytes(), out.read_bytes(), english, "sheet")


def via_batch(session: Session, path: Path, schemas: Path) -> None:
    """translate -o b.xlf → each unit's target written and its state set, as a CAT tool does →
    export-doc in the file's own format."""
    outcome, folder = session.outcome, session.folder
    batch, out = folder / "b.xlf", folder / f"batch-out{path.suffix}"
    session.must("translate", path, "--no-mt", "-o", batch, ok=(0, 1))
    english = English()
    tree = parse(batch.read_bytes())
    rows = []
    for unit in tree.getroot().iter(f"{{{NS20}}}unit"):
        for seg in unit.iterfind(f"{{{NS20}}}segment"):
            source = seg.find(f"{{{NS20}}}source")
            rows.append((unit.get("{urn:tm:review:1}id") or unit.get("id"), plain(source)))
            old = seg.find(f"{{{NS20}}}target")
            if old is not None:
                seg.remove(old)
            target = copy.deepcopy(source)
            target.tag = f"{{{NS20}}}target"
            _english(target, english)
            source.addnext(target)
            seg.set("state", "translated")
    batch.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    translatable, _ = segments(parse(path.read_bytes()).getroot())
    outcome.fail(*(f"batch: {r}" for r in coverage([squeeze(s.text) for s in translatable], rows)))
    out = _export(session, batch, out, "batch")
    check_export(outcome, schemas, path.read_bytes(), out.read_bytes(), english, "batch")


def _export(session: Session, reviewed: Path, out: Path, route: str) -> Path:
    """export-doc in the file's own extension; where that is refused (a CAT tool's .sdlxliff…),
    the refusal is a finding and the export is made as .xlf, so that its content is checked too."""
    step = session.tm("export-doc", reviewed, "-o", out)
    if step.traceback or step.code == 0 or out.suffix in (".xlf", ".xliff"):
        session._succeeded(step, (0,))
        return out
    session.outcome.fail(
        f"{route}: tm export-doc -o {out.name} exited {step.code}: {last_lines(step.output)}"
    )
    fallback = out.with_suffix(".xlf")
    session.must("export-doc", reviewed, "-o", fallback)
    return fallback


def _english(el, english: English) -> None:
    el.text = english.run(el.text) if el.text else el.text
    for child in el:
        if local(child) not in NATIVE_CODE:
            _english(child, english)
        child.tail = english.run(child.tail) if child.tail else child.tail


def roundtrip(session: Session, path: Path, schemas: Path) -> None:
    """Both routes; a file the first refuses clearly is not tried the second way."""
    try:
        via_sheet(session, path, schemas)
    except Stop:
        if session.outcome.verdict == REFUSED:
            return
    try:
        via_batch(session, path, schemas)
    except Stop:
        pass
