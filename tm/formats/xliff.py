"""XLIFF 1.2 and 2.0 files as documents: each unit (1.2 ``trans-unit``, 2.0 ``unit``) is a
paragraph and its segments are its sentences: a 2.0 ``segment``, a 1.2 ``<mrk mtype="seg">`` of
``seg-source`` (Trados, Okapi, Matecat segment so), else the unit's whole ``source``. The tool's
segmentation wins over tm's. A target already there is kept as a proposal. Units marked
``translate="no"`` (on the unit, or a group or file holding it) are not work: never read, never
written. Inline elements: <g>, <pc> and <mrk> are paired placeholders, <x/>, <ph/>, <bpt>… empty
ones. The file is checked with the hardened expat parser first (no entities, no external
entities), then read with lxml. Written back, each segment tm fills gets its target (in a
segmented unit: the matching <mrk> of the target) with the state "translated", unless it was
further along (reviewed, final, signed-off) and keeps the target it had; the CAT tool's own
markers follow (tm.formats.xliff_tools). A segment tm does not fill is left as it was (its
target, state and language), and the file gets a target language only where it had none. A
source language that is not Chinese is noted: tm translates Chinese."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from tm.errors import UserError
from tm.formats.blocks import Block
from tm.formats.inline import extract, plain, rebuild
from tm.formats.xliff_tools import mark_segment, mark_unit, segment_settled, unit_settled
from tm.text.langs import family

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS11 = "urn:oasis:names:tc:xliff:document:1.1"  # translate-toolkit's older files: 1.2's elements
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PAIRED = {"g", "pc", "mrk"}
# States past "translated": a target written back unchanged keeps them (2.0 on <segment>, 1.2 on <target>).
SETTLED = {"2.0": {"reviewed", "final"}, "1.2": {"signed-off", "final"}}


def _local(element) -> str:
    return element.tag.split("}")[-1] if isinstance(element.tag, str) else ""


def _kind(element) -> str:
    return "paired" if _local(element) in PAIRED else "empty"


def _words(element) -> str:
    """An element's text, whitespace collapsed: what tells whether a target changed."""
    return " ".join(extract(element, _kind)[0].split()) if element is not None else ""


def _translatable(unit) -> bool:
    """translate="no" on the unit or the nearest group or file that says: not work."""
    for element in (unit, *unit.iterancestors()):
        if element.get("translate") is not None:
            return element.get("translate") != "no"
    return True


def parse_safely(path: Path):
    """The lxml tree of an XML file that passed the hardened expat parser."""
    from lxml import etree

    from tm.formats.xmlsafe import hardened_parser, parse_file

    for _ in parse_file(hardened_parser(str(path)), path):
        pass
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"{path}: bad XML ({exc})") from None


class XliffDocument:
    def __init__(self, path: Path):
        self.path = path
        self.tree = parse_safely(path)
        root = self.tree.getroot()
        self.ns = root.nsmap.get(None) or ""
        # Okapi and older tools write 1.x without the namespace
        bare = self.ns == "" and (root.get("version") or "").startswith("1.")
        if _local(root) != "xliff" or not (self.ns in (NS11, NS12, NS20) or bare):
            raise UserError(f"{path}: not an XLIFF 1.2 or 2.0 file (root {root.tag!r})")
        self.version = "2.0" if self.ns == NS20 else "1.2"
        self.notes = [f"{path}: {note}" for note in self._languages(root)]
        self.blocks: list[Block] = []
        for unit in root.iter(self._q("unit" if self.version == "2.0" else "trans-unit")):
            if _translatable(unit):
                self.blocks.extend(self._unit_blocks(unit))

    def _q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def _segments(self, element) -> list:
        """The <mrk mtype="seg"> of a seg-source or target, in order (inside <g> too)."""
        if element is None:
            return []
        return [m for m in element.iter(self._q("mrk")) if m.get("mtype") == "seg"]

    def _unit_blocks(self, unit) -> list[Block]:
        """A block per segment of the unit, each knowing its unit (a paragraph) and where it is."""
        if self.version == "2.0":
            pieces = [
                (s.find(self._q("source")), s.find(self._q("target")), s, None)
                for s in unit.iterfind(self._q("segment"))
            ]
        elif marks := self._segments(unit.find(self._q("seg-source"))):
            targets = {m.get("mid"): m for m in self._segments(unit.find(self._q("target")))}
            pieces = [(m, targets.get(m.get("mid")), unit, m.get("mid")) for m in marks]
        else:
            pieces = [(unit.find(self._q("source")), unit.find(self._q("target")), unit, None)]
        blocks = []
        for source, target, node, mid in pieces:
            if source is None:
                continue
            text, tags = extract(source, _kind)
            proposal = extract(target, _kind)[0] if target is not None else ""
            if text.strip():
                blocks.append(Block(text, tags, node, {"proposal": proposal, "unit": unit, "mid": mid}))
        return blocks

    def _languages(self, root) -> list[str]:
        if self.version == "2.0":
            declared = [("srcLang", root.get("srcLang"))]
        else:
            declared = [("source-language", f.get("source-language")) for f in root.iter(self._q("file"))]
        return [
            f"its {name} is {lang}, not Chinese: tm translates from Chinese (is it the right file?)"
            for name, lang in dict.fromkeys(declared)
            if lang and family(lang) != "zh"
        ]

    def write(self, block: Block, text: str) -> None:
        """The segment's translation into its target; its state and the tool's markers follow."""
        from lxml import etree

        if block.extra.get("mid") is not None:
            self._write_mark(block, text)
            return
        unit = block.node
        target = unit.find(self._q("target"))
        if target is None:
            source = unit.find(self._q("source"))
            target = etree.Element(self._q("target"))
            source.addnext(target)
            target.tail, source.tail = source.tail, source.tail
        changed = _words(target) != " ".join(text.split())
        rebuild(target, text, block.tags)
        holder = unit if self.version == "2.0" else target
        if changed or not (holder.get("state") in SETTLED[self.version] or unit_settled(unit)):
            holder.set("state", "translated")
            mark_unit(unit)

    def _write_mark(self, block: Block, text: str) -> None:
        """A segment of a segmented 1.2 unit: into the target's <mrk> with its mid, the target
        made from seg-source (its segments empty) where the unit had none. The unit's state is
        "translated" once every segment of its target holds a translation."""
        from lxml import etree

        unit, mid = block.extra["unit"], block.extra["mid"]
        target = self._segmented_target(unit)
        mark = next((m for m in self._segments(target) if m.get("mid") == mid), None)
        if mark is None:
            mark = etree.SubElement(target, self._q("mrk"), mtype="seg", mid=mid)
        changed = _words(mark) != " ".join(text.split())
        rebuild(mark, text, block.tags)
        if changed or not (target.get("state") in SETTLED["1.2"] or segment_settled(unit, mid)):
            mark_segment(unit, mid)
            mark_unit(unit)
            if all(plain(extract(m, _kind)[0]).strip() for m in self._segments(target)):
                target.set("state", "translated")

    def _segmented_target(self, unit):
        """The unit's target with segments: as it is, or laid out as seg-source with each
        <mrk mtype="seg"> empty (what Trados writes for segments not yet translated)."""
        target = unit.find(self._q("target"))
        if self._segments(target):
            return target
        seg_source = unit.find(self._q("seg-source"))
        skeleton = deepcopy(seg_source)
        for mark in self._segments(skeleton):
            del mark[:]
            mark.text = None
        skeleton.attrib.pop(XML_LANG, None)
        if target is None:
            skeleton.tag = self._q("target")
            seg_source.addnext(skeleton)
            skeleton.tail, seg_source.tail = seg_source.tail, seg_source.tail
            return skeleton
        target[:] = list(skeleton)  # a translation of the whole unit gives way to its segments
        target.text = skeleton.text
        return target

    def save(self, out) -> None:
        """Write the file to the binary stream ``out``; English is its target language where it
        named none (one it names stays: the targets tm did not fill are in that language)."""
        root = self.tree.getroot()
        if self.version == "2.0":
            if not root.get("trgLang"):
                root.set("trgLang", "en")
        else:
            for file in root.iter(self._q("file")):
                if not file.get("target-language"):
                    file.set("target-language", "en")
        self.tree.write(out, xml_declaration=True, encoding="UTF-8")
