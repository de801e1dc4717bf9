"""TBX glossaries: TBX v3 (conceptEntry/langSec/termSec) written, TBX v2 and v3 read.

Read: termEntry or conceptEntry → langSet or langSec → tig, ntig (termGrp) or termSec.
administrativeStatus maps renderings: preferredTerm → approved, admittedTerm → accepted
alternative, deprecatedTerm / supersededTerm → forbidden. The languages read are picked as for TMX
(tm.formats.languages): an entry without the pair's is skipped and reported, not an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from glossary.model import LIST_FIELDS, Entry
from tm.errors import UserError
from tm.formats.atomic import atomic_write
from tm.formats.languages import PairReading
from tm.formats.xmlsafe import hardened_parser, parse_file

_CONCEPT = {"termEntry", "conceptEntry"}
_LANG = {"langSet", "langSec"}
_TERM_CONTAINER = {"tig", "ntig", "termSec"}
PREFERRED, ADMITTED, DEPRECATED = (
    "preferredTerm-admn-sts",
    "admittedTerm-admn-sts",
    "deprecatedTerm-admn-sts",
)


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.parser = hardened_parser(name)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.ready: list[tuple[int, dict]] = []
        self.concept: dict | None = None
        self.lang: str | None = None
        self.term: dict | None = None
        self.text: list[str] | None = None
        self.field: tuple[str, str] | None = None  # (element, type) being read
        self.root_seen = False

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.root_seen:
            self.root_seen = True
            if tag not in ("tbx", "martif"):
                raise UserError(f"{self.name}: not a TBX file (root element <{tag}>)")
        if tag in _CONCEPT:
            self.concept = {"line": self.parser.CurrentLineNumber, "fields": {}, "notes": [], "langs": {}}
        elif tag in _LANG and self.concept is not None:
            self.lang = attrs.get("xml:lang") or attrs.get("lang")
            if not self.lang:
                raise UserError(
                    f"{self.name}: line {self.parser.CurrentLineNumber}: <{tag}> without xml:lang"
                )
            self.concept["langs"].setdefault(self.lang, [])
        elif tag in _TERM_CONTAINER and self.lang is not None:
            self.term = {"term": None, "notes": {}}
        elif tag in ("term", "termNote", "descrip", "admin", "note") and self.concept is not None:
            self.field = (tag, attrs.get("type", ""))
            self.text = []

    def _text(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _end(self, tag: str) -> None:
        if self.field is not None and tag == self.field[0]:
            value = "".join(self.text or []).strip()
            kind, type_ = self.field
            if kind == "term" and self.term is not None:
                self.term["term"] = value
            elif kind == "termNote" and self.term is not None:
                self.term["notes"][type_] = value
            elif kind == "note" and self.term is None:
                self.concept["notes"].append(value)
            elif kind in ("descrip", "admin") and self.term is None:
                self.concept["fields"][type_] = value
            self.field, self.text = None, None
        elif tag in _TERM_CONTAINER and self.term is not None:
            if self.term["term"]:
                self.concept["langs"][self.lang].append(self.term)
            self.term = None
        elif tag in _LANG:
            self.lang = None
        elif tag in _CONCEPT and self.concept is not None:
            self.ready.append((self.concept["line"], self.concept))
            self.concept = None


def _priority(value: str | None, name: str, line: int) -> int | None:
    if not value:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise UserError(f"{name}: line {line}: x-priority must be a whole number, not {value!r}") from None


def _entry(concept: dict, line: int, name: str, pairs: PairReading) -> Entry | None:
    langs = concept["langs"]
    pair = pairs.pick([lang for lang, terms in langs.items() if terms], line)
    if pair is None:
        return None
    src, tgt = langs[pair[0]], langs[pair[1]]
    target_lang = pairs.tag(pair[1], line)

    def status(term: dict) -> str:
        return term["notes"].get("administrativeStatus", "")

    sources = [t for t in src if status(t) not in (DEPRECATED, "supersededTerm-admn-sts")]
    sources.sort(key=lambda t: status(t) != PREFERRED)
    if not sources:
        raise UserError(f"{name}: line {line}: every source term is deprecated")
    forbidden = [t["term"] for t in tgt if status(t) in (DEPRECATED, "supersededTerm-admn-sts")]
    allowed = [t for t in tgt if t["term"] not in forbidden]
    allowed.sort(key=lambda t: status(t) != PREFERRED)
    if not allowed:
        raise UserError(f"{name}: line {line}: entry has no allowed rendering in {target_lang}")
    fields = concept["fields"]
    case = fields.get("x-caseSensitive", "").lower() in ("yes", "true", "1")
    entry = Entry(
        source=sources[0]["term"],
        target=allowed[0]["term"],
        source_variants=[t["term"] for t in sources[1:]],
        alternatives=[t["term"] for t in allowed[1:]],
        forbidden=forbidden,
        note="\n".join(concept["notes"]) or fields.get("definition") or None,
        domain=fields.get("subjectField") or None,
        reference=fields.get("source") or None,
        status=fields.get("x-status") or "approved",
        case_sensitive=case,
        glossary=fields.get("x-glossary") or "general",
        priority=_priority(fields.get("x-priority"), name, line),
        source_lang=pairs.tag(pair[0], line),
        target_lang=target_lang,
    )
    # What the file states: what it holds (the case flag only when written, as tm writes it).
    stated = {"note": entry.note, "domain": entry.domain, "reference": entry.reference}
    stated |= {"status": fields.get("x-status"), "case_sensitive": case or None}
    stated |= {name: getattr(entry, name) for name in LIST_FIELDS}
    entry.given = frozenset({"source", "target", *(name for name, v in stated.items() if v)})
    return entry


def read_tbx(path: str | Path, pairs: PairReading | None = None) -> Iterator[tuple[int, Entry]]:
    """(line, entry) of each entry holding the pair; ``pairs`` (made if not given) records the
    languages read and the entries skipped."""
    pairs = pairs or PairReading(str(path), unit="entry", units="entries")
    reader = _Reader(str(path))
    for _ in parse_file(reader.parser, path):
        for line, concept in reader.ready:
            entry = _entry(concept, line, str(path), pairs)
            if entry is not None:
                yield line, entry
        reader.ready.clear()
    if not reader.root_seen:
        raise UserError(f"{path}: empty file, not TBX")
    pairs.check_any()


def _term(text: str, status: str) -> str:
    return (
        f"        <termSec><term>{escape(text)}</term>"
        f'<termNote type="administrativeStatus">{status}</termNote></termSec>\n'
    )


def write_tbx(entries: Iterable[Entry], path: str | Path) -> int:
    count = 0
    with atomic_write(path) as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">\n'
            "  <tbxHeader><fileDesc><sourceDesc><p>Exported by tm</p></sourceDesc></fileDesc>"
            "</tbxHeader>\n  <text>\n    <body>\n"
        )
        for e in entries:
            count += 1
            out.write(f'    <conceptEntry id="c{count}">\n')
            for type_, value in (("subjectField", e.domain),):
                if value:
                    out.write(f'      <descrip type="{type_}">{escape(value)}</descrip>\n')
            admins = (
                ("source", e.reference),
                ("x-status", e.status),
                ("x-glossary", e.glossary),
                ("x-priority", None if e.priority is None else str(e.priority)),
                ("x-caseSensitive", "yes" if e.case_sensitive else None),
            )
            for type_, value in admins:
                if value:
                    out.write(f'      <admin type="{type_}">{escape(value)}</admin>\n')
            if e.note:
                out.write(f"      <note>{escape(e.note)}</note>\n")
            out.write(f"      <langSec xml:lang={quoteattr(e.source_lang)}>\n")
            out.write(_term(e.source, PREFERRED))
            out.writelines(_term(v, ADMITTED) for v in e.source_variants)
            out.write(f"      </langSec>\n      <langSec xml:lang={quoteattr(e.target_lang)}>\n")
            out.write(_term(e.target, PREFERRED))
            out.writelines(_term(a, ADMITTED) for a in e.alternatives)
            out.writelines(_term(f, DEPRECATED) for f in e.forbidden)
            out.write("      </langSec>\n    </conceptEntry>\n")
        out.write("    </body>\n  </text>\n</tbx>\n")
    return count
