"""Benchmark: the confidence floor under which `tm align --import` holds a link back, chosen by
leave-one-chapter-out cross-validation on MAC-Dev, and how often an omission's bad link is held.

    python bench/align_floor.py [--data ../shared/bench/align/mac-dev] [--cache /tmp/align-floor.json]
                                [--drops 10] [--seed N]

Each chapter is aligned once with the aligner as it is (presplit, default constants); every link
with both sides is kept with its confidence and whether it is a gold link (strict: a link that
differs from gold stores a unit whose sides do not translate each other exactly). Omissions:
in each chapter ``--drops`` English sentences, each the whole English side of a 1-1 gold link,
are dropped one at a time and the chapter realigned; the Chinese sentence left without its
English should come out alone, and a link that takes it with English anyway is the bad link.
All of it goes to ``--cache`` (JSON); a run with the cache aligns nothing.

The rule (tm.align.floor): a link is held when its confidence is under the floor, or when it is
a merged link that the same link less one edge sentence is about as similar to (its gain over
that part under the minimum gain: an omission's orphan merged in). For each chapter, the pair
of constants (floor 0.00–1.00 by 0.01, minimum gain −0.30–0.30 by 0.01) that best tells wrong
links from right ones on the other five — the F1 of "held" as a finding of wrong links: of the
held, how many are wrong (review time not wasted); of the wrong, how many are held (bad units
kept out) — is applied to that chapter; the six held-out chapters counted together are the
method's figures. The floor alone is cross-validated the same way, for comparison. The
constants tm uses are those chosen on all six.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align.aligner import align  # noqa: E402
from tm.align.floor import FLOOR, MIN_GAIN  # noqa: E402
from tm.align.score import parse_align  # noqa: E402

CHAPTERS = ("001", "002", "003", "004", "005", "006")
FLOORS = np.round(np.arange(0, 1.001, 0.01), 2)
GAINS = np.round(np.arange(-0.3, 0.301, 0.01), 2)
NO_GAIN = [-9.0]  # the merged-link check off: the floor alone, for comparison
SEED = 20261201


def _read(data: Path, name: str):
    zh = (data / "zh" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    en = (data / "en" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    gold = parse_align((data / "gold" / f"{name}.align").read_text(encoding="utf-8"))
    return zh, en, gold


def collect(data: Path, drops: int, seed: int) -> dict:
    """Per chapter: the links with both sides (confidence, shape, gold or not) and the omission
    trials (the link that took the orphaned Chinese sentence, if any)."""
    rng = random.Random(seed)
    out = {}
    for name in CHAPTERS:
        started = time.perf_counter()
        zh, en, gold = _read(data, name)
        truth = {(tuple(z), tuple(e)) for z, e in gold}
        links = [
            {"zh": k.zh, "en": k.en, "confidence": k.score, "part": k.part, "gold": (k.zh, k.en) in truth}
            for k in align(zh, en)
            if k.zh and k.en
        ]
        singles = [(z[0], e[0]) for z, e in gold if len(z) == 1 and len(e) == 1]
        trials = []
        for i, j in sorted(rng.sample(singles, min(drops, len(singles)))):
            taken = next(k for k in align(zh, en[:j] + en[j + 1 :]) if i in k.zh)
            trials.append(
                {
                    "zh": i,
                    "dropped_en": j,
                    "link_zh": taken.zh,
                    "link_en": taken.en,
                    "confidence": taken.score,
                    "part": taken.part,
                    "bad": bool(taken.en),  # with English: a unit that pairs it with what it does not say
                }
            )
        out[name] = {"links": links, "omissions": trials}
        print(f"  {name}: {len(links)} links, {len(trials)} omissions, {time.perf_counter() - started:.1f} s")
    return out


def holds(links: list[dict], floor: float, min_gain: float) -> np.ndarray:
    """Which links tm.align.floor's rule holds back with these constants."""
    return _rule(*_arrays(links), floor, min_gain)


def _arrays(links: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([k["confidence"] for k in links]), np.array([k["part"] for k in links])


def _rule(conf: np.ndarray, part: np.ndarray, floor: float, min_gain: float) -> np.ndarray:
    return (conf < floor) | ((part > 0) & (conf - part < min_gain))


def choose(links: list[dict], gains) -> tuple[float, float]:
    """The floor and minimum gain of the grid with the best F1 of holding (the lowest of equals)."""
    conf, part = _arrays(links)
    wrong = np.array([not k["gold"] for k in links])
    best, chosen = -1.0, (0.0, 0.0)
    for floor in FLOORS:
        for gain in gains:
            held = _rule(conf, part, floor, gain)
            f1 = 2 * (held & wrong).sum() / (held.sum() + wrong.sum())
            if f1 > best + 1e-12:
                best, chosen = f1, (float(floor), float(gain))
    return chosen


def figures(links: list[dict], held: np.ndarray) -> str:
    wrong = np.array([not k["gold"] for k in links])
    n, h, w, hw = len(links), held.sum(), wrong.sum(), (held & wrong).sum()
    imported = n - h
    return (
        f"held {h:4d} of {n} | precision of imported {(imported - (w - hw)) / imported:.3f} "
        f"(all links: {(n - w) / n:.3f}) | held that are wrong {hw / h if h else 0:.3f} | "
        f"wrong links held {hw / w:.3f} | right links held {(h - hw) / (n - w):.3f}"
    )


def cross_validate(links: list[dict], gains) -> tuple[dict[str, tuple[float, float]], np.ndarray]:
    """The constants chosen without each chapter, and what they hold of it."""
    chosen, held = {}, np.zeros(len(links), dtype=bool)
    at = np.array([k["chapter"] for k in links])
    for name in CHAPTERS:
        chosen[name] = choose([k for k in links if k["chapter"] != name], gains)
        own = at == name
        held[own] = holds([k for k in links if k["chapter"] == name], *chosen[name])
    return chosen, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/align-floor.json"))
    parser.add_argument("--drops", type=int, default=10, help="omission trials per chapter")
    parser.add_argument("--seed", type=int, default=SEED, help="of the English sentences dropped")
    args = parser.parse_args()
    print(
        f"# align_floor | data={args.data} drops={args.drops} seed={args.seed} cache={args.cache} "
        f"cores={os.cpu_count()} python={platform.python_version()}"
    )
    key = {"drops": args.drops, "seed": args.seed, "fields": "confidence part gold"}
    cached = json.loads(args.cache.read_text()) if args.cache.exists() else None
    if cached is None or cached.get("key") != key:
        started = time.perf_counter()
        print("aligning (once; cached after):")
        cached = {"key": key, "chapters": collect(args.data, args.drops, args.seed)}
        args.cache.write_text(json.dumps(cached))
        print(f"aligned in {time.perf_counter() - started:.0f} s")
    chapters = cached["chapters"]
    links = [dict(k, chapter=name) for name in CHAPTERS for k in chapters[name]["links"]]

    for label, gains in (("the floor alone", NO_GAIN), ("floor and merged-link check", GAINS)):
        chosen, held = cross_validate(links, gains)
        print(f"{label}: constants chosen on the other five chapters, applied to each:")
        at = np.array([k["chapter"] for k in links])
        for name in CHAPTERS:
            own = [k for k in links if k["chapter"] == name]
            print(f"  {name} {_constants(*chosen[name])}: {figures(own, held[at == name])}")
        print(f"  held out, all six: {figures(links, held)}")
        final = choose(links, gains)
        print(f"  chosen on all six {_constants(*final)}: {figures(links, holds(links, *final))} (in-sample)")
        omissions(chapters, chosen, final)
    if final != (FLOOR, MIN_GAIN):
        print(
            f"NOTE: tm.align.floor has FLOOR {FLOOR}, MIN_GAIN {MIN_GAIN}; the choice on all six is {final}"
        )


def _constants(floor: float, gain: float) -> str:
    return f"(floor {floor:.2f}" + (f", min gain {gain:+.2f})" if gain > -1 else ")")


def omissions(chapters: dict, chosen: dict, final: tuple[float, float]) -> None:
    trials = [dict(t, chapter=name) for name in CHAPTERS for t in chapters[name]["omissions"]]
    bad = [t for t in trials if t["bad"]]
    print(
        f"  omissions: {len(trials)} English sentences dropped one at a time; the Chinese sentence "
        f"came out alone {len(trials) - len(bad)} times, in a link with English (bad) {len(bad)} times"
    )
    shapes = Counter(f"{len(t['link_zh'])}-{len(t['link_en'])}" for t in bad)
    print("    bad links by shape: " + ", ".join(f"{shape} {n}" for shape, n in sorted(shapes.items())))
    for label, constants in (("held-out constants", None), ("constants chosen on all six", final)):
        held = [t for t in bad if holds([t], *(constants or chosen[t["chapter"]]))[0]]
        print(f"    {label}: {len(held)} of {len(bad)} bad links held back ({len(held) / len(bad):.0%})")


if __name__ == "__main__":
    main()
