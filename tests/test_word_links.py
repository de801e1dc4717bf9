"""Word links of the memory's units (issue 23): stored with the units on both backends, made as
units are stored and again when a target changes, trained on the memory by `tm align --words`,
and shown by the concordance, the glossary look-up and tm serve as the renderings of a phrase."""

import json

import pytest

from tm.align import unitlinks
from tm.align.renderings import concordance
from tm.memory import open_memory
from tm.memory.units import Unit

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

SEED_GLOSSARY = ROOT / "seeds" / "glossary.csv"
BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL


@pytest.fixture
def run(db_path):
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0
    assert invoke("glossary", "import", SEED_GLOSSARY).exit_code == 0
    return invoke


def _stored(db_path) -> dict[str, unitlinks.UnitLinks]:
    """Each unit's stored links, decoded onto its words, by source."""
    with open_memory(db_path) as memory:
        units = list(memory.iter_units())
        blobs = memory.links_of(u.id for u in units)
    out = {}
    for unit in units:
        if unit.id in blobs:
            zh, zh_spans, en, en_spans = unitlinks.tokens(unit.source, unit.target)
            zh_len, en_len, links = unitlinks.decode(blobs[unit.id])
            assert (zh_len, en_len) == (len(zh), len(en))
            out[unit.source] = unitlinks.UnitLinks(zh, zh_spans, en, en_spans, links)
    return out


def _rendering(db_path, source: str, term: str) -> str | None:
    links = _stored(db_path)[source]
    start = source.index(term)
    span = links.counterpart((start, start + len(term)))
    with open_memory(db_path) as memory:
        target = next(u.target for u in memory.iter_units() if u.source == source)
    return target[span[0] : span[1]] if span else None


SENTENCE = "外長們強調,要繼續加強安全合作,合力打擊“三股勢力”,共同營造良好安全環境。"


def test_an_import_stores_links_of_every_unit_and_the_term_spans_its_rendering(run, db_path):
    assert len(_stored(db_path)) == 9  # aligned as they were stored (dictionary only: no model yet)
    assert _rendering(db_path, SENTENCE, "三股勢力") == "three evil forces"


def test_words_are_cut_as_the_matching_keys_see_them_with_spans_in_the_stored_text():
    zh, zh_spans, en, en_spans = unitlinks.tokens(
        "合力打擊“三股勢(shì)力”", "combat the ＂three evil forces＂"
    )
    assert "势力" in zh or "三股势力" in zh  # simplified, the ruby gone
    word = next(n for n, w in enumerate(zh) if "势力" in w)
    assert "合力打擊“三股勢(shì)力”"[zh_spans[word][0] : zh_spans[word][1]].endswith("勢(shì)力")
    assert en[2] == '"' and en_spans[3] == (12, 17)  # full-width quote folded, offsets as stored


@pytest.mark.parametrize("links", [set(), {(0, 0), (3, 2)}, {(300, 1), (2, 400)}])
def test_links_round_trip_through_their_bytes(links):
    size = 500 if links and max(max(link) for link in links) > 255 else 10
    assert unitlinks.decode(unitlinks.encode(size, size, links)) == (size, size, links)


def test_the_words_cut_is_kept_with_the_links_and_read_back_without_cutting_again():
    """The links keep each Chinese word's length, so a reader (a fragment, the concordance) gets
    the words they were made for without cutting the source again; links stored before that (no
    lengths) are read on the words cut now; words that no longer fit the stored cut give None."""
    source, target = "合力打擊“三股勢(shì)力”,ＡＢＣ 共同營造。", "jointly combat the three evil forces"
    zh, zh_spans, en, en_spans = unitlinks.tokens(source, target)
    links = {(0, 0), (len(zh) - 2, 4)}
    with_cut = unitlinks.encode(zh, len(en), links)
    assert unitlinks.decode(with_cut) == (len(zh), len(en), links)
    expected = unitlinks.UnitLinks(zh, zh_spans, en, en_spans, links)
    assert unitlinks.read_links(source, target, with_cut) == expected
    assert unitlinks.read_links(source, target, unitlinks.encode(len(zh), len(en), links)) == expected
    long_word = ["a" * 300, *zh[1:]]  # a word longer than a byte can count: 16-bit numbers
    assert unitlinks.decode(unitlinks.encode(long_word, len(en), links)) == (len(zh), len(en), links)
    huge = ["a" * 70_000, *zh[1:]]  # a data URI is one word: beyond 16 bits, no cut is kept
    assert not unitlinks.keeps_cut(unitlinks.encode(huge, len(en), links)) and unitlinks.keeps_cut(with_cut)
    assert unitlinks.decode(unitlinks.encode(huge, len(en), links)) == (len(zh), len(en), links)
    assert unitlinks.read_links(source + "再", target, with_cut) is None  # the source changed since
    assert unitlinks.read_links(source, target + " now", with_cut) is None


def test_an_edit_drops_the_links_and_aligns_the_new_target(run, db_path):
    (hit,) = json.loads(run("concordance", "三股勢力", "--json").output)["hits"]
    new = "The foreign ministers agreed to combat the three forces together."
    assert run("edit", hit["unit"]["id"], "--target", new).exit_code == 0
    assert len(_stored(db_path)) == 9
    assert _rendering(db_path, SENTENCE, "三股勢力") == "three forces"


def test_align_words_trains_on_the_memory_and_stores_the_model(run, db_path):
    result = run("align", "--words", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["units"] == 9 and data["trained_on"] == 9
    with open_memory(db_path) as memory:
        state, _, units = memory.word_model()
        assert units == 9 and unitlinks.current_aligner(memory).tables.forward  # trained tables
    assert _rendering(db_path, SENTENCE, "三股勢力") == "three evil forces"
    refused = run("align", "--words", SAMPLE_TMX)
    assert refused.exit_code == 4 and "no files" in refused.output


def test_concordance_marks_the_rendering_and_ranks_renderings_against_the_glossary(run, db_path):
    with open_memory(db_path) as memory, memory.transaction():
        memory.add_units(
            [
                Unit("打擊三股勢力。", "Combat the three forces.", changed_at="2019-03-01T00:00:00Z"),
                Unit("反對三股勢力。", "Oppose the three evil forces.", changed_at="2021-05-01T00:00:00Z"),
            ]
        )
    out = run("concordance", "三股勢力").output
    first = out.splitlines()[0]
    assert first.startswith("rendered: three evil forces ✓ 2 (2021-05-01) · three forces ✗ 1 (2019-03-01)")
    assert '"[three evil forces]"' in out and "Combat the [three forces]." in out
    data = json.loads(run("concordance", "三股勢力", "--json").output)
    assert [(r["text"], r["count"], r["status"]) for r in data["renderings"]] == [
        ("three evil forces", 2, "approved"),
        ("three forces", 1, "forbidden"),
    ]
    assert {h["rendering"] for h in data["hits"]} == {"three evil forces", "three forces"}
    for h in data["hits"]:
        assert h["target"][h["aligned"][0] : h["aligned"][1]] == h["rendering"]


def test_concordance_on_the_target_shows_the_chinese_it_renders(run):
    data = json.loads(run("concordance", "three evil forces", "--side", "target", "--json").output)
    assert data["renderings"][0]["text"] == "三股勢力" and data["renderings"][0]["status"] == "approved"
    assert data["hits"][0]["rendering"] == "三股勢力"
    assert "“[三股勢力]”" in run("concordance", "three evil forces", "--side", "target").output


def test_concordance_counts_one_unit_as_one_unit(run):
    assert run("concordance", "三股勢力").output.splitlines()[0].endswith("(1 unit)")  # not "1 units"


def test_glossary_lookup_says_how_the_memory_renders_a_term_in_the_glossary_or_not(run):
    out = run("glossary", "lookup", "三股勢力").output
    assert "the memory renders it: three evil forces ✓ 1" in out
    data = json.loads(run("glossary", "lookup", "三股勢力", "--json").output)
    assert data["renderings"][0]["text"] == "three evil forces"
    out = run("glossary", "lookup", "強調").output
    assert out.startswith("強調: not in the glossary; the memory renders it: stressed – 1")


def test_units_stored_without_links_are_aligned_on_the_fly_by_lookups(db_path):
    with open_memory(db_path) as memory:
        memory.import_units([Unit(SENTENCE, 'They combat the "three evil forces" together.')])
        assert memory.links_of([1]) == {}  # stored by the library: no links yet
        found = concordance(memory, "三股勢力", 5)
        assert [found.hits[0].unit.target[a:b] for a, b in found.aligned] == ["three evil forces"]
        assert unitlinks.link_pending(memory, limit=0).pending == 1  # over the limit: left alone
        assert unitlinks.link_pending(memory).aligned == 1 and memory.count_linked() == 1


def test_align_words_in_workers_stores_what_one_process_stores(run, db_path):
    """Training's words and evidence, then the links, shared out among workers (2 jobs) give the
    model and the links of one process doing it all (the order of the pairs is kept)."""
    from tm.align.realign import realign

    stored = []
    for jobs in (1, 2):
        with open_memory(db_path) as memory:
            report = realign(memory, jobs=jobs)
            assert report.units == 9 and report.trained_on == 9
            stored.append((memory.word_model()[0], memory.links_of(u.id for u in memory.iter_units())))
    assert stored[0] == stored[1] and len(stored[0][1]) == 9


def test_a_glossary_change_aligns_the_units_holding_its_terms_again(db_path):
    """The approved renderings are certain links: units stored before a term was added (or
    changed, or removed) are aligned again with the glossary as it is now, without `tm align
    --words`; a memory never aligned is left alone."""
    invoke = cli_invoker(db_path, user="ann")
    assert invoke("import", SAMPLE_TMX).exit_code == 0  # aligned without any glossary

    def renderings(term: str) -> list[str]:
        return [r["text"] for r in json.loads(invoke("concordance", term, "--json").output)["renderings"]]

    assert renderings("合作") == ["cooperation"]  # the word alone, in every unit
    assert invoke("glossary", "import", SEED_GLOSSARY).exit_code == 0
    assert "cooperation against COVID-19" in renderings("合作")  # inside the term 抗疫合作 now
    assert invoke("glossary", "remove", "抗疫合作").exit_code == 0
    assert "cooperation against COVID-19" not in renderings("合作")
    with open_memory(db_path) as memory:
        assert unitlinks.relink_terms(memory, [f"詞{n}" for n in range(unitlinks.TERMS_LIMIT + 1)])[1]
