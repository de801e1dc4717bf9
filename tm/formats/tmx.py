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
from tm.formats.tmx_kept import (
    CODES,
    TU_FIELDS,
    Seg,
    dumps,
    element,
    has_codes,
    loads,
    number,
    plain,
    seg_xml,
    start_tag,
)
from tm.formats.tmx_notes import comment_note, read_comment_note
from tm.formats.xmlsafe import hardened_parser, parse_file
from tm.memory.units import Unit

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
        self.tuv: dict | None = None
        self.raw: list[str] = []  # the <tuv> as written (kept whole for a language tm does not keep)
        self.seg: Seg | None = None
        self.code: list | None = None  # [tag, attrs, depth, xml pieces] of a native code
        self.meta: tuple | None = None  # (tag, attrs, text) of a <prop> or <note>
        self.seen_root = False

    def fail(self, message: str) -> UserError:
        return UserError(f"{self.name}: line {self.parser.CurrentLineNumber}: {message}")

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.stack:
            if tag != "tmx":
                raise self.fail(f"not a TMX file (root element <{tag}>)")
            self.seen_root = True
        self.stack.append(tag)
        if self.tuv is not None:
            self.raw.append(start_tag(tag, attrs))
        if self.code is not None:
            self.code[2] += 1
            self.code[3].append(start_tag(tag, attrs))
        elif self.seg is not None:
            if tag in CODES:
                self.code = [tag, attrs, 1, [start_tag(tag, attrs)]]
            else:  # <hi>: text inside, marked
                self.seg.open_hi(tag, attrs)
        elif tag == "header":
            self.srclang = attrs.get("srclang")
        elif tag == "tu":
            self.tu = {"line": self.parser.CurrentLineNumber, "tuvs": [], "attrs": attrs, "props": {}}
            self.tu |= {"kept_props": [], "notes": [], "comments": []}
        elif tag == "tuv" and self.tu is not None:
            lang = attrs.get("xml:lang") or attrs.get("lang")
            if not lang:
                raise self.fail("<tuv> without xml:lang")
            others = {k: v for k, v in attrs.items() if k not in ("xml:lang", "lang")}
            self.tuv = {"lang": lang, "attrs": others, "props": [], "notes": [], "seg": None}
            self.raw = [start_tag(tag, attrs)]
        elif tag == "seg" and self.tuv is not None:
            self.seg = Seg()
        elif tag in ("prop", "note") and self.tu is not None:
            self.meta = (tag, attrs, [])

    def _text(self, data: str) -> None:
        if self.tuv is not None:
            self.raw.append(escape(data))
        if self.code is not None:
            self.code[3].append(escape(data))
        elif self.seg is not None:
            self.seg.text(data)
        elif self.meta is not None:
            self.meta[2].append(data)

    def _end(self, tag: str) -> None:
        self.stack.pop()
        if self.tuv is not None:
            self.raw.append(f"</{tag}>")
        if self.code is not None:
            self.code[2] -= 1
            self.code[3].append(f"</{tag}>")
            if not self.code[2]:
                self.seg.code(self.code[0], self.code[1], "".join(self.code[3]))
                self.code = None
        elif self.seg is not None and tag != "seg":
            self.seg.close_hi(tag)
        elif tag == "seg" and self.seg is not None:
            self.tuv["seg"] = self.tuv["seg"] or self.seg  # (a second <seg> is not TMX)
            self.seg = None
        elif tag == "tuv" and self.tuv is not None:
            self.tuv["xml"] = "".join(self.raw)
            self.tu["tuvs"].append(self.tuv)
            self.tuv = None
        elif tag in ("prop", "note") and self.meta is not None:
            self._meta(*self.meta)
            self.meta = None
        elif tag == "tu" and self.tu is not None:
            unit = self._unit(self.tu)
            if unit is not None:
                self.ready.append((unit, self.tu["comments"]))
            self.tu = None

    def _meta(self, tag: str, attrs: dict[str, str], text: list[str]) -> None:
        """A <prop> or <note> of the <tuv> or the <tu>: tm's own props fill the unit's fields,
        reviewers' comments go to its history, the rest is kept."""
        text = "".join(text)
        if self.tuv is not None:
            self.tuv[f"{tag}s"].append([attrs, text])
        elif tag == "note":
            comment = read_comment_note(text)
            if comment:
                self.tu["comments"].append(comment)
            else:
                self.tu["notes"].append([attrs, text])
        elif attrs.get("type") in _PROPS:
            self.tu["props"][attrs["type"]] = text
        else:
            self.tu["kept_props"].append([attrs, text])

    def _unit(self, tu: dict) -> Unit | None:
        line, attrs = tu["line"], tu["attrs"]
        tuvs: dict[str, dict] = {}
        for tuv in tu["tuvs"]:
            if tuv["seg"] is not None and tuv["seg"].plain().strip():  # an empty <seg>: a language it lacks
                tuvs.setdefault(tuv["lang"], tuv)
        prefer = next((s for s in (attrs.get("srclang"), self.srclang) if s and s != "*all*"), None)
        pair = self.pairs.pick(list(tuvs), line, prefer)
        if pair is None:
            return None
        source, target = (tuvs[t] for t in pair)
        props, notes = tu["props"], [text for _, text in tu["notes"]]
        try:
            return Unit(
                source=source["seg"].plain(),
                target=target["seg"].plain(),
                source_lang=self.pairs.tag(pair[0], line),
                target_lang=self.pairs.tag(pair[1], line),
                origin=props.get("x-origin", "imported"),
                document=props.get("x-document"),
                context=props.get("x-context"),
                note="\n".join(notes) or None,
                tmx=_kept(tu, source, target),
                created_at=tmx_date_to_iso(attrs.get("creationdate")),
                created_by=attrs.get("creationid"),
                changed_at=tmx_date_to_iso(attrs.get("changedate")),
                changed_by=attrs.get("changeid"),
            )
        except UserError as exc:
            raise UserError(f"{self.name}: line {line}: {exc}") from None


def _kept(tu: dict, source: dict, target: dict) -> str | None:
    """Unit.tmx: what the <tu> holds beyond the unit's fields (tm.formats.tmx_kept)."""
    pieces = number(source["seg"].resolved(), target["seg"].resolved())
    sides = {}
    for name, tuv, seg in (("source", source, pieces[0]), ("target", target, pieces[1])):
        sides[name] = {k: tuv[k] for k in ("attrs", "props", "notes")} | {"seg": has_codes(seg) and seg}
    notes = tu["notes"]
    return dumps(
        {
            "attrs": {k: v for k, v in tu["attrs"].items() if k not in TU_FIELDS},
            "props": tu["kept_props"],
            "notes": (len(notes) > 1 or any(a for a, _ in notes)) and notes,  # more than Unit.note says
            "tuvs": [tuv["xml"] for tuv in tu["tuvs"] if tuv is not source and tuv is not target],
            **sides,
        }
    )


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
        kept = loads(u.tmx)
        attrs = {
            "creationdate": iso_to_tmx_date(u.created_at),
            "creationid": u.created_by,
            "changedate": iso_to_tmx_date(u.changed_at),
            "changeid": u.changed_by,
        }
        if source_lang == "*all*":
            attrs["srclang"] = u.source_lang
        attrs = {k: v for k, v in attrs.items() if v} | kept.get("attrs", {})
        out.write(f"    {start_tag('tu', attrs)}\n")
        for prop, field_name in _PROPS.items():
            value = getattr(u, field_name)
            if value:
                out.write(f'      <prop type="{prop}">{_xml(value)}</prop>\n')
        for prop_attrs, text in kept.get("props", ()):
            out.write(f"      {element('prop', prop_attrs, text)}\n")
        notes = kept.get("notes")
        if notes and "\n".join(text for _, text in notes) == u.note:  # the unit's note as the file had it
            out.writelines(f"      {element('note', a, text)}\n" for a, text in notes)
        elif u.note:
            out.write(f"      <note>{_xml(u.note)}</note>\n")
        for event in (comments or {}).get(u.id, ()):
            out.write(f"      <note>{_xml(comment_note(event))}</note>\n")
        for lang, text, side in ((u.source_lang, u.source, "source"), (u.target_lang, u.target, "target")):
            out.write(_tuv(lang, text, kept.get(side, {})))
        out.writelines(f"      {xml}\n" for xml in kept.get("tuvs", ()))
        out.write("    </tu>\n")
        count += 1
    out.write("  </body>\n</tmx>\n")
    return count


def _tuv(lang: str, text: str, kept: dict) -> str:
    """One side's <tuv>: its props and notes as read, its codes while its text is still theirs."""
    head = start_tag("tuv", {"xml:lang": lang} | kept.get("attrs", {}))
    meta = "".join(element(tag, a, t) for tag in ("prop", "note") for a, t in kept.get(f"{tag}s", ()))
    seg = kept.get("seg")
    content = seg_xml(seg) if seg and plain(seg) == text else _xml(text)
    return f"      {head}{meta}<seg>{content}</seg></tuv>\n"


def export_tmx(
    units: Iterator[Unit], path: str | Path, source_lang: str = "*all*", comments: dict | None = None
) -> int:
    with atomic_write(path) as out:
        return write_tmx(units, out, source_lang, comments)
