"""Benchmark: the English side of the concordance (`tm concordance TEXT --side target`).

    python bench/concordance.py --units 200000 [--baseline /path/to/another/tm/checkout]

Builds (once, then reused) a memory of bench/corpus.py's material as bench/tm_lookup.py does,
with the baseline's tm when one is given (so this tm's schema upgrade of it is timed too), and
times Memory.concordance(q, 10, side="target") for four kinds of query taken from its targets:
a stored word, two stored words in a row, another form of a stored word (`files` asked as
`file`) and a prefix (`confi*`). Each tm works on its own copy of the memory in a child
process; with --baseline both run in the same run, alternating, and the ratio of medians is
printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("word", "phrase", "other form", "prefix")


def build(memory: Path, units: int, seed: int, tm_root: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    import tm_lookup

    _, in_memory, alphabet, rng = tm_lookup.split_base(seed)
    tmx = memory.with_suffix(".tmx")
    tm_lookup.build_tmx(tmx, units, in_memory, alphabet, rng)
    env = {**os.environ, "PYTHONPATH": str(tm_root)}
    command = [sys.executable, "-m", "tm", "import", str(tmx), "--db", str(memory)]
    subprocess.run(command, check=True, env=env, cwd=tm_root)


def make_queries(memory: Path, per_kind: int, seed: int) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{memory}?mode=ro", uri=True)
    targets = [r[0] for r in conn.execute("SELECT target FROM units ORDER BY id")]
    rng = random.Random(seed)
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    while min(len(v) for v in out.values()) < per_kind:
        words = re.findall(r"[A-Za-z]{4,}", rng.choice(targets))
        if len(words) < 2:
            continue
        i = rng.randrange(len(words) - 1)
        out["word"].append(words[i])
        out["phrase"].append(f"{words[i]} {words[i + 1]}")
        plural = [w for w in words if len(w) >= 5 and w.endswith("s") and not w.endswith("ss")]
        if plural:
            out["other form"].append(rng.choice(plural)[:-1])
        long = [w for w in words if len(w) >= 7]
        if long:
            out["prefix"].append(rng.choice(long)[:5] + "*")
    return {k: v[:per_kind] for k, v in out.items()}


def worker(memory: Path, queries: dict[str, list[str]]) -> dict:
    """Runs in a child process with the tm under test first on sys.path."""
    from tm.memory import open_memory

    started = time.perf_counter()
    m = open_memory(memory, user="bench")  # the first open upgrades an older schema
    opened = time.perf_counter() - started
    for q in queries["word"][:20]:  # warm the page cache
        m.concordance(q, 10, side="target")
    times, hits = {}, {}
    for kind, qs in queries.items():
        times[kind], hits[kind] = [], []
        for q in qs:
            t = time.perf_counter()
            found = m.concordance(q, 10, side="target")
            times[kind].append((time.perf_counter() - t) * 1000)
            hits[kind].append(len(found))
    return {"open_s": opened, "times": times, "hits": hits}


def run_worker(tm_root: Path, memory: Path, copy: Path, query_file: Path) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(memory, copy)
    env = {**os.environ, "PYTHONPATH": str(tm_root)}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(copy), "--query-file", str(query_file)],
        check=True,
        env=env,
        cwd=tm_root,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--baseline", type=Path, help="another tm checkout to compare with")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, json.loads(args.query_file.read_text()))))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    memory = args.workdir / f"concordance-{args.units}.db"
    if not memory.exists():
        build(memory, args.units, args.seed, (args.baseline or ROOT).resolve())
    queries = make_queries(memory, args.queries, args.seed)
    query_file = args.workdir / "concordance-queries.json"
    query_file.write_text(json.dumps(queries))
    trees = {"this": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            copy = args.workdir / f"concordance-{name}.db"
            results[name].append(run_worker(tree, memory, copy, query_file))
    report(results, args)


def report(results: dict[str, list[dict]], args) -> None:
    print(f"# {args.units} units, {args.queries} queries per kind, {args.rounds} rounds, limit 10")
    print(f"# {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores")
    for name, runs in results.items():
        print(f"{name}: first open {runs[0]['open_s']:.2f} s (includes any schema upgrade)")
    names = list(results)
    print("| kind | " + " | ".join(f"{n} p50 / p95 ms | {n} hits" for n in names) + " | ratio p50 |")
    medians = {}
    for kind in (*KINDS, "all"):
        cells = []
        for name in names:
            times = [t for r in results[name] for k, v in r["times"].items() if kind in (k, "all") for t in v]
            hits = [h for k, v in results[name][0]["hits"].items() if kind in (k, "all") for h in v]
            medians[name] = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            cells.append(f"{medians[name]:.2f} / {p95:.2f} | {statistics.mean(hits):.1f}")
        ratio = f"{medians['this'] / medians['baseline']:.2f}" if "baseline" in medians else "–"
        print(f"| {kind} | " + " | ".join(cells) + f" | {ratio} |")


if __name__ == "__main__":
    main()
