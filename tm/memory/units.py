"""The unit model: a translation unit with its provenance, a lookup match, a concordance hit, and
the hashes that identify a pair and a segment's context (both sides must take them alike)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime

from tm.memory.scoring import DiffOp, render_diff
from tm.text.langs import identity_lang
from tm.text.normalize import matching_key


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    """A new unit's or history entry's identity (32 hex digits, as the migration's)."""
    return uuid.uuid4().hex


def pair_uid(source_lang: str, target_lang: str, source: str, target: str) -> str:
    """A new unit's identity: its pair's (as pair_hash sees the languages), 32 hex digits."""
    data = "\x1f".join(
        (identity_lang(source_lang).lower(), identity_lang(target_lang).lower(), source, target)
    )
    return hashlib.md5(data.encode("utf-8")).hexdigest()


def hash64(*parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def pair_hash(source_lang: str, target_lang: str, source: str, target: str) -> int:
    """Identifies a unit: the same source and target (and languages) are stored once, whether the
    script of the Chinese was declared, detected or not known (zh, zh-Hant: one unit)."""
    return hash64(identity_lang(source_lang).lower(), identity_lang(target_lang).lower(), source, target)


def neighbours(texts: list[str]) -> list[tuple[str, str]]:
    """The text before and after each of ``texts`` ("" at the ends): the context a translation
    is stored with and looked up in, so both sides must take it the same way."""
    padded = ["", *texts, ""]
    return list(zip(padded, padded[2:]))


def context_hash(prev: str | None, next_: str | None) -> str:
    """Identifies the neighbours of a segment: equal hashes make an exact match a 101."""
    keys = [matching_key(prev or ""), matching_key(next_ or "")]
    return hashlib.blake2b("\x1e".join(keys).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Unit:
    """One translation unit with its provenance."""

    source: str
    target: str
    source_lang: str = "zh"
    target_lang: str = "en"
    origin: str = "imported"
    document: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    changed_at: str | None = None
    changed_by: str | None = None
    context: str | None = None
    note: str | None = None
    # What a TMX from another tool held beyond these fields (JSON, tm.formats.tmx_kept): inline
    # codes, props and notes of the <tu> and its <tuv>s, written back on export.
    tmx: str | None = None
    uid: str | None = None  # the same in every copy of the memory: how tm db copy --merge knows it
    id: int | None = None


UNIT_COLUMNS = [f.name for f in fields(Unit) if f.name != "id"]


def unit_of(row: tuple) -> Unit:
    """A unit from a row of its id and UNIT_COLUMNS."""
    return Unit(id=row[0], **dict(zip(UNIT_COLUMNS, row[1:])))


@dataclass
class Match:
    unit: Unit
    score: int  # 101 context, 100 exact, 99 near-exact, else fuzzy percent
    kind: str  # context | exact | near-exact | fuzzy
    diff: list[DiffOp] = field(default_factory=list)
    numbers_only_in_query: list[str] = field(default_factory=list)
    numbers_only_in_memory: list[str] = field(default_factory=list)
    # A 100/101 match: the other translations the memory holds of the same source (imports and
    # merges can leave several), which a reviewer must see before trusting this one.
    other_translations: list[str] = field(default_factory=list)


@dataclass
class ConcordanceHit:
    unit: Unit
    side: str  # source | target
    spans: list[tuple[int, int]]  # in unit.source or unit.target as stored


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # stored already, as they were
    comments: int = 0  # reviewers' comments kept in the history of the units


def match_data(m: Match) -> dict:
    """A match as data, the same for `tm lookup --json` and tm serve's API."""
    return {
        "score": m.score,
        "kind": m.kind,
        "source": m.unit.source,
        "target": m.unit.target,
        "diff": render_diff(m.diff) if m.diff else None,
        "numbers_only_in_query": m.numbers_only_in_query,
        "numbers_only_in_memory": m.numbers_only_in_memory,
        "other_translations": m.other_translations,
        "unit": asdict(m.unit),
    }
