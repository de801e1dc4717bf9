"""XLIFF 1.2 and 2.0 files as documents: each ``trans-unit`` (1.2) or ``unit/segment`` (2.0)
source is a paragraph, a target already there is kept as a proposal. Inline elements: <g>, <pc>
and <mrk> are paired placeholders, <x/>, <ph/>, <bpt>… empty ones. The file is checked with the
hardened expat parser first (no entities, no external entities), then read with lxml. Written
back, each unit gets its target and the file its target language; the state becomes "translated",
unless the segment was further along (reviewed, final, signed-off) and keeps the target it had.
A source language that is not Chinese is noted: tm translates Chinese."""

from __future__ import annotations

from pathlib import Path

from tm.errors import UserError
from tm.formats.blocks import Block
from tm.formats.inline import extract, rebuild
from tm.text.langs import family

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
PAIRED = {"g", "pc", "mrk"}
# States past "translated": a target written back unchanged keeps them (2.0 on <segment>, 1.2 on <target>).
SETTLED = {"2.0": {"reviewed", "final"}, "1.2": {"signed-off", "final"}}


def _local(element) -> str:
    return element.tag.split("}")[-1] if isinstance(element.tag, str) else ""


def _kind(element) -> str:
    return "paired" if _local(element) in PAIRED else "empty"


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
        if _local(root) != "xliff" or self.ns not in (NS12, NS20):
            raise UserError(f"{path}: not an XLIFF 1.2 or 2.0 file (root {root.tag!r})")
        self.version = "2.0" if self.ns == NS20 else "1.2"
        self.notes = [f"{path}: {note}" for note in self._languages(root)]
        unit_path = f".//{{{NS20}}}segment" if self.version == "2.0" else f".//{{{NS12}}}trans-unit"
        self.blocks = []
        for unit in root.iterfind(unit_path):
            source = unit.find(f"{{{self.ns}}}source")
            if source is None:
                continue
            text, tags = extract(source, _kind)
            target = unit.find(f"{{{self.ns}}}target")
            proposal = extract(target, _kind)[0] if target is not None else ""
            if text.strip():
                self.blocks.append(Block(text, tags, unit, {"proposal": proposal}))

    def _languages(self, root) -> list[str]:
        if self.version == "2.0":
            declared = [("srcLang", root.get("srcLang"))]
        else:
            declared = [
                ("source-language", f.get("source-language")) for f in root.iterfind(f"{{{NS12}}}file")
            ]
        return [
            f"its {name} is {lang}, not Chinese: tm translates from Chinese (is it the right file?)"
            for name, lang in dict.fromkeys(declared)
            if lang and family(lang) != "zh"
        ]

    def write(self, block: Block, text: str) -> None:
        from lxml import etree

        unit, ns = block.node, self.ns
        target = unit.find(f"{{{ns}}}target")
        if target is None:
            source = unit.find(f"{{{ns}}}source")
            target = etree.Element(f"{{{ns}}}target")
            source.addnext(target)
            target.tail, source.tail = source.tail, source.tail
        before = " ".join(extract(target, _kind)[0].split())
        rebuild(target, text, block.tags)
        holder = unit if self.version == "2.0" else target
        if holder.get("state") not in SETTLED[self.version] or before != " ".join(text.split()):
            holder.set("state", "translated")

    def save(self, out) -> None:
        """Write the file to the binary stream ``out``, its target language English."""
        root = self.tree.getroot()
        if self.version == "2.0":
            root.set("trgLang", "en")
        else:
            for file in root.iterfind(f"{{{NS12}}}file"):
                file.set("target-language", "en")
        self.tree.write(out, xml_declaration=True, encoding="UTF-8")
