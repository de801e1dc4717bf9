"""`tm align --words`: the word aligner trained again on the memory (its house style; the
dictionary and the glossary's approved renderings as priors), stored in it, and every unit's
word links recomputed with it, the pairs shared out among worker processes."""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from sys import intern

from tm.align.unitlinks import (
    TRAIN_LIMIT,
    alignable,
    current_aligner,
    encode,
    forget_aligner,
    model_bytes,
    tokens,
)
from tm.align.wordlex import glossary_terms
from tm.align.words import WordAligner, approved_renderings

_CHUNK = 1000  # pairs a worker aligns at a time
_WINDOW = 16  # chunks per worker between two commits
# chunks a worker aligns before a fresh one is forked in its place: what it touches of the
# inherited model, and its caches of words, grow with the words it meets (a million units: each
# worker a private copy); a fresh one starts from the pages it shares again
_LIFE = 32

_ALIGNER: WordAligner | None = None  # the workers' copy (inherited by fork)


@dataclass
class Realigned:
    units: int = 0
    trained_on: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # train, align


def realign(memory, jobs: int | None = None, train_limit: int = TRAIN_LIMIT, progress=None) -> Realigned:
    """Train on up to ``train_limit`` of the memory's pairs (spread evenly over it), store the
    aligner, and align every unit with it, committing as it goes (an interrupted run leaves
    links of the new model and of the old, and is simply run again)."""
    from glossary.store import Termbase

    report = Realigned()
    started = time.perf_counter()
    total = memory.count()
    every = max(1, -(-total // max(train_limit, 1)))
    rows = [
        (source, target)
        for n, (_, source, target, sl, tl) in enumerate(memory.iter_pairs())
        if n % every == 0 and alignable(sl, tl)
    ]
    terms = approved_renderings(Termbase.of(memory))
    jobs = jobs or os.cpu_count() or 1
    global _ALIGNER
    _ALIGNER = WordAligner(terms=glossary_terms(terms))  # the workers' evidence, tables to come
    _ALIGNER.evidence(["词典"], ["dictionary"])  # dictionaries loaded once, before the fork: shared
    chunks = [rows[k : k + _CHUNK] for k in range(0, len(rows), _CHUNK)]
    del rows
    try:
        with _workers(jobs) as pool:  # words and dictionary evidence on every core, EM after
            done = pool.imap(_sample_chunk, chunks) if pool else map(_sample_chunk, chunks)
            # one string a distinct word: a word comes back from a worker as a new string each time
            sample = [
                ([intern(w) for w in z], [intern(w) for w in e], m) for part in done for z, e, m in part
            ]
    finally:
        _ALIGNER = None
    del chunks
    aligner = WordAligner.train([p[:2] for p in sample], terms, evidences=[p[2] for p in sample])
    report.trained_on = len(sample)
    del sample
    with memory.transaction():
        memory.store_word_model(model_bytes(aligner), report.trained_on)
    del aligner
    loaded = current_aligner(memory)  # as incremental alignment will load it
    # Aligning needs the tables' look-up index only, built before the workers fork so that they
    # share it; the dictionaries it is built from are let go (the cached aligner is loaded again
    # when next asked for).
    _ALIGNER = replace(loaded, tables=loaded.tables.lookup_only())
    forget_aligner(memory)
    del loaded
    report.seconds["train"] = time.perf_counter() - started
    started = time.perf_counter()
    pairs = memory.iter_pairs()
    try:
        with _workers(jobs) as pool:
            pending = None  # the window the workers align while this process stores the last one
            while True:
                chunks = [list(islice(pairs, _CHUNK)) for _ in range(_WINDOW * jobs)]
                chunks = [c for c in chunks if c]
                if pool:
                    running = pool.map_async(_align_chunk, chunks, chunksize=1) if chunks else None
                    done, pending = (pending.get() if pending else []), running
                else:
                    done = [_align_chunk(c) for c in chunks]
                if done:
                    with memory.transaction():
                        for blobs in done:
                            report.units += memory.store_links(blobs)
                    if progress:
                        progress(report.units, total)
                if not chunks and not pending:
                    break
    finally:
        _ALIGNER = None
    report.seconds["align"] = time.perf_counter() - started
    return report


@contextmanager
def _workers(jobs: int):
    """A pool of forked workers (they inherit _ALIGNER as it is now), or None for one job."""
    if jobs <= 1:
        yield None
        return
    gc.collect()
    gc.freeze()  # the collector of a worker would touch every object: its own copy of each page
    pool = multiprocessing.get_context("fork").Pool(jobs, maxtasksperchild=_LIFE)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()
        gc.unfreeze()


def _sample_chunk(rows) -> list[tuple[list[str], list[str], object]]:
    """(Chinese words, English words, compacted evidence or None) of training pairs."""
    out = []
    for source, target in rows:
        zh, en = tokens(source, target)[::2]
        out.append((zh, en, _ALIGNER.compact_evidence(zh, en) if zh and en else None))
    return out


def _align_chunk(rows) -> list[tuple[int, bytes]]:
    """Links of a chunk of units, aligned together (the aligner batches the pairs' HMM)."""
    pairs = [tokens(s, t)[::2] if alignable(sl, tl) else ([], []) for _, s, t, sl, tl in rows]
    found = _ALIGNER.align_all(pairs)
    return [(row[0], encode(zh, len(en), links)) for row, (zh, en), links in zip(rows, pairs, found)]
