"""What of an HTML page is for translation, and writing it back (tm.formats.html reads the page).

Text is read in runs: the text and inline elements between two structural ones (blocks, lists,
tables, forms…). A paragraph is one run; text directly in a <div> around inner blocks is a run of
its own, so none is left out. Inline elements are placeholders; a ruby's base text is part of the
run and its reading (<rt>, <rp>) is not: the English is written without it. In <pre> each line
break is a placeholder, so lines are never reflowed. Translatable attributes (alt, title,
placeholder, aria-label, a button's value, <meta name="description|keywords"> …) are units too.

Whatever is marked not for translation — translate="no" (HTML5, inherited, translate="yes"
inside turns it back on), an ITS global translateRule (tm.formats.html_its) or class="notranslate"
(Google Translate's convention) — is not read: an element inside a run is an empty placeholder
copied back whole, a block is never written."""

from __future__ import annotations

import re
from functools import partial

from tm.formats.blocks import Block
from tm.formats.html_its import translate_rules
from tm.formats.inline import escape, extract_run, plain, rebuild

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "caption", "figcaption"}
BLOCKS |= {"blockquote", "div", "section", "article", "header", "footer", "aside", "main", "pre", "title"}
BLOCKS |= {"summary", "legend", "label", "option", "button", "address", "body", "nav", "textarea"}
# Containers whose own text is layout, not prose; they end a run like a block does.
BLOCKS |= {"html", "head", "ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot", "tr", "form"}
BLOCKS |= {"fieldset", "figure", "details", "dialog", "hgroup", "center", "optgroup", "select"}
INLINE = {"a", "b", "strong", "i", "em", "u", "s", "span", "sup", "sub", "small", "big", "mark", "code"}
INLINE |= {"abbr", "cite", "q", "font", "ins", "del", "time", "var", "kbd", "bdi", "bdo", "dfn", "samp"}
INLINE |= {"tt", "strike", "acronym", "nobr", "data", "output"}  # older pages still use them
RUBY_BASE = {"ruby", "rb"}  # their text is the base: in the run
READINGS = {"rt", "rp", "rtc"}  # a reading and its fallback parentheses: never in a run
NEVER = {"script", "style", "noscript", "template", "svg", "math"}
PREFORMATTED = {"pre", "textarea", "listing", "xmp"}
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")
BUTTONS = {"button", "submit", "reset"}  # <input type=…> whose value is its label
META = {"description", "keywords", "og:title", "og:description", "og:site_name"}
META |= {"twitter:title", "twitter:description", "application-name"}
_SPACE = re.compile(r"^[ \t\n\r\f]+")
_TRAILING = re.compile(r"[ \t\n\r\f]*\Z")


def local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def translatable(element, inherited: bool, rules: dict) -> bool:
    """HTML5's translate attribute (inherited; "" and "yes" turn it on), else what the page's ITS
    rules say of the element, and Google's class="notranslate", which many pages use for the same
    thing."""
    if "notranslate" in (element.get("class") or "").split():
        return False
    value = element.get("translate")
    if value is None:
        return rules.get(element, inherited)
    return value.strip().lower() != "no"


def _kind(rules: dict, element) -> str:
    name = local(element)
    if not translatable(element, True, rules):
        return "empty"
    if name in RUBY_BASE:
        return "transparent"
    if name in READINGS:
        return "drop"
    return "paired" if name in INLINE else "empty"


def _structural(element) -> bool:
    """A block, or an element holding one (an <a> around a <div>): it ends a run."""
    name = local(element)
    if not name or name in NEVER:
        return False
    return name in BLOCKS or any(local(d) in BLOCKS for d in element.iterdescendants())


def page_units(root, name: str = "page") -> list[Block]:
    """The page's units in document order; a unit's attributes come after the run that holds the
    element, so they are written back before the run copies it (export writes last first)."""
    out: list[Block] = []
    _visit(root, True, False, out, translate_rules(root, name))
    return out


def _visit(element, inherited: bool, preformatted: bool, out: list[Block], rules: dict) -> None:
    name = local(element)
    if not name or name in NEVER:
        return
    on = translatable(element, inherited, rules)
    preformatted = preformatted or name in PREFORMATTED
    if on:
        out.extend(_attributes(element, rules))
    children = list(element)
    before = None  # the structural child the run follows (None: the element's own text)
    members: list = []
    for child in children + [None]:
        if child is not None and not _structural(child):
            members.append(child)
            continue
        if on:
            block = _run(element, before, members, preformatted, rules)
            if block is not None:
                out.append(block)
            for member in members:
                out.extend(_inner_attributes(member, rules))
        if child is not None:
            _visit(child, on, preformatted, out, rules)
        before, members = child, []


def _run(parent, before, members: list, preformatted: bool, rules: dict) -> Block | None:
    """The run after ``before`` (or at the start of ``parent``) as a block, its outer white space
    (HTML's: a full-width space is text) kept aside; None when it holds no text."""
    first = (parent.text if before is None else before.tail) or ""
    core = _SPACE.sub("", first, count=1) if first else ""
    lead = first[: len(first) - len(core)]
    last = members[-1] if members else None
    end = (last.tail or "") if last is not None else core
    trail = _TRAILING.search(end).group()
    if last is None:
        core = core[: len(core) - len(trail)]
    saved = last.tail if last is not None else None
    try:  # read without the outer white space: in <pre> it is not a line of the text
        if last is not None:
            last.tail = end[: len(end) - len(trail)]
        text, tags = extract_run(core, members, partial(_kind, rules), preformatted)
    finally:
        if last is not None:
            last.tail = saved
    if not plain(text).strip():
        return None
    extra = {"lead": lead, "trail": trail}
    if before is not None or len(members) != len(parent):  # not the element's whole content
        extra["run"] = (before, _next_structural(parent, before, members))
    return Block(text, tags, parent, extra)


def _next_structural(parent, before, members: list):
    """The structural child after the run: where it ends, however its members are replaced."""
    after = members[-1] if members else before
    if after is None:
        return parent[0] if len(parent) else None
    return after.getnext()


def _set_first(parent, before, value: str | None) -> None:
    if before is None:
        parent.text = value
    else:
        before.tail = value


def _attributes(element, rules: dict) -> list[Block]:
    """Units of the element's translatable attributes (an ITS rule may mark one not to be)."""
    name = local(element)
    out = []
    names = list(ATTRIBUTES)
    if name == "input" and (element.get("type") or "").lower() in BUTTONS:
        names.append("value")
    if name in ("optgroup", "option", "track"):
        names.append("label")
    if name == "meta" and (element.get("name") or element.get("property") or "").lower() in META:
        names.append("content")
    for attribute in names:
        value = element.get(attribute)
        if value and value.strip() and rules.get((element, attribute), True):
            out.append(Block(escape(value), {}, element, {"attribute": attribute}))
    return out


def _inner_attributes(member, rules: dict) -> list[Block]:
    """Attribute units of an element inside a run and of its descendants, except where marked
    not for translation (copied back whole) or never read."""
    if not isinstance(member.tag, str) or local(member) in NEVER or not translatable(member, True, rules):
        return []
    out = _attributes(member, rules)
    for child in member:
        out.extend(_inner_attributes(child, rules))
    return out


def write_unit(block: Block, text: str) -> None:
    """Write a unit's translation in place: an attribute, a whole element's content, or a run."""
    if "attribute" in block.extra:
        block.node.set(block.extra["attribute"], plain(text))  # an attribute holds no markup
        return
    text = block.extra.get("lead", "") + text + block.extra.get("trail", "")
    if "run" not in block.extra:
        rebuild(block.node, text, block.tags)
        return
    from lxml import etree

    parent, (before, after) = block.node, block.extra["run"]
    start = 0 if before is None else parent.index(before) + 1
    end = len(parent) if after is None else parent.index(after)
    for child in parent[start:end]:
        parent.remove(child)
    holder = etree.Element("run")
    rebuild(holder, text, block.tags)
    _set_first(parent, before, holder.text)
    for offset, child in enumerate(list(holder)):
        parent.insert(start + offset, child)
