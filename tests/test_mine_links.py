"""`tm glossary mine` by word links: a term's rendering is the English its words are linked to,
a phrase of any length, so a glossary rendering longer than the n-grams the miner counts is no
false conflict (tm.workflow.wordlinks.rendering_finder; glossary.mine)."""

from __future__ import annotations

import json

from glossary.mine import mine
from glossary.model import Entry
from glossary.store import Termbase
from tm.memory import open_memory
from tm.memory.units import Unit
from tm.workflow.wordlinks import memory_renderings, rendering_of

from .conftest import cli_invoker

PAIRS = [
    ("我們要構建人類命運共同體。", "We must build a community with a shared future for mankind."),
    (
        "中方願同各方推動構建人類命運共同體。",
        "China is ready to work with all parties to build a community with a shared future for mankind.",
    ),
    (
        "人類命運共同體理念深入人心。",
        "The vision of a community with a shared future for mankind has won hearts.",
    ),
    (
        "各國應共同維護人類命運共同體。",
        "All countries should jointly uphold the community with a shared future for mankind.",
    ),
]
RENDERING = "community with a shared future for mankind"


def _memory(db_path):
    memory = open_memory(db_path)
    memory.import_units(
        [Unit(z, e, "zh-Hant", origin="aligned", document=f"d{n}") for n, (z, e) in enumerate(PAIRS)]
    )
    return memory


def test_the_english_a_term_is_linked_to_is_the_whole_phrase():
    target = "Is a shared future of all mankind, said he."

    def at(word: str) -> tuple[int, int]:
        return target.index(word), target.index(word) + len(word)

    # the article and a word beyond another word's English (linked twice) left out
    links = [((2, 4), at(w)) for w in ("a", "shared", "future", "he")] + [((6, 8), at("mankind"))]
    assert rendering_of(links, target, 2, 4) == "shared future"
    assert rendering_of(links, target, 4, 6) is None
    # words between that are no other word's English belong to the phrase
    assert rendering_of([((2, 4), at("shared")), ((4, 6), at("mankind"))], target, 2, 6) == (
        "shared future of all mankind"
    )
    name = "The pieces of Bao-yu's house."
    assert rendering_of([((0, 2), (18, 22))], name, 0, 2) == "Bao-yu"  # a name's hyphen, no possessive


def test_a_glossary_rendering_longer_than_an_n_gram_is_no_conflict(db_path):
    with _memory(db_path) as memory:
        Termbase.of(memory).add(Entry("人類命運共同體", RENDERING))
        entries = Termbase.of(memory).effective()
        by_strings = mine(memory, entries, 3)
        by_links = mine(memory, entries, 3, renderings=memory_renderings(memory))
    assert [c.term for c in by_strings.conflicts] == ["人類命運共同體"]  # a piece of it: "shared future"
    assert by_strings.conflicts[0].rendering.casefold() in RENDERING
    assert by_links.conflicts == []
    assert "人類命運共同體" not in [c.term for c in by_links.candidates]  # known, and rendered so


def test_mine_proposes_the_linked_phrase(db_path, tmp_path):
    _memory(db_path).close()
    run = cli_invoker(db_path)
    out = tmp_path / "mined.csv"
    result = run("glossary", "mine", out, "--json")
    assert result.exit_code == 0, result.output
    found = {c["term"]: c["rendering"] for c in json.loads(result.output)["candidates"]}
    assert found["人類命運共同體"] == RENDERING
    result = run("glossary", "mine", out, "--json", "--no-links", "--force")
    found = {c["term"]: c["rendering"] for c in json.loads(result.output)["candidates"]}
    assert found["人類命運共同體"] != RENDERING  # n-grams are four words at most
