"""The registry of release documents other than plain text: which format a file is (its content
must agree with its name) and its reader. ``open_document(path, fmt)`` gives the translatable
blocks (tm.formats.blocks: paragraphs, cells, attributes, XLIFF sources) in document order, each
written back with ``write`` and saved whole. The readers (docx, html, xliff) never import this."""

from __future__ import annotations

import re
from pathlib import Path

from tm.errors import UserError
from tm.formats.docx import DocxDocument
from tm.formats.html import HtmlDocument
from tm.formats.xliff import XliffDocument
from tm.text.files import HTML_START, markup_head

EXTENSIONS = {".txt": "txt", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}
EXTENSIONS |= {".xlf": "xliff", ".xliff": "xliff"}
EXTENSIONS |= {".sdlxliff": "xliff", ".mqxliff": "xliff", ".mxliff": "xliff"}  # Trados, memoQ, Phrase
NAMES = {
    "txt": "plain text",
    "docx": "a Word document (.docx)",
    "html": "an HTML page",
    "xliff": "an XLIFF file",
    "zip": "a zip archive",
    "encrypted": "a password-protected Office document",
    "pdf": "a PDF document",
}
FORMATS = ("txt", "docx", "html", "xliff")
READERS = {"docx": DocxDocument, "html": HtmlDocument, "xliff": XliffDocument}
_XLIFF_RE = re.compile(rb"^\s*(<\?xml[^>]*\?>)?[\s\S]{0,2000}?<xliff[\s>]")
# a page without <html>; a comment matches one way only (a nested .*? backtracks exponentially)
_TAG_START = re.compile(rb"\s*(?:<!--(?:(?!-->).)*-->\s*)*<[a-z][a-z0-9]*[\s/>]", re.I | re.S)


def sniff(data: bytes) -> str:
    """The format a file's bytes are, whatever its name says."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: Word 97, or an encrypted OOXML file
        return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "ole"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/document.xml" in data else "zip"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = markup_head(data)  # UTF-16 read too
    if _XLIFF_RE.match(head):
        return "xliff"
    if HTML_START.match(head):
        return "html"
    return "txt"


def format_of(path: str | Path, given: str | None = None) -> str:
    """The format to read ``path`` as: ``given`` (--format), else its extension, checked against
    its content; a name that lies, and formats tm cannot read, get a message saying what to do."""
    path = Path(path)
    if given:
        return given
    named = EXTENSIONS.get(path.suffix.lower())
    if named == "txt":
        return "txt"  # tm.text.files names the other file types a .txt can turn out to be
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        content = sniff(data)
        if named == "html" and content == "txt" and _TAG_START.match(markup_head(data)):
            content = "html"  # a fragment a CMS exports (<p>…</p>): its name and its tags agree
    except OSError:
        return named or "txt"  # the reader says what is wrong with the file
    if content == "ole":
        raise UserError(  # worded as tm.text.files names the other file types
            f"{path}: is an old-style Office file (.doc or .xls), not a text file; tm reads plain text, "
            ".docx, HTML and XLIFF, not Word 97-2003 files: save it as .docx "
            "(or: soffice --headless --convert-to docx FILE)"
        )
    if content == "encrypted":
        raise UserError(
            f"{path}: is {NAMES['encrypted']}; remove the password (Word: File › Info › Protect "
            "Document) and save it again"
        )
    if named is None:
        return content if content in FORMATS else "txt"
    if content != named:
        hint = f"; rename it or pass --format {content}" if content in FORMATS else ""
        raise UserError(f"{path}: the name says {NAMES[named]} but the file is {NAMES[content]}{hint}")
    return named


def open_document(path: str | Path, fmt: str, encoding: str = "utf-8"):
    """The document's reader: ``.blocks``, ``.write(block, text)``, ``.save(out)``. ``encoding``
    (--encoding) reads an HTML page that names no character set; the other formats say theirs."""
    path = Path(path)
    if fmt not in READERS:
        raise UserError(f"{path}: no reader for format {fmt!r}")
    return HtmlDocument(path, encoding) if fmt == "html" else READERS[fmt](path)


def sha256_of(path: str | Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
