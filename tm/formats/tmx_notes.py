"""Reviewers' comments as TMX ``<note>``s: one note per comment in a unit's history, saying who,
when and where (``Comment by anna on 2026-12-02T19:42:52Z (confirmed, tm review r.xlsx r:1:1):
house style checked``), so a CAT tool shows them as they are and tm reads them back into the
history instead of the unit's own note."""

from __future__ import annotations

import re

_DONE = {
    "review": "corrected",
    "edit": "edited",
    "confirm": "confirmed",
    "reject": "rejected",
    "delete": "deleted",
}
_NOTE = re.compile(
    r"Comment by (?P<by>.*?) on (?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \((?P<where>.*?)\): (?P<comment>.*)",
    re.DOTALL,
)


def comment_note(event: dict) -> str:
    """The note of a history event with a comment. A comment read from a note keeps its words,
    so a round trip writes the same note again."""
    done = _DONE.get(event["action"])
    where = f"{done}, {event['reason']}" if done else event["reason"] or ""
    return f"Comment by {event['changed_by'] or '?'} on {event['changed_at']} ({where}): {event['comment']}"


def read_comment_note(text: str) -> dict | None:
    """The comment a note written by comment_note holds, as history event fields; None for any
    other note (the unit's own)."""
    found = _NOTE.fullmatch(text)
    if found is None:
        return None
    by = found["by"]
    return {
        "changed_by": None if by == "?" else by,
        "changed_at": found["at"],
        "reason": found["where"],
        "comment": found["comment"],
    }
