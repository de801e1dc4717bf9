"""HTML pages through lxml: what is read for translation (paragraphs, runs of text around inner
blocks, translatable attributes; not what is marked translate="no") is tm.formats.html_units'
job; written back, only those texts and <html lang> change.

The page is decoded by its byte-order mark (UTF-8, UTF-16), else the charset it declares (XML
declaration, <meta>), else --encoding (UTF-8 by default): one option serves a batch of pages. A
page opening with an XML declaration is XHTML: read as XML (with the hardened parser) and written
back as XML, in its own encoding; one that is not well-formed is read as HTML, as browsers do.
Written back, a page keeps its DOCTYPE, or has none where it had none, and its white space outside
the translated text (tm.formats.inline.source_spacing)."""

from __future__ import annotations

import codecs
import re
from html.entities import name2codepoint
from pathlib import Path

from tm.errors import UserError
from tm.formats.blocks import Block
from tm.formats.html_units import page_units, write_unit
from tm.formats.inline import source_spacing

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_DOCTYPE_RE = re.compile(r"<!DOCTYPE", re.I)
# Elements HTML never closes: the only ones XHTML may write as <br/> (an empty <script/> or <a/>
# would swallow the rest of the page in a browser reading it as HTML).
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source"}
_VOID |= {"track", "wbr", "basefont", "frame", "isindex", "keygen"}
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)""")
_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# Labels browsers read as a larger encoding (WHATWG): a "gb2312" page is GBK, often with 镕 in it.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _charset(data: bytes, encoding: str) -> tuple[str, bytes, str]:
    """(the codec to read the page with, the byte-order mark it opens with, what chose it)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, bom, "its byte-order mark"
    head = data[:4096]
    if head.startswith((b"<\x00?\x00", b"\x00<\x00?")):  # an XML declaration in UTF-16, no mark
        return ("utf-16-le" if head[0] else "utf-16-be"), b"", "its XML declaration"
    found = _XML_ENCODING_RE.match(head) or _CHARSET_RE.search(head)
    if not found:
        return encoding, b"", "--encoding" if encoding.lower() not in ("utf-8", "utf8") else "the default"
    declared = found.group(1).decode("ascii").lower()
    if declared.startswith("utf-16"):  # a <meta> found in ASCII bytes is not UTF-16 (WHATWG)
        declared = "utf-8"
    return _SUPERSETS.get(declared, declared), b"", "its declaration"


def _xhtml(text: str, name: str):
    """The XML tree of an XHTML page, or None when it is not well-formed XML. HTML's named
    entities (&nbsp;) become the characters: XML knows only five."""
    from xml.parsers import expat

    from lxml import etree

    from tm.formats.xmlsafe import hardened_parser

    body = _XML_DECL_RE.sub("", text, count=1)
    body = _ENTITY_RE.sub(
        lambda m: (
            m[0] if m[1] in _XML_ENTITIES or m[1] not in name2codepoint else f"&#{name2codepoint[m[1]]};"
        ),
        body,
    ).encode("utf-8")
    try:
        hardened_parser(name).Parse(body, True)  # refuses entity declarations: not a fallback
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, strip_cdata=False)
        return etree.fromstring(body, parser).getroottree()
    except (expat.ExpatError, etree.XMLSyntaxError):
        return None


class HtmlDocument:
    def __init__(self, path: Path, encoding: str = "utf-8"):
        import lxml.html
        from lxml import etree

        data = path.read_bytes()
        self.charset, self.bom, chosen = _charset(data, encoding)
        try:
            text = data[len(self.bom) :].decode(self.charset)
        except LookupError:
            raise UserError(f"{path}: unknown character set {self.charset!r} ({chosen})") from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            advice = "pass --encoding with the one it is in" if chosen != "its declaration" else "correct it"
            raise UserError(
                f"{path}: line {line}: bytes that are not {self.charset} ({chosen}); {advice}, "
                "or save the page again in UTF-8"
            ) from None
        if "\x00" in text:
            raise UserError(f"{path}: holds NUL bytes: not an HTML page")
        self.tree = _xhtml(text, str(path)) if _XML_DECL_RE.match(text) else None
        self.xml = self.tree is not None
        start = text.lower().find("<html")
        self.doctype = bool(_DOCTYPE_RE.search(text if start < 0 else text[:start]))
        # a fragment a CMS exports (<p>…</p>): written back as one, without the page libxml2 adds
        self.fragment = start < 0 and not self.doctype and not re.search(r"<(head|body)[\s>]", text, re.I)
        self.lead = _LEAD.match(text).group() if self.fragment else ""  # kept as written
        if self.tree is None:
            try:
                root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text))
            except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
                raise UserError(f"{path}: is not an HTML page tm can read ({exc})") from None
            self.tree = root.getroottree()
        self.path = path
        self.blocks = page_units(self.tree.getroot(), str(path))

    def write(self, block: Block, text: str) -> None:
        write_unit(block, source_spacing(block.text, text))

    def save(self, out) -> None:
        """Write the page to the binary stream ``out``, in the encoding it was read in."""
        from lxml import etree

        root = self.tree.getroot()
        codec = "utf-16" if self.charset.startswith("utf-16") else self.charset  # with its mark
        if self.bom == codecs.BOM_UTF8:
            out.write(self.bom)
        if self.fragment and not self.xml:  # no element to say lang= on
            out.write(self._fragment().encode(codec, errors="xmlcharrefreplace"))
            return
        if not self.xml or root.get("lang") is not None:
            root.set("lang", "en")
        if self.xml or root.get(XML_LANG) is not None:
            root.set(XML_LANG, "en")
        if self.xml:
            out.write(
                etree.tostring(
                    _plain_xml(self.tree),
                    xml_declaration=True,
                    encoding=codec,
                    doctype=self.tree.docinfo.doctype,
                )
            )
            return
        # libxml2 gives a page without one a DOCTYPE of HTML 4.0; "" writes none (and a line break)
        doctype = self.tree.docinfo.doctype if self.doctype else ""
        data = etree.tostring(self.tree, method="html", encoding="unicode", doctype=doctype)
        if not self.doctype:
            data = data.removeprefix("\n")
        out.write(data.encode(codec, errors="xmlcharrefreplace"))

    def _fragment(self) -> str:
        """The fragment as read: its leading comments and white space as written (libxml2 moves
        the comments out and drops the space), what libxml2 put in the head (a <title>, a
        <meta>), then the body."""
        from lxml import etree

        parts = [self.lead]
        for holder in self.tree.getroot():
            parts.append(holder.text or "")
            parts += [
                etree.tostring(child, method="html", encoding="unicode", with_tail=True) for child in holder
            ]
        return "".join(parts)


_LEAD = re.compile(r"(?:\s|<!--(?:(?!-->)[\s\S])*-->)*")  # each comment one way: no backtracking


def _plain_xml(tree):
    """A copy of an XHTML tree that libxml2 writes as plain XML: its XHTML writer (chosen by the
    DOCTYPE) adds a <meta http-equiv="Content-Type"> and attributes the page did not have. Elements
    that HTML closes are written with an end tag, as that writer would."""
    from copy import deepcopy

    root = tree.getroot()
    copy = deepcopy(root)  # a document of its own, without the DTD node
    for element in copy.iter():
        name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else None
        if name and name not in _VOID and element.text is None and not len(element):
            element.text = ""
    first = last = copy
    for sibling in root.itersiblings(preceding=True):  # comments, processing instructions
        first.addprevious(deepcopy(sibling))
        first = first.getprevious()
    for sibling in root.itersiblings():
        last.addnext(deepcopy(sibling))
        last = last.getnext()
    return copy.getroottree()
