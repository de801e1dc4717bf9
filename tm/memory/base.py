"""What the rest of tm needs of a memory, whatever stores it: the storage primitives a backend
implements (units in and out, candidates for lookups, history) and, above them, computed once
for every backend, the match bands (101/100/99/fuzzy), fuzzy scoring and diffs, and the
concordance's hit spans."""

from __future__ import annotations

import contextlib
import heapq
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from tm.errors import UserError
from tm.memory import grams as G
from tm.memory import words
from tm.memory.scoring import diff, number_mismatch, similarity
from tm.memory.units import ConcordanceHit, ImportResult, Match, Unit, context_hash
from tm.memory.words import WordQuery
from tm.text.langs import family
from tm.text.normalize import find_in_original, has_han, loose_key, matching_key, surface

VERIFY_BATCH = 32  # fuzzy candidates fetched and scored at a time, best bound first
MAX_VERIFIED = 2000  # a lookup scores at most this many candidates
SQL_VARS = 900  # ids asked for at a time


class Memory(ABC):
    """A translation memory. Backends implement the abstract storage primitives; lookup and
    concordance are built on them here."""

    location: str  # what messages call the memory (never with a password)
    file: Path | None = None  # the local file that holds it, if any (outputs never replace it)
    user: str | None  # recorded with what this process stores
    created: bool = False  # the memory did not exist before it was opened

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------- storage primitives

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def reopened(self) -> Memory:
        """A connection of its own to this memory (a forked worker may not use its parent's)."""

    @abstractmethod
    def transaction(self, commit: bool = True) -> contextlib.AbstractContextManager[None]:
        """Everything in the block is stored, or nothing (``commit=False``: a dry run)."""

    @abstractmethod
    def add_units(self, units: Iterable[Unit]) -> ImportResult:
        """Add or update units inside the caller's transaction (the same pair is one unit)."""

    @abstractmethod
    def find_pair(self, unit: Unit) -> Unit | None:
        """The stored unit with this source and target (and languages), if any."""

    @abstractmethod
    def units_by_id(self, ids: Iterable[int]) -> dict[int, tuple[Unit, str]]:
        """Units and their matching keys, by id (deleted ones are absent)."""

    @abstractmethod
    def iter_units(self) -> Iterator[Unit]: ...

    @abstractmethod
    def iter_keyed_units(self) -> Iterator[tuple[Unit, str]]:
        """Every unit with its source's matching key, in id order."""

    @abstractmethod
    def inconsistent_units(self, side: str) -> Iterator[list[Unit]]:
        """Groups of units, in id order: sharing a source key with different targets (``side``
        "source"), or sharing a target with different source keys ("target")."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def source_languages(self) -> list[str]: ...

    @abstractmethod
    def exact_rows(self, fam: str, loose: str) -> list[tuple]:
        """(id, source, source_lang, source_key, context, changed_at) of the units whose loose key
        may equal ``loose`` in language family ``fam`` (a superset: checked here)."""

    @abstractmethod
    def fuzzy_candidates(
        self, key: str, fam: str, query_len: int, min_score: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids of units that may score ≥ min_score against ``key`` and an upper bound of each
        score, best bound first; every unit that reaches min_score must be among them."""

    @abstractmethod
    def candidate_keys(self, ids: list[int]) -> Iterable[tuple]:
        """(id, source_key, source_lang, changed_at) of the given units."""

    @abstractmethod
    def source_candidates(self, key: str, fam: str) -> np.ndarray:
        """Ids (ascending) of units whose source key may contain ``key`` (a superset)."""

    @abstractmethod
    def gram_postings(self, grams: list[int]) -> dict[int, np.ndarray]:
        """Each source-key gram's ids (ascending; tm.memory.grams packs them), in bulk."""

    @abstractmethod
    def target_matches(self, query: WordQuery, limit: int, stemmed: bool = False) -> list[Unit]:
        """Units whose target holds the query's words in sequence, best first: as typed (a prefix
        word begins a word), or ``stemmed``: any form of each word (the stem index)."""

    @abstractmethod
    def rejections(self, unit_ids: Iterable[int]) -> dict[int, list[dict]]:
        """Each unit's recorded rejections (changed_at, changed_by, reason, comment), oldest first."""

    @abstractmethod
    def rejected_units(self, at_least: int) -> list[int]:
        """Ids of the stored units rejected at least this many times."""

    @abstractmethod
    def record_rejection(self, unit_id: int, by: str | None, reason: str, comment: str | None = None) -> None:
        """A reviewer rejected the unit's translation where it was proposed (caller's transaction)."""

    @abstractmethod
    def record_comment(
        self, unit_id: int, by: str | None, reason: str, comment: str, at: str | None = None
    ) -> bool:
        """A comment on a unit that comes with no change to it (caller's transaction); False when
        the unit holds that comment (same author and time) already."""

    @abstractmethod
    def comments(self) -> dict[int, list[dict]]:
        """The history events that carry a reviewer's comment, by unit id, oldest first."""

    @abstractmethod
    def mark_reviewed(
        self,
        unit_id: int,
        by: str | None,
        document: str | None,
        context: str | None,
        reason: str = "tm review",
        comment: str | None = None,
    ) -> None:
        """A reviewer confirmed a stored unit as it is (inside the caller's transaction)."""

    @abstractmethod
    def replace_target(
        self,
        unit: Unit,
        target: str,
        by: str | None,
        reason: str,
        document: str | None = None,
        context: str | None = None,
        action: str = "review",
        comment: str | None = None,
    ) -> None:
        """A unit's target corrected, the old one kept in its history (caller's transaction)."""

    @abstractmethod
    def delete_units(
        self, ids: Iterable[int], by: str | None, reason: str, comment: str | None = None
    ) -> list[Unit]:
        """Delete units, each kept in its history as it was (caller's transaction); the units."""

    @abstractmethod
    def history(self, unit_id: int) -> list[dict]:
        """What happened to a unit after it was stored, oldest first."""

    @abstractmethod
    def document_unit_ids(self, document: str) -> list[int]: ...

    @abstractmethod
    def reviewed_row(self, sheet: str, row: str) -> tuple[int, str, bool] | None:
        """(unit id, target, whether the review created the unit) an earlier review of this sheet
        row stored, if any."""

    @abstractmethod
    def record_reviewed_row(
        self, sheet: str, row: str, unit_id: int, target: str, added: bool = False
    ) -> None: ...

    @abstractmethod
    def stats(self) -> dict: ...

    # ----------------------------------------------------------- computed above them

    def import_units(self, units: Iterable[Unit], comments: list | None = None) -> ImportResult:
        """Add or update units in one transaction: all of them, or none if anything fails.
        ``comments``, filled while ``units`` is read (tm.formats.tmx), holds (unit, events): the
        reviewers' comments a file carries, kept in each unit's history unless it holds them."""
        with self.transaction():
            result = self.add_units(units)
            for unit, events in comments or ():
                stored = self.find_pair(unit)
                for e in events:
                    result.comments += self.record_comment(
                        stored.id, e["changed_by"], e["reason"], e["comment"], e["changed_at"]
                    )
            return result

    def lookup(
        self,
        text: str,
        source_lang: str = "zh",
        min_score: int = 75,
        limit: int = 5,
        prev: str | None = None,
        next: str | None = None,
    ) -> list[Match]:
        """Best memory matches for one segment: 101/100/99 first, then fuzzy ≥ min_score."""
        if not 1 <= min_score <= 100:
            raise UserError("--min must be between 1 and 100")
        fam = family(source_lang)
        key = matching_key(text)
        if not key:
            return []
        ranked = self._exact(text, key, fam, prev, next)  # (score, kind, changed_at, id)
        if len(ranked) < limit:  # fuzzy scores stay below every exact one
            seen = {r[3] for r in ranked}
            fuzzy = self._fuzzy(key, fam, min_score, limit - len(ranked))
            ranked += [r for r in fuzzy if r[3] not in seen]
        ranked.sort(key=lambda r: (r[0], r[2] or "", r[3]), reverse=True)  # ISO times sort as text
        same_source = [r[3] for r in ranked if r[0] >= 100]
        ranked = [r for r in ranked if r[0] >= min_score][:limit]  # --min 100: no 99, no capped fuzzy
        units = self.units_by_id([r[3] for r in ranked] + (same_source if len(same_source) > 1 else []))
        matches = [self._match(text, units[uid][0], score, kind) for score, kind, _, uid in ranked]
        for m in matches:
            if m.score >= 100 and len(same_source) > 1:
                others = (units[u][0].target for u in same_source)
                m.other_translations = list(dict.fromkeys(t for t in others if t != m.unit.target))
        return matches

    def _exact(
        self, text: str, key: str, fam: str, prev: str | None, next_: str | None
    ) -> list[tuple[int, str, str, int]]:
        loose = loose_key(key)
        want_ctx = context_hash(prev, next_) if prev is not None or next_ is not None else None
        shown = surface(text)
        out = []
        for uid, source, lang, unit_key, context, changed_at in self.exact_rows(fam, loose):
            if family(lang) != fam or loose_key(unit_key) != loose:
                continue  # a hash collision
            if surface(source) == shown:
                in_context = want_ctx is not None and context == want_ctx
                score, kind = (101, "context") if in_context else (100, "exact")
            else:
                score, kind = 99, "near-exact"
            out.append((score, kind, changed_at, uid))
        return out

    def _fuzzy(self, key: str, fam: str, min_score: int, wanted: int) -> list[tuple[int, str, str, int]]:
        """The ``wanted`` best fuzzy matches: candidates verified best-bound first."""
        query = G.comparable(key, fam)
        ids, bounds = self.fuzzy_candidates(key, fam, len(query), min_score)
        out: list[tuple[int, str, str, int]] = []
        scores: list[float] = []  # min-heap of the best `wanted` scores so far
        for start in range(0, min(ids.size, MAX_VERIFIED), VERIFY_BATCH):
            if len(scores) >= wanted and bounds[start] < scores[0]:
                break  # no remaining candidate can beat what we have
            for uid, unit_key, lang, changed_at in self.candidate_keys(
                ids[start : start + VERIFY_BATCH].tolist()
            ):
                if family(lang) != fam:
                    continue
                score = similarity(query, G.comparable(unit_key, fam))
                if score >= min_score:
                    out.append((min(int(score), 98), "fuzzy", changed_at, uid))
                    heapq.heappush(scores, score)
                    if len(scores) > wanted:
                        heapq.heappop(scores)
        return out

    def _match(self, text: str, unit: Unit, score: int, kind: str) -> Match:
        only_q, only_m = number_mismatch(text, unit.source)
        ops = diff(text, unit.source) if score < 100 else []
        return Match(unit, score, kind, ops, only_q, only_m)

    def concordance(
        self, text: str, limit: int = 20, side: str = "both", lang: str | None = None
    ) -> list[ConcordanceHit]:
        """Units whose source or target contains ``text``, the hit spans marked, best first."""
        key = matching_key(text)
        if not key:
            return []
        hits: list[ConcordanceHit] = []
        if side in ("both", "source"):
            fam = family(lang) if lang else ("zh" if has_han(key) else "en")
            hits += self._concordance_source(key, fam, limit)
        if side in ("both", "target"):
            hits += self._concordance_target(text, limit)
        return hits[: limit if side != "both" else 2 * limit]

    def source_holders(self, key: str, fam: str, step: int = 80) -> Iterator[list[tuple[int, str, str]]]:
        """(id, source key without spaces and case folded, source language) of the units whose
        source key holds ``key`` (case aside), a chunk of candidates at a time, the newest chunk
        first and each larger than the last: a caller that has enough stops reading."""
        newest_first = self.source_candidates(key, fam)[::-1].tolist()
        needle = "".join(key.split()).casefold()
        for start, end in _growing(len(newest_first), step):
            chunk = []
            for uid, unit_key, lang, _ in self.candidate_keys(newest_first[start:end]):
                folded = "".join(unit_key.split()).casefold()
                if needle in folded:
                    chunk.append((uid, folded, lang))
            yield chunk

    def _concordance_source(self, key: str, fam: str, limit: int) -> list[ConcordanceHit]:
        needle = "".join(key.split()).casefold()
        ranked: list[tuple[int, int, int]] = []  # (-occurrences, key length, -id)
        for chunk in self.source_holders(key, fam, 4 * limit):  # verify until enough real hits
            ranked += [(-folded.count(needle), len(folded), -uid) for uid, folded, _ in chunk]
            if len(ranked) >= 5 * limit:
                break
        ranked.sort()
        units = self.units_by_id(-r[2] for r in ranked[:limit])
        hits = [ConcordanceHit(units[-r[2]][0], "source", []) for r in ranked[:limit]]
        for hit in hits:
            hit.spans = find_in_original(hit.unit.source, key)
        return [h for h in hits if h.spans]

    def _concordance_target(self, text: str, limit: int) -> list[ConcordanceHit]:
        """The words as typed first, then (unless quoted) their other forms; each hit marked."""
        query = words.parse(text)
        if query is None:
            return []
        found = self.target_matches(query, limit)
        hits = [ConcordanceHit(u, "target", words.spans(u.target, query)) for u in found]
        if query.inflects and len(hits) < limit:
            seen = {u.id for u in found}
            for unit in self.target_matches(query, 2 * limit, stemmed=True):
                spans = [] if unit.id in seen else words.spans(unit.target, query)
                if spans:  # only what can be marked: PostgreSQL's words and stems differ a little
                    hits.append(ConcordanceHit(unit, "target", spans))
        return hits[:limit]


def login_name() -> str | None:
    """Who is running tm: $TM_USER, $USER, else the login name (cron jobs, containers)."""
    import getpass

    try:
        return os.environ.get("TM_USER") or os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return None


def _growing(total: int, step: int) -> Iterator[tuple[int, int]]:
    """[start, end) ranges over ``total`` items, each four times the last, SQL_VARS at most."""
    start = 0
    while start < total:
        yield start, min(start + step, total)
        start, step = start + step, min(step * 4, SQL_VARS)
