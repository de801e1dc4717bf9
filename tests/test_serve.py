"""`tm serve` over HTTP, as a real process: the API answers what the command line answers,
every response carries the safety headers, hostile requests get a clear 4xx and change nothing,
and stored markup comes back escaped. (What a user sees in a browser: test_serve_browser.py.)"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from tm.cli import cli

from .conftest import ROOT
from .serving import HOSTILE_NOTE, HOSTILE_TARGET, HOSTILE_TERM, Server, build_memory, fingerprint, tm


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = build_memory(tmp_path_factory.mktemp("serve"))
    server = Server(db)
    yield server, db
    errors = server.stop()
    assert "Traceback" not in errors, errors  # no request made the server fail


def request(server: Server, path: str, method: str = "GET", headers: dict | None = None):
    """(status, headers, body) of one request; path is sent as given (bad bytes included)."""
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest(
            method, path, skip_accept_encoding=True, skip_host=bool(headers and "Host" in headers)
        )
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def api(server: Server, query: str) -> dict:
    status, headers, body = request(server, "/api/lookup?q=" + urllib.parse.quote(query))
    assert status == 200 and headers["content-type"] == "application/json"
    return json.loads(body)


def cli_json(db: Path, *args: str):
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("query", ["三股势力", "三股勢力", "三股勢(shì)力"])
def test_every_script_finds_the_seed_entry_as_the_cli_does(served, query):
    server, db = served
    answer = api(server, query)
    entry = answer["glossary"][0]
    assert (entry["source"], entry["target"], entry["match"]) == ("三股勢力", "three evil forces", "exact")
    assert entry["forbidden"] == ["three forces"] and entry["note"] == "Terrorism, separatism and extremism"
    assert entry["url"] == f"/term/{entry['id']}"
    cli_entries = cli_json(db, "glossary", "lookup", query)["entries"]
    assert [(e["source"], e["target"], e["match"]) for e in cli_entries] == [
        (e["source"], e["target"], e["match"]) for e in answer["glossary"]
    ]
    hits = answer["concordance"]
    assert hits == [
        {**h, "unit": {**h["unit"], "url": f"/unit/{h['unit']['id']}"}}
        for h in cli_json(db, "concordance", query)["hits"]
    ]
    assert (
        hits[0]["side"] == "source" and hits[0]["unit"]["document"] == "xinhua-wang-yi-interview-2020-09-16"
    )
    (start, end), source = hits[0]["spans"][0], hits[0]["source"]
    assert source[start:end] == "三股勢力"


def test_a_sentence_gets_memory_matches_as_tm_lookup_and_the_terms_it_holds(served):
    server, db = served
    sentence = "外长们强调,要继续加强安全合作,合力打击“三股势力”,共同营造良好的安全环境。"
    answer = api(server, sentence)
    cli_matches = cli_json(db, "lookup", sentence)
    assert [(m["score"], m["kind"], m["diff"], m["unit"]["id"]) for m in answer["memory"]] == [
        (m["score"], m["kind"], m["diff"], m["unit"]["id"]) for m in cli_matches
    ]
    assert answer["memory"][0]["kind"] == "fuzzy" and "[-的-]" in answer["memory"][0]["diff"]
    assert ("in your text", "三股勢力") in [(e["match"], e["source"]) for e in answer["glossary"]]


def test_an_english_query_says_whose_rendering_it_is(served):
    server, _ = served
    forbidden = api(server, "three forces")["glossary"][0]
    assert forbidden["match"] == "forbidden rendering" and forbidden["says"].startswith(
        "FORBIDDEN for 三股勢力"
    )
    contained = api(server, "evil forces")
    assert (contained["glossary"][0]["match"], contained["glossary"][0]["source"]) == ("contains", "三股勢力")
    hit = contained["concordance"][0]
    assert hit["side"] == "target" and [hit["target"][a:b] for a, b in hit["spans"]] == ["evil forces"]


def test_term_page_marks_the_rendering_each_unit_used(served):
    server, db = served
    term_id = api(server, "三股勢力")["glossary"][0]["id"]
    status, _, body = request(server, f"/api/term/{term_id}")
    uses = json.loads(body)["memory"]
    assert status == 200 and uses[0]["verdict"] == "approved" and uses[0]["rendering"] == "three evil forces"
    assert [u["verdict"] for u in uses] == [
        u["verdict"] for u in cli_json(db, "glossary", "lookup", "三股勢力")["memory"]
    ]
    status, _, page = request(server, f"/term/{term_id}")
    assert status == 200 and "✓" in page.decode() and f'href="/unit/{uses[0]["unit"]["id"]}"' in page.decode()
    status, _, unit = request(server, f"/api/unit/{uses[0]['unit']['id']}")
    assert status == 200 and json.loads(unit)["unit"]["source"] == uses[0]["source"]


@pytest.mark.parametrize(
    "path", ["/", "/?q=三股勢力", "/api/lookup?q=x", "/static/tm.js", "/nope", "/?q=%FF", "/term/1"]
)
def test_every_response_carries_the_safety_headers(served, path):
    server, _ = served
    _, headers, body = request(server, urllib.parse.quote(path, safe="/?=%"))
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "server" not in headers and b"Traceback" not in body


HOSTILE = [
    # (path, status, what the answer says)
    ("/api/lookup?q=%FF%FE", 400, "not valid UTF-8"),
    ("/api/lookup?q=%C3%28", 400, "not valid UTF-8"),
    ("/?q=%ED%A0%80", 400, "not valid UTF-8"),  # a lone surrogate, CESU-style
    ("/api/lookup?q=a%00b", 400, "NUL"),
    ("/?q=%07", 400, "control character U+0007"),
    ("/api/lookup?q=" + "x" * 5000, 400, "5,000 characters is too long"),
    ("/api/lookup?q=%E4%B8%89&min=abc", 400, "min: give a whole number"),
    ("/api/lookup?q=%E4%B8%89&min=1", 400, "min: give a whole number from 50 to 100"),
    ("/term/99999999999999999999999999", 404, "no glossary entry"),
    ("/unit/0", 404, "no unit 0"),
    ("/static/", 404, "no such page"),  # no directory listing
    ("/static/../pyproject.toml", 404, "no such page"),
    ("/static/%2e%2e/%2e%2e/pyproject.toml", 404, "no such page"),
    ("/static/..%2f..%2fapp.py", 404, "no such page"),
]


def test_hostile_requests_get_a_clear_4xx_and_change_nothing(served):
    server, db = served
    before = fingerprint(db)
    for path, status, says in HOSTILE:
        got, headers, body = request(server, path)
        assert (got, says) == (status, says) and says in body.decode(), (path, body[:300])
        assert b"Traceback" not in body and b'File "' not in body
    got, _, body = request(server, "/api/lookup?q=" + "a" * (10 * 2**20))  # 10 MB of text
    assert got == 400 and b"10,485,760 characters is too long" in body
    got, _, _ = request(server, "/api/lookup?q=x", method="POST")
    assert got == 405
    got, _, _ = request(server, "/", headers={"Host": "evil.example"})  # DNS rebinding
    assert got == 400
    injection = api(server, "'; DROP TABLE units; --")  # text like any other: searched, never run
    assert injection["glossary"] == [] and injection["memory"] == []
    assert api(server, "1' OR '1'='1")["glossary"] == []
    assert api(server, "“ ” ，")["note"].startswith("empty query")
    assert fingerprint(db) == before
    assert api(server, "三股勢力")["glossary"][0]["target"] == "three evil forces"  # still answering


def test_stored_markup_comes_back_escaped(served):
    server, _ = served
    status, _, body = request(server, "/?q=" + urllib.parse.quote(HOSTILE_TERM))
    page = body.decode()
    assert status == 200
    for raw in (HOSTILE_TARGET, HOSTILE_NOTE, "<b>x</b>", "<i>doc</i>"):
        assert raw not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "{{ 7 * 7 }}" in page
    timeless = re.sub(r"<time[^>]*>[^<]*</time>", "", page)  # (a timestamp may hold 49 seconds)
    assert not re.search(r"(?<!\d)49(?!\d)", timeless)  # the template's data is never evaluated
    assert "&lt;i&gt;doc&lt;/i&gt;{{ 1 + 1 }}" in page
    assert (
        api(server, HOSTILE_TERM)["glossary"][0]["target"] == HOSTILE_TARGET
    )  # JSON keeps the text as it is


def test_units_imported_while_serving_are_found(served, tmp_path):
    server, db = served
    rows = tmp_path / "new.tsv"
    rows.write_text("source\ttarget\n互聯互通是關鍵。\tConnectivity is key.\n", encoding="utf-8")
    tm("import", str(rows), db=db)  # another process writes while the server reads (WAL)
    match = api(server, "互联互通是关键。")["memory"][0]
    assert match["score"] == 99
    unit_id = match["unit"]["id"]
    tm("edit", str(unit_id), "--target", "Connectivity is the key.", "--reason", "style", db=db)
    status, _, body = request(server, f"/api/unit/{unit_id}")
    history = json.loads(body)["history"]
    assert status == 200 and [(h["action"], h["old_target"], h["reason"]) for h in history] == [
        ("edit", "Connectivity is key.", "style")
    ]
    page = request(server, f"/unit/{unit_id}")[2].decode()
    assert "<del>Connectivity is key.</del>" in page and "<ins>Connectivity is the key.</ins>" in page


def test_serve_refuses_a_missing_memory_and_a_taken_port(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "tm", "serve", "--db", str(tmp_path / "typo.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 4 and "no memory there" in missing.stderr
    assert not (tmp_path / "typo.db").exists()
    db = tmp_path / "m.db"
    tm("import", str(ROOT / "seeds" / "sample-memory.tmx"), db=db)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [sys.executable, "-m", "tm", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert busy.returncode == 4 and f"cannot listen on 127.0.0.1 port {port}" in busy.stderr
    assert "Traceback" not in busy.stderr


def test_listening_beyond_this_machine_is_said_out_loud(tmp_path):
    db = tmp_path / "m.db"
    tm("import", str(ROOT / "seeds" / "sample-memory.tmx"), db=db)
    server = Server(db, "--host", "0.0.0.0", wait=False)
    try:
        assert server.url.startswith("http://0.0.0.0:")
    finally:
        errors = server.stop()
    assert "warning: listening on 0.0.0.0: anyone who can reach this machine can search" in errors


def test_a_team_memory_on_postgresql_is_served_alike(pg_server):
    from .pgserver import PASSWORD
    from .serving import SEED_GLOSSARY

    url = pg_server.new_database()
    tm("import", str(ROOT / "seeds" / "sample-memory.tmx"), db=url)
    tm("glossary", "import", str(SEED_GLOSSARY), db=url)
    server = Server(url)
    try:
        answer = api(server, "三股勢(shì)力")
        assert answer["glossary"][0]["target"] == "three evil forces"
        assert answer["concordance"][0]["unit"]["document"] == "xinhua-wang-yi-interview-2020-09-16"
        assert api(server, "three forces")["glossary"][0]["match"] == "forbidden rendering"
        status, _, page = request(server, f"/term/{answer['glossary'][0]['id']}")
        assert status == 200 and "✓" in page.decode()
    finally:
        errors = server.stop()
    assert PASSWORD not in server.banner + errors and "Traceback" not in errors


def test_serve_recovers_when_the_team_server_restarts(pg_server):
    """Issue 22, point 12: after PostgreSQL restarted, every look-up answered 503 for ever (each
    worker thread kept its dead connection). A server of its own, stopped and started for real."""
    from . import pgserver

    own = pgserver.start()
    try:
        url = own.new_database()
        tm("import", str(ROOT / "seeds" / "sample-memory.tmx"), db=url)
        server = Server(url, "--threads", "2")
        try:
            query = "/api/lookup?q=" + urllib.parse.quote("三股勢力")
            assert request(server, query)[0] == 200
            own.pause()
            status, _, body = request(server, query)
            assert status == 503 and b"try again" in body
            own.resume()
            for _ in range(4):  # every worker thread reconnects on its next request
                status, _, body = request(server, query)
                assert status == 200 and json.loads(body)["concordance"]
        finally:
            errors = server.stop()
        assert pgserver.PASSWORD not in errors
    finally:
        own.stop()


def test_several_translations_of_one_source_are_shown_on_the_page(served, tmp_path):
    """Issue 22, point 1: a memory holding two translations of one source says so with each."""
    server, db = served
    rows = tmp_path / "twice.tsv"
    rows.write_text(
        "source\ttarget\n中方支持多边主义。\tChina supports multilateralism.\n"
        "中方支持多边主义。\tChina backs multilateralism.\n",
        encoding="utf-8",
    )
    tm("import", str(rows), db=db)
    (first, second) = api(server, "中方支持多边主义。")["memory"][:2]
    assert first["other_translations"] == [second["target"]]
    page = request(server, "/?q=" + urllib.parse.quote("中方支持多边主义。"))[2].decode()
    assert "The memory also translates this source as" in page
    assert '<q lang="en">China backs multilateralism.</q>' in page
