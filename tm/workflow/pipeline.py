"""`tm translate` as a pipeline of small steps over a batch of documents:
read (normalize, segment) → leverage the memory → MT for the rest → QA. Writing the review
sheet is the caller's last step (tm.workflow.sheets). Each step records its time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from tm.errors import UserError
from tm.text.normalize import has_han
from tm.text.segment import Segment, paragraph_gaps, segment_text

# A callback that wraps an iterable in a progress bar: (items, label) -> items.
Progress = Callable[[Iterable, str, int], Iterable]


def no_progress(items: Iterable, label: str, length: int) -> Iterable:
    return items


@dataclass
class Row:
    """One segment of a document and what the pipeline proposes for it."""

    segment: Segment
    source: str  # as the translator reads it: pinyin stripped
    target: str = ""
    origin: str = "none"  # context | exact | near-exact | fuzzy | MT | none
    score: int | None = None  # memory match percent
    tm_source: str = ""  # a fuzzy match's source with what differs marked
    unit_id: int | None = None  # the memory unit the target came from
    context: str = ""  # hash of the neighbours (a reviewed unit becomes a 101 for them)
    terms: list = field(default_factory=list)  # glossary.match.TermHit of the source
    issues: list[str] = field(default_factory=list)
    confidence: float | None = None  # MT
    fixes: list = field(default_factory=list)  # tm.workflow.repair.Fix: placeables substituted
    fragments: list = field(default_factory=list)  # tm.align.fragments.Fragment: parts the memory holds

    @property
    def id(self) -> str:
        return self.segment.id

    @property
    def origin_label(self) -> str:
        if self.origin in ("context", "exact", "near-exact"):
            return f"TM {self.score}"
        if self.origin == "fuzzy" and self.fixes:
            return f"fuzzy {self.score}% + {len(self.fixes)} fix{'es' if len(self.fixes) > 1 else ''}"
        if self.origin == "fuzzy":
            return f"fuzzy {self.score}%"
        return self.origin


@dataclass
class Document:
    name: str  # unique within the batch; the first part of every segment id
    path: Path
    rows: list[Row]
    gaps: list[int]  # line breaks before each paragraph: the translation is laid out alike
    format: str = "txt"  # txt | docx | html | xliff (tm.workflow.documents)
    sha256: str = ""  # of the file read: export-doc refuses to rebuild from a changed original
    proposals: dict[str, str] = field(default_factory=dict)  # id -> target an XLIFF file held
    encoding: str = "utf-8"  # --encoding: export-doc reads an HTML page without a charset alike


@dataclass
class Batch:
    documents: list[Document]
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    notes: list[str] = field(default_factory=list)  # what the user should know (no model, …)

    @property
    def rows(self) -> list[Row]:
        return [row for doc in self.documents for row in doc.rows]

    @contextmanager
    def timed(self, step: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start


def unique_names(paths: list[Path]) -> list[str]:
    """Document names from file names (tm.text.langs.document_name), with -2, -3… where two
    files share one."""
    from tm.text.langs import document_name

    seen: dict[str, int] = {}
    names = []
    for path in paths:
        stem = document_name(path)
        seen[stem] = seen.get(stem, 0) + 1
        names.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return names


def read_documents(
    paths: list[Path], encoding: str = "utf-8", para_mode: str = "line", fmt: str | None = None
) -> Batch:
    """Step 1: read, normalize and segment every document (all read before anything is written):
    plain text, or a Word, HTML or XLIFF file by its content and name (``fmt``: --format)."""
    from tm.formats.documents import format_of, sha256_of
    from tm.formats.inline import escape
    from tm.text.files import read_text
    from tm.workflow.documents import document_segments

    batch = Batch([])
    with batch.timed("read and segment"):
        for path, name in zip(paths, unique_names(paths)):
            kind = format_of(path, fmt)
            proposals: dict[str, str] = {}
            if kind == "txt":
                text = read_text(path, encoding)
                segments = segment_text(text, name, "zh", para_mode)
                segments = [replace(s, text=escape(s.text)) for s in segments]  # a literal ⟦ is text
                gaps = paragraph_gaps(text, para_mode)
            else:
                segments, proposals = document_segments(path, name, kind, encoding, batch.notes)
                text = "".join(s.text for s in segments)
                gaps = [0] + [1] * (segments[-1].para - 1 if segments else 0)
            rows = [Row(s, s.clean) for s in segments]
            if not rows:  # refused before anything is written: an empty sheet is no deliverable
                raise UserError(f"{path}: no text to translate (an empty file?); leave it out")
            if not has_han(text):
                batch.notes.append(f"{path}: no Chinese characters; is this the Chinese release?")
            document = Document(name, path, rows, gaps, kind, sha256_of(path), proposals, encoding)
            batch.documents.append(document)
    return batch


def leverage(batch: Batch, memory, min_fuzzy: int, progress: Progress = no_progress, recognizer=None) -> None:
    """Step 2: the best memory match of every segment (101 in context, 100, 99, fuzzy ≥ min_fuzzy).
    A segment repeated with the same neighbours is looked up once. A fuzzy match that differs
    only in placeables (numbers, dates, glossary terms with ``recognizer``, Latin-script names)
    is repaired (tm.workflow.repair); its match percent stays the memory's. The segment's
    placeholders are placed in the memory's target by its word links (tm.workflow.placeholders)."""
    from tm.formats.inline import escape, has_tags, legacy, plain
    from tm.memory.history import described
    from tm.memory.scoring import render_diff
    from tm.memory.units import context_hash, neighbours
    from tm.workflow.placeholders import place_in_matches
    from tm.workflow.repair import repair
    from tm.workflow.unit_codes import target_with_codes

    jobs, placing = [], []
    for doc in batch.documents:
        # placeholders spelled {1} as before ⟦1⟧: units reviewed then stay 101 in the same context
        for row, (prev, nxt) in zip(doc.rows, neighbours([legacy(row.source) for row in doc.rows])):
            row.context = context_hash(prev, nxt)
            jobs.append((row, prev, nxt))
    cache: dict[tuple[str, str], object] = {}
    with batch.timed("memory"):
        # A memory nobody rejected anything in (most) is looked up as before: one match, no history;
        # otherwise every rejection is read once, not once per segment.
        rejected_ids = memory.rejected_units(1)
        weighed = CANDIDATES if rejected_ids else 1
        every_rejection = memory.rejections(rejected_ids) if rejected_ids else {}
        for row, prev, nxt in progress(jobs, "memory", len(jobs)):
            key = (row.segment.key, row.context)
            if key not in cache:
                found = memory.lookup(
                    plain(row.source), "zh", min_fuzzy, weighed, prev, nxt
                )  # placeholders out
                rejections = {
                    m.unit.id: every_rejection[m.unit.id] for m in found if m.unit.id in every_rejection
                }
                cache[key] = _least_rejected(found, rejections)
            match, rejected = cache[key]
            if match is None:
                continue
            row.target, row.origin, row.score = escape(match.unit.target), match.kind, match.score
            if match.kind != "fuzzy":  # the unit's own codes, where they answer to the segment's
                row.target = target_with_codes(row.source, match.unit) or row.target
            row.unit_id = match.unit.id
            if rejected:  # the reviewer sees that this translation was turned down before
                last = rejected[-1]
                row.issues.append(
                    f"rejected {last['changed_at'][:10]} by {last['changed_by'] or '?'}"
                    + (f" ({len(rejected)} times)" if len(rejected) > 1 else "")
                    + f": {described(last)}"
                )
            if match.other_translations:  # not one translation to trust: the reviewer chooses
                row.issues.append(other_translations_issue(match.other_translations))
            if match.kind == "fuzzy":
                row.tm_source = render_diff(match.diff)
                repaired = repair(row.source, match.unit.source, match.unit.target, recognizer)
                if repaired is not None:
                    row.target, row.fixes = escape(repaired.target), repaired.fixes
            if has_tags(row.source):  # the memory holds plain text: the segment's formatting is placed
                placing.append((row, match.unit, bool(row.fixes)))
    if placing:
        with batch.timed("placeholders"):
            place_in_matches(placing, recognizer, memory)


FRAGMENT_ORIGINS = ("fuzzy", "MT", "none")  # below a 99: the memory matched no whole segment


def find_fragments(batch: Batch, memory, recognizer=None, jobs: int | None = None) -> None:
    """Step 2b: for each segment the memory did not match whole, the spans of it the memory's
    sources hold, with the English their word links give (tm.align.fragments); a repeated
    segment once, spans cached over the batch, on ``jobs`` processes (default: every core; see
    tm.align.fragments_batch). Units not word-aligned yet are noted."""
    from tm.align.fragments import FragmentFinder
    from tm.align.fragments_batch import find_all
    from tm.formats.inline import plain

    rows = [row for row in batch.rows if row.origin in FRAGMENT_ORIGINS and row.source.strip()]
    with batch.timed("fragments"):
        done = find_all(FragmentFinder(memory, recognizer), [plain(row.source) for row in rows], jobs)
        for row in rows:
            row.fragments = done[plain(row.source)]  # spans of the text without placeholders
    waiting = memory.count() - memory.count_linked()
    if waiting:
        batch.notes.append(
            f"fragments: {waiting} memory units are not word-aligned yet and were not read; "
            "`tm align --words` aligns them"
        )


def other_translations_issue(others: list[str]) -> str:
    shown = "; ".join(f"“{t}”" for t in others[:3])
    shown += f" and {len(others) - 3} more" if len(others) > 3 else ""
    return f"the memory also translates this source as {shown}"


CANDIDATES = 3  # memory matches weighed per segment: a rejected one yields to another of its band


def _least_rejected(found: list, rejections: dict[int, list[dict]]) -> tuple[object, list[dict]]:
    """The best match, unless a reviewer rejected it and another match of the same band (same
    kind and score band) was not: (match or None, that match's rejections)."""
    from tm.workflow.analysis import fuzzy_band

    if not found:
        return None, []
    best = found[0]
    same_band = [m for m in found if m.kind == best.kind and fuzzy_band(m.score) == fuzzy_band(best.score)]
    chosen = next((m for m in same_band if m.unit.id not in rejections), best)
    return chosen, rejections.get(chosen.unit.id, [])


def dictionary_lexicon():
    """What glossary enforcement knows of words (tm.mt.enforce.Lexicon): CC-CEDICT's glosses, to
    find the model's own rendering of a term; the dictionary is loaded at its first use."""
    from tm.align.lexicon import chinese_glosses, english_words
    from tm.mt.enforce import Lexicon

    return Lexicon(chinese_glosses, english_words)


def machine_translate(
    batch: Batch, engine, recognizer=None, progress: Progress = no_progress, enforce: bool = True
) -> None:
    """Step 3: one MT batch for every segment the memory left empty; a repeated segment once,
    the glossary enforced unless ``enforce`` is off. The engine sees the text without
    placeholders (it can neither drop nor invent one); they are put back where they have a
    certain place or the engine's attention gives one (tm.workflow.placeholders), QA names the rest."""
    from tm.formats.inline import escape, has_tags, plain
    from tm.workflow.placeholders import restore
    from tm.workflow.wordlinks import PositionMap

    todo = [row for row in batch.rows if row.origin == "none" and row.source.strip()]
    unique = list(dict.fromkeys(plain(row.source) for row in todo))
    lexicon = dictionary_lexicon()
    done = {}
    with batch.timed("MT"):
        chunk = 256  # progress moves per chunk; each chunk is still batched by tokens
        starts = range(0, len(unique), chunk)
        for start in progress(starts, "MT", len(starts)):
            part = unique[start : start + chunk]
            done.update(
                zip(part, engine.translate(part, recognizer=recognizer if enforce else None, lexicon=lexicon))
            )
    tagged = list(dict.fromkeys(plain(row.source) for row in todo if has_tags(row.source)))
    attention = getattr(engine, "attention_links", None)  # where the engine says, by its attention
    links = dict(zip(tagged, attention(tagged, [done[s].text.strip() for s in tagged]))) if attention else {}
    for row in todo:
        source = plain(row.source)
        result = done[source]
        mapped = PositionMap(source, engine.prepare(source)) if source in links else None
        row.target, row.origin, row.confidence = (
            restore(row.source, escape(result.text.strip()), recognizer, links.get(source), mapped),
            "MT",
            result.confidence,
        )


def quality_check(batch: Batch, recognizer) -> None:
    """Step 4: glossary terms and QA issues of every segment (consistency within a document)."""
    from glossary.qa import Pair, check_document
    from tm.formats.inline import plain

    with batch.timed("QA"):
        for doc in batch.documents:
            by_id = {row.id: row for row in doc.rows}
            for row in doc.rows:
                row.terms = recognizer.find(row.source)
                if row.target.strip() and _same_text(row.source, row.target):
                    row.issues.append("identical: the target is the source")
            pairs = [
                Pair(row.id, plain(row.source), plain(row.target)) for row in doc.rows
            ]  # (no ⟦1⟧ "numbers")
            for issue in check_document(pairs, recognizer):
                for segment_id in issue.segment.split(", "):
                    if segment_id in by_id:
                        by_id[segment_id].issues.append(f"{issue.kind}: {issue.message}")


def _same_text(source: str, target: str) -> bool:
    from tm.text.normalize import surface

    return has_han(source) and surface(source) == surface(target)
