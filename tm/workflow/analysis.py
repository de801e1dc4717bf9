"""The standard CAT analysis of a batch: segments, source characters and target words per band.

Repetitions as Trados and memoQ count them: a segment whose matching key already occurred
earlier in the batch (in its own file or an earlier one) is counted once in its band, as new
work, and every later occurrence as a repetition; a 101 (context) match stays a 101. Per file,
a segment repeated from an earlier file is that file's repetition, so the files add up to the
total.

Fragments (tm.align.fragments) are counted as memoQ counts "LSC" coverage: the characters of each
band's segments that some fragment covers, and how much of the text without a memory match
(bands MT and none) the memory covers that way."""

from __future__ import annotations

import re

from tm.workflow.pipeline import Batch, Document, Row

# Fuzzy bands (inclusive lower bounds), as CAT tools report them.
FUZZY_BANDS = (("95–98", 95), ("85–94", 85), ("75–84", 75), ("<75", 0))
BANDS = ("101", "repetitions", "100", "99", *(name for name, _ in FUZZY_BANDS), "MT", "none")
_HAN = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_HAN_OR_WORD_RE = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def fuzzy_band(score: float | None) -> str:
    """The analysis band of a match percent below 100."""
    return next(name for name, low in FUZZY_BANDS if (score or 0) >= low)


def band(row: Row, repeated: bool = False) -> str:
    if repeated and row.origin != "context":
        return "repetitions"
    if row.origin in ("context", "exact", "near-exact"):
        return str(row.score)
    if row.origin == "fuzzy":
        return fuzzy_band(row.score)
    return row.origin  # MT | none


def source_units(text: str) -> int:
    """What a Chinese source is counted in: each Chinese character, and each run of Latin letters
    or digits (SCO, 2020) as one; punctuation is not counted."""
    return len(_HAN_OR_WORD_RE.findall(text))


def words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def repetitions(documents: list[Document]) -> set[int]:
    """id() of every row whose matching key occurred earlier among the documents, in order."""
    seen: set[str] = set()
    out = set()
    for row in (row for doc in documents for row in doc.rows):
        if row.segment.key in seen:
            out.add(id(row))
        seen.add(row.segment.key)
    return out


def analyse(documents: list[Document], repeated: set[int] | None = None) -> dict:
    """{band: {segments, characters, words}} for the documents together; ``repeated``: the rows
    that are repetitions (default: those of these documents alone)."""
    repeated = repetitions(documents) if repeated is None else repeated
    from tm.align.fragments import covered
    from tm.formats.inline import plain

    table = {name: {"segments": 0, "characters": 0, "words": 0, "fragments": 0} for name in BANDS}
    for doc in documents:
        for row in doc.rows:
            cell = table[band(row, id(row) in repeated)]
            cell["segments"] += 1
            cell["characters"] += source_units(row.source)
            cell["words"] += words(row.target)
            if row.fragments:  # characters covered by fragments (memoQ's LSC)
                cell["fragments"] += covered(plain(row.source), row.fragments)
    return table


NO_MATCH = ("MT", "none")  # bands of text the memory matched no part of whole


def fragment_coverage(bands: dict) -> tuple[int, int]:
    """(characters fragments cover, characters) of the text without a memory match."""
    return (
        sum(bands[name].get("fragments", 0) for name in NO_MATCH),
        sum(bands[name]["characters"] for name in NO_MATCH),
    )


def summary(batch: Batch) -> dict:
    """The analysis per document and in total, with the time of each step and how many fuzzy
    matches were repaired."""
    repeated = repetitions(batch.documents)
    fixed = [row for row in batch.rows if row.fixes]
    total = analyse(batch.documents, repeated)
    covered, characters = fragment_coverage(total)
    return {
        "documents": [
            {"document": doc.name, "file": str(doc.path), "bands": analyse([doc], repeated)}
            for doc in batch.documents
        ],
        "total": total,
        "repaired": {"segments": len(fixed), "fixes": sum(len(row.fixes) for row in fixed)},
        "fragment coverage": {"covered": covered, "characters": characters},  # of the no-match bands
        "timings": {step: round(seconds, 3) for step, seconds in batch.timings.items()},
        "notes": batch.notes,
    }


def format_table(bands: dict, title: str) -> str:
    """A plain-text analysis table; the fuzzy band under 75 only when it has segments."""
    total = {k: sum(b[k] for b in bands.values()) for k in ("segments", "characters", "words")}
    fragments = any(b.get("fragments") for b in bands.values())
    head = f"  {'band':<12}{'segments':>10}{'characters':>12}{'words':>10}{'%chars':>8}"
    lines = [title, head + (f"{'fragments':>11}" if fragments else "")]
    for name in BANDS:
        cell = bands[name]
        if name == "<75" and not cell["segments"]:
            continue
        share = 100 * cell["characters"] / total["characters"] if total["characters"] else 0.0
        line = f"  {name:<12}{cell['segments']:>10}{cell['characters']:>12}{cell['words']:>10}{share:>7.1f}%"
        lines.append(line + (f"{cell.get('fragments', 0):>11}" if fragments else ""))
    lines.append(f"  {'total':<12}{total['segments']:>10}{total['characters']:>12}{total['words']:>10}")
    if fragments:
        got, of = fragment_coverage(bands)
        lines.append(
            f"  fragments cover {got} of the {of} characters without a memory match"
            f" ({100 * got / of if of else 0:.1f}%)"
        )
    return "\n".join(lines)
