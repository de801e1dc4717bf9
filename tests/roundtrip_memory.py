"""Memories and termbases through tm: TMX (`tm import` → `tm export`) and TBX (`tm glossary
import` → `tm glossary export`, both dialects). Every <tu> holding Chinese and English must come
back with the same segments, inline codes included, and its attributes, props and notes; the
export must be valid against the TMX 1.4b DTD. Every TBX entry holding Chinese and English must
come back with its terms, notes, definitions, contexts and parts of speech, and translate-toolkit
must read the TBX-Basic export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import etree

from .roundtrip_cli import Session
from .roundtrip_xml import XML_LANG, local, new_schema_errors, parse, squeeze, tokens


def _lang(el) -> str:
    return (el.get(XML_LANG) or el.get("lang") or "").lower()


def _family(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0]


# --- TMX --------------------------------------------------------------------------------------


def _seg(tuv) -> tuple:
    """A <seg> exactly: its text, codes with their attributes and content, and tails."""
    seg = tuv.find("seg")
    return (
        tuple(t[2] if t[0] != "element" else (t[0], t[2]) for t in tokens(seg)[1:-1])
        if seg is not None
        else ()
    )


def _tu_pair(tu):
    """The Chinese and English <tuv> of a <tu>, or None where it lacks one (or holds two)."""
    by = {}
    for tuv in tu.iterfind("tuv"):
        by.setdefault(_family(_lang(tuv)), []).append(tuv)
    zh, en = by.get("zh", []), by.get("en", [])
    if len(zh) != 1 or len(en) != 1 or not _seg(zh[0]) or not _seg(en[0]):
        return None
    return zh[0], en[0]


def _details(el) -> Counter:
    """An element's own attributes (its language aside), props and notes."""
    attrs = [(f"@{k}", v) for k, v in el.attrib.items() if k not in (XML_LANG, "lang")]
    props = [(f"prop {p.get('type')}", p.text or "") for p in el.iterfind("prop")]
    notes = [("note", n.text or "") for n in el.iterfind("note")]
    return Counter(attrs + props + notes)


def check_tmx(data: bytes, out: bytes, dtd: Path) -> list[str]:
    reasons = new_schema_errors(dtd, data, out)
    exported: dict[tuple, list] = {}
    for tu in parse(out).getroot().iter("tu"):
        pair = _tu_pair(tu)
        if pair:
            exported.setdefault((_seg(pair[0]), _seg(pair[1])), []).append((tu, *pair))
    lost, changed = [], []
    for tu in parse(data).getroot().iter("tu"):
        pair = _tu_pair(tu)
        if pair is None:
            continue
        zh, en = pair
        where = f"<tu> at line {tu.sourceline}"
        found = exported.get((_seg(zh), _seg(en)))
        if not found:
            lost.append(f"{where}: {_nearest(zh, en, exported)}")
            continue
        out_tu, out_zh, out_en = found[0]
        for el, out_el, name in ((tu, out_tu, "tu"), (zh, out_zh, "zh tuv"), (en, out_en, "en tuv")):
            missing = _details(el) - _details(out_el)
            changed += [f"{where}: {name} {k} = {v[:30]!r} lost" for k, v in missing.elements()]
    return reasons + _some(lost) + _some(changed)


def _inner(tuv) -> str:
    seg = tuv.find("seg")
    return "".join([seg.text or "", *(etree.tostring(c, encoding="unicode", with_tail=True) for c in seg)])


def _text(el) -> str:
    """A segment's text, its codes' native content left out, whitespace out."""
    out = [el.text or ""]
    for child in el:
        if local(child) not in ("bpt", "ept", "ph", "it", "ut"):
            out.append(_text(child))
        out.append(child.tail or "")
    return squeeze("".join(out))


def _nearest(zh, en, exported: dict) -> str:
    """How a <tu> that did not come back came back: the exported one with the same text."""
    for _, pairs in exported.items():
        _, out_zh, out_en = pairs[0]
        if _text(out_zh.find("seg")) == _text(zh.find("seg")) or _text(out_en.find("seg")) == _text(
            en.find("seg")
        ):
            side, a, b = ("zh", zh, out_zh) if _inner(zh) != _inner(out_zh) else ("en", en, out_en)
            x, y = _inner(a), _inner(b)
            i = max(0, next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y))) - 20)
            cut = "…" if i else ""
            return f"{side} segment {cut + x[i : i + 70]!r} exported as {cut + y[i : i + 70]!r}"
    return "not exported"


def _some(items: list[str], limit: int = 4) -> list[str]:
    return items[:limit] + ([f"… and {len(items) - limit} more"] if len(items) > limit else [])


def roundtrip_tmx(session: Session, path: Path, schemas: Path) -> None:
    out = session.folder / "out.tmx"
    step = session.first("import", path, written=out, ok=(0, 1))
    session.outcome.notes += [
        f"tm said: {line.strip()}" for line in step.output.splitlines() if "skipped" in line
    ]
    session.must("export", out)
    session.outcome.fail(*check_tmx(path.read_bytes(), out.read_bytes(), schemas / "tmx" / "tmx14.dtd"))


# --- TBX --------------------------------------------------------------------------------------

# What an entry keeps (README "The glossary"): terms, notes, definitions, contexts, parts of speech.
KEPT_DESCRIP = {"definition", "context"}


def _facts(section) -> Counter:
    out = Counter()
    for el in section.iter():
        name = local(el)
        text = " ".join("".join(el.itertext()).split())
        if name == "term":
            out[("term", text)] += 1
        elif name == "note":
            out[("note", text)] += 1
        elif name == "descrip" and el.get("type") in KEPT_DESCRIP:
            out[(el.get("type"), text)] += 1
        elif name in KEPT_DESCRIP:  # TBX v3 DCT style: <min:definition>
            out[(name, text)] += 1
        elif name == "termNote" and el.get("type") == "partOfSpeech":
            out[("partOfSpeech", text)] += 1
        elif name == "partOfSpeech":
            out[("partOfSpeech", text)] += 1
    return out


def entries(root) -> list[dict]:
    """Each concept entry holding Chinese and English: its facts per language, and those of the
    entry itself (definitions, notes at concept level)."""
    found = []
    for entry in root.iter():
        if local(entry) not in ("termEntry", "conceptEntry"):
            continue
        sections = {}
        for section in entry:
            if local(section) in ("langSet", "langSec"):
                sections.setdefault(_family(_lang(section)), Counter()).update(_facts(section))
        if "zh" in sections and "en" in sections:
            own = Counter()
            for child in entry:
                if local(child) not in ("langSet", "langSec"):
                    own.update(_facts(child))
            found.append({"zh": sections["zh"], "en": sections["en"], "entry": own, "line": entry.sourceline})
    return found


def check_tbx(data: bytes, out: bytes, dialect: str) -> list[str]:
    exported = entries(parse(out).getroot())
    reasons = []
    for entry in entries(parse(data).getroot()):
        zh_terms = {k for k in entry["zh"] if k[0] == "term"}
        match = [e for e in exported if zh_terms & set(e["zh"])]
        where = f"{dialect}: entry at line {entry['line']}"
        if not match:
            reasons.append(f"{where}: not exported")
            continue
        got = match[0]
        anywhere = set(got["zh"]) | set(got["en"]) | set(got["entry"])
        for side in ("zh", "en"):
            terms = Counter({k: n for k, n in entry[side].items() if k[0] == "term"})
            lost = list((terms - got[side]).elements())
            # A note or definition may sit at the entry or in a language (TBX allows both).
            lost += [k for k in entry[side] if k[0] != "term" and k not in anywhere]
            reasons += [f"{where}: {side} {kind} {text[:30]!r} lost" for kind, text in lost]
        reasons += [
            f"{where}: {kind} {text[:30]!r} lost"
            for kind, text in entry["entry"]
            if (kind, text) not in anywhere
        ]
    return _some(reasons)


def read_by_translate_toolkit(out: bytes, expected: int) -> list[str]:
    from translate.storage import tbx

    try:
        store = tbx.tbxfile.parsestring(out)
    except Exception as exc:  # what the toolkit raises is the finding
        return [f"translate-toolkit cannot read the TBX-Basic export: {type(exc).__name__}: {exc}"]
    units = [u for u in store.units if u.source]
    if len(units) < expected:
        return [f"translate-toolkit reads {len(units)} entries of the TBX-Basic export, {expected} expected"]
    return []


def roundtrip_tbx(session: Session, path: Path, schemas: Path) -> None:
    first = session.folder / "out-basic.tbx"
    step = session.first("glossary", "import", path, written=first, ok=(0, 1))
    session.outcome.notes += [
        f"tm said: {line.strip()}" for line in step.output.splitlines() if "not kept" in line
    ]
    data = path.read_bytes()
    for dialect in ("basic", "v3"):
        out = session.folder / f"out-{dialect}.tbx"
        session.must("glossary", "export", out, "--dialect", dialect)
        try:
            session.outcome.fail(*check_tbx(data, out.read_bytes(), dialect))
        except etree.XMLSyntaxError as exc:
            session.outcome.fail(f"{dialect}: the export is not well-formed XML ({exc})")
            continue
        if dialect == "basic":
            session.outcome.fail(
                *read_by_translate_toolkit(out.read_bytes(), len(entries(parse(data).getroot())))
            )
