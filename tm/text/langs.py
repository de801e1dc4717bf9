"""BCP-47 language tags as translators write them (zh_CN, ZH-hant, en-us)."""

from __future__ import annotations

import re
from functools import lru_cache

from tm.errors import UserError

_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


@lru_cache(maxsize=1024)
def normalize_lang(tag: str) -> str:
    """Canonical casing: zh-Hans, zh-Hant, zh-CN, zh-TW, en-US; underscores become hyphens."""
    tag = tag.strip()
    if not _TAG_RE.match(tag):
        raise UserError(f"not a language tag: {tag!r} (expected e.g. zh-Hant, zh-CN, en)")
    parts = re.split(r"[-_]", tag)
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script subtag
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())  # region subtag
        else:
            out.append(part.lower())
    return "-".join(out)


@lru_cache(maxsize=1024)
def family(tag: str) -> str:
    """The primary language: 'zh' for zh-Hant, zh-CN, cmn…; lookups match within a family."""
    primary = re.split(r"[-_]", tag.strip())[0].lower()
    return "zh" if primary in ("zh", "cmn", "yue", "wuu", "lzh") else primary


@lru_cache(maxsize=1)
def _script_characters() -> tuple[re.Pattern, re.Pattern]:
    """(traditional-only, simplified-only) characters of the CJK block, as OpenCC converts them one
    by one, each as a character class: telling the script of every stored unit costs a regex scan."""
    import opencc

    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)  # one character a line: no phrase conversion across them
    to_simplified = opencc.OpenCC("t2s").convert(joined).split("\n")
    to_traditional = opencc.OpenCC("s2t").convert(joined).split("\n")
    traditional = frozenset(c for c, s in zip(chars, to_simplified) if s != c)
    simplified = frozenset(c for c, t in zip(chars, to_traditional) if t != c)
    return (
        re.compile("[" + "".join(sorted(traditional - simplified)) + "]"),
        re.compile("[" + "".join(sorted(simplified - traditional)) + "]"),
    )


def chinese_script(text: str) -> str | None:
    """'Hant' or 'Hans': the script most of the text's script-specific characters belong to
    (a traditional release converted by machine keeps some simplified leftovers); None when it
    has none, or about as many of each."""
    traditional_only, simplified_only = _script_characters()
    traditional, simplified = len(traditional_only.findall(text)), len(simplified_only.findall(text))
    if traditional > 2 * simplified:
        return "Hant"
    if simplified > 2 * traditional:
        return "Hans"
    return None


def with_script(tag: str, text: str) -> str:
    """A bare Chinese tag ('zh', as a file or a default says when it says nothing of the script)
    made precise from the text itself: zh-Hant or zh-Hans. Any other tag is what it says."""
    if tag.strip().lower() != "zh":
        return tag
    script = chinese_script(text)
    return f"zh-{script}" if script else tag


@lru_cache(maxsize=1024)
def identity_lang(tag: str) -> str:
    """The tag a unit's identity takes: without the script subtag, so one pair stays one unit
    whether its script was declared, detected or not known (zh-Hant-TW → zh-TW)."""
    return "-".join(p for p in re.split(r"[-_]", tag.strip()) if p.lower() not in ("hans", "hant"))


_CHINESE_SUFFIX_RE = re.compile(r"\.(?:zh|cmn|chi|zho)(?:[-_][A-Za-z0-9]{2,8})*$", re.IGNORECASE)


def document_name(path) -> str:
    """A release's document name: its file name without the extension and without a Chinese
    language tag before it (release.zh-Hant.txt is the document `release`, as its English
    release.en.txt and a memory's TMX name it)."""
    from pathlib import Path

    stem = Path(path).stem
    return _CHINESE_SUFFIX_RE.sub("", stem) or stem
