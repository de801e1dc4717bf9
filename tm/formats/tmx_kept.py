"""What a TMX from another tool holds beyond tm's fields, kept with the unit (Unit.tmx, JSON) and
written back on export: each side's inline codes (bpt/ept/it/ph/ut with what they hold, <sub>
text included, and <hi>), the props and notes of the <tu> and of its <tuv>s, their attributes,
and the <tuv>s of languages the unit does not hold.

The unit's source and target stay the plain text (what matching, the glossary and MT see); a
side's codes are written back only while its plain text is still the unit's, so a corrected
target is never given the codes of the text it replaced. In the memory's own notation a code is
a numbered placeholder, the same number on both sides for codes that correspond (by ``x``, else
by the pairing ``i``, else by place: the first <ph> of one side is the first of the other)."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

CODES = {"bpt", "ept", "it", "ph", "ut"}  # native code, kept whole (a <sub> inside included)
TU_FIELDS = {"creationdate", "creationid", "changedate", "changeid", "srclang"}  # tm's own columns


def start_tag(tag: str, attrs: dict[str, str], close: bool = False) -> str:
    return f"<{tag}{''.join(f' {k}={quoteattr(v)}' for k, v in attrs.items())}{'/' if close else ''}>"


def element(tag: str, attrs: dict[str, str], text: str) -> str:
    return f"{start_tag(tag, attrs)}{escape(text)}</{tag}>"


class Seg:
    """The content of one <seg> as pieces: text (a str) and codes ([kind, key, xml], kind open,
    close or empty), fed by the TMX reader's parser events."""

    def __init__(self) -> None:
        self.pieces: list = []
        self.his: list[list] = []  # the <hi>s open
        self.count: dict = {}

    def text(self, data: str) -> None:
        if self.pieces and isinstance(self.pieces[-1], str):
            self.pieces[-1] += data
        else:
            self.pieces.append(data)

    def code(self, tag: str, attrs: dict[str, str], xml: str) -> None:
        if tag in ("bpt", "ept") and "i" in attrs:
            self.pieces.append(["open" if tag == "bpt" else "close", ("i", attrs["i"]), xml, attrs.get("x")])
        else:
            self.pieces.append(["empty", self._key(attrs.get("x"), tag), xml, None])

    def open_hi(self, tag: str, attrs: dict[str, str]) -> None:
        piece = ["open", self._key(attrs.get("x"), tag), start_tag(tag, attrs), None]
        self.his.append(piece)
        self.pieces.append(piece)

    def close_hi(self, tag: str) -> None:
        self.pieces.append(["close", self.his.pop()[1], f"</{tag}>", None])

    def _key(self, x: str | None, tag: str) -> tuple:
        """What makes a code the same on both sides: its x, else its place (the n-th <ph>)."""
        if x is not None:
            return ("x", x)
        n = self.count[tag] = self.count.get(tag, 0) + 1
        return ("n", tag, n)

    def plain(self) -> str:
        return "".join(p for p in self.pieces if isinstance(p, str))

    def resolved(self) -> list:
        """The pieces with each bpt/ept pair known by its bpt's x (else its i); a bpt or ept
        whose partner is not in this <seg> stands alone."""
        opened = {p[1]: p for p in self.pieces if not isinstance(p, str) and p[0] == "open"}
        closed = {p[1] for p in self.pieces if not isinstance(p, str) and p[0] == "close"}
        out = []
        for at, p in enumerate(self.pieces):
            if isinstance(p, str):
                out.append(p)
                continue
            kind, key, xml, x = p
            if kind != "empty" and key[0] == "i" and (key not in opened or key not in closed):
                kind, key = "empty", ("x", x) if x is not None else ("alone", id(self), at)
            elif key[0] == "i" and opened[key][3] is not None:
                key = ("x", opened[key][3])
            out.append([kind, key, xml])
        return out


def number(source: list, target: list) -> tuple[list, list]:
    """Both sides' pieces with each code as [kind, n, xml]: the source's numbered in order, a
    target code that corresponds to one of them given its number, the others numbers after."""
    numbers: dict[tuple, int] = {}
    for side in (source, target):
        for p in side:
            if not isinstance(p, str):
                numbers.setdefault((p[0] == "empty", p[1]), len(numbers) + 1)
    return tuple(
        [p if isinstance(p, str) else [p[0], numbers[(p[0] == "empty", p[1])], p[2]] for p in side]
        for side in (source, target)
    )


def has_codes(pieces: list) -> bool:
    return any(not isinstance(p, str) for p in pieces)


def plain(pieces: list) -> str:
    return "".join(p for p in pieces if isinstance(p, str))


def seg_xml(pieces: list) -> str:
    """The <seg> content as the file had it: codes as written, text escaped."""
    return "".join(escape(p) if isinstance(p, str) else p[2] for p in pieces)


def dumps(kept: dict) -> str | None:
    """Unit.tmx of what a <tu> held beyond tm's fields; None when it held nothing more."""
    kept = {k: v for k, v in kept.items() if v}
    for side in ("source", "target"):
        if side in kept:
            kept[side] = {k: v for k, v in kept[side].items() if v}
            if not kept[side]:
                del kept[side]
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def loads(text: str | None) -> dict:
    return json.loads(text) if text else {}
