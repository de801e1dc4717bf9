"""Which text of a Word document is not for translation, as CAT tools decide it.

- Hidden text (``w:vanish``, Word's Hidden font effect), set on the run, its character style or
  its paragraph style (through ``basedOn``; the first explicit setting wins): Word neither shows
  nor prints it, and Okapi's Word filter leaves it out by default.
- Text in a style named for it: ``tw4winExternal`` and ``tw4winInternal`` (Trados' and Wordfast's
  styles, which Trados Studio and memoQ still honour), ``DO_NOT_TRANSLATE``,
  ``DONOTTRANSLATE_char``/``_para`` (GlobalSight), ``Do Not Translate``, ``NoTrans``: the name is
  compared without case, spaces, ``-`` or ``_``; a style based on one is one too.

``w:noProof`` ("do not check spelling or grammar") does not mark text as not for translation: Word
sets it on names, codes and whole pasted passages alike."""

from __future__ import annotations

import re

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOT_FOR_TRANSLATION = {"tw4winexternal", "tw4wininternal", "donottranslate", "donottranslatechar"}
NOT_FOR_TRANSLATION |= {"donottranslatepara", "notranslate", "notrans"}
_FALSE = {"0", "false", "off"}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def _hidden(rpr) -> bool | None:
    """What a run-property element says of hidden text: True, False or nothing."""
    vanish = rpr.find(q("vanish")) if rpr is not None else None
    if vanish is None:
        return None
    return (vanish.get(q("val")) or "true").lower() not in _FALSE


class Protection:
    """Reads styles.xml once; says which paragraphs and runs are not for translation."""

    def __init__(self, styles_root):
        self.styles: dict[str, tuple[str, str | None, object]] = {}  # id: (name, basedOn, rPr)
        self.default_paragraph: str | None = None
        if styles_root is None:
            return
        for style in styles_root.iter(q("style")):
            style_id = style.get(q("styleId")) or ""
            name = style.find(q("name"))
            based = style.find(q("basedOn"))
            self.styles[style_id] = (
                name.get(q("val")) if name is not None else style_id,
                based.get(q("val")) if based is not None else None,
                style.find(q("rPr")),
            )
            if style.get(q("type")) == "paragraph" and style.get(q("default")) in ("1", "true", "on"):
                self.default_paragraph = style_id

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id][1]

    def _named(self, style_id: str | None) -> bool:
        return any(_normal(name) in NOT_FOR_TRANSLATION for name, _, _ in self._chain(style_id))

    def _style_hidden(self, style_id: str | None) -> bool | None:
        for _, _, rpr in self._chain(style_id):
            if (said := _hidden(rpr)) is not None:
                return said
        return None

    def paragraph_style(self, p) -> str | None:
        style = p.find(f"{q('pPr')}/{q('pStyle')}")
        return style.get(q("val")) if style is not None else self.default_paragraph

    def paragraph_excluded(self, p) -> bool:
        """The paragraph's style says not for translation: none of its text is read."""
        return self._named(self.paragraph_style(p))

    def run_excluded(self, r, paragraph_style: str | None) -> bool:
        """The run is hidden, or in a style not for translation: it is kept whole, unread."""
        rpr = r.find(q("rPr"))
        style = rpr.find(q("rStyle")) if rpr is not None else None
        run_style = style.get(q("val")) if style is not None else None
        if self._named(run_style):
            return True
        for said in (_hidden(rpr), self._style_hidden(run_style), self._style_hidden(paragraph_style)):
            if said is not None:
                return said
        return False


def _normal(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name or "").lower()
