"""The status markers CAT tools keep beside XLIFF's own state, set where tm fills a segment so the
tool shows it as translated: Trados's confirmation level per segment (``sdl:seg conf`` in
``sdl:seg-defs``), memoQ's ``mq:status`` and Phrase's ``m:confirmed`` per unit. A marker past
"translated" (approved, signed off, proofread) counts as XLIFF's settled states do: a segment
written back unchanged keeps it."""

from __future__ import annotations

SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"
PHRASE = "http://www.memsource.com/mxlf/2.0"
# (attribute, what tm sets, the values past it)
SDL_CONF = ("conf", "Translated", {"ApprovedTranslation", "ApprovedSignOff"})
UNIT_MARKERS = {
    MQ: (f"{{{MQ}}}status", "ManuallyConfirmed", {"Proofread", "Reviewer1Confirmed", "Reviewer2Confirmed"}),
    PHRASE: (f"{{{PHRASE}}}confirmed", "1", set()),
}


def _markers(unit) -> list[tuple]:
    namespaces = set(unit.nsmap.values())
    return [marker for ns, marker in UNIT_MARKERS.items() if ns in namespaces]


def unit_settled(unit) -> bool:
    """memoQ or Phrase says the unit is past "translated"."""
    return any(unit.get(name) in settled for name, _, settled in _markers(unit))


def mark_unit(unit) -> None:
    """memoQ's and Phrase's marker of a unit (one segment) tm filled, where the file has them."""
    for name, value, _ in _markers(unit):
        unit.set(name, value)


def _sdl_seg(unit, mid: str, make: bool):
    from lxml import etree

    if SDL not in unit.nsmap.values():
        return None
    defs = unit.find(f"{{{SDL}}}seg-defs")
    if defs is None and make:
        defs = etree.SubElement(unit, f"{{{SDL}}}seg-defs")
    segs = defs.iterfind(f"{{{SDL}}}seg") if defs is not None else ()
    seg = next((s for s in segs if s.get("id") == mid), None)
    if seg is None and make:
        seg = etree.SubElement(defs, f"{{{SDL}}}seg", id=mid)
    return seg


def segment_settled(unit, mid: str) -> bool:
    """Trados says segment ``mid`` of the unit is approved or signed off."""
    seg = _sdl_seg(unit, mid, make=False)
    return seg is not None and seg.get(SDL_CONF[0]) in SDL_CONF[2]


def mark_segment(unit, mid: str) -> None:
    """Trados's confirmation level of segment ``mid`` tm filled: its <sdl:seg>, made (with
    <sdl:seg-defs>) where the unit had none, in a Trados file."""
    seg = _sdl_seg(unit, mid, make=True)
    if seg is not None:
        seg.set(SDL_CONF[0], SDL_CONF[1])
