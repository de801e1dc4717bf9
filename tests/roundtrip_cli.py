"""Running `tm` as a user would, for the round-trip instrument: a fresh SQLite memory in a temp
folder per file, each command through the real command line (click's runner, in-process: a
process per command would cost more than the work), its outcome judged; the outcome of a file;
and the English a reviewer types into every row, made so that it is recognisable afterwards."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from .roundtrip_xml import has_cjk, squeeze
from .sheet_cells import set_cells

WHOLE, REFUSED, ELSE = "round-tripped whole", "refused clearly", "anything else"
EXIT_REFUSED = 4  # tm/cli/common.py


@dataclass
class Outcome:
    """One file's verdict: ``ELSE`` with the reasons, or ``REFUSED`` with the message."""

    path: Path
    fmt: str
    verdict: str = WHOLE
    reasons: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # context (what tm said it leaves out), no verdict

    def fail(self, *reasons: str) -> None:
        """Each reason given makes the file ``ELSE``; none changes nothing."""
        reasons = [r for r in reasons if r]
        if reasons:
            self.verdict = ELSE
            self.reasons += reasons

    def as_dict(self) -> dict:
        return {
            "file": self.path.name,
            "format": self.fmt,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "message": self.message,
            "notes": self.notes,
            "seconds": self.seconds,
        }


class Stop(Exception):
    """A command went wrong in a way that ends the file's round trip (the outcome says how)."""


@dataclass
class Step:
    args: tuple
    code: int
    output: str
    traceback: str | None


class Session:
    """One file's round trip: a temp folder, a fresh memory in it, the commands run there."""

    def __init__(self, folder: Path, outcome: Outcome):
        from click.testing import CliRunner

        from tm.memory import open_memory

        self.folder, self.outcome = folder, outcome
        self.db = folder / "memory.db"
        open_memory(self.db).close()  # translate reads a memory and refuses a missing one
        self._runner = CliRunner()
        self._env = {
            "TM_DB": str(self.db),
            "TM_USER": "roundtrip",
            "ARGOS_PACKAGES_DIR": str(folder / "no-models"),
        }  # no MT: memory and glossary only

    def tm(self, *args) -> Step:
        from tm.cli import cli

        result = self._runner.invoke(cli, [str(a) for a in args], env=self._env)
        output = result.output.replace(f"{self.folder}/", "")  # the temp folder: the same in every run
        trace = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = f"{type(result.exception).__name__}: {result.exception}"
        elif "Traceback (most recent call last)" in output:
            trace = output.strip().splitlines()[-1]
        code = result.exit_code if trace is None else -1
        return Step(tuple(str(a).replace(f"{self.folder}/", "") for a in args), code, output, trace)

    def must(self, *args, ok=(0,)) -> Step:
        """A command that must succeed: anything else ends the round trip as ``ELSE``."""
        return self._succeeded(self.tm(*args), ok)

    def _succeeded(self, step: Step, ok) -> Step:
        if step.traceback:
            self.outcome.fail(f"tm {step.args[0]}: traceback ({step.traceback})")
            raise Stop
        if step.code not in ok:
            self.outcome.fail(f"tm {' '.join(step.args[:2])} exited {step.code}: {last_lines(step.output)}")
            raise Stop
        return step

    def first(self, *args, written: Path, ok=(0,)) -> Step:
        """The command that reads the file: a refusal here is ``REFUSED`` when it is clear
        (exit status 4, one error message, no traceback, nothing written, nothing stored)."""
        step = self.tm(*args)
        if step.traceback or step.code in ok:
            return self._succeeded(step, ok)
        errors = [line for line in step.output.splitlines() if line.startswith("Error:")]
        unclear = []
        if step.code != EXIT_REFUSED:
            unclear.append(f"exit status {step.code}, not {EXIT_REFUSED}")
        if len(errors) != 1:
            unclear.append(f"{len(errors)} error messages")
        if written.exists():
            unclear.append(f"{written.name} written")
        if self.stored():
            unclear.append(f"{self.stored()} stored")
        if unclear:
            self.outcome.fail(
                f"tm {args[0]} refused the file unclearly ({'; '.join(unclear)}): {last_lines(step.output)}"
            )
        else:
            self.outcome.verdict, self.outcome.message = REFUSED, errors[0]
        raise Stop

    def stored(self) -> str:
        """What the memory holds, in words ('' when nothing)."""
        from glossary.store import Termbase
        from tm.memory import open_memory

        with open_memory(self.db) as memory:
            units, entries = memory.count(), Termbase.of(memory).count()
        said = [f"{units} units" if units else "", f"{entries} glossary entries" if entries else ""]
        return ", ".join(s for s in said if s)


def last_lines(output: str, n: int = 2) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return " / ".join(lines[-n:]) or "(no output)"


# --- the reviewer's English -------------------------------------------------------------------

PLACEHOLDER = re.compile(r"⟦⟦|⟦/?\d+/?⟧")
# Variables of software strings and printf formats: kept in the English as written.
VARIABLE = re.compile(r"\{[^{}\s]*\}|%(?:\d+\$)?[-#0 +]*\d*(?:\.\d+)?[sdifuxXc@]|\$\{\w+\}")


class English:
    """Recognisable English: each stretch of Chinese becomes ``Eng<n>``, numbered over the whole
    run, so every one written can be looked for in the export."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.written: list[str] = []

    def word(self) -> str:
        word = f"Eng{next(self._numbers)}"
        self.written.append(word)
        return word

    def run(self, text: str) -> str:
        """A stretch of text between codes: Chinese becomes a marker; its whitespace at both
        ends and its variables stay."""
        if not has_cjk(text):
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :] if text.strip() else ""
        kept = "".join(f" {v}" for v in VARIABLE.findall(text))
        return f"{lead}{self.word()}{kept}{trail}"

    def row(self, source: str) -> str:
        """A row's Target: its placeholders where the Source has them, each Chinese stretch
        between them in English; a source without Chinese is its own translation."""
        out, pos = [], 0
        for m in PLACEHOLDER.finditer(source):
            out += [self.run(source[pos : m.start()]), m.group()]
            pos = m.end()
        out.append(self.run(source[pos:]))
        return "".join(out)


def sheet_rows(sheet: Path) -> list[tuple[str, str]]:
    """(ID, Source) of every row of a review sheet's Segments, as the sheet has them."""
    rows = load_workbook(sheet, read_only=True)["Segments"].iter_rows(values_only=True)
    header = list(next(rows))
    i, s = header.index("ID"), header.index("Source")
    return [(r[i], r[s] or "") for r in rows if r[i]]


def approve_all(sheet: Path, english: English) -> list[tuple[str, str]]:
    """Fill every row's Target with English and approve it, as a reviewer in Excel would."""
    rows = sheet_rows(sheet)
    set_cells(sheet, {rid: {"Target": english.row(src), "Status": "approved"} for rid, src in rows})
    return rows


def paragraphs(rows: list[tuple[str, str]]) -> list[str]:
    """The rows' sources joined per paragraph (``document:paragraph:sentence``), placeholders out."""
    joined: dict[str, str] = {}
    for rid, source in rows:
        key = rid.rsplit(":", 1)[0]
        joined[key] = joined.get(key, "") + PLACEHOLDER.sub("", source)
    return list(joined.values())


def coverage(blocks: list[str], rows: list[tuple[str, str]], limit: int = 3) -> list[str]:
    """Is every block of the file (its text, whitespace out) one row, and every row a block?
    A block whose rows are the sentences of one paragraph is named as split."""
    row_texts = Counter(squeeze(PLACEHOLDER.sub("", s)) for _, s in rows)
    missing = Counter(blocks) - row_texts
    extra = row_texts - Counter(blocks)
    split = []
    groups: dict[str, list[str]] = {}
    for rid, source in rows:
        groups.setdefault(rid.rsplit(":", 1)[0], []).append(squeeze(PLACEHOLDER.sub("", source)))
    for parts in groups.values():
        joined = "".join(parts)
        if len(parts) > 1 and missing[joined] > 0:
            missing[joined] -= 1
            extra -= Counter(parts)
            split.append(f"{len(parts)} rows")
    said = [f"a segment split into {n}" for n in split[:limit]]
    said += [f"not a row: {t[:30]!r}" for t in list(missing.elements())[:limit]]
    said += [f"a row that is no segment of the file: {t[:30]!r}" for t in list(extra.elements())[:limit]]
    more = len(split) + sum(missing.values()) + sum(extra.values()) - len(said)
    return said + ([f"… and {more} more segment/row mismatches"] if more > 0 else [])
