import json
import subprocess
import sys

import pytest

from .conftest import SAMPLE_TMX, SEED, cli_invoker


@pytest.fixture
def run(db_path):
    return cli_invoker(db_path)


def test_import_lookup_concordance_stats_export(run, tmp_path):
    assert "sample-memory.tmx: 9 added, 0 updated, 0 unchanged" in run("import", SAMPLE_TMX).output
    out = run("lookup", "二是推動國(guó)際抗疫合作。", "--json")
    (best, *_) = json.loads(out.output)
    assert best["kind"] == "fuzzy" and best["target"].startswith("Third")
    assert "[-二-]{+三+}" in best["diff"]
    text = run("lookup", "四是拓展全方位合作。").output
    assert text.startswith("100  exact") and "Fourth, expanding" in text
    hits = json.loads(run("concordance", "三股势力", "--json").output)["hits"]
    assert hits[0]["side"] == "source" and "three evil forces" in hits[0]["target"]
    assert json.loads(run("stats", "--json").output)["units"] == 9
    out_tmx = tmp_path / "all.tmx"
    assert run("export", out_tmx).exit_code == 0
    assert out_tmx.read_text(encoding="utf-8").count("<tu ") == 9


def test_segment_and_normalize_on_the_seed(run):
    seg = json.loads(run("segment", SEED, "--json").output)
    assert len(seg) == 68 and seg[0]["id"].endswith(":1:1") and "(guó)" not in seg[0]["text"]
    norm = run("normalize", SEED)
    assert "(guó)" not in norm.output and "removed 397 pinyin annotations" in norm.output


def test_exit_statuses_tell_no_match_from_bad_input_from_findings(run, tmp_path):
    """Issue 22: scripts could not tell "no match" from "bad input" from "QA findings" (all 1),
    and --json with no hits exited 0. README: 0 done, 1 findings, 2 usage, 3 no match, 4 refused."""
    run("import", SAMPLE_TMX)
    for args in (
        ["lookup", "完全不同的一句話"],
        ["concordance", "完全不同"],
        ["glossary", "lookup", "完全不同"],
    ):
        assert run(*args).exit_code == 3, args
        assert run(*args, "--json").exit_code == 3, args
    assert run("lookup", "四是拓展全方位合作。", "--json").exit_code == 0
    assert run("import", tmp_path / "missing.tmx").exit_code == 4
    assert run("lookup", "x", "--min", "20").exit_code == 2
    findings = tmp_path / "findings.tsv"
    findings.write_text(
        "source\ttarget\n四是拓展全方位合作。\tFourth, expanding all-round.\n", encoding="utf-8"
    )
    assert run("import", findings).exit_code == 0
    assert run("qa").exit_code == 1


def test_an_interrupt_exits_130(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "TM_DB": str(tmp_path / "none.db")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tm", "segment", "-"], stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    time.sleep(3)  # started and waiting on its input
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"Traceback" not in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "missing.tmx"], "cannot read"),
        (["import", "memory.xyz"], "cannot tell the format"),
        (["lookup", "x", "--min", "20"], "Invalid value"),
    ],
)
def test_bad_input_gives_one_clear_message(run, tmp_path, args, message):
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tm", "import", str(bad), "--db", str(tmp_path / "m.db")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 4
    assert "line 1: bad XML" in proc.stderr and "Traceback" not in proc.stderr


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys; from tm.cli import cli; "
        "heavy = [m for m in ('numpy', 'opencc', 'pypinyin', 'rapidfuzz', 'argostranslate', 'openpyxl')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SEED_GLOSSARY = SEED.parent / "glossary.csv"


def test_glossary_commands(run, tmp_path):
    assert "43 added" in run("glossary", "import", SEED_GLOSSARY).output
    again = run("glossary", "import", SEED_GLOSSARY)
    assert again.exit_code == 0 and "43 unchanged" in again.output
    assert (
        "added"
        in run("glossary", "add", "外長會", "foreign ministers' meeting", "--forbidden", "FM meeting").output
    )
    conflict = run("glossary", "add", "外長會", "meeting of foreign ministers")
    assert conflict.exit_code == 4 and "外長會 already has the approved rendering" in conflict.output
    assert (
        "Pass --replace to make it “meeting of foreign ministers”" in conflict.output
    )  # not worded as a file
    listed = json.loads(run("glossary", "list", "--json").output)
    assert listed["glossaries"] == [{"name": "general", "priority": 0, "entries": 44}]
    run("import", SAMPLE_TMX)
    answer = json.loads(run("glossary", "lookup", "三股勢(shì)力", "--json").output)
    assert answer["entries"][0]["target"] == "three evil forces"
    assert answer["memory"][0]["verdict"] == "approved"
    for fmt in ("tbx", "xlsx", "tsv"):
        out = tmp_path / f"glossary.{fmt}"
        assert run("glossary", "export", out).exit_code == 0
        assert "44 unchanged" in run("glossary", "import", out).output
    assert run("glossary", "remove", "外長會").exit_code == 0
    assert run("glossary", "remove", "外長會").exit_code == 4


def test_glossary_check_modes(run, tmp_path):
    run("glossary", "import", SEED_GLOSSARY)
    ok = run("glossary", "check", "--source", "上合組織8個成員國", "--target", "the eight SCO member states")
    assert ok.exit_code == 0 and "0 issue(s)" in ok.output
    bad = run("glossary", "check", "--source", "三股勢力", "--target", "the three forces", "--json")
    assert bad.exit_code == 1
    assert {i["kind"] for i in json.loads(bad.output.split("\n1 segment")[0])} == {
        "missing-term",
        "forbidden-term",
    }
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text("新華社北京9月16日電\n新華社記者專訪\n", encoding="utf-8")
    en.write_text("Beijing, Sept. 16 (Xinhua News Agency)\nXinhua interview\n", encoding="utf-8")
    files = run("glossary", "check", zh, en)
    assert files.exit_code == 1 and "inconsistent-term" in files.output
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("source\ttarget\n新冠肺炎\tCOVID-19\n", encoding="utf-8")
    assert run("glossary", "check", "--tsv", tsv).exit_code == 0
    en.write_text("only one line\n", encoding="utf-8")
    assert "aligned files need one segment per line" in run("glossary", "check", zh, en).output


@pytest.mark.parametrize(
    "args",
    [["mt"], ["delete"], ["align"], ["models", "install", "a", "b", "c"]],
    ids=["mt-no-text", "delete-nothing", "align-nothing", "install-nothing"],
)
def test_a_missing_argument_is_a_usage_error_everywhere(args, tmp_path):
    """A new user's finding: `tm mt` with no text exited 4 (bad input) where `tm lookup` with no
    text exits 2 (usage): a command given too little is a usage error, whichever it is."""
    from .conftest import cli_invoker

    result = cli_invoker(tmp_path / "m.db")(*args)
    assert result.exit_code == 2, result.output
    assert "give " in result.output
