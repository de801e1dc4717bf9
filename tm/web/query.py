"""Requests' parameters read strictly: a query that is not UTF-8, holds a NUL or another control
character, or is longer than a paragraph is refused with the reason, never searched for as
something else (a U+FFFD in place of a bad byte would answer "no match" for a different text)."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote_to_bytes

MAX_QUERY_CHARS = 1000  # a long paragraph; more is a document, which `tm translate` is for
MAX_ID = 2**63 - 1  # SQLite's largest integer: a longer id names nothing
_ALLOWED_CONTROLS = "\t\n\r"


class BadRequest(ValueError):
    """A request the page answers with 400 and this message."""


def parse_query_string(raw: bytes) -> dict[str, str]:
    """The parameters of a raw query string, each decoded as UTF-8 with no replacement; the
    first of repeated names wins."""
    params: dict[str, str] = {}
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            key = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            text = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the query is not valid UTF-8 (a page or a plug-in sent bad bytes)") from None
        params.setdefault(key, text)
    return params


def text_param(params: dict[str, str], name: str) -> str | None:
    """A text parameter, checked; None when absent."""
    text = params.get(name)
    if text is None:
        return None
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"{name}: {len(text):,} characters is too long to look up (at most {MAX_QUERY_CHARS:,}; "
            "for a whole document use `tm translate`)"
        )
    for char in text:
        if char == "\0":
            raise BadRequest(f"{name}: holds a NUL byte")
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            raise BadRequest(f"{name}: holds the control character U+{ord(char):04X}")
    return text


def int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{name}: give a whole number from {low} to {high}")
    return int(value)
