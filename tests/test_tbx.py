"""TBX in detail: what an entry of another tool's termbase says beyond its renderings (term notes,
definitions, part of speech, context, who made and changed it) is kept, written back in either
dialect and read again unchanged; what tm does not keep is named by the import; translate-toolkit
reads the TBX-Basic tm writes. Files: tests/data (see its README) and, where present, the corpus
of real files other tools wrote (shared/foreign, tests/foreign_corpus.py)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from glossary.formats.tbx import read_tbx
from glossary.formats.tbx_write import write_tbx
from tm.formats.languages import PairReading

from .conftest import cli_invoker
from .foreign_corpus import corpus_dir

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

DATA = Path(__file__).parent / "data"
# The same two concepts as MultiTerm writes TBX (v2, martif) and as TBX-Basic v3 has them.
DETAILED = [DATA / "multiterm-details.tbx", DATA / "tbx-v3-details.tbx"]
CORPUS_TBX = corpus_dir() / "tbx"


def _read(path, dropped=None, source=None, target=None):
    pairs = PairReading(str(path), source, target, "entry", "entries")
    return [entry for _, entry in read_tbx(path, pairs, dropped)]


@pytest.mark.parametrize("path", DETAILED, ids=["v2", "v3"])
def test_what_an_entry_says_beyond_its_renderings_is_kept(path):
    dropped = Counter()
    forces, sco = _read(path, dropped)
    assert (forces.source, forces.target, forces.forbidden) == (
        "三股勢力",
        "three evil forces",
        ["three forces"],
    )
    # term-level notes stay with their term, whitespace collapsed (not the file's indentation)
    assert forces.term_info["three evil forces"] == {
        "part_of_speech": "noun",
        "context": 'to jointly combat the "three evil forces"',
        "note": "Plural; in quotation marks on first mention.",
    }
    assert forces.term_info["three forces"]["note"] == "Too vague: not the SCO's wording."
    assert forces.term_info["三股勢力"]["context"] == "合力打擊“三股勢力”,共同營造良好安全環境。"
    # the English definition is the definition; the Russian one a note saying its language
    assert forces.definition.startswith("Terrorism, separatism and religious extremism")
    assert forces.definition_lang == "en-US"
    assert forces.note == (
        "Terrorism, separatism and extremism: the SCO's wording since 2001.\n"
        "definition (ru-RU): Терроризм, сепаратизм и экстремизм."
    )
    assert (forces.created_at, forces.created_by) == ("2019-03-18T10:22:31Z", "wangli")
    assert (forces.changed_at, forces.changed_by) == ("2020-09-16T00:05:00Z", "chenjie")  # from +08:00
    assert sco.source_variants == ["上合組織"] and sco.alternatives == ["SCO"]
    assert sco.term_info["SCO"] == {"part_of_speech": "noun"} and sco.created_at is None
    assert dropped == {
        '<termNote type="termType"> of a term': 2,
        '<termNote type="grammaticalGender"> of a term': 1,
        '<ref type="crossReference">': 1,
        "terms in ru-RU": 1,
    }


@pytest.mark.parametrize("dialect", ["basic", "v3"])
def test_an_import_written_back_in_either_dialect_reads_back_the_same(db_path, tmp_path, backend, dialect):
    run = cli_invoker(db_path, user="lin")
    result = run("glossary", "import", DETAILED[0])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "read zh-TW → en-US" in result.output
    assert (
        'not kept: <termNote type="termType"> of a term (2), <ref type="crossReference"> (1), '
        '<termNote type="grammaticalGender"> of a term (1), terms in ru-RU (1)'
    ) in result.output
    out = tmp_path / f"out.{dialect}.tbx"
    assert run("glossary", "export", out, "--dialect", dialect).exit_code == 0
    head = out.read_text(encoding="utf-8")[:200]
    assert ("<martif " in head) == (dialect == "basic") and ("<tbx " in head) == (dialect == "v3")
    again = cli_invoker(tmp_path / "again.db", user="wu")
    result = again("glossary", "import", out)
    assert result.exit_code == 0 and "2 added" in result.output and "not kept" not in result.output
    before = json.loads(run("glossary", "list", "--json").output)["entries"]
    after = json.loads(again("glossary", "list", "--json").output)["entries"]
    assert after == before  # term details, definitions and who made them when, all of them
    forces = next(e for e in after if e["source"] == "三股勢力")
    assert (
        forces["created_by"] == "wangli" and forces["term_info"]["three forces"]["part_of_speech"] == "noun"
    )
    sco = next(e for e in after if e["source"] == "上海合作組織")
    assert sco["created_by"] == sco["changed_by"] == "lin"  # who first imported it, not "wu"
    again_out = tmp_path / "again.tbx"
    assert again("glossary", "export", again_out, "--dialect", dialect).exit_code == 0
    assert again_out.read_bytes() == out.read_bytes()
    assert "0 updated, 2 unchanged" in run("glossary", "import", out).output


def test_a_changed_term_detail_is_an_update_said_in_words(db_path, tmp_path):
    run = cli_invoker(db_path)
    assert run("glossary", "import", DETAILED[1]).exit_code == 0
    changed = tmp_path / "changed.tbx"
    text = DETAILED[1].read_text(encoding="utf-8")
    sco = '<term>SCO</term>\n\t\t\t\t\t\t<termNote type="partOfSpeech">'
    assert sco + "noun" in text
    changed.write_text(text.replace(sco + "noun", sco + "properNoun"), encoding="utf-8")
    result = run("glossary", "import", changed)
    assert result.exit_code == 0 and "1 updated" in result.output
    assert "part of speech of “SCO”: “noun” → “properNoun”" in result.output


def test_translate_toolkit_reads_the_tbx_basic_tm_writes(tmp_path):
    from translate.storage.tbx import tbxfile

    path = tmp_path / "g.tbx"
    write_tbx(_read(DETAILED[0]), path)  # the default dialect
    with open(path, "rb") as handle:
        store = tbxfile(handle)
    forces, sco = store.units
    assert (forces.source, forces.target) == ("三股勢力", "three evil forces")
    assert [(t.text, t.administrative_status) for t in forces.get_target_terms()] == [
        ("three evil forces", "preferredTerm-admn-sts"),
        ("three forces", "deprecatedTerm-admn-sts"),
    ]
    assert forces.get_target_terms()[1].deprecated
    assert [t.text for t in sco.get_source_terms()] == ["上海合作組織", "上合組織"]
    notes = {n.text for n in forces.get_target_terms()[0].notes}
    assert "Plural; in quotation marks" in " ".join(notes) and "noun" in notes
    with open(path, "rb") as handle:  # asked for the pair by language, as a CAT tool asks
        named = tbxfile(handle, sourcelanguage="zh-TW", targetlanguage="en-US")
    assert [(u.source, u.target) for u in named.units] == [
        ("三股勢力", "three evil forces"),
        ("上海合作組織", "Shanghai Cooperation Organization"),
    ]


def test_the_lookup_shows_the_definition_and_each_terms_details(db_path):
    run = cli_invoker(db_path)
    assert run("glossary", "import", DETAILED[0]).exit_code == 0
    shown = run("glossary", "lookup", "三股勢力").output
    assert "definition: Terrorism, separatism and religious extremism" in shown
    assert "three forces — part of speech: noun; note: Too vague: not the SCO's wording." in shown


def test_dialect_is_for_tbx_only(db_path, tmp_path):
    run = cli_invoker(db_path)
    assert run("glossary", "import", DETAILED[0]).exit_code == 0
    result = run("glossary", "export", tmp_path / "g.csv", "--dialect", "v3")
    assert result.exit_code == 4 and "--dialect is for TBX" in result.output
    assert not (tmp_path / "g.csv").exists()


needs_corpus = pytest.mark.skipif(not CORPUS_TBX.is_dir(), reason=f"no corpus at {CORPUS_TBX}")


@needs_corpus
def test_the_tbx_basic_sample_keeps_definition_context_and_part_of_speech():
    dropped = Counter()
    entries = {e.source: e for e in _read(CORPUS_TBX / "TBX-basic-sample.tbx", dropped, "en", "fr")}
    lens = entries["progressive lens"]
    assert lens.target == "lentille progressive" and lens.reference == "Wikipedia"
    assert lens.definition.startswith("corrective lenses used in eyeglasses to correct presbyopia and")
    assert lens.definition_lang is None and "  " not in lens.definition
    assert lens.source_variants == [
        "progressive addition lens",
        "progressive power lens",
        "PAL",
        "graduated lens",
    ]
    assert lens.term_info["PAL"]["status"] == "deprecated"  # kept with its status, not dropped
    assert lens.term_info["graduated lens"]["status"] == "superseded"
    assert lens.term_info["lentille progressive"] == {"part_of_speech": "noun"}
    federated = entries["federated database"]
    assert federated.term_info["federated database"]["context"] == (
        "Users and applications interface with the federated database managed by the federated server."
    )
    assert dropped['<termNote type="grammaticalGender"> of a term'] == 2
    assert "deprecated terms in en" not in dropped and dropped["terms in de"] == 1


@needs_corpus
def test_okapi_and_omegat_samples_keep_their_contexts(db_path):
    dropped = Counter()
    entries = {e.source: e for e in _read(CORPUS_TBX / "ibm_tbx.tbx", dropped, "en", "fr")}
    trail = entries["navigation trail"]  # two English language sets of one concept: one entry
    assert trail.source_variants == ["branch"] and trail.target == "historique de navigation"
    assert trail.term_info["navigation trail"]["context"].startswith(
        "The trail at the top of the content frame"
    )
    assert trail.term_info["historique de navigation"] == {"part_of_speech": "nom"}
    assert dropped['<admin type="productSubset">'] > 0
    run = cli_invoker(db_path)
    result = run("glossary", "import", CORPUS_TBX / "sampleTBXfile.zh-en.tbx")
    assert result.exit_code == 0 and "1 added" in result.output, result.output


DEPRECATED_ZH = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
 <termEntry id="c1">
  <langSet xml:lang="zh-CN">
   <tig><term>三股势力</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
   <tig><term>三股邪恶势力</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   <tig><term>三种势力</term><termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
  </langSet>
  <langSet xml:lang="en-US"><tig><term>three evil forces</term></tig></langSet>
 </termEntry>
</body></text></martif>
"""


@pytest.mark.parametrize("dialect", ["basic", "v3"])
def test_deprecated_chinese_terms_are_kept_as_source_forms_with_their_status(
    db_path, tmp_path, backend, dialect
):
    source = tmp_path / "deprecated.tbx"
    source.write_text(DEPRECATED_ZH, encoding="utf-8")
    run = cli_invoker(db_path, user="lin")
    result = run("glossary", "import", source)
    assert result.exit_code == 0 and "not kept" not in result.output, result.output
    (entry,) = json.loads(run("glossary", "list", "--json").output)["entries"]
    assert entry["source_variants"] == ["三股邪恶势力", "三种势力"]
    assert entry["term_info"] == {
        "三股邪恶势力": {"status": "deprecated"},
        "三种势力": {"status": "superseded"},
    }
    out = tmp_path / "out.tbx"
    assert run("glossary", "export", out, "--dialect", dialect).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert '<term>三股邪恶势力</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts' in written
    assert '<term>三种势力</term><termNote type="administrativeStatus">supersededTerm-admn-sts' in written
    again = cli_invoker(tmp_path / "again.db", user="wu")
    assert again("glossary", "import", out).exit_code == 0
    assert (
        json.loads(again("glossary", "list", "--json").output)["entries"][0]["term_info"]
        == entry["term_info"]
    )
