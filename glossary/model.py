"""A glossary entry: one concept with its approved rendering and what else is known about it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tm.errors import UserError

STATUSES = ("approved", "proposed", "deprecated")
DEFAULT_GLOSSARY = "general"
# What a translator curates in an entry that the tabular formats carry (with glossary, priority).
TABLE_FIELDS = (
    "source",
    "target",
    "source_variants",
    "alternatives",
    "forbidden",
    "note",
    "domain",
    "reference",
    "status",
    "case_sensitive",
)
# TBX carries these too: a definition (with its language when a language section held it) and
# what the file said of each term (TERM_DETAILS).
CONTENT_FIELDS = (*TABLE_FIELDS, "definition", "definition_lang", "term_info")
TERM_DETAILS = ("part_of_speech", "context", "note", "status")  # status: of a deprecated source form
LIST_FIELDS = ("source_variants", "alternatives", "forbidden")
LABELS = {"source_variants": "source forms", "alternatives": "alternatives", "target": "approved rendering"}


@dataclass
class Entry:
    source: str
    target: str  # the approved rendering
    source_variants: list[str] = field(default_factory=list)  # more source forms
    alternatives: list[str] = field(default_factory=list)  # other accepted renderings
    forbidden: list[str] = field(default_factory=list)
    note: str | None = None
    domain: str | None = None
    reference: str | None = None  # where the rendering is documented
    status: str = "approved"
    case_sensitive: bool = False  # the English must match case exactly
    glossary: str = DEFAULT_GLOSSARY
    source_lang: str = "zh"
    target_lang: str = "en"
    definition: str | None = None
    definition_lang: str | None = None  # None: of the concept, not of one language
    term_info: dict[str, dict[str, str]] = field(default_factory=dict)  # term -> TERM_DETAILS
    priority: int | None = field(default=None, compare=False)  # its glossary's, as interchange files carry it
    created_at: str | None = None
    created_by: str | None = None
    changed_at: str | None = None
    changed_by: str | None = None
    id: int | None = None
    # The content fields its input stated (None: all): an import or an edit changes only those,
    # so a two-column file or a command naming one option never wipes what it does not mention.
    given: frozenset[str] | None = field(default=None, compare=False, repr=False)
    # The fields its input has a place for (a file's columns; None: all): what --sync may clear.
    columns: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @property
    def source_forms(self) -> list[str]:
        return [self.source, *self.source_variants]

    @property
    def accepted(self) -> list[str]:
        return [self.target, *self.alternatives]

    @property
    def enforced(self) -> bool:
        """Approved: QA and machine translation hold a text to it. A proposed entry (mined, not
        yet curated) is shown as a suggestion only."""
        return self.status == "approved"


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if value else "(empty)"


def _folded(values: list[str]) -> set[str]:
    return {v.casefold() for v in values}


def merge(old: Entry, new: Entry, sync: bool = False) -> tuple[Entry, list[str]]:
    """``old`` changed by what ``new`` states, and each change said in words.

    Fields ``new`` does not state stay as stored; list fields gain the items ``new`` adds. With
    ``sync`` the input states whole entries for the fields it has a place for (a file's columns):
    an empty cell clears, a list item it leaves out is removed; a column it lacks stays as is."""
    if sync:
        given = set(CONTENT_FIELDS if new.columns is None else new.columns)
    else:
        given = set(CONTENT_FIELDS if new.given is None else new.given)
    merged, changes = replace(old, given=None, columns=None), []
    for name in CONTENT_FIELDS:
        if name == "source" or name not in given:
            continue
        before, wanted = getattr(old, name), getattr(new, name)
        if name == "term_info":
            value = _merged_info(before, wanted, sync, changes)
        elif name in LIST_FIELDS:
            if sync:
                value = list(wanted)
                dropped = [v for v in before if v.casefold() not in _folded(wanted)]
                changes += [f"{_label(name)} − “{v}”" for v in dropped]
            else:
                value = list(before)
            added = [v for v in wanted if v.casefold() not in _folded(before)]
            value += [v for v in added if v not in value]
            changes += [f"{_label(name)} + “{v}”" for v in added]
        else:
            value = wanted
            if value != before:
                changes.append(f"{_label(name)}: {_shown(before)} → {_shown(value)}")
        setattr(merged, name, value)
    _promoted(merged, changes)
    return merged, changes


def _merged_info(before: dict, wanted: dict, sync: bool, changes: list[str]) -> dict:
    """Term details as ``wanted`` states them (whole with ``sync``, else added to ``before``)."""
    value = {t: dict(d) for t, d in wanted.items()} if sync else {t: dict(d) for t, d in before.items()}
    if not sync:
        for term, details in wanted.items():
            value.setdefault(term, {}).update(details)
    for term in dict.fromkeys([*before, *value]):
        for key in TERM_DETAILS:
            old, new = before.get(term, {}).get(key), value.get(term, {}).get(key)
            if old != new:
                changes.append(f"{_label(key)} of “{term}”: {_shown(old)} → {_shown(new)}")
    return value


def _promoted(entry: Entry, changes: list[str]) -> None:
    """An alternative that became the approved rendering is no longer listed as an alternative."""
    kept = [a for a in entry.alternatives if a.casefold() != entry.target.casefold()]
    if len(kept) < len(entry.alternatives):
        entry.alternatives = kept
        changes.append(f"alternatives − “{entry.target}” (now the approved rendering)")


def edit(
    old: Entry, values: dict, add: dict[str, list[str]], remove: dict[str, list[str]]
) -> tuple[Entry, list[str]]:
    """``old`` with scalar fields set (``values``), list items added and removed, and each change
    said in words; removing an item the entry does not hold is an error naming it."""
    merged, changes = replace(old, given=None, columns=None), []
    for name, value in values.items():
        if getattr(old, name) != value:
            changes.append(f"{_label(name)}: {_shown(getattr(old, name))} → {_shown(value)}")
            setattr(merged, name, value)
    for name in LIST_FIELDS:
        items = list(getattr(old, name))
        for value in remove.get(name, []):
            kept = [v for v in items if v.casefold() != value.casefold()]
            if len(kept) == len(items):
                held = "; ".join(items) or "none"
                raise UserError(f"{old.source} has no {_label(name)} “{value}” (it has: {held})")
            items = kept
            changes.append(f"{_label(name)} − “{value}”")
        for value in add.get(name, []):
            if value.casefold() not in _folded(items):
                items.append(value)
                changes.append(f"{_label(name)} + “{value}”")
        setattr(merged, name, items)
    _promoted(merged, changes)
    return merged, changes
