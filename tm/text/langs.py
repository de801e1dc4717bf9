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
