"""Benchmark: `tm align` as a command, start-up included.

    python bench/align_startup.py [--data ../shared/bench/align/mac-dev] [--runs 3] [--jobs 1 2]

Each run is a fresh `tm align --presplit` process, timed from outside (wall clock) with its peak
RSS (the child's own, from wait4): a two-sentence pair (what loading costs: the dictionary, the
readings and the encoder, read from the user cache) and MAC-Dev chapter 001 (295 × 316
sentences, "a 300 × 300 pair"). A first, untimed run builds the cache if it is missing and
compiles the modules, as an installed tm has them.

``--jobs N...``: also two pairs of about 300 × 300 (chapters 001 and 005: 295 × 316 and
231 × 312) as two folders, `tm align ZH_DIR EN_DIR --jobs N`: wall time of the command, and
per pair (the wall time over two).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TM = str(Path(sys.executable).with_name("tm"))


# as installed: compiled modules written and reused (a session may run with this set)
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="*", default=[], help="two pairs as folders, with --jobs N")
    args = parser.parse_args()
    print(
        f"# align_startup | cores={os.cpu_count()} affinity={len(os.sched_getaffinity(0))} "
        f"python={platform.python_version()} runs={args.runs} "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    work = Path(tempfile.mkdtemp(prefix="align-startup-"))
    (work / "zh.txt").write_text("三是推動國際抗疫合作。\n四是拓展全方位合作。\n", encoding="utf-8")
    (work / "en.txt").write_text(
        "Third, promoting international cooperation.\nFourth, expanding cooperation.\n"
    )
    pairs = {
        "2 × 2 sentences (start-up)": (work / "zh.txt", work / "en.txt"),
        "295 × 316 sentences (chapter 001)": (args.data / "zh" / "001.txt", args.data / "en" / "001.txt"),
    }
    for side in ("zh", "en"):
        (work / side).mkdir()
        for chapter in ("001", "005"):
            text = (args.data / side / f"{chapter}.txt").read_text("utf-8")
            (work / side / f"ch{chapter}.txt").write_text(text, encoding="utf-8")
    for label, (zh, en) in pairs.items():
        command = [TM, "align", str(zh), str(en), "--presplit", "-o", str(work / "out.align"), "--force"]
        subprocess.run(command, capture_output=True, env=ENV)  # warm: the cache built, modules compiled
        runs = [timed(command) for _ in range(args.runs)]
        walls = sorted(seconds for seconds, _ in runs)
        print(
            f"{label:<36} wall min {walls[0]:.2f} s, median {statistics.median(walls):.2f} s, "
            f"max {walls[-1]:.2f} s; peak RSS {max(peak for _, peak in runs):.0f} MiB"
        )
    for jobs in args.jobs:
        out = work / f"out-{jobs}"
        command = [TM, "align", str(work / "zh"), str(work / "en"), "--presplit", "-o", str(out), "--force"]
        walls = sorted(timed([*command, "--jobs", str(jobs)])[0] for _ in range(args.runs))
        print(
            f"{'2 pairs ~300 × 300, --jobs ' + str(jobs):<36} wall median {statistics.median(walls):.2f} s "
            f"(min {walls[0]:.2f}, max {walls[-1]:.2f}); per pair {statistics.median(walls) / 2:.2f} s"
        )


if __name__ == "__main__":
    main()
