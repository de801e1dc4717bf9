"""Deterministic Chinese–English material for benchmarks, from what this machine carries.

Base pairs: the zh_CN gettext catalogs installed by Debian packages (human-translated UI
strings), the HSK sentences of `hsk-sentences-audio` when installed, and the seed document's
sentences. Memories of any size are recombined and mutated from them with a seeded RNG.
"""

from __future__ import annotations

import gettext
import glob
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MARKUP = re.compile(r"%[-#0-9.]*[sdifuxXlc]|\{[^}]*\}|<[^>]*>|&\w+;|_")


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def gettext_pairs() -> list[tuple[str, str]]:
    pairs = []
    for mo in sorted(glob.glob("/usr/share/locale/zh_CN/LC_MESSAGES/*.mo")):
        try:
            with open(mo, "rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
        except Exception:  # a broken catalog is skipped, the rest still counts
            continue
        for msgid, msgstr in catalog.items():
            if not isinstance(msgid, str) or not isinstance(msgstr, str):
                continue
            zh, en = _clean(msgstr), _clean(msgid.split("\x04")[-1])
            if len(_HAN.findall(zh)) >= 4 and en and len(zh) <= 120:
                pairs.append((zh, en))
    return pairs


def hsk_pairs() -> list[tuple[str, str]]:
    try:
        import hsk_sentences_audio as hsk
    except ImportError:
        return []
    out = []
    for s in hsk.iter_sentences():
        zh, en = s.get("chinese"), (s.get("translation") or {}).get("en")
        if zh and en:
            out.append((zh, en))
    return out


def seed_pairs() -> list[tuple[str, str]]:
    from tm.text.segment import segment_text

    text = (ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt").read_text("utf-8")
    return [(s.clean, f"seed sentence {s.id}") for s in segment_text(text, "seed")]


def base_pairs() -> list[tuple[str, str]]:
    """All distinct base pairs, in a fixed order."""
    seen, out = set(), []
    for pair in gettext_pairs() + hsk_pairs() + seed_pairs():
        if pair[0] not in seen:
            seen.add(pair[0])
            out.append(pair)
    return out


def mutate(rng: random.Random, text: str, alphabet: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        i = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.5 and i < len(chars):
            chars[i] = rng.choice(alphabet)
        elif op < 0.8 or len(chars) < 3:
            chars.insert(i, rng.choice(alphabet))
        elif i < len(chars):
            del chars[i]
    return "".join(chars)


def memory_units(rng: random.Random, base: list[tuple[str, str]], n: int, alphabet: str):
    """n (source, target) pairs: originals, mutated originals and mutated two-part combinations."""
    for i in range(n):
        kind = rng.random()
        zh, en = rng.choice(base)
        if kind < 0.05:
            yield zh, en
        elif kind < 0.5:
            yield mutate(rng, zh, alphabet, rng.randint(1, 3)), f"{en} [{i}]"
        else:
            zh2, en2 = rng.choice(base)
            joined = zh.rstrip("。.") + "，" + zh2
            yield mutate(rng, joined, alphabet, rng.randint(0, 3)), f"{en} {en2} [{i}]"
