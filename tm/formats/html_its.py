"""ITS 2.0 global translate rules of an HTML page: ``<script type="application/its+xml">`` holding
``<its:rules>`` whose ``<its:translateRule selector="…" translate="no|yes"/>`` mark what is (not)
for translation, as Okapi and other ITS processors read them (W3C ITS 2.0, section 8.2). A later
rule wins over an earlier one, a translate attribute on the element over any rule; ``<its:param>``
values are the selector's variables. Rules linked from another file (``<link rel="its-rules">``)
are not fetched: tm reads nothing over the network.

Selectors are XPath 1.0, as ITS has them by default; in a page read as HTML (no namespace) the
prefix bound to XHTML's namespace is taken off, since the HTML parser puts elements in none."""

from __future__ import annotations

import re

from tm.errors import UserError

ITS = "http://www.w3.org/2005/11/its"
XHTML = "http://www.w3.org/1999/xhtml"


def translate_rules(root, name: str) -> dict:
    """What the page's global rules say: element → translatable (True/False), and
    (element, attribute name) → translatable for rules selecting attributes."""
    from lxml import etree

    decided: dict = {}
    for script in root.iter("{*}script", "script"):
        if (script.get("type") or "").strip().lower() != "application/its+xml" or not script.text:
            continue
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            rules = etree.fromstring(script.text.strip().encode("utf-8"), parser)
        except etree.XMLSyntaxError as exc:
            raise UserError(
                f'{name}: its ITS rules (<script type="application/its+xml">) are not XML: {exc}'
            ) from None
        if rules.get("queryLanguage", "xpath") != "xpath":
            raise UserError(
                f"{name}: ITS rules in {rules.get('queryLanguage')!r}: tm reads XPath selectors only"
            )
        params = {p.get("name"): p.text or "" for p in rules.iter(f"{{{ITS}}}param") if p.get("name")}
        spaces = {k: v for k, v in rules.nsmap.items() if k}
        for rule in rules.iter(f"{{{ITS}}}translateRule"):
            value = (rule.get("translate") or "").strip().lower()
            if value not in ("yes", "no") or not rule.get("selector"):
                continue
            for node in _select(root, rule.get("selector"), spaces, params, name):
                decided[node] = value == "yes"
    return decided


def _select(root, selector: str, spaces: dict[str, str], params: dict[str, str], name: str) -> list:
    from lxml import etree

    spaces, written = dict(spaces), selector
    if not isinstance(root.tag, str) or not root.tag.startswith(f"{{{XHTML}}}"):  # read as HTML
        for prefix in [p for p, uri in spaces.items() if uri == XHTML]:
            selector = re.sub(rf"(?<![\w.-]){re.escape(prefix)}:", "", selector)
            del spaces[prefix]
    try:
        found = root.getroottree().xpath(selector, namespaces=spaces, **params)
    except etree.XPathError as exc:
        raise UserError(f"{name}: ITS translateRule selector {written!r}: {exc}") from None
    if not isinstance(found, list):
        return []
    out = []
    for node in found:
        if isinstance(node, etree._Element):
            out.append(node)
        elif getattr(node, "is_attribute", False):
            out.append((node.getparent(), node.attrname))
    return out
