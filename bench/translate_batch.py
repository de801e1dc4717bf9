"""Benchmark: `tm translate --no-mt` on a batch of releases, and the review workbook alone.

    python bench/translate_batch.py [--units 100000] [--docs 200] [--per-doc 50] [--rows 100000]

1. Batch: DOCS documents of PER_DOC sentences (recombined from real Chinese material, see
   bench/corpus.py: some stored in the memory as they are, some with one character changed,
   some repeated across the batch, most new) against a memory of UNITS units and a glossary
   (the seed's 43 entries plus 2,000 CC-CEDICT headwords of four or more characters).
   `tm translate` runs in a child process: wall time, peak RSS, and the time of each step from
   its --json summary; once writing one workbook (-o), once one per document (--out-dir).
2. Workbook: ROWS rows written by tm.workflow.sheets in openpyxl's write-only mode and in its normal
   mode (the same code and styles), each in a child process (time, peak RSS); then that sheet
   with every row approved read back by `tm review --dry-run` (read and check) and by
   `tm review` into a fresh memory (read, check and store).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402
from tm_lookup import build_tmx, import_tmx, split_base  # noqa: E402

OUT = HERE / "out"
_ENDS = "。！？；?!…"


def sentence(text: str) -> str:
    """One sentence the segmenter keeps whole: inner sentence ends become commas, one 。 at the end."""
    for mark in _ENDS:
        text = text.replace(mark, "，")
    return text.rstrip("，,.、 ") + "。"


def write_documents(folder: Path, docs: int, per_doc: int, stored: list[str], fresh: list, seed: int) -> None:
    """10% stored sources, 15% stored sources with one edit, 10% repeats within the batch, the rest new."""
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    alphabet = "".join(sorted({c for zh in stored for c in zh if "\u4e00" <= c <= "\u9fff"}))
    earlier: list[str] = []
    for d in range(docs):
        sentences = []
        for _ in range(per_doc):
            pick = rng.random()
            if pick < 0.10:
                text = rng.choice(stored)
            elif pick < 0.25:
                text = corpus.mutate(rng, rng.choice(stored), alphabet, 1)
            elif pick < 0.35 and earlier:
                text = rng.choice(earlier)
            else:
                text = rng.choice(fresh)[0] + "，" + rng.choice(fresh)[0]
            sentences.append(sentence(text))
            earlier.append(text)
        paragraphs = ["".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        (folder / f"release-{d:04d}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")


# Runs a command and reports its peak RSS. A child forked from this (large) process would count
# this process's pages in its own peak (Linux keeps the high-water mark across exec), so the
# command is started from this small interpreter instead.
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:])
elapsed = time.perf_counter() - started
sys.stderr.write(f"\\n@@ {elapsed} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(code)
"""


def run_child(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB, stdout) of one command. Output goes through temporary
    files: a pipe that nobody reads while we wait could block the child."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        code = subprocess.call([sys.executable, "-c", _MEASURE, *args], stdout=out, stderr=err)
        out.seek(0)
        err.seek(0)
        errors = err.read()
        if code != 0:
            sys.exit(f"{' '.join(args[:4])} … failed:\n{errors}")
        elapsed, peak_kib = errors.rsplit("@@ ", 1)[1].split()
        return float(elapsed), int(peak_kib) / 1024, out.read()


def prepare_memory(units: int, seed: int, reuse: bool) -> tuple[Path, list[str], list]:
    """The memory (built once, then reused with --reuse), stored sources, and held-out material."""
    held_out, in_memory, alphabet, rng = split_base(seed)
    db = OUT / f"memory-{units}.db"
    if not (reuse and db.exists()):
        OUT.mkdir(exist_ok=True)
        tmx = OUT / f"memory-{units}.tmx"
        build_tmx(tmx, units, in_memory, alphabet, rng)
        import_tmx(tmx, db)
    conn = sqlite3.connect(db)
    stored = [r[0] for r in conn.execute("SELECT source FROM units ORDER BY id LIMIT 20000")]
    conn.close()
    return db, stored, held_out


def add_glossary(db: Path) -> int:
    """The seed glossary plus 2,000 CC-CEDICT headwords of four or more characters."""
    import importlib.util

    from glossary.store import Termbase
    from tm.memory import open_memory

    subprocess.run(
        [
            sys.executable,
            "-m",
            "tm",
            "glossary",
            "import",
            str(HERE.parent / "seeds" / "glossary.csv"),
            "--db",
            str(db),
        ],
        check=True,
        capture_output=True,
    )
    spec = importlib.util.spec_from_file_location("bench_glossary", HERE / "glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries = [e for e in module.cedict_entries(60_000) if len(e.source) >= 4][:2000]
    with open_memory(db) as memory:
        termbase = Termbase.of(memory)
        termbase.import_entries(((None, e) for e in entries), on_conflict="skip")
        return termbase.count()


def workbook_batch(rows: int, seed: int):
    """ROWS rows shaped like real output: exact and fuzzy memory matches, empty rows, terms, issues."""
    from glossary.match import TermHit
    from glossary.model import Entry
    from tm.text.segment import Segment
    from tm.workflow.pipeline import Batch, Document, Row

    rng = random.Random(seed)
    base = corpus.base_pairs()
    entry = Entry("上海精神", "Shanghai Spirit")
    out = []
    for i in range(rows):
        zh, en = rng.choice(base)
        row = Row(Segment("bench", i // 5 + 1, i % 5 + 1, zh), zh, context=f"{rng.getrandbits(64):016x}")
        kind = rng.random()
        if kind < 0.3:
            row.target, row.origin, row.score, row.unit_id = en, "exact", 100, i + 1
        elif kind < 0.5:
            row.target, row.origin, row.score, row.unit_id = en, "fuzzy", 80, i + 1
            row.tm_source = f"[-{zh[:2]}-]{{+{zh[:3]}+}}{zh[3:]}"
        else:
            row.target = en  # as MT would fill it
            row.origin, row.confidence = "MT", rng.random()
        if kind < 0.1:
            row.terms = [TermHit(entry, 0, 4, "上海精神")]
            row.issues = ["missing-term: 上海精神: approved rendering “Shanghai Spirit” not in the target"]
        out.append(row)
    return Batch([Document("bench", Path("bench.txt"), out, [0])])


def read_child(mode: str, path: Path) -> None:
    """In a child process: read every cell of the Segments sheet; print seconds and rows."""
    started = time.perf_counter()
    if mode == "read-openpyxl":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in workbook["Segments"].iter_rows(values_only=True))
        workbook.close()
    else:
        from tm.formats.xlsxread import Workbook

        with Workbook(path) as workbook:
            count = sum(1 for _ in workbook.rows("Segments"))
    print(f"{time.perf_counter() - started:.3f} {count}")


def write_child(mode: str, rows: int, seed: int, path: Path) -> None:
    """In a child process: write the sheet in one openpyxl mode, every row approved; print seconds."""
    from tm.workflow import sheet_write as sheets
    from tm.workflow.analysis import summary

    batch = workbook_batch(rows, seed)
    plain = sheets._row_values
    sheets._row_values = lambda row: {**plain(row), "Status": "approved"}  # as a finished review
    started = time.perf_counter()
    sheets.write_workbook(
        batch, path, summary(batch), [], {"created": "bench"}, write_only=mode == "write-only"
    )
    print(f"{time.perf_counter() - started:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--per-doc", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="Reuse bench/out/memory-UNITS.db.")
    parser.add_argument(
        "--child", choices=["write-only", "normal", "read-openpyxl", "read-tm"], help=argparse.SUPPRESS
    )
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child in ("read-openpyxl", "read-tm"):
        return read_child(args.child, Path(args.path))
    if args.child:
        return write_child(args.child, args.rows, args.seed, Path(args.path))

    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    db, stored, held_out = prepare_memory(args.units, args.seed, args.reuse)
    work = OUT / "translate-batch"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    memory = work / "memory.db"
    shutil.copy(db, memory)
    terms = add_glossary(memory)
    docs = work / "releases"
    write_documents(docs, args.docs, args.per_doc, stored, held_out, args.seed)
    files = sorted(str(p) for p in docs.iterdir())
    tm = [sys.executable, "-m", "tm"]
    print(f"memory {args.units:,} units, glossary {terms:,} entries, {len(files)} documents")
    for label, where in (
        ("one workbook (-o)", ["-o", str(work / "batch.xlsx")]),
        ("--out-dir", ["--out-dir", str(work / "sheets")]),
    ):
        elapsed, peak, out = run_child(
            [*tm, "translate", *files, "--no-mt", "--db", str(memory), "--json", *where]
        )
        data = json.loads(out)
        total = data["total"]
        segments = sum(b["segments"] for b in total.values())
        bands = ", ".join(f"{k} {v['segments']}" for k, v in total.items() if v["segments"])
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in data["timings"].items())
        print(f"\ntm translate --no-mt, {label}: {segments:,} segments")
        print(f"  end to end {elapsed:.1f} s (target ≤ 30 s), peak RSS {peak:.0f} MiB (target ≤ 1024)")
        print(f"  steps: {steps}")
        print(f"  bands: {bands}")

    print(f"\nworkbook of {args.rows:,} rows")
    sheet = work / "rows-write-only.xlsx"
    for mode in ("write-only", "normal"):
        path = work / f"rows-{mode}.xlsx"
        elapsed, peak, out = run_child(
            [sys.executable, __file__, "--child", mode, "--rows", str(args.rows), "--path", str(path)]
        )
        print(
            f"  write, openpyxl {mode:<10}: {float(out):.1f} s writing "
            f"({elapsed:.1f} s with start-up and building the rows), "
            f"peak RSS {peak:.0f} MiB, {path.stat().st_size / 1e6:.1f} MB"
        )
    for mode, label in (("read-openpyxl", "openpyxl read-only"), ("read-tm", "tm.formats.xlsxread (used)")):
        _, peak, out = run_child([sys.executable, __file__, "--child", mode, "--path", str(sheet)])
        seconds, count = out.split()
        print(
            f"  read every cell, {label:<18}: {float(seconds):.1f} s, {count} rows, peak RSS {peak:.0f} MiB"
        )
    fresh = work / "reviewed.db"
    elapsed, peak, out = run_child([*tm, "review", str(sheet), "--dry-run", "--db", str(fresh), "--json"])
    print(
        f"  tm review --dry-run (read, check, store and roll back): {elapsed:.1f} s, "
        f"peak RSS {peak:.0f} MiB (target ≤ 20 s)"
    )
    fresh.unlink(missing_ok=True)
    elapsed, peak, out = run_child([*tm, "review", str(sheet), "--db", str(fresh), "--json"])
    stored_rows = json.loads(out)["stored"]
    print(f"  tm review (read, check, store {stored_rows:,} units): {elapsed:.1f} s, peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
