"""Word documents (.docx) through python-docx's package and lxml over its parts: every paragraph
of the body (tables cell by cell, text boxes), headers, footers, footnotes and endnotes.

A paragraph's runs become one text: runs in the paragraph's main look are plain text, a run that
looks otherwise (bold, italic) or sits in a wrapper (a link, a tracked insertion, a simple field
whose result is Chinese) is a pair of placeholders, and what is not text (a line break, an image,
a footnote reference, a tracked deletion, a comment's anchors, a bookmark, a field with its code)
an empty placeholder kept as it was. A field whose result is Chinese (a document title, a
cross-reference) has its result read as text between its code and its end. Writing rebuilds the
paragraph's runs from the translated text, each wrapper around the text of its pair."""

from __future__ import annotations

import io
import re
from collections import Counter
from copy import deepcopy
from pathlib import Path

from tm.errors import UserError
from tm.formats.blocks import Block
from tm.formats.docx_package import with_original_types
from tm.formats.docx_styles import Protection
from tm.formats.inline import Tag, closing, escape, opening, standalone, tokens
from tm.formats.zipcheck import check_zip
from tm.text.normalize import has_han

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PARTS = re.compile(r"/word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# Run properties that do not change how a phrase looks to a reader (language, fonts per script):
# runs differing only in these are one look, not a placeholder.
_NOISE = {"lang", "rFonts", "noProof", "kern", "szCs", "bCs", "iCs", "rtl", "cs", "eastAsianLayout"}
_SKIPPED = {"pPr", "proofErr"}  # spelling marks: wrong once the text is English
_DESCENDED = {"smartTag", "customXml"}
# Around text: written again around the English of their pair.
_WRAPPERS = {"hyperlink", "ins", "moveTo"}
# Kept whole where they are: deleted text, and marks with no text of their own.
_CODES = {"del", "moveFrom", "commentRangeStart", "commentRangeEnd", "bookmarkStart", "bookmarkEnd"}
_CODES |= {"moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"}
_CODES |= {"permStart", "permEnd"}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def _look(rpr) -> bytes:
    if rpr is None:
        return b""
    from lxml import etree

    kept = deepcopy(rpr)
    for child in list(kept):
        if etree.QName(child).localname in _NOISE:
            kept.remove(child)
    return etree.tostring(kept) if len(kept) else b""


class DocxDocument:
    def __init__(self, path: Path):
        check_zip(path)
        import docx

        try:
            self.doc = docx.Document(str(path))
        except Exception as exc:  # python-docx raises several kinds for a broken package
            raise UserError(f"{path}: is not a readable Word document ({exc})") from None
        self.path = path
        self.roots = []  # (part, root element); parts python-docx keeps as bytes are parsed here
        parts = [p for p in self.doc.part.package.iter_parts() if _PARTS.search(str(p.partname))]
        parts.sort(key=lambda p: (not str(p.partname).endswith("/document.xml"), str(p.partname)))
        for part in parts:
            root = part._element if hasattr(part, "_element") else _parse(part.blob, path)
            self.roots.append((part, root))
        self.protection = Protection(self.doc.styles.element)
        self.blocks = [b for _, root in self.roots for b in self._paragraphs(root)]

    def _paragraphs(self, root) -> list[Block]:
        out = []
        for p in root.iter(q("p")):
            if any(a.tag in (f"{{{MC}}}Fallback", q("del")) for a in p.iterancestors()):
                continue  # a Fallback repeats its Choice's text box; deleted paragraphs are gone
            if self.protection.paragraph_excluded(p):
                continue
            block = _read_paragraph(p, self.protection)
            if block.text.strip():
                out.append(block)
        return out

    def write(self, block: Block, text: str) -> None:
        _write_paragraph(block, text)

    def save(self, out) -> None:
        """Write the document to the binary stream ``out``."""
        from lxml import etree

        for part, root in self.roots:
            for lang in root.iter(q("lang")):
                lang.set(q("val"), "en-US")
            if not hasattr(part, "_element"):
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        self._default_language()
        self.doc.core_properties.language = "en-US"
        saved = io.BytesIO()
        self.doc.save(saved)
        out.write(with_original_types(saved.getvalue(), self.path))

    def _default_language(self) -> None:
        """The document default (styles.xml) says English, so new text is spell-checked as such."""
        from lxml import etree

        styles = self.doc.styles.element
        for lang in styles.iter(q("lang")):
            lang.set(q("val"), "en-US")
        defaults = styles.find(q("docDefaults"))
        if defaults is None:
            defaults = etree.SubElement(styles, q("docDefaults"))
            styles.insert(0, defaults)
        rpr_default = defaults.find(q("rPrDefault"))
        if rpr_default is None:
            rpr_default = etree.SubElement(defaults, q("rPrDefault"))
        rpr = rpr_default.find(q("rPr"))
        if rpr is None:
            rpr = etree.SubElement(rpr_default, q("rPr"))
        if rpr.find(q("lang")) is None:
            etree.SubElement(rpr, q("lang")).set(q("val"), "en-US")


def _parse(data: bytes, path: Path):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"{path}: a part of the document is not well-formed XML ({exc})") from None


def _items(p, protection: Protection) -> list[tuple]:
    """("text", str, rPr, wrappers) and ("empty", [elements], wrappers) in reading order, where
    wrappers is None or the elements around the run (outermost first). Runs not for translation
    (hidden, or in such a style) are empty items, neighbours together; of a ruby (phonetic guide)
    the base is text and the reading is left out: the English has none."""
    items: list[tuple] = []
    field: list | None = None  # the runs of a field being collected, code and result alike
    depth = 0
    paragraph_style = protection.paragraph_style(p)
    kept: list | None = None  # the runs of the last empty item of runs not for translation

    def visit(node, link) -> None:
        nonlocal field, depth, kept
        for child in node:
            name = child.tag.split("}")[-1] if isinstance(child.tag, str) else ""
            if name in _SKIPPED:
                continue
            if name in _WRAPPERS or (name == "fldSimple" and has_han("".join(child.itertext()))):
                visit(child, (*(link or ()), child))
            elif name in _CODES:
                items.append(("empty", [child], link))
            elif name in _DESCENDED:
                visit(child, link)
            elif name == "sdt":
                content = child.find(q("sdtContent"))
                if content is not None:
                    visit(content, link)
            elif name == "fldSimple":
                items.append(("empty", [child], link))
            elif name == "r":
                chars = [c.get(q("fldCharType")) for c in child.iter(q("fldChar"))]
                if field is not None or chars:
                    if field is None:
                        field = []
                        items.append(("empty", field, link))
                    field.append(child)
                    depth += chars.count("begin") - chars.count("end")
                    if depth <= 0:
                        parts = _field_parts(field)
                        if parts is not None:  # its result is Chinese: read as text
                            items[-1] = ("empty", parts[0], link)
                            field = None
                            for result in parts[1]:
                                run(result, link)
                            items.append(("empty", parts[2], link))
                        field, depth = None, 0
                elif protection.run_excluded(child, paragraph_style):
                    if kept is None or items[-1][1] is not kept:
                        kept = []
                        items.append(("empty", kept, link))
                    kept.append(child)
                else:
                    run(child, link)

    def run(r, link) -> None:
        rpr = r.find(q("rPr"))
        for child in r:
            if child.tag == q("rPr"):
                continue
            if child.tag == q("t"):
                items.append(("text", child.text or "", rpr, link))
            elif child.tag == q("ruby"):
                for base in child.iterfind(f"{q('rubyBase')}/{q('r')}"):
                    run(base, link)
            elif child.tag == q("tab"):
                items.append(("text", "\t", rpr, link))
            else:  # a break, a drawing, a footnote reference, a symbol: kept in a run of its own
                items.append(("empty", [(r, child)], link))

    visit(p, None)
    return items


def _field_parts(runs: list) -> tuple[list, list, list] | None:
    """A complex field's runs as (its code through the separator, its result, its end) when the
    result holds Chinese and no field of its own; None to keep it whole."""
    marks = [(i, c.get(q("fldCharType"))) for i, r in enumerate(runs) for c in r.iter(q("fldChar"))]
    if [kind for _, kind in marks] != ["begin", "separate", "end"]:
        return None
    (_, _), (separate, _), (end, _) = marks
    result = runs[separate + 1 : end]
    if not has_han("".join(t.text or "" for r in result for t in r.iter(q("t")))):
        return None
    if any(r.find(q("t")) is not None for r in (runs[separate], runs[end])):
        return None  # a result sharing a run with the field's marks: kept whole
    return runs[: separate + 1], result, runs[end:]


def _read_paragraph(p, protection: Protection) -> Block:
    items = _items(p, protection)
    looks = Counter()
    for item in items:
        if item[0] == "text" and item[3] is None:
            looks[_look(item[2])] += len(item[1])
    # The text's own look is the one most of it has; on a tie the plainer one (fewer properties),
    # so that a bold term opening a sentence is the marked part, not the rest of the sentence.
    base_look = max(looks, key=lambda look: (looks[look], -len(look))) if looks else b""
    base = next((i[2] for i in items if i[0] == "text" and _look(i[2]) == base_look), None)
    tags: dict[int, Tag] = {}
    text, open_n, open_key = "", None, None
    for item in items:
        key = (_look(item[2]), id(item[3])) if item[0] == "text" else None
        if open_n is not None and key != open_key:
            text += closing(open_n)
            open_n = open_key = None
        if item[0] == "empty":
            n = len(tags) + 1
            tags[n] = Tag(False, extra={"elements": item[1]})
            text += standalone(n)
        elif key == (base_look, id(None)):
            text += escape(item[1])
        else:
            if open_n is None:
                open_n, open_key = len(tags) + 1, key
                tags[open_n] = Tag(True, extra={"rpr": item[2], "link": item[3]})
                text += opening(open_n)
            text += escape(item[1])
    if open_n is not None:
        text += closing(open_n)
    return Block(text, tags, p, {"rpr": base})


def _write_paragraph(block: Block, text: str) -> None:
    from lxml import etree

    p, tags = block.node, block.tags
    for child in list(p):
        if child.tag != q("pPr"):
            p.remove(child)
    stack: list[int] = []
    wrapped: dict[int, object] = {}  # pair number: the innermost wrapper written for it
    used: set[int] = set()

    def add_empty(n: int) -> None:
        # copied now, not when read: a text box inside a drawing is translated before its anchor
        for element in tags[n].extra["elements"]:
            if isinstance(element, tuple):  # (run, one child of it): a run of its own
                r, child = element
                alone = etree.SubElement(p, q("r"), dict(r.attrib))
                if r.find(q("rPr")) is not None:
                    alone.append(deepcopy(r.find(q("rPr"))))
                alone.append(deepcopy(child))
            else:
                p.append(deepcopy(element))
        used.add(n)

    for kind, value in tokens(text):
        tag = tags.get(value) if kind != "text" else None
        if kind == "open" and tag is not None and tag.paired:
            stack.append(value)
        elif kind == "close" and value in stack:
            stack.remove(value)
        elif kind == "empty" and tag is not None and not tag.paired:
            add_empty(value)
        elif kind == "text":
            extra = tags[stack[-1]].extra if stack else block.extra
            parent, wrappers = p, extra.get("link")
            if wrappers:
                if (
                    wrapped.get(stack[-1]) is None
                    or not len(p)
                    or p[-1] is not _outermost(wrapped[stack[-1]], p)
                ):
                    holder = p
                    for wrapper in wrappers:
                        holder = etree.SubElement(holder, wrapper.tag, dict(wrapper.attrib))
                    wrapped[stack[-1]] = holder
                parent = wrapped[stack[-1]]
            run = etree.SubElement(parent, q("r"))
            if extra.get("rpr") is not None:
                run.append(deepcopy(extra["rpr"]))
            for piece in re.split(r"(\t)", value):
                if piece == "\t":
                    etree.SubElement(run, q("tab"))
                elif piece:
                    t = etree.SubElement(run, q("t"))
                    t.text = piece
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for n, tag in tags.items():
        if not tag.paired and n not in used:
            add_empty(n)


def _outermost(element, p):
    """The ancestor of ``element`` that is a child of ``p``."""
    while element.getparent() is not p:
        element = element.getparent()
    return element
