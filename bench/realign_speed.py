"""`tm align --words` of one memory by this tree and another (--base), in one run: train and
align seconds, CPU seconds (the machine is shared: wall time moves with others' load), peak
RSS of the largest process (/usr/bin/time -v: the parent or a worker), the peak proportional
set size of all of them together (sampled from /proc every 0.5 s: what the run holds), and
whether both trees stored the same links for every unit.

    python bench/realign_speed.py --units 20000 --base /work/main [--rounds 1]
    python bench/realign_speed.py --db bench/out/fragments-speed-1000000/memory.db --base none

--db measures a copy of an existing memory (the 1,000,000 units of bench/fragments_speed.py);
--base none runs this tree alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

from word_links import tmx  # noqa: E402


def tree_pss(root: int) -> float:
    """Proportional set size (MB) of a process and all its descendants: shared pages (the
    workers' forked copy of the model) counted once in all."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def run(tree: str, db: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    process = subprocess.Popen(
        ["/usr/bin/time", "-v", sys.executable, "-m", "tm", "align", "--words", "--json", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_pss(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(stderr)
    out = subprocess.CompletedProcess(process.args, 0, stdout, stderr)
    report = json.loads(out.stdout)
    report["pss_mb"] = peak[0]
    field = lambda name: float(re.search(rf"{name}: ([\d.]+)", out.stderr).group(1))  # noqa: E731
    report["rss_mb"] = field(r"Maximum resident set size \(kbytes\)") / 1024
    report["cpu_s"] = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    return report


def links(db: Path) -> dict[int, tuple]:
    """Each unit's links, decoded: the bytes differ where one tree keeps the words' cut with them."""
    from tm.align.unitlinks import decode

    with sqlite3.connect(db) as conn:
        return {uid: decode(blob) for uid, blob in conn.execute("SELECT unit_id, links FROM unit_links")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--base", default="/work/main")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--db", type=Path, help="An existing memory to measure (a copy of it) instead.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="realign-", dir=args.db.parent if args.db else None))
    units = "memory " + str(args.db) if args.db else f"units={args.units}"
    print(f"# realign_speed | {units} base={args.base} cores={os.cpu_count()}")
    memory = folder / "memory.db"
    if args.db:
        shutil.copy(args.db, memory)
    else:
        tmx(folder / "units.tmx", args.units, 1)
        subprocess.run(
            [sys.executable, "-m", "tm", "import", str(folder / "units.tmx"), "--db", str(memory)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
        )
    trees = [("ours", str(ROOT))] if args.base == "none" else [("base", args.base), ("ours", str(ROOT))]
    results: dict[str, list[dict]] = {name: [] for name, _ in trees}
    for _ in range(args.rounds):
        for name, tree in trees:
            db = folder / f"{name}.db"
            shutil.copy(memory, db)
            results[name].append(run(tree, db))
            r = results[name][-1]
            print(
                f"{name}: trained on {r['trained_on']} in {r['seconds']['train']:.1f} s, aligned "
                f"{r['units']} in {r['seconds']['align']:.1f} s; CPU {r['cpu_s']:.1f} s; peak RSS "
                f"{r['rss_mb']:.0f} MB (largest process), all processes {r['pss_mb']:.0f} MB (PSS, sampled)",
                flush=True,
            )
    if args.base == "none":
        shutil.rmtree(folder)
        return
    best = {k: min(v, key=lambda r: sum(r["seconds"].values())) for k, v in results.items()}
    for what in ("train", "align"):
        b, o = best["base"]["seconds"][what], best["ours"]["seconds"][what]
        print(f"{what}: base {b:.1f} s, ours {o:.1f} s, ratio {o / b:.2f}")
    b, o = best["base"]["cpu_s"], best["ours"]["cpu_s"]
    print(f"CPU seconds: base {b:.1f}, ours {o:.1f}, ratio {o / b:.2f}")
    same = links(folder / "base.db") == links(folder / "ours.db")
    print(f"links identical on all {len(links(folder / 'ours.db'))} units: {same}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
