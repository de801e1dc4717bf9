"""Inline formatting inside a sentence as numbered placeholders: ``⟦1⟧`` … ``⟦/1⟧`` around a bold
run, a link or an italic phrase, ``⟦2/⟧`` for a line break, an image or a footnote reference.
A segment's text carries them so the translator can place them in the target; matching keys and
MT never see them (``plain``), and the document writers turn them back into runs and tags.

The brackets (U+27E6, U+27E7) are not braces because software strings carry their own ``{0}``
and ``{count, plural, …}``: text in braces is text. A literal ``⟦`` in a text is written ``⟦⟦``
(``escape``), so no text can be taken for a placeholder. Sheets and batches written before this
notation said ``{1}`` (``from_legacy`` reads them; ``legacy`` gives a text in that form).

The element-tree half (``extract``/``rebuild``) serves HTML and XLIFF, whose inline markup is
nested elements; Word's flat runs are handled in tm.formats.docx with the same placeholders."""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
# ⟦⟦ is a literal ⟦; else ⟦n⟧ opens, ⟦/n⟧ closes, ⟦n/⟧ stands alone. A ⟦ that is neither is text.
_TOKEN_RE = re.compile(f"{OPEN}{OPEN}|{OPEN}(/?)(\\d+)(/?){CLOSE}")
# The notation before ⟦⟧: what tm wrote (numbers from 1), so {0} and {/1/} were always text.
_LEGACY_RE = re.compile(r"\{(?:/([1-9]\d*)|([1-9]\d*)/|([1-9]\d*))\}")
_BREAK_RE = re.compile(r"(\r?\n[ \t]*)")


@dataclass
class Tag:
    """What a placeholder stands for: the element(s) it was made from."""

    paired: bool
    element: object = None  # an lxml element (for a paired tag: only its name and attributes count)
    extra: dict = field(default_factory=dict)  # format-specific (Word: the run properties, the link)


def opening(n: int) -> str:
    return f"{OPEN}{n}{CLOSE}"


def closing(n: int) -> str:
    return f"{OPEN}/{n}{CLOSE}"


def standalone(n: int) -> str:
    return f"{OPEN}{n}/{CLOSE}"


def escape(text: str) -> str:
    """Plain text (a document's, the memory's, MT's) as placeholder text: nothing in it a tag."""
    return text.replace(OPEN, OPEN + OPEN)


def plain(text: str) -> str:
    """The text without placeholders: what matching keys, the glossary, MT and the memory see."""
    if OPEN not in text:
        return text
    return "".join(value for kind, value in tokens(text) if kind == "text")


def has_tags(text: str) -> bool:
    return any(kind != "text" for kind, _ in tokens(text)) if OPEN in text else False


def _spelled(kind: str, n: int) -> str:
    return {"open": opening, "close": closing, "empty": standalone}[kind](n)


def tags_of(text: str) -> Counter:
    """The multiset of placeholders in a text (``⟦1⟧``, ``⟦/1⟧``, ``⟦2/⟧``)."""
    return Counter(_spelled(kind, n) for kind, n in tokens(text) if kind != "text")


def broken_placeholder(source: str, target: str) -> str | None:
    """A mistyped placeholder in ``target`` (``⟧/1⟧``, ``⟦/1]``, ``⟦1``): a bracket that is
    neither in a placeholder nor in the source's text. Written, it would be published as text."""
    brackets = lambda text: sum(plain(text).count(c) for c in (OPEN, CLOSE))  # noqa: E731
    if OPEN not in target and CLOSE not in target or brackets(target) <= brackets(source):
        return None
    shown = _MISTYPED_RE.search("".join(v for k, v in tokens(target) if k == "text"))
    typed = shown.group() if shown else OPEN
    return f"placeholder mistyped: “{typed}” is no placeholder (type ⟦n⟧, ⟦/n⟧ or ⟦n/⟧)"


_MISTYPED_RE = re.compile(f"[{OPEN}{CLOSE}]/?\\d*/?[{OPEN}{CLOSE}\\]]?")


def placeholder_issue(source: str, target: str) -> str | None:
    """A QA finding when a non-empty target's placeholders differ from the source's, or one is
    mistyped."""
    if not target.strip():
        return None
    if mistyped := broken_placeholder(source, target):
        return mistyped
    want, have = tags_of(source), tags_of(target)
    if want == have and not misnested(target):
        return None
    missing = sorted((want - have).elements())
    extra = sorted((have - want).elements())
    parts = [f"missing {' '.join(missing)}"] if missing else []
    parts += [f"extra {' '.join(extra)}"] if extra else []
    if nesting := misnested(target):
        parts.append(nesting)
    return "placeholders: " + ", ".join(parts) if parts else None


def misnested(text: str) -> str | None:
    """What is wrong with the order of a text's pairs: one closed before it is opened, two that
    cross, or one never closed (the writers cannot make markup of them); None when well formed."""
    stack: list[int] = []
    for kind, n in tokens(text):
        if kind == "open":
            stack.append(n)
        elif kind == "close":
            if n not in stack:
                return f"{closing(n)} comes before {opening(n)}"
            if stack[-1] != n:
                return f"{opening(stack[-1])} and {opening(n)} cross"
            stack.pop()
    return f"{opening(stack[-1])} is never closed" if stack else None


def tokens(text: str):
    """("text", str) | ("open", n) | ("close", n) | ("empty", n), in order; text unescaped, and
    consecutive text in one piece."""
    pos, pending = 0, ""
    for m in _TOKEN_RE.finditer(text):
        pending += text[pos : m.start()]
        pos = m.end()
        if m.group(2) is None:  # ⟦⟦
            pending += OPEN
            continue
        if pending:
            yield "text", pending
            pending = ""
        n = int(m.group(2))
        yield ("close" if m.group(1) else "empty" if m.group(3) else "open"), n
    pending += text[pos:]
    if pending:
        yield "text", pending


def source_spacing(source: str, target: str) -> str:
    """``target`` with the source's white space beside each placeholder wherever both have white
    space there: in markup it is the page's layout (a line break and indentation before an inline
    element, after a <br>), not the translator's, who sees it as one space."""
    around: dict[tuple, tuple[str, str]] = {}
    pieces = list(tokens(source))
    for i, (kind, value) in enumerate(pieces):
        if kind != "text":
            before = _edge(pieces[i - 1], -1) if i else ""
            after = _edge(pieces[i + 1], 0) if i + 1 < len(pieces) else ""
            around.setdefault((kind, value), (before, after))
    out = list(tokens(target))
    for i, (kind, value) in enumerate(out):
        if kind != "text":
            continue
        prev = around.get(out[i - 1], ("", ""))[1] if i else ""
        nxt = around.get(out[i + 1], ("", ""))[0] if i + 1 < len(out) else ""
        if not value.strip():
            value = (prev or nxt or value) if value else value
        else:
            core = value.strip(_SPACES)
            lead, trail = value[: value.index(core)], value[value.index(core) + len(core) :]
            value = (prev if lead and prev else lead) + core + (nxt if trail and nxt else trail)
        out[i] = (kind, value)
    return "".join(escape(v) if k == "text" else _spelled(k, v) for k, v in out)


_SPACES = " \t\n\r\f"


def _edge(piece: tuple, end: int) -> str:
    """The white space at the start (``end`` 0) or end (-1) of a text piece; none of a tag."""
    kind, value = piece
    if kind != "text":
        return ""
    if end == 0:
        return value[: len(value) - len(value.lstrip(_SPACES))]
    return value[len(value.rstrip(_SPACES)) :]


def legacy(text: str) -> str:
    """The text as tm wrote it before ⟦⟧: text as it is, placeholders ``{1}``, ``{/1}``, ``{2/}``
    (what the check hashes and context hashes of that time were computed over)."""
    if OPEN not in text:
        return text
    spelled = {"open": "{%d}", "close": "{/%d}", "empty": "{%d/}"}
    return "".join(value if kind == "text" else spelled[kind] % value for kind, value in tokens(text))


def from_legacy(text: str, tagged: bool = True) -> str:
    """A text tm wrote before ⟦⟧ in this notation. ``tagged``: the document could have
    placeholders (plain text never had any: its braces were always text)."""
    if not tagged:
        return escape(text)
    out, pos = [], 0
    for m in _LEGACY_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        close, empty, open_ = m.groups()
        out.append(closing(int(close)) if close else standalone(int(empty)) if empty else opening(int(open_)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def balance(sentences: list[str]) -> list[str]:
    """Sentences of one paragraph made self-contained: a pair that spans a boundary is closed at
    the end of one sentence and opened again at the start of the next; closing tags that the
    splitter left at the start of a sentence go back to the one before."""
    out: list[str] = []
    carried: list[int] = []  # open at the end of the previous sentence
    raw = list(sentences)
    for i in range(1, len(raw)):
        lead = re.match(f"(?:{OPEN}/\\d+{CLOSE})+", raw[i])
        if lead:
            raw[i - 1] += lead.group(0)
            raw[i] = raw[i][lead.end() :]
    for sentence in raw:
        text = "".join(opening(n) for n in carried) + sentence
        stack: list[int] = []
        for kind, n in tokens(text):
            if kind == "open":
                stack.append(n)
            elif kind == "close" and n in stack:
                stack.remove(n)
        carried = stack
        text += "".join(closing(n) for n in reversed(stack))
        if plain(text).strip():
            out.append(text)
        elif out:
            out[-1] += text  # placeholders alone: they belong with the sentence before
    return out


def extract(element, kind, breaks: bool = False) -> tuple[str, dict[int, Tag]]:
    """The tagged text of an lxml element's content (see ``extract_run``)."""
    return extract_run(element.text, list(element), kind, breaks)


def extract_run(text: str | None, children: list, kind, breaks: bool = False) -> tuple[str, dict[int, Tag]]:
    """The tagged text of ``text`` followed by ``children`` (each with its tail). ``kind(child)``
    says what a child element is: "paired" (its content is text, it becomes ⟦n⟧…⟦/n⟧), "empty"
    (kept whole, ⟦n/⟧), "transparent" (its content is text, the element itself goes: the base of a
    ruby) or "drop" (neither: a ruby's reading). With ``breaks`` (preformatted text) each line
    break and the indentation after it is an empty placeholder, so no line is reflowed."""
    tags: dict[int, Tag] = {}

    def chars(value: str | None) -> str:
        if not breaks or not value:
            return escape(value or "")
        out = ""
        for piece in _BREAK_RE.split(value):
            if _BREAK_RE.fullmatch(piece):
                tags[len(tags) + 1] = Tag(False, extra={"text": piece})
                out += standalone(len(tags))
            else:
                out += escape(piece)
        return out

    def walk(first: str | None, nodes) -> str:
        out = chars(first)
        for child in nodes:
            what = kind(child) if isinstance(child.tag, str) else "empty"
            if what == "transparent":
                out += walk(child.text, child)
            elif what == "paired":
                n = len(tags) + 1
                tags[n] = Tag(True, child)
                out += opening(n) + walk(child.text, child) + closing(n)
            elif what != "drop":
                tags[len(tags) + 1] = Tag(False, child)
                out += standalone(len(tags))
            out += chars(child.tail)
        return out

    return walk(text, children), tags


def rebuild(element, text: str, tags: dict[int, Tag]) -> None:
    """Replace an element's content with ``text``, its placeholders made elements again. Unknown
    or unbalanced placeholders are dropped; an empty element (an image) that the text left out is
    appended, so nothing but text is ever lost."""
    from lxml import etree

    for child in list(element):
        element.remove(child)
    element.text = None
    stack = [element]
    used: set[int] = set()

    def add_text(value: str) -> None:
        parent = stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + value
        else:
            parent.text = (parent.text or "") + value

    def add_copy(n: int) -> None:
        copy = deepcopy(tags[n].element)
        copy.tail = None
        stack[-1].append(copy)
        used.add(n)

    for kind, value in tokens(text):
        tag = tags.get(value) if kind != "text" else None
        if kind == "text":
            add_text(value)
        elif tag is None:
            continue
        elif kind == "open" and tag.paired:
            original = tag.element
            stack.append(etree.SubElement(stack[-1], original.tag, dict(original.attrib)))
            used.add(value)
        elif kind == "close" and tag.paired and len(stack) > 1 and stack[-1].tag == tag.element.tag:
            stack.pop()
        elif kind == "empty" and "text" in tag.extra:
            add_text(tag.extra["text"])  # a line break of preformatted text
        elif kind == "empty" and not tag.paired:
            add_copy(value)
    del stack[1:]
    for n, tag in tags.items():
        if not tag.paired and n not in used and "text" not in tag.extra:
            add_copy(n)
