"""Word-alignment files and their scores: pre-tokenised parallel files (one sentence a line,
tokens separated by spaces), link lines (`i-j` sure, `i-j-P` possible; Chinese token i, English
token j, 0-based), and precision, recall, AER (Och & Ney 2003) and phrase-pair F1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tm.errors import UserError

Links = set[tuple[int, int]]
MAX_PHRASE = 5  # tokens a side, as phrase tables are usually extracted


def read_tokens(path: str | Path, encoding: str = "utf-8") -> list[list[str]]:
    from tm.text.files import read_text

    return [line.split() for line in read_text(str(path), encoding).splitlines()]


def read_parallel(zh_path, en_path, encoding: str = "utf-8") -> list[tuple[list[str], list[str]]]:
    """The sentence pairs of two token files, refused when their line counts differ or a line
    is empty on one side only (the files are then not parallel)."""
    zh, en = read_tokens(zh_path, encoding), read_tokens(en_path, encoding)
    if len(zh) != len(en):
        raise UserError(f"{zh_path} has {len(zh)} lines but {en_path} has {len(en)}: not parallel files")
    for n, (z, e) in enumerate(zip(zh, en), 1):
        if bool(z) != bool(e):
            raise UserError(f"line {n} is empty in {zh_path if not z else en_path} only: not parallel files")
    return list(zip(zh, en))


def parse_links(line: str, zh_len: int, en_len: int, where: str) -> tuple[Links, Links]:
    """(sure, possible ⊇ sure) of one link line; a malformed link or an index outside the
    pair's tokens is refused, naming the line."""
    sure, possible = set(), set()
    for item in line.split():
        parts = item.split("-")
        if (
            len(parts) not in (2, 3)
            or not all(p.isdigit() for p in parts[:2])
            or parts[2:] not in ([], ["P"])
        ):
            raise UserError(f"{where}: {item!r} is not a link (i-j, or i-j-P for a possible one)")
        i, j = int(parts[0]), int(parts[1])
        if i >= zh_len or j >= en_len:
            raise UserError(
                f"{where}: link {item} is outside the pair ({zh_len} Chinese and {en_len} English tokens)"
            )
        possible.add((i, j))
        if len(parts) == 2:
            sure.add((i, j))
    return sure, possible


def read_gold(path, pairs, encoding: str = "utf-8") -> list[tuple[Links, Links]]:
    from tm.text.files import read_text

    lines = read_text(str(path), encoding).splitlines()
    if len(lines) != len(pairs):
        raise UserError(f"{path} has {len(lines)} lines but the parallel files have {len(pairs)}")
    return [
        parse_links(line, len(z), len(e), f"{path}, line {n}")
        for n, (line, (z, e)) in enumerate(zip(lines, pairs), 1)
    ]


def format_links(links: Links) -> str:
    return " ".join(f"{i}-{j}" for i, j in sorted(links))


def phrase_pairs(
    links: Links, zh_len: int, en_len: int, limit: int = MAX_PHRASE
) -> set[tuple[int, int, int, int]]:
    """Phrase pairs (zh start, zh end, en start, en end; ends inclusive) consistent with the
    links: each holds a link and no link leaves it. Tight: unaligned edge words are not added."""
    by_zh: dict[int, list[int]] = {}
    for i, j in links:
        by_zh.setdefault(i, []).append(j)
    by_en: dict[int, list[int]] = {}
    for i, j in links:
        by_en.setdefault(j, []).append(i)
    out = set()
    for i1 in filter(by_zh.__contains__, range(zh_len)):
        lo, hi = en_len, -1
        for i2 in range(i1, min(zh_len, i1 + limit)):
            if i2 not in by_zh:
                continue  # tight: a phrase ends on a linked word
            lo, hi = min(lo, *by_zh[i2]), max(hi, *by_zh[i2])
            if hi - lo >= limit:
                break
            if all(i1 <= i <= i2 for j in range(lo, hi + 1) for i in by_en.get(j, ())):
                out.add((i1, i2, lo, hi))
    return out


@dataclass
class Score:
    """Counts summed over pairs, so the ratios weigh every link alike. The gold's phrase pairs are
    those of all its links, possible ones too (a link an annotator allowed belongs to a phrase)."""

    predicted: int = 0
    sure: int = 0
    hit_sure: int = 0
    hit_possible: int = 0
    phrases_pred: int = 0
    phrases_gold: int = 0
    phrases_hit: int = 0

    def add(self, predicted: Links, sure: Links, possible: Links, zh_len: int, en_len: int) -> None:
        self.predicted += len(predicted)
        self.sure += len(sure)
        self.hit_sure += len(predicted & sure)
        self.hit_possible += len(predicted & possible)
        mine, gold = phrase_pairs(predicted, zh_len, en_len), phrase_pairs(possible, zh_len, en_len)
        self.phrases_pred += len(mine)
        self.phrases_gold += len(gold)
        self.phrases_hit += len(mine & gold)

    def table(self) -> dict[str, float]:
        p = self.hit_possible / self.predicted if self.predicted else 0.0
        r = self.hit_sure / self.sure if self.sure else 0.0
        denominator = self.predicted + self.sure
        aer = 1 - (self.hit_sure + self.hit_possible) / denominator if denominator else 0.0
        pp = self.phrases_hit / self.phrases_pred if self.phrases_pred else 0.0
        pr = self.phrases_hit / self.phrases_gold if self.phrases_gold else 0.0
        f1 = 2 * pp * pr / (pp + pr) if pp + pr else 0.0
        return {"precision": p, "recall": r, "aer": aer, "phrase_f1": f1, "links": self.predicted}


def score(predicted: list[Links], gold: list[tuple[Links, Links]], pairs) -> Score:
    total = Score()
    for links, (sure, possible), (z, e) in zip(predicted, gold, pairs):
        total.add(links, sure, possible, len(z), len(e))
    return total
