"""HTML from the answers: the Jinja2 environment (autoescaping every value) and the filters that
mark hits and differences. Each piece of stored text passes through escape() before any markup
is put around it, so a note or a target holding `<script>` or `{{ }}` shows as the text it is."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from tm.memory.scoring import DiffOp

HERE = Path(__file__).parent
VERDICTS = {
    "approved": ("✓", "approved rendering"),
    "alternative": ("✓", "accepted alternative"),
    "forbidden": ("✗", "forbidden rendering"),
    None: ("–", "no known rendering found"),
}
BAND_NAMES = {
    "context": "in context",
    "exact": "exact",
    "near-exact": "punctuation, width or script",
    "fuzzy": "fuzzy",
}


def marked(text: str, spans: list[tuple[int, int]], kind: str = "") -> Markup:
    """The text with the spans in <mark> (of class ``kind``: "aligned" marks what the other
    side's hit is rendered as, apart from the hit itself)."""
    out, last = [], 0
    opening = Markup(f'<mark class="{kind}">') if kind else Markup("<mark>")
    for a, b in sorted(spans):
        if a < last:  # overlapping spans: the first one shown wins
            continue
        out += [escape(text[last:a]), opening, escape(text[a:b]), Markup("</mark>")]
        last = b
    out.append(escape(text[last:]))
    return Markup("").join(out)


def diff_html(ops: list[DiffOp]) -> Markup:
    """The memory's source with what differs from the query marked, as `tm lookup` shows it
    ([-yours-]{+memory's+}): <del> what only the query has, <ins> what only the memory has."""
    out = []
    for d in ops:
        if d.op == "equal":
            out.append(escape(d.memory))
            continue
        if d.query:
            out.append(Markup('<del title="only in your text">%s</del>') % d.query)
        if d.memory:
            out.append(Markup('<ins title="only in the memory">%s</ins>') % d.memory)
    return Markup("").join(out)


def day(stamp: str | None) -> str:
    """The date of an ISO time (the time is in the element's title)."""
    return (stamp or "")[:10]


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name is an error here, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(marked=marked, diff_html=diff_html, day=day)
    env.globals.update(VERDICTS=VERDICTS, BAND_NAMES=BAND_NAMES)
    return env
