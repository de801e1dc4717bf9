"""Sentence-alignment scores: strict and lax precision, recall and F1 (Sennrich & Volk 2010, as
vecalign's score.py counts them). Independent of the aligner: it reads `.align` files only.

A link is (zh ids, en ids). Precision runs over predicted links (empty on both sides ignored):
a strict hit equals a gold link; a lax hit shares a Chinese and an English sentence with one
gold link. Recall is the same test with the roles swapped, over gold links with both sides
non-empty, against predicted links with both sides non-empty. Counts add up over files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tm.errors import UserError

Link = tuple[tuple[int, ...], tuple[int, ...]]
_LINE_RE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_align(text: str, name: str = "alignment") -> list[Link]:
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise UserError(f"{name}: line {number}: expected [zh ids]:[en ids], got {line.strip()!r}")
        links.append(
            tuple(tuple(int(x) for x in side.replace(" ", "").split(",") if x) for side in match.groups())
        )
    return links


def format_align(links: list[Link]) -> str:
    return "".join(f"[{','.join(map(str, z))}]:[{','.join(map(str, e))}]\n" for z, e in links)


def _hits(test: list[Link], gold: list[Link]) -> tuple[int, int, int]:
    """(links tested, strict hits, lax hits) of test links against gold links."""
    gold_set = set(gold)
    gold_pairs = {(z, e) for zs, es in gold for z in zs for e in es}
    total = strict = lax = 0
    for zs, es in test:
        if not zs and not es:
            continue
        total += 1
        if (zs, es) in gold_set:
            strict += 1
            lax += 1
        elif any((z, e) in gold_pairs for z in zs for e in es):
            lax += 1
    return total, strict, lax


@dataclass
class AlignScore:
    predicted: int = 0
    strict_p_hits: int = 0
    lax_p_hits: int = 0
    gold: int = 0
    strict_r_hits: int = 0
    lax_r_hits: int = 0

    def add(self, gold: list[Link], pred: list[Link]) -> None:
        total, strict, lax = _hits(pred, gold)
        self.predicted += total
        self.strict_p_hits += strict
        self.lax_p_hits += lax
        both = lambda links: [(z, e) for z, e in links if z and e]  # noqa: E731
        total, strict, lax = _hits(both(gold), both(pred))
        self.gold += total
        self.strict_r_hits += strict
        self.lax_r_hits += lax

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def table(self) -> dict[str, float]:
        sp = self.strict_p_hits / self.predicted if self.predicted else 0.0
        sr = self.strict_r_hits / self.gold if self.gold else 0.0
        lp = self.lax_p_hits / self.predicted if self.predicted else 0.0
        lr = self.lax_r_hits / self.gold if self.gold else 0.0
        return {
            "strict_precision": sp,
            "strict_recall": sr,
            "strict_f1": self._f1(sp, sr),
            "lax_precision": lp,
            "lax_recall": lr,
            "lax_f1": self._f1(lp, lr),
        }


def score_dirs(gold_dir: Path, pred_dir: Path) -> tuple[AlignScore, list[str]]:
    """Scores summed over every gold file that has a prediction of the same name."""
    score, names = AlignScore(), []
    for gold_file in sorted(Path(gold_dir).glob("*.align")):
        pred_file = Path(pred_dir) / gold_file.name
        if not pred_file.exists():
            raise UserError(f"{pred_file}: missing (the gold directory has {gold_file.name})")
        score.add(
            parse_align(gold_file.read_text(encoding="utf-8"), str(gold_file)),
            parse_align(pred_file.read_text(encoding="utf-8"), str(pred_file)),
        )
        names.append(gold_file.name)
    if not names:
        raise UserError(f"{gold_dir}: no .align files")
    return score, names
