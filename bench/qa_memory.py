"""Benchmark: `tm qa` over a 1,000,000-unit memory (target ≤ 2 minutes).

    python bench/qa_memory.py [--memory bench/out/memory-1000000.db]

The memory is the one bench/tm_lookup.py builds (`--units 1000000`: gettext, HSK and seed pairs
recombined and mutated), copied to a temporary folder so the original is never touched, with the
seed glossary imported into the copy. Times the whole command as a user runs it (`tm qa --db COPY
-o report.xlsx`, a fresh process), and prints the counts per check and the peak memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=Path, default=ROOT / "bench" / "out" / "memory-1000000.db")
    args = parser.parse_args()
    if not args.memory.exists():
        sys.exit(f"{args.memory}: build it first with `python bench/tm_lookup.py --units 1000000`")
    tm = [sys.executable, "-m", "tm"]
    print(f"# qa_memory | {args.memory} | python {platform.python_version()} {platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "memory.db"
        shutil.copy(args.memory, copy)
        subprocess.run([*tm, "glossary", "import", ROOT / "seeds" / "glossary.csv", "--db", copy], check=True)
        report = Path(tmp) / "report.xlsx"
        started = time.perf_counter()
        done = subprocess.run(
            [*tm, "qa", "--db", copy, "-o", report, "--show", "0"], capture_output=True, text=True
        )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout.strip())
        size = report.stat().st_size / 1e6
        print(
            f"tm qa, whole command: {elapsed:.1f} s (target ≤ 120 s), peak RSS {peak:.0f} MiB, "
            f"report {size:.1f} MB"
        )


if __name__ == "__main__":
    main()
