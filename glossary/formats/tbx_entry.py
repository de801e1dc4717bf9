"""A glossary entry from what a TBX concept says (gathered by glossary.formats.tbx).

Renderings by administrativeStatus: preferredTerm → approved, admittedTerm → accepted
alternative, deprecatedTerm / supersededTerm → forbidden. A deprecated or superseded Chinese term
is a source form with that status among its details (the concept's text still says it, and it is
rendered as the concept is), written back with it. Beyond them an entry keeps the subject
field (domain), the concept's source (reference), tm's own fields (x-status, x-glossary,
x-priority, x-caseSensitive), notes, one definition (the concept's, else the English, else the
Chinese one: another, or one in a third language, becomes a note labelled with its language),
each term's part of speech, context and note, and when and by whom it was first made and last
changed (the concept's transactions, else the earliest and latest of its terms')."""

from __future__ import annotations

from datetime import UTC, datetime

from glossary.model import LIST_FIELDS, Entry
from tm.errors import UserError
from tm.formats.languages import PairReading

PREFERRED, ADMITTED, DEPRECATED = (
    "preferredTerm-admn-sts",
    "admittedTerm-admn-sts",
    "deprecatedTerm-admn-sts",
)
SUPERSEDED = "supersededTerm-admn-sts"
_FORBIDDEN = (DEPRECATED, SUPERSEDED)
STATUS_OF = {DEPRECATED: "deprecated", SUPERSEDED: "superseded"}  # a source form's, in its details
_CREATED = ("origination", "creation")
_CHANGED = ("modification",)


def _priority(value: str | None, name: str, line: int) -> int | None:
    if not value:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise UserError(f"{name}: line {line}: x-priority must be a whole number, not {value!r}") from None


def stamp(value: str | None) -> str | None:
    """An ISO 8601 date or time as tm stores times (UTC, to the second); None if it is not one."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _transactions(concept: dict) -> tuple[tuple[str | None, str | None], tuple[str | None, str | None]]:
    """(created at, by), (changed at, by): the concept's own, else the earliest origination and
    the latest modification anywhere in it; a date that is no date is counted as not kept."""
    created: list[tuple[str, str | None, bool]] = []
    changed: list[tuple[str, str | None, bool]] = []
    for kind, date, who, level in concept["transactions"]:
        at = stamp(date)
        if at is None or kind not in (*_CREATED, *_CHANGED):
            concept["dropped"][
                f"<transacGrp> {kind or 'without a type'}" + (f" {date}" if at is None else "")
            ] += 1
            continue
        (created if kind in _CREATED else changed).append((at, who, level == "concept"))
    first = min(created, key=lambda t: (not t[2], t[0]), default=(None, None, False))
    last = max(changed, key=lambda t: (t[2], t[0]), default=(None, None, False))
    if last[0] is None:
        last = first  # made and never changed since
    return first[:2], last[:2]


def _notes_and_definition(concept: dict, pair: tuple[str, str]) -> tuple[list[str], tuple | None]:
    """The entry's notes and its one definition (language or None, text)."""
    rank = {None: 0, pair[1]: 1, pair[0]: 2}
    chosen = min((d for d in concept["definitions"] if d[0] in rank), key=lambda d: rank[d[0]], default=None)
    notes = [text for lang, text in concept["notes"] if lang is None or lang in pair]
    notes += [
        f"note ({lang}): {text}" for lang, text in concept["notes"] if lang is not None and lang not in pair
    ]
    for lang, text in concept["definitions"]:
        if (lang, text) != chosen:
            notes.append(f"definition ({lang}): {text}" if lang else f"definition: {text}")
    return notes, chosen


def entry_of(concept: dict, name: str, pairs: PairReading) -> Entry | None:
    line, langs = concept["line"], concept["langs"]
    pair = pairs.pick([lang for lang, terms in langs.items() if terms], line)
    if pair is None:
        return None
    for lang, terms in langs.items():
        if lang not in pair and terms:
            concept["dropped"][f"terms in {lang}"] += len(terms)
    src, tgt = langs[pair[0]], langs[pair[1]]
    target_lang = pairs.tag(pair[1], line)
    sources = [t for t in src if t["status"] not in _FORBIDDEN]
    sources.sort(key=lambda t: t["status"] != PREFERRED)
    if not sources:
        raise UserError(f"{name}: line {line}: every source term is deprecated")
    forbidden = [t["term"] for t in tgt if t["status"] in _FORBIDDEN]
    allowed = [t for t in tgt if t["term"] not in forbidden]
    allowed.sort(key=lambda t: t["status"] != PREFERRED)
    if not allowed:
        raise UserError(f"{name}: line {line}: entry has no allowed rendering in {target_lang}")
    deprecated = [t for t in src if t["status"] in _FORBIDDEN]
    for t in deprecated:  # tm forbids renderings, not source forms: a form with its status
        t["info"]["status"] = STATUS_OF[t["status"]]
    fields = concept["fields"]
    case = fields.get("x-caseSensitive", "").lower() in ("yes", "true", "1")
    notes, definition = _notes_and_definition(concept, pair)
    (created_at, created_by), (changed_at, changed_by) = _transactions(concept)
    entry = Entry(
        source=sources[0]["term"],
        target=allowed[0]["term"],
        source_variants=[t["term"] for t in [*sources[1:], *deprecated]],
        alternatives=[t["term"] for t in allowed[1:]],
        forbidden=forbidden,
        note="\n".join(notes) or None,
        domain=fields.get("subjectField") or None,
        reference=fields.get("source") or None,
        status=fields.get("x-status") or "approved",
        case_sensitive=case,
        definition=definition[1] if definition else None,
        definition_lang=pairs.tag(definition[0], line) if definition and definition[0] else None,
        term_info={t["term"]: t["info"] for t in [*src, *tgt] if t["info"]},
        glossary=fields.get("x-glossary") or "general",
        priority=_priority(fields.get("x-priority"), name, line),
        source_lang=pairs.tag(pair[0], line),
        target_lang=target_lang,
        created_at=created_at,
        created_by=created_by,
        changed_at=changed_at,
        changed_by=changed_by,
    )
    # What the file states: what it holds (the case flag only when written, as tm writes it).
    stated = {"note": entry.note, "domain": entry.domain, "reference": entry.reference}
    stated |= {"status": fields.get("x-status"), "case_sensitive": case or None}
    stated |= {
        "definition": entry.definition,
        "definition_lang": entry.definition,  # stated with it: a concept's definition has none
        "term_info": entry.term_info,
    }
    stated |= {name: getattr(entry, name) for name in LIST_FIELDS}
    entry.given = frozenset({"source", "target", *(name for name, v in stated.items() if v)})
    return entry
