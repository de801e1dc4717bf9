"""Glossary enforcement by construction: every term's approved rendering in the output, in place
of the model's own rendering of it, whatever the beam size.

For the parts whose output lacks an accepted rendering of a term (or holds a forbidden one),
one term at a time, in output order:
1. locate the model's own rendering of the term in the output: a forbidden rendering of the
   entry, else the words a dictionary gives for the term and for nothing else in the source
   (CC-CEDICT glosses), else the words whose probability drops most when the term is taken out
   of the source (the model's own evidence); what nothing locates may replace any one or two
   words, or go between them, wherever the model scores it best;
2. candidates: the approved rendering spliced in place of that span (also taking in a pronoun
   right after it: "Thank you" for 谢谢), and the output up to the span plus the approved
   rendering forced as a target prefix that the model completes (forbidden renderings
   suppressed; a completion that renders the term again is dropped);
3. the model scores every candidate (mean log-probability of the whole output, as its
   confidence is measured); the best stays, and the output up to the rendering is settled
   before the next term is placed.
Every candidate holds the rendering, so presence does not depend on what the model prefers.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from glossary.match import TermHit
from tm.mt.renderings import by_entry, forbidden_spans, rendered, splice

MIN_DROP = 1.0  # nats: a word whose log-probability falls less when the term is removed is no evidence
SPREAD = 0.5  # a neighbour falling by at least this share of the largest fall belongs to the span
KIN_SHARE = 0.55  # of the longer word, a common beginning that makes two words kin
MAX_PURGES = 8  # forbidden renderings replaced after placing, per term
MAX_PLACES = 40  # word positions tried for a term nothing locates
# The kinds of candidate the model chooses among (bench/term_accuracy.py measures each alone);
# a term nothing locates is always placed by splicing.
CANDIDATES = ("splice", "complete")
# Words after the model's rendering of a term that belong to it ("Thank you" for 谢谢).
_TRAILING = {"you", "him", "her", "them", "us", "it", "me"}
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Lexicon:
    """What a dictionary knows (tm.align.lexicon): the English words it gives for a Chinese term,
    and the content words of an English text (empty for a function word), stemmed alike."""

    glosses: Callable[[str], set[str]]
    words: Callable[[str], set[str]]


@dataclass
class _Job:
    source: str  # the part as the model reads it
    hits: list[TermHit]
    text: str  # the output so far
    confidence: float
    settled: int = 0  # output characters no later term may change
    forced: set[int] = field(default_factory=set)  # hits whose rendering was placed
    changed: bool = False


@dataclass
class _Candidate:
    job: _Job
    hit: int
    text: str
    settled: int
    score: float = float("-inf")


def enforce(engine, parts: list[str], hits: dict, outputs: dict, beam: int, lexicon: Lexicon | None):
    """For each part whose output enforcement changed: part → (text, confidence)."""
    jobs = [_Job(p, hits[p], *outputs[p]) for p in parts]
    for _ in range(max(len(job.hits) for job in jobs)):
        steps = _locate(engine, jobs, lexicon)
        if not steps:
            break
        candidates = _keep_held_renderings(_candidates(engine, steps, beam, lexicon), steps)
        scores = engine.score([c.job.source for c in candidates], [c.text for c in candidates])
        best: dict[int, _Candidate] = {}
        for candidate, score in zip(candidates, scores):
            candidate.score = score
            key = id(candidate.job)
            if key not in best or score > best[key].score:
                best[key] = candidate
        for candidate in best.values():
            job = candidate.job
            job.text, job.settled, job.changed = candidate.text, candidate.settled, True
            job.confidence = math.exp(candidate.score)
            job.forced.add(candidate.hit)
    purged = [job for job in jobs if _purge_forbidden(job)]
    if purged:  # the confidence of the text as it now reads
        scores = engine.score([job.source for job in purged], [job.text for job in purged])
        for job, score in zip(purged, scores):
            job.confidence = math.exp(score)
    return {job.source: (job.text, job.confidence) for job in jobs if job.changed}


def _keep_held_renderings(candidates: list[_Candidate], steps) -> list[_Candidate]:
    """The candidates that keep every rendering the output already held (a completion may drop
    one further on, a splice may cut one); where none does, the rendering is inserted after
    the span instead, which removes nothing."""
    held = {
        id(job): [(h.entry, len(rendered(job.text, h.entry))) for h in _distinct(job.hits)]
        for job, *_ in steps
    }
    kept = [c for c in candidates if all(len(rendered(c.text, e)) >= n for e, n in held[id(c.job)])]
    have = {id(c.job) for c in kept}
    for job, index, span in steps:
        if id(job) not in have:
            end = span[1] if span else _last_word_end(job)
            kept.append(_splice_candidate(job, index, (end, end)))
    return kept


def _distinct(hits: list[TermHit]) -> list[TermHit]:
    return [hits[group[0]] for group in by_entry(hits)]


def _purge_forbidden(job: _Job) -> bool:
    """A forbidden rendering still in the output (the model said it more often than the term
    occurs) is replaced by the approved one: it renders the same concept."""
    changed = False
    for hit in _distinct(job.hits):
        for _ in range(MAX_PURGES):
            found = forbidden_spans(job.text, hit.entry, job.hits)
            if not found:
                break
            job.text = splice(job.text, found[0], hit.entry)[0]
            job.changed = changed = True
    return changed


def _pending(job: _Job) -> list[int]:
    """Hits still to place: those of an entry the output renders fewer times than it occurs,
    or whose forbidden rendering is still in the unsettled output."""
    out = []
    for indexes in by_entry(job.hits):
        entry = job.hits[indexes[0]].entry
        open_ = [i for i in indexes if i not in job.forced]
        if not open_:
            continue
        short = len(indexes) - len(rendered(job.text, entry))
        forbidden = [s for s in forbidden_spans(job.text, entry, job.hits) if s[0] >= job.settled]
        out += open_[: max(short, 1 if forbidden else 0)]
    return out


def _words(text: str, start: int) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD_RE.finditer(text, start)]


def _last_word_end(job: _Job) -> int:
    """Where a rendering goes at the end: before the closing punctuation, never inside what is settled."""
    return max(job.settled, len(job.text.rstrip(".!?。 ")))


def _glossed(words: set[str], glosses: set[str]) -> bool:
    """A word is a gloss, or shares most of its beginning with one (multilateral-ism,
    China-Chinese)."""
    return any(w in glosses or any(_kin(w, g) for g in glosses) for w in words)


def _kin(a: str, b: str) -> bool:
    common = len(os.path.commonprefix([a, b]))
    return common >= 4 and common >= KIN_SHARE * max(len(a), len(b))


def _rest_of_source(job: _Job, hit: TermHit) -> str:
    """The source without any occurrence of the hit's term."""
    text, at = [], 0
    for other in sorted((h for h in job.hits if h.entry is hit.entry), key=lambda h: h.start):
        text.append(job.source[at : other.start])
        at = other.end
    return " ".join([*text, job.source[at:]])


def _lexical_span(job: _Job, hit: TermHit, lexicon: Lexicon | None) -> tuple[int, int] | None:
    """The model's rendering of the term by what is known of the term: a forbidden rendering of
    its entry, else the densest run of words a dictionary gives for the term and for nothing
    else in the source (a gap of one word allowed), outside renderings already there."""
    forbidden = [s for s in forbidden_spans(job.text, hit.entry, job.hits) if s[0] >= job.settled]
    if forbidden:
        return forbidden[0]
    if lexicon is None:
        return None
    # A word the rest of the source also explains (建 of 共建 for "build") is no evidence.
    glosses = lexicon.glosses(hit.text) - lexicon.glosses(_rest_of_source(job, hit))
    taken = [span for h in job.hits for span in rendered(job.text, h.entry)]
    every = _words(job.text, job.settled)
    words = [
        (a, b)
        for a, b in every
        if _glossed(lexicon.words(job.text[a:b]), glosses) and not any(x <= a < y for x, y in taken)
    ]
    if not words:
        return None
    runs, position = [[words[0]]], {span: n for n, span in enumerate(every)}
    for span in words[1:]:
        if position[span] - position[runs[-1][-1]] <= 2:
            runs[-1].append(span)
        else:
            runs.append([span])
    run = max(runs, key=len)  # the first of the longest
    return run[0][0], run[-1][1]


def _locate(engine, jobs: list[_Job], lexicon: Lexicon | None) -> list[tuple[_Job, int, tuple | None]]:
    """For each job with a hit to place: (job, hit, the span its rendering replaces or None),
    the hit whose span comes first in the output."""
    found: dict[int, list[tuple[int, tuple | None]]] = {}
    unlocated = []
    for job in jobs:
        pending = _pending(job)
        if not pending:
            continue
        found[id(job)] = []
        for index in pending:
            span = _lexical_span(job, job.hits[index], lexicon)
            found[id(job)].append((index, span))
            if span is None:
                unlocated.append((job, index))
    if unlocated:
        spans = _dropped_spans(engine, unlocated, lexicon)
        for (job, index), span in zip(unlocated, spans):
            found[id(job)] = [(i, span if i == index else s) for i, s in found[id(job)]]
    steps = []
    for job in jobs:
        if id(job) in found:
            located = [(i, s) for i, s in found[id(job)] if s is not None]
            index, span = (
                min(located, key=lambda item: item[1][0]) if located else (found[id(job)][0][0], None)
            )
            steps.append((job, index, span))
    return steps


def _dropped_spans(
    engine, items: list[tuple[_Job, int]], lexicon: Lexicon | None
) -> list[tuple[int, int] | None]:
    """The model's own evidence: the output words whose log-probability falls most when the term
    (every occurrence of it) is taken out of the source, with the neighbours that fall almost
    as far; a word the rest of the source explains by the dictionary is left out."""
    sources = [job.source for job, _ in items]
    ablated = [_rest_of_source(job, job.hits[i]) for job, i in items]
    outputs = [job.text for job, _ in items]
    full = engine.token_scores(sources, outputs)
    without = engine.token_scores(ablated, outputs)
    out = []
    for (job, _), rest, (spans, with_term), (_, without_term) in zip(items, ablated, full, without):
        words = _words(job.text, job.settled)
        explained = lexicon.glosses(rest) if lexicon else set()
        drops = [0.0] * len(words)
        for (a, b), x, y in zip(spans, with_term, without_term):
            for n, (c, d) in enumerate(words):
                if a < d and c < b:
                    drops[n] += x - y
                    break
        for n, (c, d) in enumerate(words):
            if lexicon and lexicon.words(job.text[c:d]) & explained:
                drops[n] = 0.0
        if not words or max(drops) < MIN_DROP:
            out.append(None)
            continue
        top = max(range(len(words)), key=drops.__getitem__)
        first = last = top
        while first > 0 and drops[first - 1] >= SPREAD * drops[top]:
            first -= 1
        while last + 1 < len(words) and drops[last + 1] >= SPREAD * drops[top]:
            last += 1
        out.append((words[first][0], words[last][1]))
    return out


def _candidates(engine, steps, beam: int, lexicon: Lexicon | None) -> list[_Candidate]:
    """Every way of placing each step's rendering: spliced in, completed by the model, or, for a
    term nothing located, in place of any one or two words or between them. A step always
    has one: the splice."""
    out: list[_Candidate] = []
    completions = defaultdict(list)  # suppression is per decoding call
    for job, index, span in steps:
        if span is None:
            out += _anywhere(job, index, lexicon)
            continue
        a, b = span
        spliced = [_splice_candidate(job, index, span)]
        following = _words(job.text, b)[:1]
        for c, d in following:  # a pronoun right after the span may be part of the model's rendering
            if not job.text[b:c].strip() and job.text[c:d].lower() in _TRAILING:
                spliced.append(_splice_candidate(job, index, (a, d)))
        out += spliced if "splice" in CANDIDATES else []
        if "complete" in CANDIDATES:
            # Only forbidden renderings are suppressed: they are the same for most segments, so
            # completions batch; one that renders the term again is discarded below instead.
            replaced = job.text[a:b].strip()
            suppress = {f for h in job.hits for f in h.entry.forbidden}
            completions[tuple(sorted(suppress))].append((spliced[0], _content(replaced, lexicon)))
    for suppress, group in completions.items():
        prefixes = [c.text[: c.settled] for c, _ in group]
        texts = engine.complete([c.job.source for c, _ in group], prefixes, beam, suppress)
        for (base, replaced), prefix, text in zip(group, prefixes, texts):
            rest = text[len(prefix) :]  # a prefix the model's vocabulary cannot spell comes back changed
            term = replaced | _content(base.job.hits[base.hit].entry.target, lexicon)
            if text.startswith(prefix) and not rest[:1].isalnum() and not term & _content(rest, lexicon):
                out.append(_Candidate(base.job, base.hit, text, len(prefix)))
            elif "splice" not in CANDIDATES:
                out.append(base)
    return out


def _anywhere(job: _Job, index: int, lexicon: Lexicon | None) -> list[_Candidate]:
    """A term nothing located: its rendering between any two words, or in place of any one or
    two words that the rest of the source does not explain by the dictionary."""
    words = _words(job.text, job.settled)[:MAX_PLACES]
    explained = lexicon.glosses(_rest_of_source(job, job.hits[index])) if lexicon else set()
    free = [not (lexicon and lexicon.words(job.text[a:b]) & explained) for a, b in words]
    spans = [(a, a) for a, _ in words] + [(_last_word_end(job),) * 2]
    spans += [(a, b) for (a, b), ok in zip(words, free) if ok]
    spans += [(words[n][0], words[n + 1][1]) for n in range(len(words) - 1) if free[n] and free[n + 1]]
    return [_splice_candidate(job, index, span) for span in spans]


def _content(text: str, lexicon: Lexicon | None) -> set[str]:
    """The content words of a text (lower-cased words where no lexicon is given)."""
    if lexicon is None:
        return {w.lower() for w in _WORD_RE.findall(text)}
    return lexicon.words(text)


def _splice_candidate(job: _Job, index: int, span: tuple[int, int]) -> _Candidate:
    return _Candidate(job, index, *splice(job.text, span, job.hits[index].entry))
