"""The round trip of every zh→en copy in the corpus of files other tools wrote (issue 21): which
files there are, one file's round trip in its own temp folder and memory, and the table."""

from __future__ import annotations

import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from .foreign_corpus import corpus_dir, is_relabelled, schemas_dir
from .roundtrip_cli import ELSE, REFUSED, WHOLE, Outcome, Session, Stop
from .roundtrip_docs import roundtrip_docx, roundtrip_html
from .roundtrip_memory import roundtrip_tbx, roundtrip_tmx
from .roundtrip_xliff import roundtrip as roundtrip_xliff

ROUTES = {
    "tmx": roundtrip_tmx,
    "tbx": roundtrip_tbx,
    "xliff12": roundtrip_xliff,
    "xliff20": roundtrip_xliff,
    "html": roundtrip_html,
    "docx": roundtrip_docx,
}


def corpus_files(folder: Path | None = None) -> list[Path]:
    """Every relabelled zh→en file, by format folder and name."""
    folder = folder or corpus_dir()
    return sorted(
        p for p in folder.glob("*/*") if p.is_file() and is_relabelled(p) and p.parent.name in ROUTES
    )


def round_trip(path: Path, schemas: Path | None = None) -> Outcome:
    fmt = path.parent.name
    outcome = Outcome(path, fmt)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tm-roundtrip-") as tmp:
        try:
            ROUTES[fmt](Session(Path(tmp), outcome), path, schemas or schemas_dir())
        except Stop:
            pass
        except Exception as exc:  # the instrument's own failure: shown, never taken for a pass
            outcome.fail(
                f"the instrument failed: {type(exc).__name__}: {exc} "
                f"({traceback.extract_tb(exc.__traceback__)[-1].name})"
            )
    outcome.seconds = round(time.perf_counter() - started, 2)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    formats = list(dict.fromkeys(o.fmt for o in outcomes))
    counts = {f: Counter(o.verdict for o in outcomes if o.fmt == f) for f in formats}
    total = Counter(o.verdict for o in outcomes)
    lines = [
        "| format | files | round-tripped whole | refused clearly | anything else |",
        "|---|---|---|---|---|",
    ]
    for name, c in [*((f, counts[f]) for f in formats), ("all", total)]:
        lines.append(f"| {name} | {sum(c.values())} | {c[WHOLE]} | {c[REFUSED]} | {c[ELSE]} |")
    return "\n".join(lines)


def details(outcomes: list[Outcome]) -> str:
    """The refusals with their message, and every reason of each file that is anything else."""
    lines = []
    for o in outcomes:
        if o.verdict == REFUSED:
            lines.append(f"- {o.fmt}/{o.path.name}: refused: {o.message}")
        elif o.verdict == ELSE:
            lines.append(f"- {o.fmt}/{o.path.name}:")
            lines += [f"    - {r}" for r in o.reasons]
            lines += [f"    - (note: {n})" for n in o.notes]
    return "\n".join(lines)
