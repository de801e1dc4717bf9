"""Fragments of a whole batch (`tm translate`): the segments shared out among forked worker
processes, as `tm align --words` shares out its units. Each worker inherits the finder with the
batch's gram postings read once (pages shared, not copied) and reads units over a connection of
its own; a small batch, or one core, is done in this process, and so is the share of a worker
that died."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tm.align.fragments import Fragment, FragmentFinder

PER_JOB = 400  # distinct segments below which another process costs more than it saves
MAX_JOBS = 4  # processes at most: each is one more connection to a team's server

_FINDER: FragmentFinder | None = None  # the workers' copy (inherited by fork)
_PARENT = None  # the parent's memory, held while workers run: a worker must never close it


def find_all(finder: FragmentFinder, sources, jobs: int | None = None) -> dict[str, list[Fragment]]:
    """Each distinct source's fragments."""
    sources = list(dict.fromkeys(sources))
    finder.prepare(sources)
    jobs = max(1, min(jobs or _cores(), MAX_JOBS, len(sources) // PER_JOB))
    with _collector_paused() if len(sources) >= PER_JOB else contextlib.nullcontext():
        if jobs == 1:
            return {source: finder.find(source) for source in sources}
        return _shared_out(finder, sources, jobs)


@contextlib.contextmanager
def _collector_paused():
    """A batch's rows and matches are a large heap the collector would walk again and again as
    fragments make their many small objects (and, in a worker, touch: a copy of every page)."""
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (taskset, a container)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _shared_out(finder: FragmentFinder, sources: list[str], jobs: int) -> dict[str, list[Fragment]]:
    # consecutive shares: a release repeats its own phrases, which each worker's caches keep
    size = -(-len(sources) // jobs)
    shares = [sources[k : k + size] for k in range(0, len(sources), size)]
    global _FINDER, _PARENT
    _FINDER, _PARENT = finder, finder.memory
    found: dict[str, list[Fragment]] = {}
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
            pending = [(share, pool.submit(_find_share, share)) for share in shares[1:]]
            found.update((source, finder.find(source)) for source in shares[0])
            for share, future in pending:
                try:
                    found.update(zip(share, future.result()))
                except BrokenProcessPool:  # a worker died (killed for memory): its share here
                    found.update((source, finder.find(source)) for source in share)
    finally:
        _FINDER = _PARENT = None
    return found


def _find_share(share: list[str]) -> list[list[Fragment]]:
    own = _PARENT.reopened()  # the parent's connection stays the parent's
    _FINDER.memory = own
    try:
        return [_FINDER.find(source) for source in share]
    finally:
        own.close()
