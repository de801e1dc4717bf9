"""HTML pages through lxml: each innermost block element (paragraph, heading, list item, cell…)
is a paragraph, the <title> too, and ``alt`` and ``title`` attributes; inline elements inside a
block (b, a, em, span…) are paired placeholders, <br>, images and anything else empty ones;
<script> and <style> are never read. Written back, only text and <html lang> change."""

from __future__ import annotations

import re
from pathlib import Path

from tm.errors import UserError
from tm.formats.blocks import Block
from tm.formats.inline import extract, rebuild

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "caption", "figcaption"}
BLOCKS |= {"blockquote", "div", "section", "article", "header", "footer", "aside", "main", "pre", "title"}
BLOCKS |= {"summary", "legend", "label", "option", "button", "address", "body", "nav"}
INLINE = {"a", "b", "strong", "i", "em", "u", "s", "span", "sup", "sub", "small", "big", "mark", "code"}
INLINE |= {"abbr", "cite", "q", "font", "ins", "del", "time", "var", "kbd", "bdi", "bdo", "dfn", "ruby"}
NEVER = {"script", "style", "noscript", "template", "svg", "math"}
ATTRIBUTES = ("alt", "title")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def _kind(element) -> str:
    return "paired" if element.tag in INLINE else "empty"


class HtmlDocument:
    def __init__(self, path: Path):
        import lxml.html
        from lxml import etree

        data = path.read_bytes()
        found = _CHARSET_RE.search(data[:4096])
        self.charset = found.group(1).decode("ascii").lower() if found else "utf-8"
        try:
            text = data.decode(self.charset)
        except LookupError:
            raise UserError(f"{path}: declares the unknown character set {self.charset!r}") from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise UserError(
                f"{path}: line {line}: bytes that are not {self.charset} (the page's character set); "
                "save it again in UTF-8"
            ) from None
        if "\x00" in text:
            raise UserError(f"{path}: holds NUL bytes: not an HTML page")
        try:
            root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text.lstrip("\ufeff")))
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
            raise UserError(f"{path}: is not an HTML page tm can read ({exc})") from None
        self.tree = root.getroottree()
        self.path = path
        self.blocks = self._blocks()

    def _blocks(self) -> list[Block]:
        out = []
        for element in self.tree.getroot().iter():
            if not isinstance(element.tag, str) or any(a.tag in NEVER for a in element.iterancestors()):
                continue
            if element.tag in NEVER:
                continue
            if element.tag in BLOCKS and not any(d.tag in BLOCKS for d in element.iterdescendants()):
                text, tags = extract(element, _kind)
                if text.strip():
                    out.append(Block(text, tags, element))
            for name in ATTRIBUTES:  # after the block that holds the element: written back first
                value = element.get(name)
                if value and value.strip():
                    out.append(Block(value, {}, element, {"attribute": name}))
        return out

    def write(self, block: Block, text: str) -> None:
        if "attribute" in block.extra:
            block.node.set(block.extra["attribute"], text)
        else:
            rebuild(block.node, text, block.tags)

    def save(self, out) -> None:
        """Write the page to the binary stream ``out``."""
        from lxml import etree

        root = self.tree.getroot()
        root.set("lang", "en")
        if root.get("{http://www.w3.org/XML/1998/namespace}lang") is not None:
            root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        doctype = self.tree.docinfo.doctype
        out.write(etree.tostring(self.tree, method="html", encoding=self.charset, doctype=doctype))
