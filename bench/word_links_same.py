"""Whether this tree's word aligner gives the links another tree's (--base) gives: trained on and
aligning N memory units of the bench corpus (align pair by pair and align_all), and the 50 gold
pairs of shared/bench/wordalign; the learned tables compared too. Exits 1 when links differ.

    python bench/word_links_same.py --units 2000 --base /work/main
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DUMP = r"""
import json, random, sys
from pathlib import Path
sys.path.append(sys.argv[3] + "/bench")
from corpus import base_pairs, memory_units
from tm.align import wordeval, words
from tm.align.unitlinks import tokens
rng = random.Random(7)
base = base_pairs()
alphabet = "".join(sorted({c for z, _ in base[:2000] for c in z}))
pairs = [tokens(s, t)[::2] for s, t in memory_units(rng, base, int(sys.argv[1]), alphabet)]
aligner = words.WordAligner.train(pairs, [("外交部", "Ministry of Foreign Affairs"), ("文件", "file")])
gold = Path(sys.argv[4])
gold_pairs = wordeval.read_parallel(gold / "dev.zh", gold / "dev.en")
gold_aligner = words.WordAligner.train(gold_pairs)
out = {
    "memory": [sorted(aligner.align(z, e)) for z, e in pairs],
    "wordalign": [sorted(gold_aligner.align(z, e)) for z, e in gold_pairs],
    "tables": aligner.state()["tables"],
}
if hasattr(aligner, "align_all"):
    out["memory_all"] = [sorted(links) for links in aligner.align_all(pairs)]
json.dump(out, open(sys.argv[2], "w"))
"""


def dump(tree: str, units: int, out: Path, gold: str) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    subprocess.run([sys.executable, "-c", DUMP, str(units), str(out), tree, gold], env=env, check=True)
    return json.loads(out.read_text())


def largest_difference(a: dict, b: dict) -> float | None:
    """Largest difference of two tables' probabilities, None where their entries differ."""
    if a.keys() != b.keys() or any(a[k].keys() != b[k].keys() for k in a):
        return None
    return max((abs(p - b[k][c]) for k in a for c, p in a[k].items()), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--base", default="/work/main")
    parser.add_argument("--gold", default=str(ROOT.parent / "shared" / "bench" / "wordalign"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = dump(args.base, args.units, Path(folder, "base.json"), args.gold)
        ours = dump(str(ROOT), args.units, Path(folder, "ours.json"), args.gold)
    differ = sum(x != y for x, y in zip(base["memory"], ours["memory"]))
    print(f"memory units: links differ on {differ} of {args.units} (align pair by pair)")
    if "memory_all" in ours:
        all_differ = sum(x != y for x, y in zip(base["memory"], ours["memory_all"]))
        print(f"memory units: links differ on {all_differ} of {args.units} (align_all)")
        differ += all_differ
    gold_differ = sum(x != y for x, y in zip(base["wordalign"], ours["wordalign"]))
    print(f"gold pairs: links differ on {gold_differ} of {len(base['wordalign'])}")
    for side in ("forward", "backward"):
        found = largest_difference(base["tables"][side], ours["tables"][side])
        print(f"{side} table: " + ("entries differ" if found is None else f"largest difference {found:.1e}"))
    sys.exit(1 if differ or gold_differ else 0)


if __name__ == "__main__":
    main()
