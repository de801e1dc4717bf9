"""Fragments of a whole batch (`tm translate`): the segments shared out among forked worker
processes, as `tm align --words` shares out its units. Each worker inherits the finder with the
batch's gram postings read once (pages shared, not copied) and reads units over a connection of
its own; a small batch, or one core, is done in this process."""

from __future__ import annotations

import gc
import multiprocessing
import os

from tm.align.fragments import Fragment, FragmentFinder

PER_JOB = 400  # segments below which another process costs more than it saves

_FINDER: FragmentFinder | None = None  # the workers' copy (inherited by fork)


def find_all(finder: FragmentFinder, sources, jobs: int | None = None) -> dict[str, list[Fragment]]:
    """Each distinct source's fragments."""
    sources = list(dict.fromkeys(sources))
    finder.prepare(sources)
    jobs = max(1, min(jobs or len(os.sched_getaffinity(0)), len(sources) // PER_JOB))
    # A batch's rows and matches are a large heap the collector would walk again and again as
    # fragments make their many small objects (and, in a worker, touch: a copy of every page).
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        if jobs == 1:
            return {source: finder.find(source) for source in sources}
        return _shared_out(finder, sources, jobs)
    finally:
        gc.enable()
        gc.unfreeze()


def _shared_out(finder: FragmentFinder, sources: list[str], jobs: int) -> dict[str, list[Fragment]]:
    # consecutive shares: a release repeats its own phrases, which each worker's caches keep
    size = -(-len(sources) // jobs)
    shares = [sources[k : k + size] for k in range(0, len(sources), size)]
    global _FINDER
    _FINDER = finder
    try:
        with multiprocessing.get_context("fork").Pool(len(shares) - 1) as pool:
            pending = pool.map_async(_find_share, shares[1:], chunksize=1)
            found = {source: finder.find(source) for source in shares[0]}
            for share, fragments in zip(shares[1:], pending.get()):
                found.update(zip(share, fragments))
    finally:
        _FINDER = None
    return found


def _find_share(share: list[str]) -> list[list[Fragment]]:
    own = _FINDER.memory.reopened()  # the parent's connection stays the parent's
    _FINDER.memory = own
    try:
        return [_FINDER.find(source) for source in share]
    finally:
        own.close()
