"""XLIFF 1.2 and 2.0 batches for CAT tools (`tm translate -o batch.xlf`, `tm review batch.xlf`): one
<file> per document, one unit per segment. A segment's placeholders are XLIFF inline elements (2.0:
<pc id>…</pc> and <ph id/>; 1.2: <g id> and <x id/>), the pre-translation its target with a state,
its origin and score a match proposal (2.0: the Matches module's <mtc:match>; 1.2: <alt-trans>),
glossary hits notes; what the import needs (the segment id, the proposal, the memory unit, the
context, the check hash, the source as written) are attributes in the ``tm`` namespace, and so is
what export-doc needs (each <file>'s original path, checksum, format and segment count; the line
breaks before each paragraph's first unit). Read back: each unit's source and target as placeholder
text, its state, those attributes, and the notes a translator added (1.2 <note from=…>, 2.0
<notes><note>; tm's own glossary notes left aside) as a comment. The root's tm:placeholders says
the tm attributes hold ⟦1⟧ placeholders; a batch without it was written when they were {1}
(tm.formats.inline.from_legacy)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tm.errors import UserError
from tm.formats.inline import Tag, closing, escape, opening, plain, rebuild, standalone
from tm.text.normalize import has_han

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
TM = "urn:tm:review:1"
NOTATION = "⟦n⟧"  # tm:placeholders of a batch whose tm attributes hold tm.formats.inline's notation
# What a CAT tool's "done" looks like: these states (or 1.2's approved="yes") import as approved.
FINAL_STATES = {"2.0": {"translated", "reviewed", "final"}, "1.2": {"translated", "signed-off", "final"}}
# The bilingual files CAT tools keep of a batch (their namespace): not the batch, whose attributes they drop.
CAT_FILES = {
    "http://sdl.com/FileTypes/SdlXliff/1.0": (
        "SDL Trados Studio's own file (.sdlxliff)",
        "File › Save Target As",
    ),
    "MQXliff": ("memoQ's own file (.mqxliff)", "export the document (Documents › Export)"),
    "http://www.memsource.com/mxlf/2.0": ("Phrase's own file (.mxliff)", "download the completed file"),
}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text as XML can hold it (control characters dropped)."""
    return _INVALID_XML.sub("", text)


@dataclass
class XUnit:
    """One segment in the file, as written or as read back."""

    id: str  # the segment id (document:paragraph:sentence)
    source: str  # with placeholders
    target: str = ""
    state: str = ""  # written: draft | translated; read: the file's state
    origin: str = ""  # context | exact | near-exact | fuzzy | MT | none
    score: int | None = None
    match_source: str = ""  # the memory's source of a match (plain text)
    notes: list[str] = field(default_factory=list)  # glossary hits
    fragments: list[str] = field(default_factory=list)  # parts the memory holds, with their English
    proposed: str = ""
    unit: str = ""
    context: str = ""
    check: str = ""
    approved: bool = False  # read: the CAT tool marked it done
    gap: int | None = None  # line breaks before its paragraph (a paragraph's first unit only)
    comment: str = ""  # read: the notes a translator added in the CAT tool (not tm's own)


@dataclass
class XFile:
    name: str  # the document's name in the batch
    original: str  # its file name
    units: list[XUnit] = field(default_factory=list)
    path: str = ""  # where the source release was read; empty in a batch written before export-doc read it
    sha256: str = ""
    format: str = ""  # txt | docx | html | xliff
    segments: int | None = None  # units written
    legacy: bool = False  # read: written when placeholders were {1}, in its tm:proposed too


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _inline(ns: str, version: str, text: str) -> dict[int, Tag]:
    """Tags for the placeholders of ``text``: XLIFF inline elements with the placeholder's number."""
    from lxml import etree

    from tm.formats.inline import tokens

    paired, empty = ("pc", "ph") if version == "2.0" else ("g", "x")
    tags: dict[int, Tag] = {}
    for kind, n in tokens(text):
        if kind in ("open", "empty") and n not in tags:
            name = paired if kind == "open" else empty
            tags[n] = Tag(kind == "open", etree.Element(_q(ns, name), id=str(n)))
    return tags


def _content(parent, ns: str, name: str, text: str, tags: dict[int, Tag]):
    from lxml import etree

    element = etree.SubElement(parent, _q(ns, name))
    rebuild(element, text, tags)
    return element


def write_batch(out, files: list[XFile], version: str, sheet_id: str) -> None:
    """Write the batch to the binary stream ``out`` as XLIFF ``version`` (1.2 or 2.0)."""
    from lxml import etree

    ns = NS20 if version == "2.0" else NS12
    nsmap = {None: ns, "tm": TM} | ({"mtc": MTC} if version == "2.0" else {})
    root = etree.Element(_q(ns, "xliff"), nsmap=nsmap, version=version)
    if version == "2.0":
        root.set("srcLang", "zh")
        root.set("trgLang", "en")
    root.set(_q(TM, "sheet"), sheet_id)
    root.set(_q(TM, "placeholders"), NOTATION)
    for number, xfile in enumerate(files, start=1):
        if version == "2.0":
            holder = etree.SubElement(root, _q(ns, "file"), id=f"f{number}", original=xfile.original)
        else:
            attrs = {"original": xfile.original, "datatype": "plaintext"}
            attrs |= {"source-language": "zh", "target-language": "en"}
            holder = etree.SubElement(etree.SubElement(root, _q(ns, "file"), attrs), _q(ns, "body"))
        element = holder if version == "2.0" else holder.getparent()
        element.set(_q(TM, "name"), xfile.name)
        for name in ("path", "sha256", "format"):
            element.set(_q(TM, name), getattr(xfile, name))
        element.set(_q(TM, "segments"), str(len(xfile.units)))
        for index, unit in enumerate(xfile.units, start=1):
            (_unit20 if version == "2.0" else _unit12)(holder, unit, index)
    etree.ElementTree(root).write(out, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tm_attributes(element, unit: XUnit) -> None:
    for name in ("id", "check", "source", "proposed", "unit", "context", "origin"):
        element.set(_q(TM, name), getattr(unit, name))
    if unit.score is not None:
        element.set(_q(TM, "score"), str(unit.score))
    if unit.gap is not None:
        element.set(_q(TM, "gap"), str(unit.gap))


def _unit20(holder, unit: XUnit, index: int) -> None:
    from lxml import etree

    ns, tags = NS20, _inline(NS20, "2.0", unit.source)
    element = etree.SubElement(holder, _q(ns, "unit"), id=f"u{index}")
    _tm_attributes(element, unit)
    if unit.target and unit.origin != "none":
        matches = etree.SubElement(element, _q(MTC, "matches"))
        attrs = {"ref": f"#s{index}", "origin": "tm" if unit.origin != "MT" else "mt"}
        attrs["type"] = "mt" if unit.origin == "MT" else "tm"
        if unit.score is not None:
            attrs["matchQuality"] = str(unit.score)
        match = etree.SubElement(matches, _q(MTC, "match"), attrs)
        etree.SubElement(match, _q(ns, "source")).text = unit.match_source or plain(unit.source)
        etree.SubElement(match, _q(ns, "target")).text = plain(unit.target)
    if unit.notes or unit.fragments:
        notes = etree.SubElement(element, _q(ns, "notes"))
        for text in unit.notes:
            etree.SubElement(notes, _q(ns, "note"), category="glossary").text = text
        for text in unit.fragments:
            etree.SubElement(notes, _q(ns, "note"), category="fragment").text = text
    state = "translated" if unit.state == "translated" else "initial"
    segment = etree.SubElement(element, _q(ns, "segment"), id=f"s{index}", state=state)
    _content(segment, ns, "source", unit.source, tags)
    if unit.target:
        _content(segment, ns, "target", unit.target, tags)


def _unit12(holder, unit: XUnit, index: int) -> None:
    from lxml import etree

    ns, tags = NS12, _inline(NS12, "1.2", unit.source)
    element = etree.SubElement(holder, _q(ns, "trans-unit"), id=unit.id)
    _tm_attributes(element, unit)
    _content(element, ns, "source", unit.source, tags)
    target = _content(element, ns, "target", unit.target, tags if unit.target else {})
    if unit.state == "translated":
        target.set("state", "translated")
    else:
        target.set("state", "needs-review-translation" if unit.target else "needs-translation")
    if unit.target and unit.origin in ("fuzzy", "MT"):
        attrs = {"origin": "machine translation" if unit.origin == "MT" else "translation memory"}
        if unit.score is not None:
            attrs["match-quality"] = str(unit.score)
        alt = etree.SubElement(element, _q(ns, "alt-trans"), attrs)
        etree.SubElement(alt, _q(ns, "source")).text = unit.match_source or plain(unit.source)
        etree.SubElement(alt, _q(ns, "target")).text = plain(unit.target)
    for text in unit.notes:
        etree.SubElement(element, _q(ns, "note"), **{"from": "glossary"}).text = text
    for text in unit.fragments:
        etree.SubElement(element, _q(ns, "note"), **{"from": "fragment"}).text = text


def _kept(text: str | None) -> str:
    """Text as content: whitespace holding a line break is indentation a tool re-indenting the
    file put beside inline elements (a segment never holds a raw line break: those are ⟦n/⟧)."""
    return "" if not text or (not text.strip() and "\n" in text) else text


def _text_of(element) -> str:
    """An element's content as placeholder text: inline elements by their id (pc/g → ⟦n⟧…⟦/n⟧,
    ph/x/… → ⟦n/⟧); markup a CAT tool added (<mrk>, a tag without our id) keeps only its text;
    text is text, braces and all."""
    if element is None:
        return ""

    def walk(node) -> str:
        out = escape(_kept(node.text) if len(node) else node.text or "")
        for child in node:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                out += escape(_kept(child.tail))
                continue
            local, ident = child.tag.split("}")[-1], child.get("id", "")
            ident = ident if ident.isascii() and ident.isdigit() else ""
            if local in ("pc", "g") and ident:
                out += opening(int(ident)) + walk(child) + closing(int(ident))
            elif local in ("ph", "x") and ident:
                out += standalone(int(ident))
            else:
                out += walk(child)
            out += escape(_kept(child.tail))
        return out

    return walk(element)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _as_written(read: str, written: str | None) -> str:
    """Text read back from an element holding line breaks, which tm's texts never do (a line
    break is a placeholder): a tool re-indented mixed content, putting line breaks and
    indentation beside text and inline elements. It is what tm wrote (the source, the proposal)
    when only whitespace differs; else the translator's, where a whitespace run holding a line
    break is indentation, no text: one space between two words, none at the ends, before
    punctuation that closes (``the⟦/2⟧\n   .``), after one that opens, or beside Chinese."""
    if "\n" not in read:
        return read
    if written is not None and _squeezed(read) == _squeezed(written):
        return written

    def space(m) -> str:
        before, after = plain(read[: m.start()])[-1:], plain(read[m.end() :])[:1]
        if not before or not after or after in _CLOSES or before in _OPENS or has_han(before + after):
            return ""
        return " "

    return re.sub(r"\s*\n\s*", space, read).strip()


_CLOSES = set(".,;:!?)]}%»”’…。，；：！？）」』】")
_OPENS = set("([{«“‘（「『【")


def read_batch(path: Path) -> tuple[str, str, list[XFile]]:
    """(version, sheet id, files) of a batch written by write_batch, after whatever a CAT tool
    did to it; one message when the file is not one."""
    from tm.formats.xliff import parse_safely

    root = parse_safely(path).getroot()
    ns = root.nsmap.get(None) or ""
    if not isinstance(root.tag, str) or root.tag != _q(ns, "xliff") or ns not in (NS12, NS20):
        raise UserError(f"{path}: not an XLIFF 1.2 or 2.0 file (root {root.tag!r})")
    version = "2.0" if ns == NS20 else "1.2"
    sheet_id = root.get(_q(TM, "sheet"))
    tool = next((CAT_FILES[ns] for ns in root.nsmap.values() if ns in CAT_FILES), None)
    if not sheet_id and tool:
        raise UserError(
            f"{path}: is {tool[0]}, not the batch `tm translate` wrote: there, write the translated "
            f"batch back to its .xlf ({tool[1]}) and give `tm review` that file"
        )
    legacy = root.get(_q(TM, "placeholders")) is None
    if not sheet_id:
        raise UserError(
            f"{path}: an XLIFF file not written by `tm translate -o FILE.xlf` (no tm:sheet); "
            "translate it with `tm translate` first"
        )
    files = []
    for element in root.iterfind(_q(ns, "file")):
        xfile = XFile(element.get(_q(TM, "name")) or "", element.get("original") or "", legacy=legacy)
        for name in ("path", "sha256", "format"):
            setattr(xfile, name, element.get(_q(TM, name)) or "")
        xfile.segments = _number(path, element.get(_q(TM, "segments")))
        name = "unit" if version == "2.0" else "trans-unit"
        for unit in element.iter(_q(ns, name)):
            xfile.units.append(_read_unit(path, unit, ns, version))
        files.append(xfile)
    return version, sheet_id, files


def _number(path: Path, value: str | None) -> int | None:
    """A count tm wrote; one message when someone changed it into something else."""
    if value is None:
        return None
    if not value.isdigit():
        raise UserError(f"{path}: a tm attribute holds {value!r} where tm wrote a number; translate it again")
    return int(value)


def _read_unit(path: Path, unit, ns: str, version: str) -> XUnit:
    attrs = {name: unit.get(_q(TM, name)) or "" for name in ("id", "check", "proposed", "unit", "context")}
    written = unit.get(_q(TM, "source"))  # None in a batch written before tm kept it
    holder = unit.find(_q(ns, "segment")) if version == "2.0" else unit
    holder = unit if holder is None else holder
    target = holder.find(_q(ns, "target"))
    if version == "2.0":
        state = holder.get("state") or "initial"
        approved = state in FINAL_STATES["2.0"]
    else:
        state = (target.get("state") if target is not None else None) or ""
        approved = state in FINAL_STATES["1.2"] or unit.get("approved") == "yes"
    return XUnit(
        source=_as_written(_text_of(holder.find(_q(ns, "source"))), written),
        target=_as_written(_text_of(target), attrs["proposed"] if target is not None else None),
        state=state,
        approved=approved,
        origin=unit.get(_q(TM, "origin")) or "",
        gap=_number(path, unit.get(_q(TM, "gap"))),
        comment=_comment(unit, ns, version),
        **attrs,
    )


TM_NOTES = ("glossary", "fragment")  # notes tm writes (category in 2.0, from in 1.2): no comment


def _comment(unit, ns: str, version: str) -> str:
    """The notes a translator or reviewer added to the unit in a CAT tool, one a line (1.2 names
    its author: ``from``); the glossary and fragment notes tm wrote are not comments."""
    if version == "2.0":
        holder = unit.find(_q(ns, "notes"))
        notes = [] if holder is None else holder.findall(_q(ns, "note"))
        mine = [n for n in notes if n.get("category") not in TM_NOTES]
        return "\n".join(text for n in mine if (text := "".join(n.itertext()).strip()))
    lines = []
    for note in unit.findall(_q(ns, "note")):
        author, text = note.get("from"), "".join(note.itertext()).strip()
        if author not in TM_NOTES and text:
            lines.append(f"{author}: {text}" if author else text)
    return "\n".join(lines)
