"""HTML pages and Word files through tm: translate → fill and approve every row → review →
export-doc. The export must parse; its elements and attributes must be the input's, its DOCTYPE
too (or none); text with Chinese must have become English and any other text stay as it was; every piece of Chinese text must have been in a row, and nothing marked
translate="no" (HTML5 attribute or ITS global rule) may be. In a Word file text may be split into
runs differently: runs of one formatting count as one.

What a translated document may change, and nothing else: its language declared English (a
language zh → en; the root's lang/xml:lang added; Word's w:lang val in styles and runs and the
core properties' dc:language), and a ruby over Chinese written as its base's text (the English has
no reading)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree, html

from .foreign_corpus import _decode_html
from .roundtrip_cli import English, Session, approve_all, paragraphs
from .roundtrip_xml import XML_LANG, differences, has_cjk, local, name, parse, squeeze, tokens

LANG_ATTRS = {"lang", "content", "val", "eastAsia", "bidi"}  # val…bidi: of Word's <w:lang>
TRANSLATED = "⟨Chinese made English⟩"
MARKER = re.compile(r"Eng\d+")


def _lang_value(value: str) -> str:
    """zh and en (any region) read alike: tm sets the document language to English."""
    return "⟨zh|en⟩" if re.fullmatch(r"(?i)(zh|en)([-_][\w-]+)?", value or "") else value


def _normalise(token: tuple, is_output: bool, translated: bool = True) -> tuple:
    """Languages zh and en alike; where the part was translated, Chinese and English alike."""
    text = (lambda v: _text(v, is_output)) if translated else (lambda v: v)
    kind, path, detail = token
    if kind == "element":
        tag, attrs = detail
        attrs = tuple((k, _lang_value(v) if name(k) in LANG_ATTRS else text(v)) for k, v in attrs)
        return (kind, path, (tag, attrs))
    if kind in ("text", "tail"):
        return (kind, path, text(detail))
    return token


def _text(value: str, is_output: bool) -> str:
    """Chinese in the input and the English typed for it in the export compare equal."""
    if (not is_output and has_cjk(value)) or (is_output and MARKER.search(value) and not has_cjk(value)):
        return TRANSLATED
    return value


def _compare(before: list[tuple], after: list[tuple], translated: bool = True) -> list[str]:
    return differences(
        [_normalise(t, False, translated) for t in before], [_normalise(t, True, translated) for t in after]
    )


def _markers(outcome, english: English, text: str) -> None:
    counts = {w: 0 for w in english.written}
    for word in MARKER.findall(text):
        if word in counts:
            counts[word] += 1
    wrong = [w for w, n in counts.items() if n != 1]
    if wrong:
        outcome.fail(
            f"{len(wrong)} of the {len(counts)} English words typed are not in the export once each "
            f"({', '.join(wrong[:4])}{'…' if len(wrong) > 4 else ''})"
        )


def _covered(outcome, pieces: list[str], rows, protected: list[str]) -> None:
    """Every piece of Chinese in a row; no protected text in one."""
    paras = [squeeze(p) for p in paragraphs(rows)]
    lost = [p for p in pieces if squeeze(p) and not any(squeeze(p) in para for para in paras)]
    outcome.fail(*[f"Chinese text in no row: {p.strip()[:30]!r}" for p in lost[:3]])
    if len(lost) > 3:
        outcome.fail(f"… and {len(lost) - 3} more pieces of Chinese text in no row")
    for text in protected:
        if len(squeeze(text)) > 1 and any(squeeze(text) in squeeze(src) for _, src in rows):
            outcome.fail(f"text marked not to translate is in a row: {text.strip()[:30]!r}")


# --- HTML -------------------------------------------------------------------------------------


def _html_tree(data: bytes):
    """((byte-order mark, encoding), the DOCTYPE as written or None, the tree)."""
    bom, encoding, text = _decode_html(data)
    doctype = _DOCTYPE.search(text[: text.find("<html") if "<html" in text else len(text)])
    tree = html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    return (bom, encoding), doctype and " ".join(doctype.group().split()), tree


def _protected(root) -> list:
    """Elements not to translate: translate="no" (any case), ITS global translateRules, script, style."""
    found = [
        el for el in root.iter() if isinstance(el.tag, str) and (el.get("translate") or "").lower() == "no"
    ]
    found += [el for el in root.iter("script", "style")]
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/its+xml":
            continue
        rules = etree.fromstring((script.text or "").strip().encode())
        params = {p.get("name"): p.text for p in rules.iter("{*}param")}
        for rule in rules.iter("{*}translateRule"):
            if rule.get("translate") == "no":
                selector = re.sub(r"\b\w+:(\*|\w)", r"\1", rule.get("selector"))  # HTML has no namespace
                found += [e for e in root.xpath(selector, **params) if isinstance(e, etree._Element)]
    return found


ENGLISH = re.compile(r"(?i)en([-_][\w-]+)?")
RUBY_MARKUP = {"ruby", "rb", "rt", "rp", "rtc"}
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>", re.I)


def _english_declared(before, after) -> None:
    """The root's lang and xml:lang tm adds (English) where the page had none: the translated
    page declares its language; nothing else added is."""
    for key in ("lang", XML_LANG, "xml:lang"):
        if before.get(key) is None and ENGLISH.fullmatch(after.get(key) or ""):
            del after.attrib[key]


def _rubies_dropped(root) -> None:
    """A ruby over Chinese as tm writes its paragraph translated: the base's text stays in place
    (it becomes English), the reading goes (the English has none)."""
    for ruby in [r for r in root.iter("{*}ruby", "ruby") if has_cjk(_base_text(r))]:
        for el in [e for e in ruby.iter() if local(e) in RUBY_MARKUP]:
            if local(el) in ("rt", "rp", "rtc"):
                el.text = None
                el[:] = []
        for el in reversed([e for e in ruby.iter() if local(e) in RUBY_MARKUP]):
            _unwrap(el)


def _base_text(ruby) -> str:
    """A ruby's text without its readings."""
    out = [ruby.text or ""]
    for child in ruby:
        if local(child) not in ("rt", "rp", "rtc"):
            out.append("".join(child.itertext()))
        out.append(child.tail or "")
    return "".join(out)


def _unwrap(el) -> None:
    """Replace an element by its content (text, children, tail) in its parent."""
    parent, text = el.getparent(), (el.text or "")
    index = parent.index(el)
    children = list(el)
    tail = el.tail or ""
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        text += tail
    previous = parent[index - 1] if index else None
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text
    parent.remove(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def roundtrip_html(session: Session, path: Path, schemas: Path) -> None:
    outcome, folder = session.outcome, session.folder
    sheet, out = folder / "s.xlsx", folder / f"out{path.suffix}"
    session.first("translate", path, "--no-mt", "-o", sheet, written=sheet, ok=(0, 1))
    english = English()
    rows = approve_all(sheet, english)
    session.must("review", sheet, ok=(0, 1))
    session.must("export-doc", sheet, "-o", out)
    data, written = path.read_bytes(), out.read_bytes()
    enc_in, doctype_in, before = _html_tree(data)
    try:
        enc_out, doctype_out, after = _html_tree(written)
        if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"):
            etree.fromstring(written.lstrip(b"\xef\xbb\xbf"))  # XHTML stays well-formed XML
    except (ValueError, LookupError, etree.XMLSyntaxError) as exc:
        outcome.fail(f"the export does not parse: {exc}")
        return
    if enc_in != enc_out:
        outcome.fail(f"byte-order mark and encoding {enc_in!r} → {enc_out!r}")
    if doctype_in != doctype_out:
        outcome.fail(f"DOCTYPE {doctype_in!r} → {doctype_out!r}")
    protected = _protected(before)
    keep_text = [squeeze(t) for el in protected for t in el.itertext()]
    _english_declared(before, after)
    _rubies_dropped(before)
    outcome.fail(*_compare(tokens(before), tokens(after)))
    pieces = [
        t
        for el in before.iter()
        if isinstance(el.tag, str)
        and el not in protected
        and not any(a in protected for a in el.iterancestors())
        for t in (el.text, el.tail)
        if has_cjk(t)
    ]
    _covered(outcome, pieces, rows, [t for t in keep_text if t])
    _markers(
        outcome,
        english,
        " ".join(after.itertext())
        + " "
        + " ".join(v for el in after.iter() if isinstance(el.tag, str) for v in el.attrib.values()),
    )


# --- DOCX -------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")


def _run_items(el, items: list, drop_ruby: bool = False) -> None:
    """A paragraph's content as items: its formatting and codes in order, text as one item per
    stretch of one run formatting (so that how runs are split does not count). ``drop_ruby``: a
    ruby as tm writes it translated, its base's runs in its place and no reading."""
    for child in el:
        if child.tag == W + "r":
            props = child.find(W + "rPr")
            key = _compact(props) if props is not None else ""
            for part in child:
                if part is props:
                    continue
                if part.tag == W + "t":
                    if items[-1:] != [f"text {key}"]:
                        items.append(f"text {key}")
                elif part.tag in (W + "delText", W + "instrText"):
                    items.append(f"{local(part)} {key} {part.text!r}")
                elif part.tag == W + "ruby" and drop_ruby:
                    for base in part.iterfind(W + "rubyBase"):
                        _run_items(base, items, drop_ruby)
                else:
                    _container(part, items, drop_ruby)
        else:
            _container(child, items, drop_ruby)


def _container(el, items: list, drop_ruby: bool = False) -> None:
    if not isinstance(el.tag, str) or (el.find(f".//{W}r") is None and el.find(f".//{W}t") is None):
        items.append(_compact(el))
        return
    items.append(_compact(el, shallow=True))
    _run_items(el, items, drop_ruby)
    items.append(f"</{local(el)}>")


def _compact(el, shallow: bool = False) -> str:
    """An element as short XML: local names, sorted attributes, languages zh and en alike."""
    if not isinstance(el.tag, str):
        return repr(el)
    attrs = "".join(
        f" {name(k)}={_lang_value(v) if name(k) in LANG_ATTRS else v!r}" for k, v in sorted(el.attrib.items())
    )
    if shallow:
        return f"<{local(el)}{attrs}>"
    inner = (el.text or "") + "".join(_compact(c) + (c.tail or "") for c in el)
    return f"<{local(el)}{attrs}{'>' + inner + '</' + local(el) + '>' if inner else '/>'}"


def _part_tokens(root, is_output: bool) -> tuple[list[tuple], list[str]]:
    """A Word part's tokens with each paragraph as one (its attributes, items and text, English
    for Chinese comparing equal), and the text of each paragraph."""
    texts: list[str] = []

    def paragraph(el):
        if el.tag != W + "p":
            return None
        items: list = []
        text = "".join(t.text or "" for t in el.iter(W + "t"))
        _run_items(el, items, drop_ruby=not is_output and has_cjk(text))
        texts.append(text)
        return (
            tuple(sorted((name(k), v) for k, v in el.attrib.items())),
            tuple(items),
            _text(text, is_output),
        )

    return tokens(root, summary=paragraph), texts


DC_LANGUAGE = "{http://purl.org/dc/elements/1.1/}language"


def _language_set_aside(root, is_output: bool) -> list[str]:
    """The document's language, which tm declares English (w:lang's val in styles and runs, the
    core properties' dc:language), taken out of a part; in the export, what is not English."""
    found = []
    for lang in list(root.iter(W + "lang")):
        value = lang.attrib.pop(W + "val", None)
        if is_output and value is not None and not ENGLISH.fullmatch(value):
            found.append(f"w:lang {value!r}, not English")
        if not lang.attrib and not len(lang):
            _remove(lang)
    for language in list(root.iter(DC_LANGUAGE)):
        if is_output and not ENGLISH.fullmatch(language.text or ""):
            found.append(f"dc:language {language.text!r}, not English")
        _remove(language)
    return found


def _remove(el) -> None:
    """Take an element out, its tail staying in place."""
    parent, previous = el.getparent(), el.getprevious()
    if el.tail:
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _unordered(root, part: str) -> list[tuple]:
    """A part's tokens; the mappings of [Content_Types].xml and relationships of .rels files are
    sets (OPC gives their order no meaning), so they are sorted first."""
    if part == "[Content_Types].xml" or part.endswith(".rels"):
        root[:] = sorted(root, key=lambda el: (local(el), sorted(el.attrib.items())))
        for el in root:
            el.tail = None
        root.text = None
    return tokens(root)


def roundtrip_docx(session: Session, path: Path, schemas: Path) -> None:
    outcome, folder = session.outcome, session.folder
    sheet, out = folder / "s.xlsx", folder / "out.docx"
    session.first("translate", path, "--no-mt", "-o", sheet, written=sheet, ok=(0, 1))
    english = English()
    rows = approve_all(sheet, english)
    session.must("review", sheet, ok=(0, 1))
    session.must("export-doc", sheet, "-o", out)
    try:
        before, after = zipfile.ZipFile(path), zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    except zipfile.BadZipFile as exc:
        outcome.fail(f"the export is not a zip package: {exc}")
        return
    if set(before.namelist()) != set(after.namelist()):  # their order in the zip is no content
        outcome.fail(f"package members {sorted(set(before.namelist()) ^ set(after.namelist()))} differ")
    pieces, text_out = [], []
    for part in before.namelist():
        if part not in after.namelist():
            continue
        a, b = before.read(part), after.read(part)
        if not part.endswith((".xml", ".rels")):
            if a != b:
                outcome.fail(f"{part} changed")
            continue
        in_root, out_root = parse(a).getroot(), parse(b).getroot()
        _language_set_aside(in_root, False)
        outcome.fail(*(f"{part}: {d}" for d in _language_set_aside(out_root, True)))
        if not TEXT_PARTS.search(part):
            outcome.fail(
                *(
                    f"{part}: {d}"
                    for d in _compare(_unordered(in_root, part), _unordered(out_root, part), False)
                )
            )
            continue
        pieces += [
            t.text
            for t in in_root.iter(W + "t")
            if has_cjk(t.text) and not any(x.tag == W + "rt" for x in t.iterancestors())
        ]
        (tok_in, _), (tok_out, texts) = _part_tokens(in_root, False), _part_tokens(out_root, True)
        text_out += texts
        outcome.fail(*(f"{part}: {d}" for d in differences(tok_in, tok_out)))
    _covered(outcome, pieces, rows, [])
    _markers(outcome, english, "\n".join(text_out))
