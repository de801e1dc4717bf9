"""Benchmark: the aligner's constants chosen by leave-one-chapter-out cross-validation on MAC-Dev.

    python bench/align_cv.py [--data ../shared/bench/align/mac-dev] [--samples 300] [--seed N]

The features of every link the second pass may take (tm.align.aligner.features_of: embeddings,
hubness, gloss view, lengths, shared tokens, coverage, quotation balances) do not depend on the
weights, so each chapter's are computed once; a set of weights then costs one dynamic
programme per chapter (about 10 ms). Candidates: the defaults, ``--samples`` sets drawn around
them (each weight times a log-uniform factor in [1/2, 2]) and, per fold, a coordinate search
from the best of those (each weight × 0.8 and × 1.25, two rounds). For each chapter, the
weights that score best (strict F1, counts summed) on the other five are chosen and the chapter
is scored with them: the six held-out predictions, counted together, are the cross-validated
score — the method's score, since no chapter's own gold chose what it was aligned with. The
defaults' score on all six (in-sample: they were chosen on MAC-Dev) is printed beside it.

The band and hub_k shape the features themselves and are not searched; paragraph_cost has no
effect on presplit text.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align.aligner import Params, decode, features_of  # noqa: E402
from tm.align.embedding import one_thread  # noqa: E402
from tm.align.score import AlignScore, parse_align  # noqa: E402

CHAPTERS = ("001", "002", "003", "004", "005", "006")
SEARCHED = (
    "threshold",
    "skip",
    "length_weight",
    "shape_cost",
    "number_bonus",
    "hub_weight",
    "lexical_weight",
    "gloss_weight",
    "gloss_hub_weight",
    "size_exponent",
    "quote_cost",
)


def chapter_features(data: Path):
    out = {}
    for name in CHAPTERS:
        zh = (data / "zh" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        en = (data / "en" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        gold = parse_align((data / "gold" / f"{name}.align").read_text(encoding="utf-8"))
        out[name] = (features_of(zh, en), gold)
    return out


class Scorer:
    """Strict-F1 counts of a set of weights on each chapter, remembered."""

    def __init__(self, chapters):
        self.chapters, self.seen = chapters, {}

    def counts(self, params: Params) -> dict[str, AlignScore]:
        if params not in self.seen:
            scores = {}
            for name, (features, gold) in self.chapters.items():
                score = AlignScore()
                score.add(gold, [(k.zh, k.en) for k in decode(features, params)])
                scores[name] = score
            self.seen[params] = scores
        return self.seen[params]

    def f1(self, params: Params, names) -> float:
        total = AlignScore()
        for name in names:
            for part, value in dataclasses.asdict(self.counts(params)[name]).items():
                setattr(total, part, getattr(total, part) + value)
        return total.table()["strict_f1"]


def scaled(params: Params, name: str, factor: float) -> Params:
    return dataclasses.replace(params, **{name: getattr(params, name) * factor})


SEED = 20261201  # of the candidates drawn, unless --seed says otherwise


def candidates(samples: int, seed: int = SEED) -> list[Params]:
    rng = random.Random(seed)
    out = [Params()]
    for _ in range(samples):
        params = Params()
        for name in SEARCHED:
            params = scaled(params, name, math.exp(rng.uniform(math.log(0.5), math.log(2))))
        out.append(params)
    return out


def coordinate_search(scorer: Scorer, start: Params, names, rounds: int = 2) -> Params:
    best, best_f1 = start, scorer.f1(start, names)
    for _ in range(rounds):
        for name in SEARCHED:
            for factor in (0.8, 1.25):
                trial = scaled(best, name, factor)
                f1 = scorer.f1(trial, names)
                if f1 > best_f1 + 1e-9:
                    best, best_f1 = trial, f1
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED, help="of the candidates drawn")
    args = parser.parse_args()
    print(
        f"# align_cv | data={args.data} samples={args.samples} seed={args.seed} cores={os.cpu_count()} "
        f"python={platform.python_version()} machine={platform.machine()}"
    )
    started = time.perf_counter()
    with one_thread():
        scorer = Scorer(chapter_features(args.data))
    print(f"features of six chapters: {time.perf_counter() - started:.1f} s")
    pool = candidates(args.samples, args.seed)
    for params in pool:
        scorer.counts(params)
    held_out, chosen = AlignScore(), {}
    for name in CHAPTERS:
        train = [c for c in CHAPTERS if c != name]
        best = max(pool, key=lambda p: scorer.f1(p, train))
        best = coordinate_search(scorer, best, train)
        chosen[name] = best
        for part, value in dataclasses.asdict(scorer.counts(best)[name]).items():
            setattr(held_out, part, getattr(held_out, part) + value)
    defaults = Params()
    print(f"{'chapter':<8} {'defaults (in-sample)':>21} {'held out (CV)':>14} {'train F1':>9}")
    for name in CHAPTERS:
        train = [c for c in CHAPTERS if c != name]
        print(
            f"{name:<8} {scorer.f1(defaults, [name]):21.4f} {scorer.f1(chosen[name], [name]):14.4f} "
            f"{scorer.f1(chosen[name], train):9.4f}"
        )
    cv = held_out.table()
    print(
        f"{'all six':<8} {scorer.f1(defaults, CHAPTERS):21.4f} {cv['strict_f1']:14.4f}   "
        f"(cross-validated: strict P {cv['strict_precision']:.4f} R {cv['strict_recall']:.4f}, "
        f"lax F1 {cv['lax_f1']:.4f})"
    )
    print("weights chosen per held-out chapter (as multiples of the defaults):")
    for name in CHAPTERS:
        ratios = ", ".join(
            f"{field}×{getattr(chosen[name], field) / getattr(defaults, field):.2f}"
            for field in SEARCHED
            if abs(getattr(chosen[name], field) / getattr(defaults, field) - 1) > 1e-6
        )
        print(f"  {name}: {ratios or 'the defaults'}")
    print(f"{len(scorer.seen)} weight sets scored, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
