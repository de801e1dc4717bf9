"""Benchmark: `tm align ZH_DIR EN_DIR` on an archive cut from MAC-Dev.

    python bench/align_archive.py [--data ../shared/bench/align/mac-dev] [--size 40]

Archive 1 (pairing): every chapter is cut at gold-link boundaries into releases of about
``--size`` Chinese sentences, written one sentence per line into a temporary folder (outside
the repository); the English files get shuffled names, so every pair must be found by content,
and one Chinese and one English file of two other releases are left out, so two documents have
no counterpart. Reported: document-pairing accuracy (pairs found / pairs there are; documents
correctly left alone), strict and lax F1 of the sentence links against the gold (counts summed
over releases), and the wall time of the whole command, with --jobs 1 and --jobs 2.

Archive 2 (throughput): ``--pairs-count`` releases (default 100), cut from the chapters at
three offsets so that there is enough text, named alike on both sides (paired by name): wall
time for 100 pairs, --jobs 1 and --jobs 2.

Each run is a fresh `tm` process; the compiled dictionary and encoder are in the user cache
(run `tm align` once before, or the first run pays for building them).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align.score import AlignScore, parse_align  # noqa: E402

CHAPTERS = ("001", "002", "003", "004", "005", "006")
TM = str(Path(sys.executable).with_name("tm"))


def releases(data: Path, size: int, offset: int = 0) -> list[tuple[str, list[str], list[str], list]]:
    """(name, zh lines, en lines, gold links re-indexed) for each release of every chapter; the
    first release of a chapter is ``offset`` sentences shorter (another cut of the same text)."""
    out = []
    for chapter in CHAPTERS:
        zh = (data / "zh" / f"{chapter}.txt").read_text(encoding="utf-8").splitlines()
        en = (data / "en" / f"{chapter}.txt").read_text(encoding="utf-8").splitlines()
        links = parse_align((data / "gold" / f"{chapter}.align").read_text(encoding="utf-8"))
        groups, current, count, limit = [], [], 0, size - offset if offset else size
        for link in links:
            current.append(link)
            count += len(link[0])
            if count >= limit:
                groups.append(current)
                current, count, limit = [], 0, size
        if current:
            if groups and count < size // 2:
                groups[-1] += current  # a short tail joins the release before it
            else:
                groups.append(current)
        for number, group in enumerate(groups, start=1):
            zs = [i for z, _ in group for i in z]
            es = [j for _, e in group for j in e]
            z0 = min(zs) if zs else 0
            e0 = min(es) if es else 0
            z1, e1 = max(zs, default=z0 - 1) + 1, max(es, default=e0 - 1) + 1
            gold = [(tuple(i - z0 for i in z), tuple(j - e0 for j in e)) for z, e in group]
            out.append((f"c{chapter}-r{number:02d}-o{offset}", zh[z0:z1], en[e0:e1], gold))
    return out


def write_archive(folder: Path, items, shuffle: bool, drop: int, seed: int = 20261201):
    """The two folders; returns the answer key {zh name: en name or None} and the gold by zh name."""
    (folder / "zh").mkdir(parents=True)
    (folder / "en").mkdir()
    rng = random.Random(seed)
    en_names = [f"doc-{k:04d}" for k in range(len(items))]
    if shuffle:
        rng.shuffle(en_names)
    dropped = set(rng.sample(range(len(items)), 2 * drop)) if drop else set()
    no_zh, no_en = sorted(dropped)[:drop], sorted(dropped)[drop:]
    key, gold = {}, {}
    for k, (name, zh, en, links) in enumerate(items):
        en_name = en_names[k] if shuffle else name
        if k not in no_zh:
            (folder / "zh" / f"{name}.txt").write_text("\n".join(zh) + "\n", encoding="utf-8")
            key[f"{name}.txt"] = None if k in no_en else f"{en_name}.txt"
            gold[name] = links
        if k not in no_en:
            (folder / "en" / f"{en_name}.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    return key, gold, [f"{en_names[k] if shuffle else items[k][0]}.txt" for k in no_zh]


def run_tm(folder: Path, jobs: int, out: Path) -> float:
    command = [TM, "align", str(folder / "zh"), str(folder / "en"), "--presplit", "-o", str(out)]
    started = time.perf_counter()
    result = subprocess.run([*command, "--jobs", str(jobs)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"tm align failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds


def evaluate(out: Path, key: dict, gold: dict, lone_en: list[str]):
    rows = [line.split("\t") for line in (out / "pairs.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    found = {zh: en for zh, en, how, *_ in rows if zh and en}
    alone_zh = {zh for zh, en, how, *_ in rows if zh and not en}
    alone_en = {en for zh, en, how, *_ in rows if en and not zh}
    should = {zh: en for zh, en in key.items() if en}
    right = sum(found.get(zh) == en for zh, en in should.items())
    alone_right = sum(zh in alone_zh for zh, en in key.items() if en is None) + sum(
        en in alone_en for en in lone_en
    )
    score = AlignScore()
    for zh_name in should:
        stem = Path(zh_name).stem
        predicted = out / f"{stem}.align"
        links = parse_align(predicted.read_text(encoding="utf-8")) if predicted.exists() else []
        score.add(gold[stem], links)
    return right, len(should), alone_right, len(key) - len(should) + len(lone_en), len(found), score.table()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--size", type=int, default=40, help="Chinese sentences per release")
    parser.add_argument(
        "--pairs-count", type=int, default=100, help="pairs of the throughput archive (0: skip)"
    )
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(
        f"# align_archive | data={args.data} size={args.size} cores={os.cpu_count()} "
        f"python={platform.python_version()} machine={platform.machine()}"
    )
    work = Path(tempfile.mkdtemp(prefix="align-archive-"))
    items = releases(args.data, args.size)
    key, gold, lone_en = write_archive(work / "pairing", items, shuffle=True, drop=1)
    sizes = [len(zh) for _, zh, _, _ in items]
    print(
        f"archive 1: {len(items)} releases of {min(sizes)}–{max(sizes)} Chinese sentences, "
        "English names shuffled, one Chinese and one English file left out"
    )
    for jobs in args.jobs:
        out = work / f"out-pairing-{jobs}"
        seconds = run_tm(work / "pairing", jobs, out)
        right, total, alone_right, alone_total, found, t = evaluate(out, key, gold, lone_en)
        print(
            f"  --jobs {jobs}: {seconds:.1f} s wall; pairing {right}/{total} = {right / total:.1%} "
            f"({found} pairs reported), documents alone {alone_right}/{alone_total}; "
            f"strict P/R/F1 {t['strict_precision']:.3f}/{t['strict_recall']:.3f}/{t['strict_f1']:.4f}, "
            f"lax F1 {t['lax_f1']:.3f}"
        )
    if args.pairs_count:
        many = [item for offset in (0, 13, 26) for item in releases(args.data, args.size, offset)]
        many = many[: args.pairs_count]
        key, gold, _ = write_archive(work / "throughput", many, shuffle=False, drop=0)
        print(f"archive 2: {len(many)} releases paired by name, three cuts of the chapters")
        for jobs in args.jobs:
            out = work / f"out-throughput-{jobs}"
            seconds = run_tm(work / "throughput", jobs, out)
            right, total, _, _, _, t = evaluate(out, key, gold, [])
            print(
                f"  --jobs {jobs}: {seconds:.1f} s wall for {len(many)} pairs "
                f"({seconds / len(many) * 100:.1f} s per 100); "
                f"pairing {right}/{total}; strict F1 {t['strict_f1']:.4f}, lax F1 {t['lax_f1']:.3f}"
            )
    print(f"archives and outputs in {work}")


if __name__ == "__main__":
    main()
