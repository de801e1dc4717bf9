"""Cost of word links: `tm import` with and without them (this tree against another, --base),
`tm align --words` on N units (train + align, peak memory), and incremental alignment per unit.

    python bench/word_links.py --units 20000 --base /work/main
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the tree: bench/glossary.py is no package

from corpus import base_pairs, memory_units  # noqa: E402

from tm.formats.tmx import write_tmx  # noqa: E402
from tm.memory.units import Unit  # noqa: E402


def tmx(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    base = base_pairs()
    alphabet = "".join({c for z, _ in base[:2000] for c in z})
    with open(path, "w", encoding="utf-8") as out:
        write_tmx((Unit(z, e) for z, e in memory_units(rng, base, n, alphabet)), out)


def timed_import(tree: str, file: Path, db: Path) -> float:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": tree}
    subprocess.run(
        [sys.executable, "-m", "tm", "import", str(file), "--db", str(db)],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--base", default="/work/main")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wordlinks-"))
    print(f"# word_links | units={args.units} small={args.small} base={args.base} cores={os.cpu_count()}")
    big, small = folder / "big.tmx", folder / "small.tmx"
    tmx(big, args.units, 1)
    tmx(small, args.small, 2)
    for name, file in (("large import", big), ("small import", small)):
        base = timed_import(args.base, file, folder / f"base-{file.stem}.db")
        ours = timed_import(str(ROOT), file, folder / f"ours-{file.stem}.db")
        print(f"{name}: base {base:.2f} s, with word links {ours:.2f} s, ratio {ours / base:.2f}")
    from tm.align.realign import realign
    from tm.align.unitlinks import link_pending
    from tm.memory import open_memory

    db = folder / "ours-big.db"
    with open_memory(db) as memory:
        report = realign(memory, jobs=os.cpu_count())
        size = len(memory.word_model()[0])
    peak = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    per_unit = sum(report.seconds.values()) / report.units * 1000
    print(
        f"tm align --words: trained on {report.trained_on} in {report.seconds['train']:.1f} s, aligned "
        f"{report.units} in {report.seconds['align']:.1f} s ({per_unit:.2f} ms a unit all told); model "
        f"{size / 1e6:.1f} MB; peak RSS (self + largest child) {peak / 1024:.0f} MB"
    )
    rng = random.Random(3)
    base = base_pairs()
    alphabet = "".join({c for z, _ in base[:2000] for c in z})
    with open_memory(db) as memory:
        memory.import_units(Unit(z, e) for z, e in memory_units(rng, base, 1000, alphabet))
        started = time.perf_counter()
        done = link_pending(memory)
        seconds = time.perf_counter() - started
    per = seconds / max(done.aligned, 1) * 1000
    print(
        f"incremental: {done.aligned} new units in {seconds:.2f} s ({per:.2f} ms a unit, model load included)"
    )


if __name__ == "__main__":
    main()
