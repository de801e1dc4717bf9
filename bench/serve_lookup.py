"""Benchmark: `tm serve` answering concurrent clients on a large memory.

    python bench/serve_lookup.py --units 1000000 [--reuse] [--clients 1 4 8]

Builds the memory of bench/tm_lookup.py (same material, seed and file under bench/out; --reuse
takes one already built), imports the seed glossary into it, starts `tm serve` as a child
process on a free loopback port and, at each concurrency level, has that many client threads,
each on its own keep-alive connection, send the same look-ups: sentences (mutated memory
sentences and held-out ones), Chinese words cut from stored sentences, glossary terms
(traditional, simplified, with a pinyin annotation) and English phrases. Three in four ask
/api/lookup, one in four the HTML page.
Reports the server's own time per request (its Server-Timing header: from the request's arrival
to the response's start, look-up and rendering included) and the client's round trip.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tm_lookup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def glossary_queries(rng: random.Random) -> tuple[list[str], list[str]]:
    """(terms, renderings) of the seed glossary: each term as stored, simplified, or with one
    character annotated with its reading (三股勢(shì)力)."""
    from pypinyin import pinyin

    from tm.text.normalize import to_simplified

    with open(ROOT / "seeds" / "glossary.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    terms, renderings = [], []
    for row in rows:
        source = row["source"]
        i = rng.randrange(len(source))
        reading = pinyin(source[i])[0][0]
        terms += [source, to_simplified(source), f"{source[: i + 1]}({reading}){source[i + 1 :]}"]
        renderings += [row["target"], *[f for f in row["forbidden"].split(";") if f.strip()]]
    return terms, renderings


def make_queries(db: Path, held_out, alphabet: str, count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query): 40 % sentences, 20 % words, 25 % terms, 15 % English."""
    rng = random.Random(seed + 3)
    sentences = tm_lookup.make_queries(db, held_out, alphabet, count, seed)
    terms, renderings = glossary_queries(rng)
    conn = sqlite3.connect(db)
    top = conn.execute("SELECT max(id) FROM units").fetchone()[0]

    def stored(column: str) -> str:
        while True:
            row = conn.execute(f"SELECT {column} FROM units WHERE id = ?", (rng.randint(1, top),)).fetchone()
            if row and row[0].strip():
                return row[0]

    out = []
    for n in range(count):
        pick = rng.random()
        if pick < 0.4:
            out.append(("sentence", sentences[n]))
        elif pick < 0.6:
            source = stored("source")
            size = rng.randint(2, 4)
            start = rng.randrange(max(1, len(source) - size))
            out.append(("word", source[start : start + size]))
        elif pick < 0.85:
            out.append(("term", rng.choice(terms)))
        else:
            words = [w.strip("[](),.") for w in stored("target").split() if w.strip("[](),.").isalpha()]
            if words and rng.random() < 0.7:
                start = rng.randrange(len(words))
                out.append(("english", " ".join(words[start : start + rng.randint(1, 3)])))
            else:
                out.append(("english", rng.choice(renderings)))
    conn.close()
    return out


def start_server(db: Path, threads: int) -> tuple[subprocess.Popen, str, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tm", "serve", "--db", str(db), "--port", "0", "--threads", str(threads)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    line = proc.stdout.readline()
    if not line.startswith("tm serve: http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"tm serve did not start: {line}")
    netloc = urllib.parse.urlsplit(line.split()[2]).netloc
    host, port = netloc.split(":")
    return proc, host, int(port)


def client(host: str, port: int, jobs: list[tuple[str, str]], out: list, failures: list) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    for n, (kind, query) in enumerate(jobs):
        path = ("/?q=" if n % 4 == 3 else "/api/lookup?q=") + urllib.parse.quote(query)
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        round_trip = (time.perf_counter() - started) * 1000
        if response.status != 200:
            failures.append((response.status, query))
            continue
        server = float(response.getheader("Server-Timing", "app;dur=nan").split("dur=")[1])
        out.append((kind, server, round_trip))
    conn.close()


def run_clients(host: str, port: int, queries: list, clients: int) -> tuple[list, list, float]:
    results: list = []
    failures: list = []
    shares = [queries[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(host, port, s, results, failures)) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failures, time.perf_counter() - started


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8], help="concurrency levels")
    parser.add_argument("--threads", type=int, default=4, help="the server's --threads")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--reuse", action="store_true", help="reuse the memory a previous run built")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    tmx, db = args.workdir / f"memory-{args.units}.tmx", args.workdir / f"memory-{args.units}.db"

    print(
        f"# serve_lookup | units={args.units} queries={args.queries} clients={args.clients} "
        f"server_threads={args.threads} seed={args.seed} cores={os.cpu_count()} "
        f"python={platform.python_version()} sqlite={sqlite3.sqlite_version} machine={platform.machine()}"
    )
    held_out, in_memory, alphabet, rng = tm_lookup.split_base(args.seed)
    if not (args.reuse and db.exists()):
        tm_lookup.build_tmx(tmx, args.units, in_memory, alphabet, rng)
        import_s, _ = tm_lookup.import_tmx(tmx, str(db))
        print(f"built and imported the memory in {import_s:.0f} s")
    glossary = ROOT / "seeds" / "glossary.csv"
    subprocess.run(
        [sys.executable, "-m", "tm", "glossary", "import", str(glossary), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    queries = make_queries(db, held_out, alphabet, args.queries, args.seed)
    warmup = make_queries(db, held_out, alphabet, args.warmup, args.seed + 7)
    proc, host, port = start_server(db, args.threads)
    try:
        run_clients(host, port, warmup, max(args.clients))
        for clients in args.clients:
            report(clients, *run_clients(host, port, queries, clients))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def report(clients: int, results: list, failures: list, elapsed: float) -> None:
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    rate = len(results) / elapsed
    print(f"\n{clients} client(s): {len(results)} requests in {elapsed:.1f} s, {rate:.0f}/s")
    print(f"{'kind':<10}{'n':>6}   server p50 / p95 / max (ms)   round trip p50 / p95 (ms)")
    for kind in ("sentence", "word", "term", "english", "all"):
        rows = [r for r in results if kind in ("all", r[0])]
        s50, s95, smax = percentiles([r[1] for r in rows])
        c50, c95, _ = percentiles([r[2] for r in rows])
        print(
            f"{kind:<10}{len(rows):>6}   {s50:8.1f} / {s95:6.1f} / {smax:7.1f}        {c50:8.1f} / {c95:6.1f}"
        )


if __name__ == "__main__":
    main()
