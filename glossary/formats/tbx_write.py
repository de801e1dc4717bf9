"""TBX glossaries written, in either dialect tm reads (glossary.formats.tbx):

- ``basic``: TBX-Basic as its 2008 specification writes it (``martif``, termEntry → langSet → tig),
  the form translate-toolkit, OmegaT, memoQ and MultiTerm read; the default;
- ``v3``: TBX v3 (ISO 30042:2019, ``tbx``, conceptEntry → langSec → termSec, DCA style).

Both carry the same data categories: subject field, definition, source (reference), notes, the
origination and last modification (date and who), each term's part of speech, administrative
status, context and note, and tm's own fields as ``x-`` admin types. No DOCTYPE: a parser that
fetches the DTD it names would fail offline, and none of the readers needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from glossary.formats.tbx_entry import ADMITTED, DEPRECATED, PREFERRED, STATUS_OF
from glossary.model import Entry
from tm.formats.atomic import atomic_write

DIALECTS = ("basic", "v3")
_NAMES = {"basic": ("termEntry", "langSet", "tig"), "v3": ("conceptEntry", "langSec", "termSec")}
_HEAD = {
    "basic": '<martif type="TBX-Basic" xml:lang="en">\n'
    "  <martifHeader>\n"
    "    <fileDesc><sourceDesc><p>Exported by tm</p></sourceDesc></fileDesc>\n"
    '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>\n'
    "  </martifHeader>\n",
    "v3": '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">\n'
    "  <tbxHeader><fileDesc><sourceDesc><p>Exported by tm</p></sourceDesc></fileDesc></tbxHeader>\n",
}
_ROOT = {"basic": "martif", "v3": "tbx"}


def _notes(text: str | None, indent: str) -> list[str]:
    """One <note> per line: a note typed on two lines reads back as it was."""
    return [f"{indent}<note>{escape(line)}</note>\n" for line in (text or "").splitlines() if line.strip()]


def _transactions(e: Entry, indent: str) -> list[str]:
    out = []
    for kind, at, who in (
        ("origination", e.created_at, e.created_by),
        ("modification", e.changed_at, e.changed_by),
    ):
        if at:
            by = f'<transacNote type="responsibility">{escape(who)}</transacNote>' if who else ""
            out.append(
                f'{indent}<transacGrp><transac type="transactionType">{kind}</transac>{by}'
                f"<date>{escape(at)}</date></transacGrp>\n"
            )
    return out


def _term(e: Entry, text: str, status: str, tag: str) -> str:
    """A term with its part of speech, status, context and note, in TBX-Basic's order."""
    info = e.term_info.get(text, {})
    parts = [f"<term>{escape(text)}</term>"]
    if info.get("part_of_speech"):
        parts.append(f'<termNote type="partOfSpeech">{escape(info["part_of_speech"])}</termNote>')
    parts.append(f'<termNote type="administrativeStatus">{status}</termNote>')
    if info.get("context"):
        parts.append(f'<descrip type="context">{escape(info["context"])}</descrip>')
    parts += [note.strip() for note in _notes(info.get("note"), "")]
    return f"        <{tag}>{''.join(parts)}</{tag}>\n"


def _language(e: Entry, lang: str, terms: list[tuple[str, str]], names: tuple[str, str, str]) -> list[str]:
    out = [f"      <{names[1]} xml:lang={quoteattr(lang)}>\n"]
    if e.definition and e.definition_lang == lang:
        out.append(f'        <descrip type="definition">{escape(e.definition)}</descrip>\n')
    out += [_term(e, text, status, names[2]) for text, status in terms]
    out.append(f"      </{names[1]}>\n")
    return out


def _concept(e: Entry, number: int, names: tuple[str, str, str]) -> list[str]:
    out = [f'    <{names[0]} id="c{number}">\n']
    if e.domain:
        out.append(f'      <descrip type="subjectField">{escape(e.domain)}</descrip>\n')
    if e.definition and e.definition_lang not in (e.source_lang, e.target_lang):
        out.append(f'      <descrip type="definition">{escape(e.definition)}</descrip>\n')
    admins = (
        ("source", e.reference),
        ("x-status", e.status),
        ("x-glossary", e.glossary),
        ("x-priority", None if e.priority is None else str(e.priority)),
        ("x-caseSensitive", "yes" if e.case_sensitive else None),
    )
    out += [f'      <admin type="{t}">{escape(v)}</admin>\n' for t, v in admins if v]
    out += _transactions(e, "      ")
    out += _notes(e.note, "      ")
    sources = [(e.source, PREFERRED), *((v, _form_status(e, v)) for v in e.source_variants)]
    targets = [(e.target, PREFERRED), *((a, ADMITTED) for a in e.alternatives)]
    targets += [(f, DEPRECATED) for f in e.forbidden]
    out += _language(e, e.source_lang, sources, names)
    out += _language(e, e.target_lang, targets, names)
    out.append(f"    </{names[0]}>\n")
    return out


def _form_status(e: Entry, form: str) -> str:
    """A source form's administrative status: admitted, or deprecated/superseded as read."""
    said = e.term_info.get(form, {}).get("status")
    return next((sts for sts, word in STATUS_OF.items() if word == said), ADMITTED)


def write_tbx(entries: Iterable[Entry], path: str | Path, dialect: str = "basic") -> int:
    """Write ``entries`` as TBX in ``dialect`` (DIALECTS), atomically; the number written."""
    names, count = _NAMES[dialect], 0
    with atomic_write(path) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + _HEAD[dialect] + "  <text>\n    <body>\n")
        for e in entries:
            count += 1
            out.writelines(_concept(e, count, names))
        out.write(f"    </body>\n  </text>\n</{_ROOT[dialect]}>\n")
    return count
