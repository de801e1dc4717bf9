"""Issue 22: a traditional-script release was stored as `zh`, not `zh-Hant`. A Chinese side whose
tag says nothing of its script is stored with the script it is in; one pair stays one unit whether
its script was declared, detected or not known; memories written before are upgraded."""

from __future__ import annotations

import pytest

from tm.memory import open_memory
from tm.memory.units import hash64
from tm.text.langs import chinese_script

from .conftest import SEED, cli_invoker
from .schema_before import back_to, without_identities

BOTH_BACKENDS = True

TRADITIONAL = "上海合作組織成員國外長會議在莫斯科舉行。"
SIMPLIFIED = "上海合作组织成员国外长会议在莫斯科举行。"
ENGLISH = "The SCO foreign ministers met in Moscow."


def _langs(db_path) -> dict[str, str]:
    with open_memory(db_path) as memory:
        return {u.source: u.source_lang for u in memory.iter_units()}


def test_the_script_of_a_text_is_told_from_its_characters():
    seed = SEED.read_text(encoding="utf-8")
    assert chinese_script(seed) == "Hant"  # (machine-converted: it keeps simplified leftovers)
    assert chinese_script(TRADITIONAL) == "Hant" and chinese_script(SIMPLIFIED) == "Hans"
    assert chinese_script("上海精神") is None  # the same in both scripts


def test_stored_units_carry_the_script_of_their_chinese(db_path, tmp_path):
    run = cli_invoker(db_path)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        f"source\ttarget\n{TRADITIONAL}\t{ENGLISH}\n{SIMPLIFIED}\t{ENGLISH}\n上海精神\tShanghai Spirit\n",
        encoding="utf-8",
    )
    assert run("import", pairs).exit_code == 0
    assert _langs(db_path) == {TRADITIONAL: "zh-Hant", SIMPLIFIED: "zh-Hans", "上海精神": "zh"}
    tmx = tmp_path / "out.tmx"
    assert run("export", tmx).exit_code == 0
    assert 'xml:lang="zh-Hant"' in tmx.read_text(encoding="utf-8")


def test_a_reviewed_traditional_release_is_stored_as_zh_hant(db_path, tmp_path, monkeypatch):
    from .sheet_cells import set_cells

    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    run = cli_invoker(db_path)
    assert run("glossary", "add", "上海精神", "Shanghai Spirit").exit_code == 0  # (creates the memory)
    doc = tmp_path / "rel.txt"
    doc.write_text(TRADITIONAL + "\n", encoding="utf-8")
    sheet = tmp_path / "rel.xlsx"
    assert run("translate", doc, "--no-mt", "-o", sheet).exit_code == 0
    set_cells(sheet, {"rel:1:1": {"Target": ENGLISH, "Status": "approved"}})
    assert run("review", sheet).exit_code == 0
    assert _langs(db_path) == {TRADITIONAL: "zh-Hant"}


def test_one_pair_is_one_unit_whatever_its_tag_says(db_path, tmp_path):
    run = cli_invoker(db_path)
    for tag in ("zh", "zh-Hant", "zh-TW"):
        tmx = tmp_path / f"{tag}.tmx"
        tmx.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="'
            f'{tag}" datatype="plaintext" segtype="sentence" adminlang="en" creationtool="x" '
            f'creationtoolversion="1" o-tmf="x"/><body><tu><tuv xml:lang="{tag}"><seg>{TRADITIONAL}'
            f'</seg></tuv><tuv xml:lang="en"><seg>{ENGLISH}</seg></tuv></tu></body></tmx>',
            encoding="utf-8",
        )
        assert run("import", tmx, "--source-lang", tag, "--target-lang", "en").exit_code == 0
    with open_memory(db_path) as memory:
        assert memory.count() == 2  # zh and zh-Hant are one; zh-TW is a region of its own


def test_a_memory_written_before_is_upgraded(db_path, backend, tmp_path):
    """Units stored as bare zh get their script; a unit whose tag named a script gets the new
    identity, so importing it again adds nothing."""
    with open_memory(db_path) as memory:
        with memory.transaction():
            without_identities(memory.conn, postgres=backend == "postgresql")  # (a later step)
            memory.conn.execute(
                "INSERT INTO units (source, target, source_lang, target_lang, source_key, loose_hash, "
                "pair_hash, origin, created_at, changed_at) VALUES (?, ?, ?, 'en', ?, 0, ?, 'imported', "
                "'2026-01-01', '2026-01-01')",
                (TRADITIONAL, ENGLISH, "zh", "k1", hash64("zh", "en", TRADITIONAL, ENGLISH)),
            )
            memory.conn.execute(
                "INSERT INTO units (source, target, source_lang, target_lang, source_key, loose_hash, "
                "pair_hash, origin, created_at, changed_at) VALUES (?, ?, ?, 'en', ?, 0, ?, 'imported', "
                "'2026-01-01', '2026-01-01')",
                (SIMPLIFIED, ENGLISH, "zh-Hans", "k2", hash64("zh-hans", "en", SIMPLIFIED, ENGLISH)),
            )
            if backend == "sqlite":
                memory.conn.execute("PRAGMA user_version = 4")
            else:
                memory.conn.execute("UPDATE tm_schema SET version = 4")
    assert _langs(db_path) == {TRADITIONAL: "zh-Hant", SIMPLIFIED: "zh-Hans"}
    pairs = tmp_path / "again.tsv"
    pairs.write_text(f"source\ttarget\n{SIMPLIFIED}\t{ENGLISH}\n{TRADITIONAL}\t{ENGLISH}\n", encoding="utf-8")
    assert cli_invoker(db_path)("import", pairs).exit_code == 0
    with open_memory(db_path) as memory:
        assert memory.count() == 2


def test_an_upgrade_keeps_two_units_the_new_identity_would_make_one(db_path, backend):
    """A second read: zh-Hant and zh-Hans units of one text, upgraded in one batch, both took the
    new identity (the script subtag left out) and the step failed on its uniqueness."""
    text = "2024年5月"  # the same in both scripts
    with open_memory(db_path) as memory:
        with memory.transaction():
            back_to(memory.conn, backend == "postgresql", 4)
            for n, lang in enumerate(("zh-Hant", "zh-Hans")):
                memory.conn.execute(
                    "INSERT INTO units (source, target, source_lang, target_lang, source_key, loose_hash, "
                    "pair_hash, origin, created_at, changed_at) VALUES (?, 'May 2024', ?, 'en', ?, 0, ?, "
                    "'imported', '2026-01-01', '2026-01-01')",
                    (text, lang, f"k{n}", hash64(lang.lower(), "en", text, "May 2024")),
                )
            if backend == "sqlite":
                memory.conn.execute("PRAGMA user_version = 4")
            else:
                memory.conn.execute("UPDATE tm_schema SET version = 4")
    with open_memory(db_path) as memory:
        assert sorted(u.source_lang for u in memory.iter_units()) == ["zh-Hans", "zh-Hant"]


@pytest.mark.parametrize("text", ["", "abc", "123"])
def test_text_without_chinese_has_no_script(text):
    assert chinese_script(text) is None


@pytest.mark.parametrize(
    "name,document",
    [
        ("release.zh-Hant.txt", "release"),
        ("release.zh_CN.docx", "release"),
        ("walk.zh.txt", "walk"),
        ("zh.txt", "zh"),
        ("news.2020.txt", "news.2020"),
    ],
)
def test_a_release_is_named_without_its_chinese_language_tag(name, document):
    """The second new-user run: the seed release was the document
    `xinhua-…-16.zh-Hant` in sheets and `xinhua-…-16` in the memory its TMX built: one release,
    two document names (`tm stats` counted two, `tm delete --document` caught one)."""
    from tm.text.langs import document_name

    assert document_name(name) == document


def test_the_seed_release_is_one_document_in_the_memory(db_path, tmp_path):
    from .conftest import SAMPLE_TMX

    run = cli_invoker(db_path)
    assert run("import", SAMPLE_TMX).exit_code == 0
    segments = run("segment", SEED).output.splitlines()
    with open_memory(db_path) as memory:
        documents = {u.document for u in memory.iter_units() if u.document}
    assert {line.split("\t")[0].rsplit(":", 2)[0] for line in segments} <= documents
