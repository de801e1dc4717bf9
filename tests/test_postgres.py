"""The team memory on a real PostgreSQL server: the same answers as the SQLite file, read-only
accounts, passwords never shown, many translators at once, a lossless move between backends,
and one clear message for each way a server can be wrong."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tm.cli import cli
from tm.memory import open_memory
from tm.memory.units import Unit

from .conftest import ROOT, SAMPLE_TMX, SEED
from .pgserver import PASSWORD

GLOSSARY = ROOT / "seeds" / "glossary.csv"


def tm(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"TM_USER": "ann", **(env or {})})


def _sentences() -> list[str]:
    from tm.text.segment import segment_text

    return [s.clean for s in segment_text(SEED.read_text(encoding="utf-8"), "seed", "zh")]


def _variants(rng: random.Random, sentences: list[str], n: int) -> list[str]:
    """Sentences of the seed with a few characters changed, dropped or added: near neighbours
    at every distance, as a real memory of formulaic releases holds."""
    pool = "的是在了和與中國合作發展外長會議組織國際安全經濟"
    out = []
    for _ in range(n):
        chars = list(rng.choice(sentences))
        for _ in range(rng.randint(0, 6)):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars[i] = rng.choice(pool)
            elif op < 0.7 and len(chars) > 4:
                del chars[i]
            else:
                chars.insert(i, rng.choice(pool))
        out.append("".join(chars))
    return out


@pytest.fixture(scope="module")
def parity_memories(pg_server, tmp_path_factory):
    rng = random.Random(7)
    sources = list(dict.fromkeys(_variants(rng, _sentences(), 1300)))[:1200]
    units = [Unit(s, f"English {n}.", document=f"d{n % 7}") for n, s in enumerate(sources)]
    lite = open_memory(tmp_path_factory.mktemp("parity") / "m.db", user="t")
    server = open_memory(pg_server.new_database(), user="t")
    for memory in (lite, server):
        memory.import_units(units)
    queries = _variants(rng, _sentences(), 150)
    yield lite, server, queries
    lite.close()
    server.close()


@pytest.mark.parametrize("threshold", [60, 75, 90])
def test_fuzzy_lookup_answers_the_same_on_both_backends(parity_memories, threshold):
    lite, server, queries = parity_memories
    compared = 0
    for query in queries:
        answers = [
            [
                (m.unit.id, m.score, m.kind, m.unit.source, m.numbers_only_in_query)
                for m in memory.lookup(query, "zh", threshold, 10)
            ]
            for memory in (lite, server)
        ]
        assert answers[0] == answers[1], query
        compared += len(answers[0])
    assert compared > 100  # the queries do find matches at this threshold


def test_concordance_answers_the_same_on_both_backends(parity_memories):
    lite, server, _ = parity_memories
    for term in ("合作", "外長", "上海合作組織", "English 12"):
        hits = [
            sorted((h.unit.id, h.side, tuple(map(tuple, h.spans))) for h in m.concordance(term, 50))
            for m in (lite, server)
        ]
        assert hits[0] == hits[1] and hits[0], term


@pytest.fixture
def team(pg_server):
    """A team server: a database with tm's schema, a reader role, a URL each."""
    url = pg_server.new_database(with_schema=False)
    role = "reader_" + url.rsplit("_", 1)[-1]
    pg_server.admin(f"CREATE ROLE {role} LOGIN PASSWORD 'r3ader-pw'")
    result = tm("db", "init", url, "--reader", role)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    reader = url.replace(f"tm_admin:{PASSWORD}", f"{role}:r3ader-pw")
    return url, reader


def test_a_reader_may_look_up_and_translate_but_never_write(team, tmp_path):
    url, reader = team
    assert tm("import", SAMPLE_TMX, "--db", url).exit_code == 0
    assert tm("glossary", "import", GLOSSARY, "--db", url).exit_code == 0
    assert "Fourth" in tm("lookup", "四是拓展全方位合作。", "--db", reader).output
    assert "three evil forces" in tm("glossary", "lookup", "三股势力", "--db", reader).output
    assert json.loads(tm("stats", "--json", "--db", reader).output)["units"] == 9
    sheet = tmp_path / "r.xlsx"
    translated = tm(
        "translate", SEED, "--no-mt", "-o", sheet, "--db", reader, env={"ARGOS_PACKAGES_DIR": str(tmp_path)}
    )
    assert translated.exit_code == 0, translated.output
    for command in (
        ["import", SAMPLE_TMX],
        ["review", sheet],
        ["glossary", "add", "甲", "A"],
        ["delete", "1"],
    ):
        result = tm(*command, "--db", reader)
        assert result.exit_code != 0 and "this account may only read the memory" in result.output, command
        assert "Traceback" not in result.output
    assert json.loads(tm("stats", "--json", "--db", url).output)["units"] == 9


def test_passwords_are_never_printed(team, tmp_path):
    url, _ = team
    outputs = [tm("import", SAMPLE_TMX, "--db", url).output, tm("stats", "--db", url).output]
    outputs.append(tm("stats", "--json", "--db", url).output)
    outputs.append(tm("lookup", "四是拓展全方位合作。", "--json", "--db", url).output)
    outputs.append(tm("lookup", "x", "--db", url.replace(PASSWORD, "wrong")).output)
    sheet = tmp_path / "s.xlsx"
    outputs.append(
        tm(
            "translate",
            SEED,
            "--no-mt",
            "-o",
            sheet,
            "--json",
            "--db",
            url,
            env={"ARGOS_PACKAGES_DIR": str(tmp_path)},
        ).output
    )
    summary = load_workbook(sheet)["Summary"]
    outputs += [str(c.value) for row in summary.iter_rows() for c in row if c.value is not None]
    assert any("tm_admin@127.0.0.1" in o for o in outputs)  # the server is named…
    assert not any(PASSWORD in o for o in outputs)  # …without its password


def test_a_server_that_is_wrong_gets_one_clear_message(pg_server, team):
    url, _ = team
    closed = f"postgresql://tm_admin:{PASSWORD}@127.0.0.1:9/postgres"
    cases = {
        closed: "cannot connect",
        url.replace(PASSWORD, "wrong"): "password authentication failed",
        pg_server.new_database(with_schema=False): "no tm memory on this server yet",
    }
    newer = pg_server.new_database()
    pg_server.admin("UPDATE tm_schema SET version = 99", newer.rsplit("/", 1)[-1])
    cases[newer] = "written by a newer tm"
    for location, message in cases.items():
        for command in (["stats"], ["import", SAMPLE_TMX]):
            result = tm(*command, "--db", location)
            assert result.exit_code != 0 and message in result.output, (location, result.output)
            assert "Traceback" not in result.output and PASSWORD not in result.output


def test_copy_sqlite_to_postgresql_and_back_is_lossless(pg_server, tmp_path):
    lite = tmp_path / "a.db"
    assert tm("import", SAMPLE_TMX, "--db", lite).exit_code == 0
    assert tm("glossary", "import", GLOSSARY, "--db", lite).exit_code == 0
    assert (
        tm("edit", "3", "--target", "Fourth, broadening all-round cooperation.", "--db", lite).exit_code == 0
    )
    assert tm("delete", "9", "--db", lite).exit_code == 0
    server = pg_server.new_database()
    copied = tm("db", "copy", lite, server, "--json")
    assert copied.exit_code == 0, copied.output
    assert json.loads(copied.output)["units"] == 8 and PASSWORD not in copied.output
    back = tmp_path / "b.db"
    assert tm("db", "copy", server, back).exit_code == 0
    for name, command in (("tmx", ["export"]), ("tbx", ["glossary", "export"])):
        first, last = tmp_path / f"first.{name}", tmp_path / f"last.{name}"
        assert tm(*command, first, "--db", lite).exit_code == 0
        assert tm(*command, last, "--db", back).exit_code == 0
        assert first.read_bytes() == last.read_bytes(), name
    for location in (server, back):
        history = json.loads(tm("history", "3", "--json", "--db", location).output)["history"]
        assert [e["action"] for e in history] == ["edit"]
        assert json.loads(tm("history", "9", "--json", "--db", location).output)["deleted"]
    with open_memory(back) as memory:  # a deleted id is never given again, after a copy too
        memory.import_units([Unit("新句子。", "A new sentence.")])
        assert max(u.id for u in memory.iter_units()) == 10
    refused = tm("db", "copy", lite, server)
    assert refused.exit_code != 0 and "--merge" in refused.output
    merged = tm("db", "copy", lite, server, "--merge", "--json")
    assert merged.exit_code == 0 and json.loads(tm("stats", "--json", "--db", server).output)["units"] == 8


def _writer(url: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tm", "import", str(path), "--db", url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


_READER = """
import sys, time
from tm.memory import open_memory
seen = set()
with open_memory(sys.argv[1], create=False) as memory:
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        memory.lookup("四是拓展全方位合作。")
        counts = dict(memory.conn.execute("SELECT document, count(*) FROM units GROUP BY document").fetchall())
        seen |= {n for d, n in counts.items() if d and d.startswith("batch")}
print(sorted(seen))
"""


def _review_sheet(url: str, tmp_path: Path, name: str, rows: range, corrected: int) -> Path:
    """A sheet of the seed release with rows approved (targets of their own) and the memory's
    100% proposal of one row corrected."""
    sheet = tmp_path / f"{name}.xlsx"
    result = tm(
        "translate", SEED, "--no-mt", "-o", sheet, "--db", url, env={"ARGOS_PACKAGES_DIR": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(sheet)
    segments = workbook["Segments"]
    header = [c.value for c in segments[1]]
    target, status, unit = (header.index(h) + 1 for h in ("Target", "Status", "Unit"))
    exact = [r for r in range(2, segments.max_row + 1) if segments.cell(r, unit).value]
    for r in rows:
        if r not in exact:
            segments.cell(r, target).value = f"{name} {r}."
            segments.cell(r, status).value = "approved"
    row = exact[corrected]
    segments.cell(row, target).value = f"{segments.cell(row, target).value} ({name})"
    segments.cell(row, status).value = "approved"
    workbook.save(sheet)
    return sheet


def test_eight_writers_and_four_readers_at_once(pg_server, tmp_path):
    url = pg_server.new_database()
    assert tm("import", SAMPLE_TMX, "--db", url).exit_code == 0
    sheets = [
        _review_sheet(url, tmp_path, "A", range(2, 40), 0),
        _review_sheet(url, tmp_path, "B", range(25, 60), 1),
    ]
    files = []
    for w in range(6):  # neighbouring files share 1,000 units: the same pair must end up once
        rows = ["source\ttarget\tdocument"]
        rows += [f"第{n}句話。\tSentence {n}.\tbatch{w}" for n in range(w * 4000, w * 4000 + 5000)]
        files.append(tmp_path / f"batch{w}.tsv")
        files[-1].write_text("\n".join(rows) + "\n", encoding="utf-8")
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", _READER, url, "20"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(1)
    writers = [_writer(url, f) for f in files]
    writers += [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tm",
                "review",
                str(sheet),
                "--db",
                url,
                "--reviewer",
                sheet.stem,
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for sheet in sheets
    ]
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    assert all(w.returncode == 0 for w in writers[:6]), outputs
    assert not any("Error" in o or "Traceback" in o for o in outputs), outputs
    for sheet, output in zip(sheets, outputs[6:]):  # QA findings may set the exit status; nothing refused
        report = json.loads(output[output.index("{") :])
        assert report["corrected"] == 1 and not report["refused"], (sheet, report)
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        # a reader only ever sees a file whole: 5,000 units, less the 1,000 it shares with each
        # neighbour imported after it (shared units take the later import's document)
        assert json.loads(out) and set(json.loads(out)) <= {3000, 4000, 5000}, out
    with open_memory(url) as memory:
        batches = memory.conn.execute("SELECT count(*) FROM units WHERE document LIKE 'batch%'").fetchone()[0]
        assert batches == 5 * 4000 + 5000
        rows = memory.conn.execute("SELECT count(*), count(DISTINCT pair_hash) FROM units").fetchone()
        assert rows[0] == rows[1]
        corrected = memory.conn.execute(
            "SELECT changed_by FROM unit_history WHERE action = 'review' ORDER BY changed_by"
        ).fetchall()
        assert [r[0] for r in corrected] == ["A", "B"]  # every review's history entry is there
        both = memory.conn.execute("SELECT count(*) FROM units WHERE target LIKE 'A %' OR target LIKE 'B %'")
        assert both.fetchone()[0] > 30  # the overlapping rows: each reviewer's unit, once


def test_a_malformed_url_never_shows_its_password():
    for url in (f"postgresql://u:pa%ss{PASSWORD}@127.0.0.1:1/tm", f"postgresql://u:{PASSWORD}@[::1/tm"):
        for command in (["stats"], ["db", "init"]):
            args = [*command, url] if command[0] == "db" else [*command, "--db", url]
            result = tm(*args)
            assert result.exit_code != 0 and "Traceback" not in result.output
            assert PASSWORD not in result.output and "pa%ss" not in result.output, result.output


def test_a_merge_copy_keeps_what_the_destination_glossary_holds(pg_server, tmp_path):
    server = pg_server.new_database()
    assert tm("glossary", "add", "外交部", "Ministry of Foreign Affairs", "--note", "use MFA", "--domain",
              "diplomacy", "--case-sensitive", "--db", server).exit_code == 0  # fmt: skip
    lite = tmp_path / "a.db"
    assert (
        tm("glossary", "add", "外交部", "Ministry of Foreign Affairs", "--alt", "MFA", "--db", lite).exit_code
        == 0
    )
    assert tm("db", "copy", lite, server, "--merge").exit_code == 0
    (entry,) = json.loads(tm("glossary", "list", "--json", "--db", server).output)["entries"]
    assert (entry["note"], entry["domain"], entry["case_sensitive"]) == ("use MFA", "diplomacy", True)
    assert entry["alternatives"] == ["MFA"]


def test_a_reader_may_copy_the_team_memory_to_a_laptop(team, tmp_path):
    url, reader = team
    assert tm("import", SAMPLE_TMX, "--db", url).exit_code == 0
    laptop = tmp_path / "laptop.db"
    result = tm("db", "copy", reader, laptop)
    assert result.exit_code == 0, result.output
    assert json.loads(tm("stats", "--json", "--db", laptop).output)["units"] == 9


def test_readers_may_read_the_tables_an_upgrade_adds(team, pg_server):
    """A reader granted before an upgrade could not read the tables a later step created (word
    links, glossary history): look-ups failed for the team's readers after the owner upgraded."""
    url, reader = team
    assert tm("import", SAMPLE_TMX, "--db", url).exit_code == 0
    database = url.rsplit("/", 1)[-1]
    role = reader.split("//", 1)[1].split(":", 1)[0]
    from tm.memory import pg_schema
    from tm.memory.postgres import connect

    from .schema_before import back_to

    last, before = pg_schema.MIGRATIONS[-1][0], pg_schema.MIGRATIONS[-2][0]
    pg_server.admin(  # as if the reader was granted before the last step's tables existed
        f"REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM {role}; "
        f"GRANT SELECT ON units TO {role}; GRANT SELECT ON units TO PUBLIC; "  # (PUBLIC is no role)
        f"UPDATE tm_schema SET version = {before}",
        database,
    )
    conn = connect(url)
    with conn.transaction():
        back_to(conn, True, before)
    conn.close()
    assert json.loads(tm("stats", "--json", "--db", url).output)["schema_version"] == last  # upgraded
    looked = tm("concordance", "合作", "--db", reader)
    assert looked.exit_code == 0, looked.output
    assert tm("glossary", "list", "--db", reader).exit_code == 0
