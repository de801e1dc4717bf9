"""TBX glossaries read: TBX v2 (``martif``: termEntry → langSet → tig, or ntig/termGrp), as
TBX-Basic 2008, MultiTerm, memoQ and translate-toolkit write it, and TBX v3 (``tbx``:
conceptEntry → langSec → termSec). The languages read are picked as for TMX
(tm.formats.languages): an entry without the pair's is skipped and reported, not an error.

This module gathers what each entry says, by level (concept, language, term); tbx_entry makes
the glossary entry of it. What neither keeps is counted by kind, so the import can say what it
left out. Text is whitespace-collapsed: a file's indentation is no part of a note.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from glossary.formats.tbx_entry import entry_of
from glossary.model import Entry
from tm.errors import UserError
from tm.formats.languages import PairReading
from tm.formats.xmlsafe import hardened_parser, parse_file

_CONCEPT = {"termEntry", "conceptEntry"}
_LANG = {"langSet", "langSec"}
_TERM_CONTAINER = {"tig", "ntig", "termSec"}
# Elements holding others, with nothing to say of their own.
_WRAPPERS = {"termGrp", "descripGrp", "adminGrp", "transacGrp", "termNoteGrp"}
# Elements whose text is a value (inline markup inside, such as <hi>, is part of it).
_LEAVES = {"term", "termNote", "descrip", "admin", "note", "transac", "transacNote", "date", "ref", "xref"}
# tm's own admin fields and TBX's source: kept at the concept level.
_CONCEPT_ADMINS = {"source", "x-status", "x-glossary", "x-priority", "x-caseSensitive"}


def collapsed(text: str) -> str:
    return " ".join(text.split())


def _label(tag: str, type_: str) -> str:
    """How the import summary names what it did not keep: as the file writes it."""
    return f'<{tag} type="{type_}">' if type_ else f"<{tag}>"


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.parser = hardened_parser(name)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.ready: list[dict] = []
        self.concept: dict | None = None
        self.lang: str | None = None
        self.term: dict | None = None
        self.transaction: dict | None = None
        self.leaf: tuple[str, str, int] | None = None  # (element, type, depth) whose text is read
        self.text: list[str] = []
        self.depth = 0
        self.root_seen = False

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if not self.root_seen:
            self.root_seen = True
            if tag not in ("tbx", "martif"):
                raise UserError(f"{self.name}: not a TBX file (root element <{tag}>)")
        if self.leaf is not None:
            return  # markup inside a value
        if tag in _CONCEPT:
            self.concept = {
                "line": self.parser.CurrentLineNumber,
                "fields": {},
                "notes": [],  # (language or None, text)
                "definitions": [],  # (language or None, text)
                "transactions": [],  # (kind, date, who, level)
                "langs": {},
                "dropped": Counter(),
            }
        elif self.concept is None:
            return  # the header, the back matter
        elif tag in _LANG:
            self.lang = attrs.get("xml:lang") or attrs.get("lang")
            if not self.lang:
                raise UserError(
                    f"{self.name}: line {self.parser.CurrentLineNumber}: <{tag}> without xml:lang"
                )
            self.concept["langs"].setdefault(self.lang, [])
        elif tag in _TERM_CONTAINER and self.lang is not None:
            self.term = {"term": None, "status": "", "info": {}}
        elif tag == "transacGrp":
            self.transaction = {"level": self._level()}
        elif tag in _LEAVES:
            self.leaf, self.text = (tag, attrs.get("type", ""), self.depth), []
        elif tag not in _WRAPPERS:
            self.concept["dropped"][_label(tag, attrs.get("type", ""))] += 1
            self.leaf, self.text = ("", "", self.depth), []  # skipped whole, its content too

    def _text(self, data: str) -> None:
        if self.leaf is not None:
            self.text.append(data)

    def _end(self, tag: str) -> None:
        self.depth -= 1
        if self.leaf is not None:
            if self.depth + 1 == self.leaf[2]:
                kind, type_, _ = self.leaf
                self.leaf = None
                if kind:
                    self._value(kind, type_, collapsed("".join(self.text)))
            return
        if self.concept is None:
            return
        if tag == "transacGrp" and self.transaction is not None:
            t = self.transaction
            self.concept["transactions"].append((t.get("transac"), t.get("date"), t.get("who"), t["level"]))
            self.transaction = None
        elif tag in _TERM_CONTAINER and self.term is not None:
            if self.term["term"]:
                self.concept["langs"][self.lang].append(self.term)
            self.term = None
        elif tag in _LANG:
            self.lang = None
        elif tag in _CONCEPT:
            self.ready.append(self.concept)
            self.concept = None

    def _level(self) -> str:
        return "term" if self.term is not None else "lang" if self.lang is not None else "concept"

    def _value(self, kind: str, type_: str, value: str) -> None:
        """File one value where it belongs, or count it as not kept."""
        concept, term, level = self.concept, self.term, self._level()
        if self.transaction is not None:
            if kind == "transac" and type_ != "transactionType":  # MultiTerm: the type, who as text
                self.transaction.update(transac=type_, who=value)
                return
            slot = {"transac": "transac", "date": "date", "transacNote": "who"}.get(kind)
            if slot and (kind != "transacNote" or type_ == "responsibility"):
                self.transaction.setdefault(slot, value)
                return
        elif kind == "term" and term is not None:
            term["term"] = value
            return
        elif kind == "termNote" and term is not None and type_ == "administrativeStatus":
            term["status"] = value
            return
        elif kind == "termNote" and term is not None and type_ == "partOfSpeech":
            term["info"]["part_of_speech"] = value
            return
        elif kind == "descrip" and term is not None and type_ == "context":
            term["info"]["context"] = value
            return
        elif kind == "note" and term is not None:
            term["info"]["note"] = "\n".join(filter(None, [term["info"].get("note"), value]))
            return
        elif kind == "note":
            concept["notes"].append((self.lang, value))
            return
        elif kind == "descrip" and type_ == "definition":
            concept["definitions"].append((self.lang, value))
            return
        elif kind == "descrip" and type_ == "subjectField" and level != "term":
            concept["fields"].setdefault("subjectField", value)
            return
        elif kind == "admin" and level == "concept" and type_ in _CONCEPT_ADMINS:
            concept["fields"].setdefault(type_, value)
            return
        if value or kind in ("ref", "xref"):
            concept["dropped"][_label(kind, type_) + (" of a term" if level == "term" else "")] += 1


def read_tbx(
    path: str | Path, pairs: PairReading | None = None, dropped: Counter | None = None
) -> Iterator[tuple[int, Entry]]:
    """(line, entry) of each entry holding the pair; ``pairs`` (made if not given) records the
    languages read and the entries skipped, ``dropped`` counts what the entries read said that
    they do not keep (by kind, as the file writes it)."""
    pairs = pairs or PairReading(str(path), unit="entry", units="entries")
    dropped = dropped if dropped is not None else Counter()
    reader = _Reader(str(path))
    for _ in parse_file(reader.parser, path):
        for concept in reader.ready:
            entry = entry_of(concept, str(path), pairs)
            if entry is not None:
                dropped.update(concept["dropped"])
                yield concept["line"], entry
        reader.ready.clear()
    if not reader.root_seen:
        raise UserError(f"{path}: empty file, not TBX")
    pairs.check_any()


def dropped_summary(dropped: Counter) -> str | None:
    """One line naming what the entries read said that tm does not keep."""
    if not dropped:
        return None
    return "not kept: " + ", ".join(f"{label} ({n})" for label, n in dropped.most_common())
