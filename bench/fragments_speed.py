"""What fragments add to `tm translate --no-mt` (issue 23, point 3: ≤ 30 % at 10,000 segments).

    python bench/fragments_speed.py [--units 100000] [--docs 200] [--per-doc 50] [--reuse] [--runs 2]

The memory and batch of bench/translate_batch.py (UNITS units recombined from real Chinese
material, the seed glossary plus 2,000 CC-CEDICT headwords; DOCS releases of PER_DOC sentences),
word-aligned once with `tm align --words` (its wall time, and the peak memory of all its processes
together, as bench/realign_speed.py measures them); then `tm translate --no-mt -o batch.xlsx` with
--no-fragments and without, alternating, RUNS times each, each in a child process (wall time and
the time of each step from its --json summary), and with fragments pinned to one core (`taskset`:
the fragments step then runs in one process). The ratio is fragments / no fragments, same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from realign_speed import run as timed_align  # noqa: E402
from translate_batch import OUT, add_glossary, prepare_memory, run_child, write_documents  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--per-doc", type=int, default=50)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="Reuse the aligned memory of an earlier run.")
    args = parser.parse_args()
    print(
        f"# fragments_speed | {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"units={args.units} docs={args.docs} per_doc={args.per_doc}"
    )
    work = OUT / f"fragments-speed-{args.units}"
    memory = work / "memory.db"
    tm = [sys.executable, "-m", "tm"]
    db, stored, held_out = prepare_memory(args.units, args.seed, args.reuse)
    if not (args.reuse and memory.exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy(db, memory)
        add_glossary(memory)
        started = time.perf_counter()
        r = timed_align(str(HERE.parent), memory)
        print(
            f"tm align --words: {time.perf_counter() - started:.0f} s wall "
            f"(train {r['seconds']['train']:.0f} s, "
            f"align {r['seconds']['align']:.0f} s; {r['units']:,} units, trained on {r['trained_on']:,}); "
            f"CPU {r['cpu_s']:.0f} s; peak {r['pss_mb']:.0f} MB all processes (PSS), "
            f"{r['rss_mb']:.0f} MB largest (RSS)",
            flush=True,
        )
    docs = work / "releases"
    write_documents(docs, args.docs, args.per_doc, stored, held_out, args.seed)
    files = sorted(str(p) for p in docs.iterdir())
    times: dict[str, list[float]] = {"without": [], "with": [], "one core": []}
    variants = [("without", ["--no-fragments"], []), ("with", [], [])]
    if shutil.which("taskset"):  # fragments in one process
        variants.append(("one core", [], ["taskset", "-c", "0"]))
    for n in range(args.runs):
        for label, extra, pin in variants:
            elapsed, peak, out = run_child(
                [
                    *pin,
                    *tm,
                    "translate",
                    *files,
                    "--no-mt",
                    "--db",
                    str(memory),
                    "--json",
                    "--force",
                    "-o",
                    str(work / f"batch-{label}.xlsx"),
                    *extra,
                ]
            )
            data = json.loads(out)
            times[label].append(elapsed)
            steps = ", ".join(f"{k} {v:.2f}" for k, v in data["timings"].items())
            segments = sum(b["segments"] for b in data["total"].values())
            cover = data["fragment coverage"]
            print(
                f"run {n + 1} {label:<7} fragments: {elapsed:.1f} s, peak {peak:.0f} MiB, "
                f"{segments:,} segments; steps {steps}; "
                f"no-match characters covered {cover['covered']}/{cover['characters']}"
            )
    best = {k: min(v) for k, v in times.items() if v}
    print(
        f"best of {args.runs}: without {best['without']:.1f} s, with {best['with']:.1f} s, "
        f"ratio {best['with'] / best['without']:.2f} (target ≤ 1.30)"
        + (
            f"; with, all on one core (taskset) {best['one core']:.1f} s, "
            f"ratio {best['one core'] / best['without']:.2f}"
            if "one core" in best
            else ""
        )
    )


if __name__ == "__main__":
    main()
