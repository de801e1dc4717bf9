"""A memory unit's inline codes (kept from the TMX it came from, tm.formats.tmx_kept) placed in
a segment's target as the segment's own placeholders: the unit's target with codes, when the
unit's source codes and the segment's placeholders agree one for one, in order and kind."""

from __future__ import annotations

from tm.formats.inline import closing, escape, opening, standalone, tokens
from tm.formats.tmx_kept import loads, plain

_SPELL = {"open": opening, "close": closing, "empty": standalone}


def target_with_codes(source: str, unit) -> str | None:
    """``unit``'s target with its codes numbered as the placeholders of ``source`` (a segment's
    text); None when the unit holds no codes, or they do not answer to the segment's."""
    kept = loads(unit.tmx)
    unit_source = kept.get("source", {}).get("seg") or []
    unit_target = kept.get("target", {}).get("seg") or []
    if not unit_source or plain(unit_source) != unit.source or plain(unit_target) != unit.target:
        return None  # no codes, or a text changed since they were read
    mine = [(kind, n) for kind, n in tokens(source) if kind != "text"]
    theirs = [(p[0], p[1]) for p in unit_source if not isinstance(p, str)]
    if [kind for kind, _ in mine] != [kind for kind, _ in theirs]:
        return None
    numbers: dict[int, int] = {}
    for (_, n), (_, m) in zip(mine, theirs):
        if numbers.setdefault(m, n) != n:
            return None
    if any(not isinstance(p, str) and p[1] not in numbers for p in unit_target):
        return None  # a code only the target has: the segment has no placeholder for it
    return "".join(escape(p) if isinstance(p, str) else _SPELL[p[0]](numbers[p[1]]) for p in unit_target)
