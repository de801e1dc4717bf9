"""The corpus of files other tools wrote (issue 21): where it lives, and its zh→en relabelled copies.

The files themselves are third-party test data, so they live in the steering repo's shared/
(``../shared/foreign`` and ``../shared/schemas`` beside the checkout, as the alignment gold does),
never in this repository; ``TM_FOREIGN_CORPUS`` names another ``shared`` folder.
``python -m tests.foreign_corpus relabel`` (re)writes each ``NAME.zh-en.EXT`` beside its original:
source language attributes become zh (zh-CN where the file uses regional tags), the first target
language en (en-US), and each stretch of source text a Chinese phrase of similar length; markup,
inline codes, placeholders, numbers, whitespace and target text stay as they were.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import sys
import zipfile
from pathlib import Path

from lxml import etree, html

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    return Path(os.environ.get("TM_FOREIGN_CORPUS") or ROOT.parent / "shared")


def corpus_dir() -> Path:
    return shared_dir() / "foreign"


def schemas_dir() -> Path:
    return shared_dir() / "schemas"


XML_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, strip_cdata=False)


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(**XML_PARSER_OPTIONS)


def relabelled_name(path: Path) -> Path:
    """``a/b.txt.sdlxliff`` → ``a/b.txt.zh-en.sdlxliff`` (the last suffix stays last)."""
    return path.with_name(f"{path.stem}.zh-en{path.suffix}")


def is_relabelled(path: Path) -> bool:
    return path.stem.endswith(".zh-en")


# --- Chinese text of a similar shape ----------------------------------------------------------

_CHINESE = (
    "外交部发言人在例行记者会上回答了有关问题"
    "双方同意继续加强各领域务实合作"
    "中方愿同各方一道维护地区和平稳定"
    "会议审议通过了政府工作报告"
    "国务院新闻办公室今天举行新闻发布会"
    "两国元首就共同关心的国际和地区问题深入交换意见"
    "我们将坚定不移推进高水平对外开放"
    "有关部门正在抓紧研究具体措施"
)
# What stays as it is inside source text: placeholders, escapes, entities, numbers, URLs.
_KEEP = re.compile(
    r"\{[^{}\s]*\}|%(?:\d+\$)?[-#0 +]*\d*(?:\.\d+)?[sdifuxXc@]|\$\{?\w+\}?|\\[ntr]|&[A-Za-z#0-9]+;"
    r"|<[^<>]+>|https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\d+(?:[.,:]\d+)*"
)
_PUNCT = {".": "。", "?": "？", "!": "！", ":": "：", ",": "，", ";": "；"}


class ChineseText:
    """Deterministic Chinese phrases, about one character for every three Latin ones."""

    def __init__(self) -> None:
        self._chars = itertools.cycle(_CHINESE)

    def phrase(self, latin: str) -> str:
        n = max(2, min(60, round(len(latin.strip()) / 3)))
        return "".join(next(self._chars) for _ in range(n))

    def replace(self, text: str | None) -> str | None:
        """``text`` with each run of words turned Chinese; whitespace at both ends, kept tokens
        and sentence punctuation (as full-width) stay where they were."""
        if not text or not re.search(r"[^\W\d_]", text):
            return text
        out, pos = [], 0
        for m in _KEEP.finditer(text):
            out.append(self._words(text[pos : m.start()]))
            out.append(m.group())
            pos = m.end()
        out.append(self._words(text[pos:]))
        return "".join(out)

    def _words(self, part: str) -> str:
        if not re.search(r"[^\W\d_]", part):
            return part
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        core = part.strip()
        end = ""
        while core and core[-1] in _PUNCT:
            end = _PUNCT[core[-1]] + end
            core = core[:-1]
        return f"{lead}{self.phrase(core)}{end}{trail}"


# --- languages --------------------------------------------------------------------------------


def _base(lang: str | None) -> str:
    return (lang or "").split("-")[0].split("_")[0].lower()


class Languages:
    """Maps the file's source language to zh and its first target language to en."""

    def __init__(self, source: str | None, target: str | None) -> None:
        self.source, self.target = (source or "").lower(), (target or "").lower()

    def map(self, lang: str | None) -> str | None:
        if not lang:
            return lang
        low = lang.lower()
        if self.source and low == self.source:
            return "zh-CN" if "-" in low or "_" in low else "zh"
        if self.target and low == self.target:
            return "en-US" if "-" in low or "_" in low else "en"
        return lang

    def is_source(self, lang: str | None) -> bool:
        return bool(lang) and lang.lower() == self.source


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _replace_text(el, zh: ChineseText, skip: set[str], descend: bool = True) -> None:
    """Source text of ``el`` turned Chinese: its text, and each child's tail; children named in
    ``skip`` (inline codes) keep their content."""
    el.text = zh.replace(el.text)
    for child in el:
        if isinstance(child.tag, str) and descend and _local(child) not in skip:
            _replace_text(child, zh, skip)
        child.tail = zh.replace(child.tail)


# --- XLIFF ------------------------------------------------------------------------------------

_XLIFF1_CODES = {"bpt", "ept", "ph", "it", "ut", "x", "bx", "ex", "sub"}
_XLIFF2_CODES = {"ph", "sc", "ec", "cp", "sm", "em", "originalData", "data"}


def _relabel_xliff1(root, zh: ChineseText) -> None:
    for file_el in root.iter("{*}file", "file"):
        langs = Languages(file_el.get("source-language"), file_el.get("target-language"))
        for attr in ("source-language", "target-language"):
            if file_el.get(attr):
                file_el.set(attr, langs.map(file_el.get(attr)))
        for el in file_el.iter():
            name = _local(el)
            if el.get(XML_LANG):
                el.set(XML_LANG, langs.map(el.get(XML_LANG)))
            if name == "detected-source-lang" and el.get("lang"):
                el.set("lang", langs.map(el.get("lang")))
            if name in ("source", "seg-source"):
                _replace_text(el, zh, _XLIFF1_CODES)


def _relabel_xliff2(root, zh: ChineseText) -> None:
    langs = Languages(root.get("srcLang"), root.get("trgLang"))
    for attr in ("srcLang", "trgLang"):
        if root.get(attr):
            root.set(attr, langs.map(root.get(attr)))
    for el in root.iter():
        if el.get(XML_LANG):
            el.set(XML_LANG, langs.map(el.get(XML_LANG)))
        if _local(el) == "source":
            _replace_text(el, zh, _XLIFF2_CODES)


# --- TMX --------------------------------------------------------------------------------------

_TMX_CODES = {"bpt", "ept", "it", "ph", "ut"}


def _tuv_lang(tuv) -> str | None:
    return tuv.get(XML_LANG) or tuv.get("lang")


def _relabel_tmx(root, zh: ChineseText) -> None:
    header = root.find("header")
    source = header.get("srclang") if header is not None else None
    if not source or source == "*all*":
        first = root.find(".//tuv")
        source = _tuv_lang(first) if first is not None else None
    target = next(
        (x for x in map(_tuv_lang, root.iter("tuv")) if x and x.lower() != (source or "").lower()), None
    )
    langs = Languages(source, target)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        source_tuv = el.tag == "tuv" and langs.is_source(_tuv_lang(el))
        for attr in (XML_LANG, "lang", "srclang"):
            if el.get(attr):
                el.set(attr, langs.map(el.get(attr)))
        seg = el.find("seg") if source_tuv else None
        if seg is not None:
            _replace_text(seg, zh, _TMX_CODES)


# --- TBX --------------------------------------------------------------------------------------

_TBX_TEXT = {"term", "note"}
_TBX_DESCRIP = {"definition", "context", "explanation", "example"}


def _relabel_tbx(root, zh: ChineseText) -> None:
    sections = [el for el in root.iter() if _local(el) in ("langSet", "langSec")]
    langs_in_order = [s.get(XML_LANG) for s in sections if s.get(XML_LANG)]
    source = root.get(XML_LANG)
    if not source or source.lower() not in {x.lower() for x in langs_in_order}:
        source = langs_in_order[0] if langs_in_order else source
    target = next((x for x in langs_in_order if x.lower() != (source or "").lower()), None)
    langs = Languages(source, target)
    if root.get(XML_LANG):
        root.set(XML_LANG, langs.map(root.get(XML_LANG)))
    for section in sections:
        is_source = langs.is_source(section.get(XML_LANG))
        section.set(XML_LANG, langs.map(section.get(XML_LANG)))
        if not is_source:
            continue
        for el in section.iter():
            name = _local(el)
            if name in _TBX_TEXT or (name == "descrip" and el.get("type") in _TBX_DESCRIP):
                _replace_text(el, zh, {"ph", "bpt", "ept"})


# --- HTML -------------------------------------------------------------------------------------

_HTML_SKIP = {"script", "style", "rt", "rp", "code"}
_HTML_TOKEN = re.compile(r"(<!--.*?-->|<![^>]*>|<\?[^>]*>|<[^>]+>)", re.S)
_HTML_LANG = re.compile(r"""(\s(?:xml:)?lang\s*=\s*)(["']?)([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\2""")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _html_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:2048].decode("ascii", "replace")
    m = re.search(r"(?:charset|encoding)\s*=\s*[\"']?([\w-]+)", head, re.I)
    return m.group(1).lower() if m else "utf-8"


def _decode_html(data: bytes) -> tuple[bytes, str, str]:
    """The page's byte-order mark, its encoding and its text."""
    bom = next((b for b in _BOMS if data.startswith(b)), b"")
    encoding = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(bom) or _html_encoding(data)
    return bom, encoding, data[len(bom) :].decode(encoding)


def _zh_lang(m: re.Match) -> str:
    if _base(m.group(3)) != "en":
        return m.group(0)
    return m.group(1) + m.group(2) + ("zh-CN" if "-" in m.group(3) else "zh") + m.group(2)


def relabel_html(data: bytes) -> bytes:
    """Works on the page's own text, tag by tag, so that only text and language values change:
    text in the title and body becomes Chinese, except in script, style, code, ruby readings and
    elements marked translate="no"; lang, xml:lang and Content-Language en become zh."""
    zh = ChineseText()
    bom, encoding, text = _decode_html(data)
    tokens = _HTML_TOKEN.split(text)
    skip: list[str] = []
    # A page without <body> (the tag is optional) may have text anywhere.
    bodiless = not re.search(r"<\s*body\b", text, re.I)
    in_text = bodiless
    for i, token in enumerate(tokens):
        if i % 2 == 0:
            if in_text and not skip:
                tokens[i] = zh.replace(token)
            continue
        m = re.match(r"<\s*(/?)\s*([A-Za-z][\w:-]*)", token)
        if not m:
            continue
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name in ("title", "body") and not bodiless:
            in_text = not closing
        if closing:
            if skip and skip[-1] == name:
                skip.pop()
            continue
        marked = re.search(r"\stranslate\s*=\s*[\"']?no", token, re.I)
        if (name in _HTML_SKIP or marked) and not token.rstrip().endswith("/>"):
            skip.append(name)
        token = _HTML_LANG.sub(_zh_lang, token)
        if name == "meta" and re.search(r"content-language", token, re.I):
            token = re.sub(
                r"(content\s*=\s*[\"'])en(-[A-Za-z]+)?",
                lambda m: m.group(1) + ("zh-CN" if m.group(2) else "zh"),
                token,
                flags=re.I,
            )
        tokens[i] = token
    return bom + "".join(tokens).encode(encoding, "xmlcharrefreplace")


# --- DOCX -------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def relabel_docx(data: bytes) -> bytes:
    """Each w:t and w:delText of the document body Chinese; w:lang's Latin language zh-CN."""
    zh = ChineseText()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "word/document.xml":
                tree = etree.parse(io.BytesIO(payload), xml_parser())
                for el in tree.iter(W + "t", W + "delText"):
                    el.text = zh.replace(el.text)
                for el in tree.iter(W + "lang"):
                    if el.get(W + "val"):
                        el.set(W + "val", "zh-CN")
                payload = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, payload)
    return out.getvalue()


# --- entry points -----------------------------------------------------------------------------


def relabel_xml(data: bytes) -> bytes:
    tree = etree.parse(io.BytesIO(data), xml_parser())
    root = tree.getroot()
    zh = ChineseText()
    ns = etree.QName(root).namespace or ""
    name = _local(root)
    if name == "xliff" and ns.endswith(":2.0"):
        _relabel_xliff2(root, zh)
    elif name == "xliff":
        _relabel_xliff1(root, zh)
    elif name == "tmx":
        _relabel_tmx(root, zh)
    elif name in ("martif", "tbx"):
        _relabel_tbx(root, zh)
    else:
        raise ValueError(f"not a format the corpus relabels: {root.tag}")
    encoding = tree.docinfo.encoding or "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "UTF-16"
    return etree.tostring(tree, xml_declaration=True, encoding=encoding, doctype=tree.docinfo.doctype or None)


def relabel(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".docx":
        return relabel_docx(data)
    if path.suffix in (".html", ".htm"):
        return relabel_html(data)
    return relabel_xml(data)


# --- structure --------------------------------------------------------------------------------


def structure(el) -> tuple:
    """An element's tag, attribute names and children, recursively: what relabelling keeps."""
    if not isinstance(el.tag, str):
        return (type(el).__name__,)
    return (el.tag, tuple(sorted(el.attrib.keys())), tuple(structure(c) for c in el))


def parse_any(path: Path, data: bytes | None = None):
    """The root element of an XML file, an HTML page, or a .docx's word/document.xml."""
    data = path.read_bytes() if data is None else data
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return etree.parse(io.BytesIO(z.read("word/document.xml")), xml_parser()).getroot()
    if path.suffix in (".html", ".htm"):
        return html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode_html(data)[2]))
    return etree.parse(io.BytesIO(data), xml_parser()).getroot()


def originals(folder: Path | None = None) -> list[Path]:
    folder = folder or corpus_dir()
    return sorted(
        p
        for p in folder.glob("*/*")
        if p.is_file() and p.parent.name != "LICENSES" and not is_relabelled(p) and p.name != "README.md"
    )


def main(argv: list[str]) -> int:
    if argv[:1] != ["relabel"]:
        print("usage: python -m tests.foreign_corpus relabel [FILE...]", file=sys.stderr)
        return 2
    paths = [Path(a) for a in argv[1:]] or originals()
    for path in paths:
        out = relabelled_name(path)
        out.write_bytes(relabel(path))
        same = structure(parse_any(path)) == structure(parse_any(out))
        print(f"{out}{'' if same else '  STRUCTURE DIFFERS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
