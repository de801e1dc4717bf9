"""`tm align --words`: the word aligner trained again on the memory (its house style; the
dictionary and the glossary's approved renderings as priors), stored in it, and every unit's
word links recomputed with it, the pairs shared out among worker processes."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from itertools import islice

from tm.align.unitlinks import (
    TRAIN_LIMIT,
    alignable,
    current_aligner,
    encode,
    model_bytes,
    tokens,
)
from tm.align.words import WordAligner, approved_renderings

_CHUNK = 1000  # pairs a worker aligns at a time
_WINDOW = 16  # chunks per worker between two commits

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
    sample = [
        tokens(source, target)[::2]
        for n, (_, source, target, sl, tl) in enumerate(memory.iter_pairs())
        if n % every == 0 and alignable(sl, tl)
    ]
    aligner = WordAligner.train(sample, approved_renderings(Termbase.of(memory)))
    report.trained_on = len(sample)
    del sample
    with memory.transaction():
        memory.store_word_model(model_bytes(aligner), report.trained_on)
    aligner = current_aligner(memory)  # as incremental alignment will load it
    report.seconds["train"] = time.perf_counter() - started
    started = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    aligner.tables.matrix([], [])  # its look-up index built before the workers fork, shared
    aligner.tables.matrix([], [], backward=True)
    global _ALIGNER
    _ALIGNER = aligner
    pairs = memory.iter_pairs()
    context = multiprocessing.get_context("fork") if jobs > 1 else None
    pool = context.Pool(jobs) if context else None
    try:
        while True:
            chunks = [list(islice(pairs, _CHUNK)) for _ in range(_WINDOW * jobs)]
            chunks = [c for c in chunks if c]
            if not chunks:
                break
            done = pool.map(_align_chunk, chunks) if pool else [_align_chunk(c) for c in chunks]
            with memory.transaction():
                for blobs in done:
                    report.units += memory.store_links(blobs)
            if progress:
                progress(report.units, total)
    finally:
        if pool:
            pool.close()
            pool.join()
        _ALIGNER = None
    report.seconds["align"] = time.perf_counter() - started
    return report


def _align_chunk(rows) -> list[tuple[int, bytes]]:
    """Links of a chunk of units, aligned together (the aligner batches the pairs' HMM)."""
    pairs = [tokens(s, t)[::2] if alignable(sl, tl) else ([], []) for _, s, t, sl, tl in rows]
    found = _ALIGNER.align_all(pairs)
    return [(row[0], encode(len(zh), len(en), links)) for row, (zh, en), links in zip(rows, pairs, found)]
