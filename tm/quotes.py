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
# Curly opening marks always open. A straight mark opens at the start of the sentence or after a
# space, bracket or dash, when a word follows it.
_ENGLISH_OPEN = re.compile(r"[“‘]|(?:^|(?<=[\s(\[—–-]))[\"'](?=\S)")
# ” always closes. ’ and the straight marks close after a word and before a space, punctuation or
# the end: an apostrophe inside a word (don’t, ma'am) is neither.
_ENGLISH_CLOSE = re.compile(r"”|(?<=\S)[’\"'](?=$|[\s)\].,;:!?—–-])")


def chinese_balance(sentence: str) -> int:
    """Opening minus closing quotation marks of a Chinese sentence (curly and corner marks;
    straight marks in Chinese text carry no direction and are not counted)."""
    return len(_CHINESE_OPEN.findall(sentence)) - len(_CHINESE_CLOSE.findall(sentence))


def english_balance(sentence: str) -> int:
    """Opening minus closing quotation marks of an English sentence, curly or straight."""
    sentence = sentence.strip()
    return len(_ENGLISH_OPEN.findall(sentence)) - len(_ENGLISH_CLOSE.findall(sentence))
