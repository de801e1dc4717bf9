"""The standard CAT analysis of a batch: segments, source characters and target words per band."""

from __future__ import annotations

import re

from tm.workflow.pipeline import Batch, Document, Row

# Fuzzy bands (inclusive lower bounds), as CAT tools report them.
FUZZY_BANDS = (("95–98", 95), ("85–94", 85), ("75–84", 75), ("<75", 0))
BANDS = ("101", "100", "99", *(name for name, _ in FUZZY_BANDS), "MT", "none")
_HAN = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_HAN_OR_WORD_RE = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def band(row: Row) -> str:
    if row.origin in ("context", "exact", "near-exact"):
        return str(row.score)
    if row.origin == "fuzzy":
        return next(name for name, low in FUZZY_BANDS if (row.score or 0) >= low)
    return row.origin  # MT | none


def source_units(text: str) -> int:
    """What a Chinese source is counted in: each Chinese character, and each run of Latin letters
    or digits (SCO, 2020) as one; punctuation is not counted."""
    return len(_HAN_OR_WORD_RE.findall(text))


def words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def analyse(documents: list[Document]) -> dict:
    """{band: {segments, characters, words}} for the documents together."""
    table = {name: {"segments": 0, "characters": 0, "words": 0} for name in BANDS}
    for doc in documents:
        for row in doc.rows:
            cell = table[band(row)]
            cell["segments"] += 1
            cell["characters"] += source_units(row.source)
            cell["words"] += words(row.target)
    return table


def summary(batch: Batch) -> dict:
    """The analysis per document and in total, with the time of each step."""
    return {
        "documents": [
            {"document": doc.name, "file": str(doc.path), "bands": analyse([doc])} for doc in batch.documents
        ],
        "total": analyse(batch.documents),
        "timings": {step: round(seconds, 3) for step, seconds in batch.timings.items()},
        "notes": batch.notes,
    }


def format_table(bands: dict, title: str) -> str:
    """A plain-text analysis table; the fuzzy band under 75 only when it has segments."""
    total = {k: sum(b[k] for b in bands.values()) for k in ("segments", "characters", "words")}
    lines = [title, f"  {'band':<8}{'segments':>10}{'characters':>12}{'words':>10}{'%chars':>8}"]
    for name in BANDS:
        cell = bands[name]
        if name == "<75" and not cell["segments"]:
            continue
        share = 100 * cell["characters"] / total["characters"] if total["characters"] else 0.0
        lines.append(
            f"  {name:<8}{cell['segments']:>10}{cell['characters']:>12}{cell['words']:>10}{share:>7.1f}%"
        )
    lines.append(f"  {'total':<8}{total['segments']:>10}{total['characters']:>12}{total['words']:>10}")
    return "\n".join(lines)
