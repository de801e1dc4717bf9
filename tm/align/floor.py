"""Which aligned links are held back from `tm align --import` for a person to review: a link
whose confidence is under the floor, and a merged link that one of its sentences adds nothing to
(the same link less that sentence is as similar: what an omission in the translation leaves, a
sentence without counterpart merged into its neighbour's link).

Both constants were chosen together by leave-one-chapter-out cross-validation on MAC-Dev
(bench/align_floor.py): the pair that best tells wrong links from right ones (F1 of holding).
"""

from __future__ import annotations

from tm.align.aligner import Link

FLOOR = 0.33  # a link under this confidence is held
MIN_GAIN = 0.02  # a merged link must be at least this much more similar than its best part


def hold_reason(link: Link) -> str | None:
    """Why ``link`` is held back from import, or None. Links with an empty side are never
    imported, so never held."""
    if not link.zh or not link.en:
        return None
    if link.score < FLOOR:
        return f"confidence {link.score:.2f} under the floor {FLOOR}"
    if link.part and link.score - link.part < MIN_GAIN:
        return (
            f"one sentence less is as similar ({link.part:.2f} against {link.score:.2f}): "
            "a sentence without counterpart, merged in?"
        )
    return None


def held_links(links: list[Link]) -> dict[int, str]:
    """The links held back, by their index in ``links``, with the reason."""
    return {k: why for k, link in enumerate(links) if (why := hold_reason(link))}
