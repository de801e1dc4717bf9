"""Quotation marks left open or closed by a sentence: a quotation that runs over several
sentences opens in one and closes in a later one, on both sides of a translation, so a link
whose two sides leave different quotations open has probably cut the speech in the wrong
place: 他说：“我们会继续合作。 / 明年再谈。” against "We will keep working together. /
We will talk again next year," he said.

The balance of a sentence is its opening marks minus its closing marks."""

from __future__ import annotations

import re

_CHINESE_OPEN = re.compile(r"[“‘「『]")
_CHINESE_CLOSE = re.compile(r"[”’」』]")
_STRAIGHT_DOUBLE = re.compile(r"[\"＂]")
# Curly opening marks always open. A straight mark opens at the start of the sentence or after a
# space, bracket or dash, when a word follows it.
_ENGLISH_OPEN = re.compile(r"[“‘]|(?:^|(?<=[\s(\[—–-]))[\"'](?=\S)")
# ” always closes. ’ and the straight marks close after a word and before a space, punctuation or
# the end: an apostrophe inside a word (don’t, ma'am) is neither.
_ENGLISH_CLOSE = re.compile(r"”|(?<=\S)[’\"'](?=$|[\s)\].,;:!?—–-])")


def chinese_balances(sentences: list[str]) -> list[int]:
    """The balance of each sentence of a Chinese document. Curly and corner marks say which way
    they face; straight double marks (half- or full-width, as converted text often has) do not,
    and Chinese puts no spaces around them, so they are taken as alternating through the
    document, opening first."""
    out, inside = [], False
    for sentence in sentences:
        balance = len(_CHINESE_OPEN.findall(sentence)) - len(_CHINESE_CLOSE.findall(sentence))
        for _ in _STRAIGHT_DOUBLE.finditer(sentence):
            balance += -1 if inside else 1
            inside = not inside
        out.append(balance)
    return out


def english_balances(sentences: list[str]) -> list[int]:
    """The balance of each sentence of an English document, curly or straight marks."""
    return [len(_ENGLISH_OPEN.findall(s.strip())) - len(_ENGLISH_CLOSE.findall(s.strip())) for s in sentences]
