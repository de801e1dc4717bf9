"""TMX 1.4b, streamed both ways: a million-unit file is never held in memory.

Reading uses expat with entity declarations and external entities refused (no billion laughs,
no local files read through XXE); errors name the line. The pair read from each <tu> is chosen by
tm.formats.languages: a <tu> without it is skipped and reported, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from tm import __version__
from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.languages import PairReading
from tm.formats.tmx_notes import comment_note, read_comment_note
from tm.formats.xmlsafe import hardened_parser, parse_file
from tm.memory.units import Unit

_INLINE_SKIP = {"bpt", "ept", "ph", "it", "ut"}  # native codes, not text
_PROPS = {"x-origin": "origin", "x-document": "document", "x-context": "context"}
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def tmx_date_to_iso(value: str | None) -> str | None:
    """20200916T081500Z → 2020-09-16T08:15:00Z (None stays None; bad dates are an error)."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise UserError(f"bad TMX date {value!r} (expected YYYYMMDDThhmmssZ)") from None


def iso_to_tmx_date(value: str | None) -> str | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y%m%dT%H%M%SZ")


class _TmxReader:
    def __init__(self, name: str, pairs: PairReading):
        self.name = name
        self.pairs = pairs
        self.srclang: str | None = None  # the header's
        self.ready: list[tuple[Unit, list[dict]]] = []  # (unit, reviewers' comments)
        self.parser = hardened_parser(name)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.stack: list[str] = []
        self.tu: dict | None = None
        self.tuv_lang: str | None = None
        self.seg: list[str] | None = None
        self.skip_depth = 0
        self.prop_type: str | None = None
        self.prop_text: list[str] | None = None
        self.seen_root = False

    def fail(self, message: str) -> UserError:
        return UserError(f"{self.name}: line {self.parser.CurrentLineNumber}: {message}")

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.stack:
            if tag != "tmx":
                raise self.fail(f"not a TMX file (root element <{tag}>)")
            self.seen_root = True
        self.stack.append(tag)
        if self.seg is not None:
            if tag in _INLINE_SKIP or self.skip_depth:
                self.skip_depth += 1
            return
        if tag == "header":
            self.srclang = attrs.get("srclang")
        elif tag == "tu":
            self.tu = {
                "line": self.parser.CurrentLineNumber,
                "tuvs": [],
                "attrs": attrs,
                "props": {},
                "notes": [],
                "comments": [],
            }
        elif tag == "tuv" and self.tu is not None:
            self.tuv_lang = attrs.get("xml:lang") or attrs.get("lang")
            if not self.tuv_lang:
                raise self.fail("<tuv> without xml:lang")
        elif tag == "seg" and self.tuv_lang is not None:
            self.seg = []
        elif tag in ("prop", "note") and self.tu is not None and self.tuv_lang is None:
            self.prop_type = attrs.get("type", "") if tag == "prop" else "#note"
            self.prop_text = []

    def _text(self, data: str) -> None:
        if self.seg is not None and not self.skip_depth:
            self.seg.append(data)
        elif self.prop_text is not None:
            self.prop_text.append(data)

    def _end(self, tag: str) -> None:
        self.stack.pop()
        if self.seg is not None and tag != "seg":
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if tag == "seg" and self.seg is not None:
            self.tu["tuvs"].append((self.tuv_lang, "".join(self.seg)))
            self.seg = None
        elif tag == "tuv":
            self.tuv_lang = None
        elif tag in ("prop", "note") and self.prop_text is not None:
            text = "".join(self.prop_text)
            if self.prop_type == "#note":
                comment = read_comment_note(text)
                self.tu["comments" if comment else "notes"].append(comment or text)
            else:
                self.tu["props"][self.prop_type] = text
            self.prop_text = self.prop_type = None
        elif tag == "tu" and self.tu is not None:
            unit = self._unit(self.tu)
            if unit is not None:
                self.ready.append((unit, self.tu["comments"]))
            self.tu = None

    def _unit(self, tu: dict) -> Unit | None:
        line, attrs = tu["line"], tu["attrs"]
        segs: dict[str, str] = {}
        for lang, seg in tu["tuvs"]:
            if seg.strip():  # an empty <seg> is a language the unit lacks
                segs.setdefault(lang, seg)
        prefer = next((s for s in (attrs.get("srclang"), self.srclang) if s and s != "*all*"), None)
        pair = self.pairs.pick(list(segs), line, prefer)
        if pair is None:
            return None
        (source_lang, source), (target_lang, target) = ((self.pairs.tag(t, line), segs[t]) for t in pair)
        props = tu["props"]
        try:
            return Unit(
                source=source,
                target=target,
                source_lang=source_lang,
                target_lang=target_lang,
                origin=props.get("x-origin", "imported"),
                document=props.get("x-document"),
                context=props.get("x-context"),
                note="\n".join(tu["notes"]) or None,
                created_at=tmx_date_to_iso(attrs.get("creationdate")),
                created_by=attrs.get("creationid"),
                changed_at=tmx_date_to_iso(attrs.get("changedate")),
                changed_by=attrs.get("changeid"),
            )
        except UserError as exc:
            raise UserError(f"{self.name}: line {line}: {exc}") from None


def read_tmx(
    path: str | Path,
    source_lang: str | None = None,
    target_lang: str | None = None,
    origin: str | None = None,
    document: str | None = None,
    pairs: PairReading | None = None,
    comments: list | None = None,
) -> Iterator[Unit]:
    """Yield the units of a TMX file as the parser reaches them; ``pairs`` (made if not given)
    records the languages read and the units skipped. Notes that are reviewers' comments
    (tm.formats.tmx_notes) are not the unit's note: they go to ``comments``, if given, as (unit,
    events) for Memory.import_units."""
    pairs = pairs or PairReading(str(path), source_lang, target_lang, "<tu>", "<tu>s")
    reader = _TmxReader(str(path), pairs)
    for _ in parse_file(reader.parser, path):
        for unit, events in reader.ready:
            if origin:
                unit.origin = origin
            if document:  # the option names the document, whatever the file says
                unit.document = document
            if events and comments is not None:
                comments.append((unit, events))
            yield unit
        reader.ready.clear()
    if not reader.seen_root:
        raise UserError(f"{path}: empty file, not TMX")
    pairs.check_any()


def _xml(text: str) -> str:
    return escape(_BAD_XML_CHARS.sub("\ufffd", text))


def write_tmx(
    units: Iterator[Unit], out: IO[str], source_lang: str = "*all*", comments: dict | None = None
) -> int:
    """Write units as TMX 1.4b to an open text file; returns the count. ``comments`` (unit id →
    history events with a comment, Memory.comments) are written as notes after the unit's own."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    out.write(
        f'  <header creationtool="tm" creationtoolversion="{__version__}" datatype="plaintext" '
        f'segtype="sentence" adminlang="en" srclang={quoteattr(source_lang)} o-tmf="tm"/>\n  <body>\n'
    )
    count = 0
    for u in units:
        attrs = {
            "creationdate": iso_to_tmx_date(u.created_at),
            "creationid": u.created_by,
            "changedate": iso_to_tmx_date(u.changed_at),
            "changeid": u.changed_by,
        }
        if source_lang == "*all*":
            attrs["srclang"] = u.source_lang
        attr_text = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if v)
        out.write(f"    <tu{attr_text}>\n")
        for prop, field_name in _PROPS.items():
            value = getattr(u, field_name)
            if value:
                out.write(f'      <prop type="{prop}">{_xml(value)}</prop>\n')
        if u.note:
            out.write(f"      <note>{_xml(u.note)}</note>\n")
        for event in (comments or {}).get(u.id, ()):
            out.write(f"      <note>{_xml(comment_note(event))}</note>\n")
        out.write(f"      <tuv xml:lang={quoteattr(u.source_lang)}><seg>{_xml(u.source)}</seg></tuv>\n")
        out.write(f"      <tuv xml:lang={quoteattr(u.target_lang)}><seg>{_xml(u.target)}</seg></tuv>\n")
        out.write("    </tu>\n")
        count += 1
    out.write("  </body>\n</tmx>\n")
    return count


def export_tmx(
    units: Iterator[Unit], path: str | Path, source_lang: str = "*all*", comments: dict | None = None
) -> int:
    with atomic_write(path) as out:
        return write_tmx(units, out, source_lang, comments)
