"""Spotting precision of word links: for every unit holding a glossary term whose target holds
the term's approved rendering, is the span the links align to the term that rendering?

    python bench/spotting.py [--macdev ../shared/bench/align/mac-dev]

Two memories, each word-aligned with `tm align --words` (tm.align.realign): the seed memory with
the seed glossary, and MAC-Dev's gold sentence pairs (six chapters of fiction) with the seed
memory and bench/data/official_pairs.tsv (hand-made official-text pairs using glossary terms).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.formats.tabular import read_table as read_glossary  # noqa: E402
from glossary.store import Termbase  # noqa: E402
from tm.align.realign import realign  # noqa: E402
from tm.align.unitlinks import links_of  # noqa: E402
from tm.formats.tmx import read_tmx  # noqa: E402
from tm.memory import open_memory  # noqa: E402
from tm.memory.units import Unit  # noqa: E402
from tm.text.normalize import find_in_original, matching_key  # noqa: E402

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def macdev_pairs(data: Path) -> list[tuple[str, str]]:
    out = []
    for gold in sorted((data / "gold").glob("*.align")):
        zh = (data / "zh" / f"{gold.stem}.txt").read_text("utf-8").splitlines()
        en = (data / "en" / f"{gold.stem}.txt").read_text("utf-8").splitlines()
        for line in gold.read_text("utf-8").splitlines():
            left, right = line.split(":")
            zi, ei = [[int(x) for x in part.strip("[]").split(",") if x] for part in (left, right)]
            if zi and ei:
                out.append(("".join(zh[i] for i in zi), " ".join(en[j] for j in ei)))
    return out


def official_pairs() -> list[tuple[str, str]]:
    with open(ROOT / "bench" / "data" / "official_pairs.tsv", encoding="utf-8") as handle:
        return [(r["source"], r["target"]) for r in csv.DictReader(handle, delimiter="\t")]


def build(path: Path, extra: list[tuple[str, str]]) -> None:
    with open_memory(path) as memory:
        memory.import_units(read_tmx(ROOT / "seeds" / "sample-memory.tmx"))
        memory.import_units(Unit(z, e, document="bench") for z, e in extra)
        termbase = Termbase.of(memory)
        rows = read_glossary(ROOT / "seeds" / "glossary.csv", "csv")
        termbase.import_entries(rows, "general", 0, "fail")


def precision(path: Path) -> tuple[int, int, list[str]]:
    with open_memory(path) as memory:
        entries = Termbase.of(memory).entries(statuses=("approved",))
        units = list(memory.iter_units())
        links = links_of(memory, units)
    right, cases, wrong = 0, 0, []
    for unit in units:
        for entry in entries:
            rendering = re.search(r"\b" + re.escape(entry.target) + r"\b", unit.target, re.IGNORECASE)
            if not rendering:
                continue
            for form in entry.source_forms:
                spans = find_in_original(unit.source, matching_key(form))
                if spans:
                    break
            else:
                continue
            cases += 1
            span = links[unit.id].counterpart(spans[0]) if unit.id in links else None
            got = _EDGE.sub("", unit.target[span[0] : span[1]]) if span else ""
            if got.casefold() == entry.target.casefold():
                right += 1
            else:
                wrong.append(f"{entry.source} → {entry.target!r}: spotted {got!r} in {unit.target[:80]!r}")
    return right, cases, wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--macdev", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    args = parser.parse_args()
    print(f"# spotting | cores={os.cpu_count()} python={platform.python_version()} macdev={args.macdev}")
    folder = Path(tempfile.mkdtemp(prefix="spotting-"))
    for name, extra in (
        ("seed", []),
        ("mac-dev + seed + official", macdev_pairs(args.macdev) + official_pairs()),
    ):
        path = folder / f"{name.split()[0]}.db"
        build(path, extra)
        started = time.perf_counter()
        with open_memory(path) as memory:
            report = realign(memory)
        seconds = time.perf_counter() - started
        right, cases, wrong = precision(path)
        print(
            f"{name}: {report.units} units aligned in {seconds:.1f} s; spotting precision "
            f"{right}/{cases} = {right / max(cases, 1):.3f}"
        )
        for line in wrong:
            print(f"  wrong: {line}")


if __name__ == "__main__":
    main()
