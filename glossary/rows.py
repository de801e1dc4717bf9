"""Glossary entries as rows of the terms table and back (the term base and its history share it)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields

from glossary.match import term_key
from glossary.model import Entry
from tm.text.normalize import matching_key

COLUMNS = [f.name for f in fields(Entry) if f.name not in ("given", "columns", "priority")]  # the select list
FIELDS = ", ".join("t." + c for c in COLUMNS)
SELECT = f"SELECT {FIELDS} FROM terms t"


def term_uid(glossary: str, source_key: str) -> str:
    """An entry's identity in every copy: what names it in a glossary, hashed as schema step 12
    derives it for entries stored before (an entry added on two sides is one entry)."""
    text = f"{glossary}\x1f{source_key}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def entry_of(row: tuple) -> Entry:
    data = dict(zip(COLUMNS, row))
    for name in ("source_variants", "alternatives", "forbidden"):
        data[name] = json.loads(data[name]) if data[name] != "[]" else []  # most lists are empty
    data["case_sensitive"] = bool(data["case_sensitive"])
    data["term_info"] = json.loads(data["term_info"]) if data["term_info"] != "{}" else {}
    return Entry(**data)


def values_of(entry: Entry, key: str) -> dict:
    """The columns of an entry whose source has the matching key ``key`` (stamps apart)."""
    return {
        "uid": term_uid(entry.glossary, key),
        "glossary": entry.glossary,
        "source": entry.source,
        "source_key": key,
        "search_keys": "\n".join(matching_key(f) for f in entry.source_forms),
        "match_keys": "\n".join(term_key(f) for f in entry.source_forms),
        "target": entry.target,
        "source_variants": json.dumps(entry.source_variants, ensure_ascii=False),
        "alternatives": json.dumps(entry.alternatives, ensure_ascii=False),
        "forbidden": json.dumps(entry.forbidden, ensure_ascii=False),
        "note": entry.note,
        "domain": entry.domain,
        "reference": entry.reference,
        "status": entry.status,
        "case_sensitive": int(entry.case_sensitive),
        "definition": entry.definition,
        "definition_lang": entry.definition_lang,
        "term_info": json.dumps(entry.term_info, ensure_ascii=False),
        "source_lang": entry.source_lang,
        "target_lang": entry.target_lang,
    }
