"""Benchmark: word alignment of the 50 hand-aligned Xinhua pairs, eflomal alone and tm side by side.

    python bench/wordalign.py [--data ../shared/bench/wordalign] [--folds 5]

tm's aligner is trained on the pairs' text alone (no links: the same training whatever is
scored), with the dictionary; the constants (wordmodel.Settings × words.Decoding, a grid) are
chosen by k-fold cross-validation: for each fold, the constants that give the best AER (counts
summed) on the other folds' gold align the fold, and the held-out folds, counted together, are
the score. Beside it, tm with its default constants on all pairs (in-sample: the defaults were
chosen on these pairs) and eflomal (pip install eflomal: GPLv3, built from source, so tm does
not depend on it) trained on the pairs alone, grow-diag-final-and, which has no constants to
choose. Scores: precision, recall, AER (Och & Ney) and phrase-pair F1 (≤ 5 tokens a side).
"""

from __future__ import annotations

import argparse
import itertools
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align import wordeval, wordmodel, words  # noqa: E402
from tm.align.wordsym import grow_diag_final_and  # noqa: E402

SETTINGS = [
    wordmodel.Settings(boost=b, diagonal=d, null=n, iterations=i, hmm_iterations=h)
    for b, d, n, i, h in itertools.product((5.0, 20.0, 50.0), (2.0, 4.0), (0.05, 0.2), (3, 8), (0, 1, 2))
]
DECODINGS = [
    words.Decoding(high=h, low=low, articles=a)
    for (h, low), a in itertools.product(
        ((0.5, 0.2), (0.5, 0.3), (0.6, 0.2), (0.6, 0.3), (0.7, 0.3)), (True, False)
    )
]


def eflomal_links(pairs) -> list[set] | None:
    try:
        import eflomal
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder:
        forward, backward = Path(folder, "fwd"), Path(folder, "rev")
        eflomal.Aligner().align(
            [" ".join(z) for z, _ in pairs],
            [" ".join(e) for _, e in pairs],
            links_filename_fwd=str(forward),
            links_filename_rev=str(backward),
        )
        read = [
            [{tuple(map(int, x.split("-"))) for x in line.split()} for line in p.read_text().splitlines()]
            for p in (forward, backward)
        ]
    return [grow_diag_final_and(f, b, len(z), len(e)) for f, b, (z, e) in zip(*read, pairs)]


def per_pair_scores(pairs, gold) -> dict[tuple, list[wordeval.Score]]:
    """Each (settings, decoding)'s score of each pair: posteriors once per settings."""
    out = {}
    for settings in SETTINGS:
        aligner = words.WordAligner.train(pairs, settings=settings)
        posteriors = [aligner.posterior(z, e)[0] for z, e in pairs]
        for decoding in DECODINGS:
            scores = []
            for posterior, (sure, possible), (z, e) in zip(posteriors, gold, pairs):
                one = wordeval.Score()
                one.add(words.decode(posterior, e, decoding), sure, possible, len(z), len(e))
                scores.append(one)
            out[settings, decoding] = scores
    return out


def summed(scores) -> wordeval.Score:
    total = wordeval.Score()
    for s in scores:
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(s, name))
    return total


def line(name: str, table: dict) -> str:
    return (
        f"{name:<34} P {table['precision']:.3f}  R {table['recall']:.3f}  AER {table['aer']:.3f}  "
        f"phrase F1 {table['phrase_f1']:.3f}  links {table['links']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "bench" / "wordalign"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    data = Path(args.data)
    pairs = wordeval.read_parallel(data / "dev.zh", data / "dev.en")
    gold = wordeval.read_gold(data / "dev.align", pairs)
    print(
        f"# bench/wordalign.py  {len(pairs)} pairs from {data}  {args.folds}-fold CV  "
        f"{len(SETTINGS)}×{len(DECODINGS)} constant sets  Python {platform.python_version()}  "
        f"{time.strftime('%Y-%m-%d')}"
    )
    started = time.perf_counter()
    table = per_pair_scores(pairs, gold)
    folds = [list(range(k, len(pairs), args.folds)) for k in range(args.folds)]
    held_out = []
    for fold in folds:
        inside = [n for n in range(len(pairs)) if n not in fold]
        best = min(table, key=lambda c: summed(table[c][n] for n in inside).table()["aer"])
        held_out += [table[best][n] for n in fold]
        print(f"  fold {fold[0]}::{args.folds}: {best[0]} {best[1]}")
    elapsed = time.perf_counter() - started
    flomal = eflomal_links(pairs)
    if flomal is None:
        print(
            line(
                "eflomal (pairs alone, gdfa)",
                {"precision": 0, "recall": 0, "aer": 1, "phrase_f1": 0, "links": 0},
            )
            + "  -- not installed: pip install eflomal"
        )
    else:
        print(line("eflomal (pairs alone, gdfa)", wordeval.score(flomal, gold, pairs).table()))
    print(line(f"tm, {args.folds}-fold CV held out", summed(held_out).table()))
    default = table.get((wordmodel.Settings(), words.Decoding()))
    if default is None:
        aligner = words.WordAligner.train(pairs)
        print(line("tm, defaults (in-sample)", wordeval.score(aligner.align_all(pairs), gold, pairs).table()))
    else:
        print(line("tm, defaults (in-sample)", summed(default).table()))
    print(f"# grid and CV in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
