"""Issue 22, point 3: a reviewer's comment stays with the decision in the unit's history, wherever
it was written (an alignment review sheet, an XLIFF batch in a CAT tool), travels as TMX notes
(read back without doubling), and shows in `tm history` and the unit page of `tm serve`."""

from __future__ import annotations

import urllib.request

import pytest

from tm.memory import open_memory

from .conftest import SAMPLE_TMX, cli_invoker
from .serving import Server
from .sheet_cells import set_cells

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL


@pytest.fixture
def run(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    return cli_invoker(db_path, user="ann")


def _units(db) -> dict:
    with open_memory(db) as memory:
        return {u.source: u for u in memory.iter_units()}


def _history(db, unit_id: int) -> list[dict]:
    with open_memory(db) as memory:
        return memory.history(unit_id)


@pytest.fixture
def reviewed(run, tmp_path, db_path):
    """A memory whose units hold a reviewer's comments: a confirmation, a correction, a rejection,
    and a unit a row created (its note)."""
    doc = tmp_path / "two.txt"
    doc.write_text(
        "四是拓展全方位合作。\n中方愿意提供帮助。\n三是推動國際抗疫合作。\n謝謝大家。\n", encoding="utf-8"
    )
    help_tsv = tmp_path / "help.tsv"
    help_tsv.write_text("source\ttarget\n中方愿意提供帮助。\tChina is willing to help.\n", encoding="utf-8")
    assert run("import", SAMPLE_TMX).exit_code == 0 and run("import", help_tsv).exit_code == 0
    path = tmp_path / "two.xlsx"
    assert run("translate", doc, "--no-mt", "-o", path).exit_code == 0
    set_cells(
        path,
        {
            "two:1:1": {"Status": "approved", "Comment": "house style checked"},
            "two:2:1": {
                "Target": "China stands ready to help.",
                "Status": "approved",
                "Comment": "FM wording",
            },
            "two:3:1": {"Status": "rejected", "Comment": "WRONG: <b>not</b> this one & never"},
            "two:4:1": {"Target": "Thank you, everyone.", "Status": "approved", "Comment": "speech"},
        },
    )
    assert run("review", path, user="anna").exit_code == 0
    return _units(db_path)


def test_history_and_the_unit_page_show_who_when_and_where(run, reviewed, db_path):
    corrected = reviewed["中方愿意提供帮助。"]
    shown = run("history", corrected.id)
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  review "))
    assert "by anna" in lines[at] and "(tm review two.xlsx two:2:1)" in lines[at]
    assert lines[at + 1] == "    comment: FM wording"
    created = run("history", reviewed["謝謝大家。"].id).output
    assert "    note: speech" in created and "by anna" in created

    server = Server(db_path)
    try:
        with urllib.request.urlopen(f"{server.url}/unit/{corrected.id}", timeout=30) as response:
            page = response.read().decode()
        rejected = reviewed["三是推動國際抗疫合作。"].id
        with urllib.request.urlopen(f"{server.url}/unit/{rejected}", timeout=30) as response:
            rejected_page = response.read().decode()
    finally:
        server.stop()
    assert '<p class="comment">FM wording</p>' in page and "by anna (tm review two.xlsx two:2:1)" in page
    assert '<p class="comment">WRONG: &lt;b&gt;not&lt;/b&gt; this one &amp; never</p>' in rejected_page
