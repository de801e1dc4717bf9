"""Memories and termbases other CAT tools wrote (tests/data, see its README): the Chinese and
English variants are picked by family, the real tags stored; a unit or entry without the pair is
skipped and its line reported; two variants of one side are asked for; a broken file still
imports nothing."""

import json
from pathlib import Path

from .conftest import cli_invoker

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

DATA = Path(__file__).parent / "data"


def _units(run) -> int:
    return int(json.loads(run("stats", "--json").output)["units"])


def test_a_trados_memory_kept_with_english_as_source_is_read_chinese_to_english(db_path):
    run = cli_invoker(db_path)
    result = run("import", DATA / "trados-en-us-zh-cn.tmx")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "read zh-CN → en-US" in result.output
    assert "skipped 1 <tu> without both Chinese and English: line 25" in result.output  # its English is empty
    (match,) = json.loads(run("lookup", "四是拓展全方位合作。", "--json").output)
    assert (match["unit"]["source_lang"], match["unit"]["target_lang"]) == ("zh-CN", "en-US")
    assert match["target"] == "Fourth, expanding all-round cooperation."


def test_units_of_a_multilingual_memory_without_the_pair_are_skipped_with_their_lines(db_path):
    run = cli_invoker(db_path)
    result = run("import", DATA / "memoq-multilingual.tmx")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    assert "skipped 2 <tu>s without both Chinese and English: lines 20, 28" in result.output
    assert _units(run) == 2


def test_two_chinese_variants_are_asked_for_and_the_one_named_is_read(db_path):
    run = cli_invoker(db_path)
    assert run("import", DATA / "memoq-multilingual.tmx").exit_code == 0
    refused = run("import", DATA / "zh-cn-zh-tw-en.tmx")
    assert refused.exit_code == 4
    assert "line 5: the <tu> holds Chinese in 2 variants (zh-CN, zh-TW)" in refused.output
    assert "--source-lang zh-CN or --source-lang zh-TW" in refused.output
    assert _units(run) == 2
    result = run("import", DATA / "zh-cn-zh-tw-en.tmx", "--source-lang", "zh-TW")
    assert result.exit_code == 0 and "read zh-TW → en" in result.output
    (match,) = json.loads(run("lookup", "三是推動國際抗疫合作。", "--json", "--min", "100").output)
    assert match["source"] == "三是推動國際抗疫合作。" and match["unit"]["source_lang"] == "zh-TW"


def test_a_memory_without_the_pair_at_all_is_refused_naming_its_languages(db_path, tmp_path):
    path = tmp_path / "ja-en.tmx"
    tu = '<tu><tuv xml:lang="ja-JP"><seg>協力</seg></tuv><tuv xml:lang="en-US"><seg>cooperation</seg></tuv></tu>'
    path.write_text(f'<tmx version="1.4"><header srclang="ja-JP"/><body>{tu}</body></tmx>', encoding="utf-8")
    result = cli_invoker(db_path)("import", path)
    assert result.exit_code == 4
    assert "no <tu> holds both Chinese and English (the file's languages: ja-JP, en-US)" in result.output


def test_a_broken_file_imports_nothing_gaps_or_not(db_path, tmp_path):
    run = cli_invoker(db_path)
    assert run("import", DATA / "trados-en-us-zh-cn.tmx").exit_code == 0
    broken = tmp_path / "broken.tmx"
    broken.write_text((DATA / "memoq-multilingual.tmx").read_text(encoding="utf-8")[:-20], encoding="utf-8")
    result = run("import", broken)
    assert result.exit_code == 4 and "bad XML" in result.output
    assert _units(run) == 2


def test_a_multiterm_termbase_asks_which_variants_then_skips_entries_without_them(db_path):
    run = cli_invoker(db_path)
    refused = run("glossary", "import", DATA / "multiterm.tbx")
    assert refused.exit_code == 4
    assert "line 10: the entry holds Chinese in 2 variants (zh-CN, zh-TW)" in refused.output
    refused = run("glossary", "import", DATA / "multiterm.tbx", "--source-lang", "zh-TW")
    assert refused.exit_code == 4 and "--target-lang en-US or --target-lang en-GB" in refused.output
    result = run(
        "glossary", "import", DATA / "multiterm.tbx", "--source-lang", "zh-TW", "--target-lang", "en-GB"
    )
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "read zh-TW → en-GB" in result.output
    assert "skipped 2 entries without both Chinese and English: lines 29, 53" in result.output
    entries = json.loads(run("glossary", "list", "--json").output)["entries"]
    assert [(e["source"], e["target"], e["source_lang"], e["target_lang"]) for e in entries] == [
        ("三股勢力", "three evil forces", "zh-TW", "en-GB"),
        ("上海合作組織", "Shanghai Cooperation Organisation", "zh-TW", "en-GB"),
    ]
