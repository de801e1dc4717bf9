"""Fragment precision and coverage on held-out units (issue 23, point 3).

    python bench/fragments.py [--macdev ../shared/bench/align/mac-dev] [--every 10] [--gettext 20000]

Two memories, each word-aligned with `tm align --words` (tm.align.realign): (1) that of
bench/spotting.py (the seed memory and glossary, MAC-Dev's 1,330 gold sentence pairs of fiction,
bench/data/official_pairs.tsv) without every EVERY-th MAC-Dev pair; (2) GETTEXT distinct UI
strings of the zh_CN gettext catalogs (bench/corpus.py: human-translated, a house style of
sorts) with the seed, without every EVERY-th of them. For each held-out pair, its source's
fragments against that memory (tm.align.fragments, as `tm translate` finds them); a fragment is
right when its English occurs in the held-out pair's own target (case, spacing, quotes, hyphens
aside). Precision = right / proposed; coverage = Chinese characters inside a fragment /
characters of the held-out sources. Also with lower thresholds, none (any consistent rendering
proposed), and the consistency check off too (the English linked to the span from its first to
its last word): what each buys.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402
from spotting import build, macdev_pairs, official_pairs  # noqa: E402

from glossary.store import Termbase  # noqa: E402
from tm.align import fragments as F  # noqa: E402
from tm.align.realign import realign  # noqa: E402
from tm.memory import open_memory  # noqa: E402


def _norm(text: str) -> str:
    """Case, spacing, quotes, hyphens and slashes aside (sparse-index ~ sparse index)."""
    return " ".join(re.sub(r"[\"“”‘’'/‐-]", " ", text).split()).casefold()


def measure(
    path: Path, held: list[tuple[str, str]], count: int, agreement: float, loose: bool = False
) -> dict:
    F.CONSISTENT = not loose
    right = proposed = chars = covered = 0
    wrong = []
    started = time.perf_counter()
    with open_memory(path) as memory:
        finder = F.FragmentFinder(memory, Termbase.of(memory).recognizer(), count, agreement)
        for source, target in held:
            found = finder.find(source)
            chars += F.counted(source)
            covered += F.covered(source, found)
            for f in found:
                proposed += 1
                if _norm(f.rendering) in _norm(target):
                    right += 1
                elif len(wrong) < 12:
                    wrong.append(f"{f.text} → {f.rendering!r} ({f.count}/{f.seen}) in {target[:90]!r}")
    seconds = time.perf_counter() - started
    return dict(right=right, proposed=proposed, chars=chars, covered=covered, wrong=wrong, seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--macdev", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--every", type=int, default=10, help="hold out every EVERY-th MAC-Dev pair")
    parser.add_argument("--gettext", type=int, default=20000, help="UI strings in the second memory")
    args = parser.parse_args()
    print(
        f"# fragments | cores={os.cpu_count()} python={platform.python_version()} macdev={args.macdev} "
        f"every={args.every} gettext={args.gettext} min_words={F.MIN_WORDS} "
        f"min_chars={F.MIN_CHARS} units_per_span={F.UNITS_PER_SPAN}"
    )
    folder = Path(tempfile.mkdtemp(prefix="fragments-"))
    macdev = macdev_pairs(args.macdev)
    ui = [p for p in dict(corpus.gettext_pairs()).items() if len(p[0]) >= 6][: args.gettext]
    for name, pairs, extra in (("MAC-Dev + seed + official", macdev, official_pairs()), ("gettext", ui, [])):
        held = pairs[:: args.every]
        kept = [p for n, p in enumerate(pairs) if n % args.every]
        path = folder / f"{name.split()[0]}.db"
        build(path, kept + extra)
        started = time.perf_counter()
        with open_memory(path) as memory:
            report = realign(memory)
        print(
            f"{name}: {len(held)} held out, {report.units} units word-aligned in "
            f"{time.perf_counter() - started:.1f} s"
        )
        _report(path, held)


def _report(path: Path, held: list[tuple[str, str]]) -> None:
    for label, count, agreement, loose in (
        (
            f"tm: ≥ {F.MIN_COUNT} units, ≥ {F.MIN_AGREEMENT} of them agree",
            F.MIN_COUNT,
            F.MIN_AGREEMENT,
            False,
        ),
        ("≥ 2 units, ≥ 0.75 agree", 2, 0.75, False),
        ("≥ 1 unit, ≥ 0.5 agree", 1, 0.5, False),
        ("threshold off", 1, 0.0, False),
        ("threshold and consistency check off", 1, 0.0, True),
    ):
        r = measure(path, held, count, agreement, loose)
        precision = r["right"] / r["proposed"] if r["proposed"] else 0.0
        print(
            f"  {label}: precision {r['right']}/{r['proposed']} = {precision:.3f}; coverage "
            f"{r['covered']}/{r['chars']} = {r['covered'] / max(r['chars'], 1):.3f}; {r['seconds']:.1f} s"
        )
        for line in r["wrong"][:6] if label.startswith("tm") else []:
            print(f"    wrong: {line}")


if __name__ == "__main__":
    main()
