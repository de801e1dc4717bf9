"""The XML side of the round-trip instrument (bench/foreign_roundtrip.py): a canonical form of a
tree as a list of tokens, the differences between two of them, what a file's first bytes say
(byte-order mark, declared encoding, DOCTYPE), and the schemas exports are validated against.

Normalised away, because they are not content: attribute order, the declaration's quote style,
the case of its encoding name, CDATA sections (the same text), namespace prefixes (tags and
attributes compare by namespace URI). Everything else counts: whitespace between elements,
comments, processing instructions, text, tails and every attribute value."""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from functools import cache
from pathlib import Path

from lxml import etree

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def has_cjk(text: str | None) -> bool:
    return bool(text and CJK.search(text))


def squeeze(text: str | None) -> str:
    """Text with all whitespace taken out: for finding a piece of text, never for comparing."""
    return re.sub(r"\s+", "", text or "")


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def parse(data: bytes):
    return etree.parse(io.BytesIO(data), parser())


def local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def name(key: str) -> str:
    """An attribute's local name; also for the ``xml:lang`` an HTML parser keeps as a name."""
    return key.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


# --- what the first bytes say -----------------------------------------------------------------

_BOMS = {b"\xef\xbb\xbf": "UTF-8 BOM", b"\xff\xfe": "UTF-16LE BOM", b"\xfe\xff": "UTF-16BE BOM"}


def preamble(data: bytes) -> dict:
    """The byte-order mark, the declared encoding (its name's case aside), standalone and the
    DOCTYPE of an XML file."""
    bom = next((name for mark, name in _BOMS.items() if data.startswith(mark)), None)
    tree = parse(data)
    info = tree.docinfo
    return {
        "byte-order mark": bom,
        "encoding": (info.encoding or "UTF-8").upper().replace("UTF8", "UTF-8"),
        "standalone": info.standalone,
        "DOCTYPE": info.doctype or None,
    }


def preamble_differences(before: bytes, after: bytes) -> list[str]:
    a, b = preamble(before), preamble(after)
    return [f"{key}: {a[key]!r} → {b[key]!r}" for key in a if a[key] != b[key]]


# --- canonical tokens -------------------------------------------------------------------------


def _path(el, parent_path: str) -> str:
    parent = el.getparent()
    if parent is None:
        return f"{parent_path}/{local(el)}"
    same = [c for c in parent if isinstance(c.tag, str) and c.tag == el.tag]
    suffix = f"[{same.index(el) + 1}]" if len(same) > 1 else ""
    return f"{parent_path}/{local(el)}{suffix}"


def tokens(root, keep=lambda el: True, summary=lambda el: None) -> list[tuple]:
    """The tree in document order as (kind, path, detail) tokens: each element with its sorted
    attributes, each text and tail (whitespace kept), each comment and processing instruction.
    Elements ``keep`` refuses are left out with their content and tail; an element ``summary``
    describes (not None) is one token, that description."""
    out: list[tuple] = []

    def walk(el, parent_path: str) -> None:
        said = summary(el) if isinstance(el.tag, str) else None
        if said is not None:
            out.append(("summary", _path(el, parent_path), said))
        elif isinstance(el.tag, str):
            path = _path(el, parent_path)
            attrs = tuple(sorted((str(k), v) for k, v in el.attrib.items()))
            out.append(("element", path, (el.tag, attrs)))
            if el.text:
                out.append(("text", path, el.text))
            for child in el:
                if isinstance(child.tag, str) and not keep(child):
                    continue
                walk(child, path)
                if child.tail:
                    out.append(
                        ("tail", _path(child, path) if isinstance(child.tag, str) else path, child.tail)
                    )
            out.append(("end", path, el.tag))
        elif isinstance(el, etree._Comment):
            out.append(("comment", parent_path, el.text))
        elif isinstance(el, etree._ProcessingInstruction):
            out.append(("pi", parent_path, (el.target, el.text)))
        else:  # an entity reference left unresolved
            out.append(("entity", parent_path, el.text))

    walk(root, "")
    return out


def _show(token: tuple) -> str:
    kind, path, detail = token
    if kind == "element":
        tag, attrs = detail
        shown = " ".join(f"{name(k)}={v!r}" for k, v in attrs)
        return f"<{name(tag)}{' ' + shown if shown else ''}> at {path}"
    if kind in ("text", "tail"):
        return f"{kind} {_clip(detail)} at {path}"
    if kind == "end":
        return f"end of {path}"
    if kind == "summary":
        return f"{path.rsplit('/', 1)[-1]} at {path}"
    return f"{kind} {detail!r} at {path}"


def _clip(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _attr_change(a: tuple, b: tuple) -> str | None:
    """One element whose attributes changed, said attribute by attribute."""
    if a[0] != "element" or b[0] != "element" or a[2][0] != b[2][0]:
        return None
    before, after = dict(a[2][1]), dict(b[2][1])
    parts = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            parts.append(f"@{name(key)}={before[key]!r} removed")
        elif key not in before:
            parts.append(f"@{name(key)}={after[key]!r} added")
        elif before[key] != after[key]:
            parts.append(f"@{name(key)} {before[key]!r} → {after[key]!r}")
    return f"{b[1]}: {', '.join(parts)}"


def _summary_change(a: tuple, b: tuple) -> str | None:
    """Two summaries (attributes, items, text) said by their first difference."""
    if a[0] != "summary" or b[0] != "summary" or len(a[2]) != 3 or len(b[2]) != 3:
        return None
    (attrs_a, items_a, text_a), (attrs_b, items_b, text_b) = a[2], b[2]
    if attrs_a != attrs_b:
        return f"{b[1]}: attributes {dict(attrs_a)} → {dict(attrs_b)}"
    if items_a != items_b:
        i = next(
            (i for i, (x, y) in enumerate(zip(items_a, items_b)) if x != y), min(len(items_a), len(items_b))
        )
        x = _clip(repr(items_a[i]), 90) if i < len(items_a) else "(nothing)"
        y = _clip(repr(items_b[i]), 90) if i < len(items_b) else "(nothing)"
        return f"{b[1]}: formatting or codes, item {i + 1}: {x} → {y}"
    return f"{b[1]}: text {_clip(str(text_a))} → {_clip(str(text_b))}"


def differences(before: list[tuple], after: list[tuple], limit: int = 6) -> list[str]:
    """What changed from one token list to the other, in words; at most ``limit`` items, and a
    count of the rest."""
    found: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(before[i1:i2], after[j1:j2]):
                said = _attr_change(a, b) or _summary_change(a, b)
                if said is None and a[0] == b[0] and a[0] in ("text", "tail", "comment"):
                    said = f"{a[0]} at {b[1]}: {_clip(a[2] or '')} → {_clip(b[2] or '')}"
                found.append(said or f"{_show(a)} → {_show(b)}")
            continue
        found += [f"lost: {_show(t)}" for t in before[i1:i2]]
        found += [f"added: {_show(t)}" for t in after[j1:j2]]
    if len(found) > limit:
        found = found[:limit] + [f"… and {len(found) - limit} more differences"]
    return found


# --- schemas ----------------------------------------------------------------------------------


@cache
def _schema(path: str):
    if path.endswith(".dtd"):
        return etree.DTD(path)
    return etree.XMLSchema(etree.parse(path, parser()))


def schema_errors(schema_path: Path, data: bytes) -> list[str]:
    """The schema's (or DTD's) complaints about a document, without line numbers, so that the
    errors of an input and of its export compare."""
    schema = _schema(str(schema_path))
    schema.validate(parse(data))
    return sorted(re.sub(r"^.*?:\d+:\d+:", "", str(e)).strip() for e in schema.error_log)


def new_schema_errors(schema_path: Path, before: bytes, after: bytes, limit: int = 3) -> list[str]:
    """Errors of the export that its input does not have (an input that is itself invalid in
    some way is not held against the export); ``limit`` of them named."""
    new = list(
        (Counter(schema_errors(schema_path, after)) - Counter(schema_errors(schema_path, before))).elements()
    )
    named = [f"invalid against {schema_path.name}: {e}" for e in new[:limit]]
    return named + ([f"… and {len(new) - limit} more schema errors"] if len(new) > limit else [])
