"""Benchmark: fuzzy-match repair — how often a fuzzy match that differs only in placeables comes
out exactly right, stays unrepaired, or is repaired wrongly; and that it stays out of matches
whose differences are not (only) placeables.

    python bench/fuzzy_repair.py [--background 50000]

Memory: the annotated pairs of bench/data/repair_pairs.tsv (sentences of the seed release and of
seeds/sample-memory.tmx with English translations, placeables marked in both), plus real
background pairs from bench/corpus.py (zh_CN gettext catalogs and HSK sentences), so every query
is a real lookup in a memory of tens of thousands of units. Glossary: seeds/glossary.csv plus the
places, countries and organisations below (what a department's glossary holds).

Queries are made from each annotated pair: one placeable changed (two other values each), all of
a pair's placeables changed at once, and — to show the repair stays out — one character outside
the placeables changed, alone or with a placeable. The expected English is the pair's English
with the same slot rewritten by this script's own tables (month names, number words, the
glossary's renderings), never by tm's code. HSK sentences with one character changed are a second
out-of-scope set.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/glossary.py is no package

import corpus  # noqa: E402

from glossary.formats.tabular import read_table  # noqa: E402
from glossary.model import Entry  # noqa: E402
from glossary.store import Termbase  # noqa: E402
from tm.memory import open_memory  # noqa: E402
from tm.memory.units import Unit  # noqa: E402
from tm.workflow.repair import repair  # noqa: E402

# Swap classes: a placeable term is replaced by another of its class (zh, approved, alternatives).
CLASSES = {
    "city": [("北京", "Beijing"), ("莫斯科", "Moscow"), ("上海", "Shanghai"), ("比什凱克", "Bishkek")],
    "country": [
        ("俄羅斯", "Russia"),
        ("哈薩克斯坦", "Kazakhstan"),
        ("吉爾吉斯斯坦", "Kyrgyzstan"),
        ("蒙古國", "Mongolia"),
        ("塔吉克斯坦", "Tajikistan"),
        ("烏茲別克斯坦", "Uzbekistan"),
        ("巴基斯坦", "Pakistan"),
    ],
    "person": ["王毅", "拉夫羅夫", "普京", "托卡耶夫", "熱恩別科夫", "巴特圖勒嘎"],
    "ism": ["多邊主義", "單邊主義", "保護主義"],
    "organisation": ["世界衛生組織", "聯合國", "歐亞經濟聯盟"],
    "concept": ["全球治理體系", "人類命運共同體", "衛生健康共同體"],
}
MONTHS = "January February March April May June July August September October November December".split()
WORDS = "zero one two three four five six seven eight nine ten".split()
ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split()
CN = "零一二三四五六七八九"
SLOT_RE = re.compile(r"\[(\d+)\|([^\]]*)\]")
OTHER_CHARS = "新大好高重全共深廣"  # no numerals, measure words or 是: a plain word change


def read_pairs() -> list[tuple[str, str]]:
    lines = (ROOT / "bench" / "data" / "repair_pairs.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def plain(text: str) -> str:
    return SLOT_RE.sub(lambda m: m.group(2), text)


def slots(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in SLOT_RE.finditer(text)}


def fill(text: str, values: dict[str, str]) -> str:
    return SLOT_RE.sub(lambda m: values.get(m.group(1), m.group(2)), text)


def cn_numeral(n: int) -> str:
    if n >= 1000:
        return ("兩" if n // 1000 == 2 else CN[n // 1000]) + "千"
    if n < 10:
        return CN[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[units] if units else "")


def en_number(like: str, n: int) -> str:
    if like.lower() in WORDS:
        word = WORDS[n]
    elif like.lower() in ORDINALS:
        word = ORDINALS[n]
    elif like.endswith("th"):
        return f"{n}th"
    elif "," in like:
        return f"{n:,}"
    else:
        return str(n)
    return word.capitalize() if like[0].isupper() else word


def variants(zh: str, en: str, entries: dict[str, Entry]) -> list[tuple[str, str]]:
    """Two other values of one slot, as (zh, en)."""
    date = re.fullmatch(r"(\d+)月(?:(\d+)日)?", zh)
    if date:
        month, day = int(date.group(1)), date.group(2)
        out = []
        for m, d in ((month % 12 + 1, 1), ((month + 9) % 12 + 1, 28)):
            if day:
                out.append((f"{m}月{d}日", f"{MONTHS[m - 1]} {d}"))
            else:
                out.append((f"{m}月", MONTHS[m - 1]))
        return out
    number = re.fullmatch(r"(第?)(\d+|[一二三四五六七八九十千]+)", zh)
    if number:
        prefix, digits = number.groups()
        value = int(digits) if digits.isdigit() else {"千": 1000}.get(digits) or CN.index(digits[-1])
        others = (
            [2000, 3000]
            if value == 1000
            else [value + 10, value - 5]
            if value > 10
            else [value % 9 + 1, value % 7 + 2]
        )
        others = [n for n in others if n != value][:2]
        return [(prefix + (str(n) if digits.isdigit() else cn_numeral(n)), en_number(en, n)) for n in others]
    for members in CLASSES.values():
        names = [m if isinstance(m, str) else m[0] for m in members]
        if zh in names:
            entry = entries[zh]
            used = next(i for i, r in enumerate(entry.accepted) if r.casefold() == en.casefold())
            out = []
            for other in names:
                if other != zh and len(out) < 2:
                    rendering = entries[other].accepted[min(used, len(entries[other].accepted) - 1)]
                    out.append((other, rendering.upper() if en.isupper() else rendering))
            return out
    raise SystemExit(f"no variants for slot {zh!r} / {en!r}")


def queries(pairs, entries, rng: random.Random):
    """(set, query, memory source, expected English or None for "stay out")."""
    for zh, en in pairs:
        zs, es = slots(zh), slots(en)
        chosen = {}
        for n, value in zs.items():
            for vz, ve in variants(value, es[n], entries):
                if vz in plain(zh):
                    continue  # a value the sentence already holds would make two of a kind
                chosen.setdefault(n, (vz, ve))
                yield "placeable", fill(zh, {n: vz}), plain(zh), fill(en, {n: ve})
        if len(chosen) > 1:
            yield (
                "placeables (all)",
                fill(zh, {n: v[0] for n, v in chosen.items()}),
                plain(zh),
                fill(en, {n: v[1] for n, v in chosen.items()}),
            )
        free = [
            i
            for i, c in enumerate(SLOT_RE.sub(lambda m: "\x00" * len(m.group(0)), zh))
            if "\u4e00" <= c <= "\u9fff" and c not in CN + "十千是個國項月日年"
        ]
        if not free:
            continue
        i = rng.choice(free)
        changed = zh[:i] + rng.choice([c for c in OTHER_CHARS if c != zh[i]]) + zh[i + 1 :]
        yield "not a placeable", plain(changed), plain(zh), None
        if chosen:
            n, (vz, _) = next(iter(chosen.items()))
            yield "placeable + other change", plain(fill(changed, {n: vz})), plain(zh), None


def hsk_queries(rng: random.Random, n: int):
    pairs = [p for p in corpus.hsk_pairs() if len(p[0]) >= 8]
    for zh, _ in rng.sample(pairs, min(n, len(pairs))):
        free = [
            i for i, c in enumerate(zh) if "\u4e00" <= c <= "\u9fff" and c not in CN + "十百千萬万两兩是個个"
        ]
        if free:
            i = rng.choice(free)
            yield (
                "HSK, one character",
                zh[:i] + rng.choice([c for c in OTHER_CHARS if c != zh[i]]) + zh[i + 1 :],
                zh,
                None,
            )


def glossary_entries() -> list[Entry]:
    entries = [entry for _, entry in read_table(ROOT / "seeds" / "glossary.csv", "csv")]
    known = {e.source for e in entries}
    for members in CLASSES.values():
        for member in members:
            if not isinstance(member, str) and member[0] not in known:
                entries.append(Entry(member[0], member[1], domain="places", case_sensitive=True))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--background", type=int, default=50_000, help="background pairs from bench/corpus.py"
    )
    parser.add_argument("--hsk-queries", type=int, default=500)
    parser.add_argument("--show", type=int, default=8, help="unrepaired and wrong cases printed")
    args = parser.parse_args()
    rng = random.Random(20261127)
    pairs = read_pairs()
    background = (corpus.gettext_pairs() + corpus.hsk_pairs())[: args.background]
    print(
        f"# fuzzy_repair | annotated pairs {len(pairs)} | background {len(background):,} "
        f"(gettext + HSK) | python {platform.python_version()} {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        with open_memory(Path(tmp) / "memory.db") as memory:
            units = [
                Unit(plain(zh), plain(en), "zh-Hant", origin="aligned", document="seed") for zh, en in pairs
            ]
            units += [Unit(zh, en, "zh-Hans", origin="imported", document="corpus") for zh, en in background]
            memory.import_units(units)
            termbase = Termbase.of(memory)
            termbase.import_entries((None, e) for e in glossary_entries())
            recognizer = termbase.recognizer()
            entries = {e.source: e for e in termbase.effective()}
            work = list(queries(pairs, entries, rng)) + list(hsk_queries(rng, args.hsk_queries))
            started = time.perf_counter()
            results = [
                (kind, q, src, want, outcome(memory, recognizer, q, src)) for kind, q, src, want in work
            ]
            elapsed = time.perf_counter() - started
    report(results, elapsed, args.show)


def outcome(memory, recognizer, query: str, source: str):
    """(the best match's kind and score, the repaired target or None)."""
    found = memory.lookup(query, "zh", 75, 1)
    if not found:
        return "no match", None
    match = found[0]
    if match.kind != "fuzzy":
        return f"{match.kind} {match.score}", None
    fixed = repair(query, match.unit.source, match.unit.target, recognizer)
    label = f"fuzzy {match.score}" + ("" if match.unit.source == source else " (another unit)")
    return label, fixed.target if fixed else None


def report(results, elapsed: float, show: int) -> None:
    print(f"{len(results)} queries, lookup + repair {1000 * elapsed / len(results):.1f} ms each\n")
    print(f"{'set':<28}{'queries':>8}{'exact':>9}{'unrepaired':>12}{'(no match)':>12}{'wrong':>9}")
    groups = {kind: [r for r in results if r[0] == kind] for kind in dict.fromkeys(r[0] for r in results)}
    groups["placeables only, together"] = [r for r in results if r[3] is not None]
    for kind, rows in groups.items():
        # a query that should stay out is right when unrepaired; any repair of it is wrong
        exact = sum(1 for r in rows if r[3] is not None and r[4][1] == r[3])
        unrepaired = sum(1 for r in rows if r[4][1] is None)
        wrong = len(rows) - exact - unrepaired
        unmatched = sum(1 for r in rows if not r[4][0].startswith("fuzzy"))  # the lookup found no fuzzy match
        print(
            f"{kind:<28}{len(rows):>8}{100 * exact / len(rows):>8.1f}%{100 * unrepaired / len(rows):>11.1f}%"
            f"{100 * unmatched / len(rows):>11.1f}%{100 * wrong / len(rows):>8.1f}%"
        )
    for title, keep in (
        ("unrepaired placeable queries", lambda r: r[3] is not None and r[4][1] is None),
        ("wrong repairs", lambda r: r[4][1] is not None and r[4][1] != r[3]),
    ):
        cases = [r for r in results if keep(r)]
        print(f"\n{title}: {len(cases)}")
        for kind, query, _, want, (label, got) in cases[:show]:
            print(f"  [{kind}] {query}\n    match: {label}\n    want:  {want}\n    got:   {got}")


if __name__ == "__main__":
    main()
