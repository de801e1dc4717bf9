"""The English side of the concordance, through `tm concordance` on SQLite and PostgreSQL: other
forms of a word (member state → member states) after the forms as typed, a trailing * as a
prefix, a quoted phrase exactly, what a user types never taken as query syntax, and memories
written before the stem index upgraded in place."""

import json
import re
import sqlite3

import pytest

from tm.memory import open_memory, pg_schema, schema
from tm.memory.postgres import is_url
from tm.memory.words import fold
from tm.text.stem import porter

from .conftest import cli_invoker
from .schema_before import back_to

BOTH_BACKENDS = True

TARGETS = [
    "The member states agreed on the plan.",
    "Each member state shall act.",
    "Stability comes first.",
    "We stabilise prices and stabilize rents.",
    "A stable region.",
    "The policies of the member-states.",
    "Cooperating closely, they stated their case.",
]


def _memory_file(tmp_path):
    tsv = tmp_path / "units.tsv"
    rows = [f"句子{n}。\t{target}" for n, target in enumerate(TARGETS)]
    tsv.write_text("source\ttarget\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return tsv


@pytest.fixture
def run(db_path, tmp_path):
    invoke = cli_invoker(db_path, user="ann")
    imported = invoke("import", _memory_file(tmp_path))
    assert imported.exit_code == 0, imported.output
    return invoke


def _hits(run, query):
    result = run("concordance", query, "--side", "target", "--json")
    assert result.exit_code in (0, 3), result.output
    return [
        (h["target"], [h["target"][a:b] for a, b in h["spans"]]) for h in json.loads(result.output)["hits"]
    ]


def test_other_forms_are_found_after_the_form_as_typed(run):
    first, *others = _hits(run, "member state")
    assert first == ("Each member state shall act.", ["member state"])
    assert sorted(others) == [
        ("The member states agreed on the plan.", ["member states"]),
        ("The policies of the member-states.", ["member-states"]),
    ]
    assert sorted(t for t, _ in _hits(run, "Member States")[:2]) == [
        "The member states agreed on the plan.",
        "The policies of the member-states.",
    ]
    assert _hits(run, "policy") == [("The policies of the member-states.", ["policies"])]
    assert _hits(run, "cooperation") == [("Cooperating closely, they stated their case.", ["Cooperating"])]
    assert "The [member states] agreed" in run("concordance", "member state", "--side", "target").output


def test_a_trailing_star_is_a_prefix(run):
    assert sorted(_hits(run, "stabil*")) == [
        ("Stability comes first.", ["Stability"]),
        ("We stabilise prices and stabilize rents.", ["stabilise", "stabilize"]),
    ]
    assert sorted(t for t, _ in _hits(run, "members stat*")) == [
        "Each member state shall act.",
        "The member states agreed on the plan.",
        "The policies of the member-states.",
    ]


def test_a_quoted_phrase_finds_that_form_only(run):
    assert _hits(run, '"member state"') == [("Each member state shall act.", ["member state"])]
    assert sorted(t for t, _ in _hits(run, "“member states”")) == [
        "The member states agreed on the plan.",
        "The policies of the member-states.",
    ]
    assert _hits(run, '"policy"') == []


@pytest.mark.parametrize(
    "query",
    ['"', '"member', "member AND", "NEAR(member state)", "state:", "-state", "(", ")", "*", "stat**", "x -state", "-",
     "member OR", "^state", "a + b", "'", "\\", "member's", "%", "{state}", ":*", "state & !act",
     "state <-> act", "state | act", "_", "½"],
)  # fmt: skip
def test_query_syntax_from_users_is_never_an_error(run, query):
    """Found, not found, or (nothing but punctuation) refused with one message; never a traceback."""
    for side in ("target", "both"):
        result = run("concordance", "--side", side, "--", query)
        assert result.exit_code in (0, 3, 4), (query, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (query, result.exception)
        assert result.exit_code != 4 or "empty query" in result.output


def test_an_edited_or_deleted_target_leaves_the_stem_index(run, db_path):
    (unit,) = [
        h["unit"]
        for h in json.loads(run("concordance", "agreed", "--side", "target", "--json").output)["hits"]
    ]
    assert run("edit", unit["id"], "--target", "The ministers agreed.").exit_code == 0
    assert "The member states agreed" not in run("concordance", "member state", "--side", "target").output
    assert _hits(run, "minister") == [("The ministers agreed.", ["ministers"])]
    if not is_url(str(db_path)):  # the index itself (SQLite's names rows the units table may lack)
        assert unit["id"] not in _indexed(db_path, "member")
        assert unit["id"] in _indexed(db_path, "minister")
    assert run("delete", unit["id"]).exit_code == 0
    assert _hits(run, "minister") == []
    if not is_url(str(db_path)):
        assert _indexed(db_path, "minister") == []


def _indexed(db_path, word: str) -> list[int]:
    with sqlite3.connect(db_path) as conn:
        return [
            r[0] for r in conn.execute("SELECT rowid FROM target_stems WHERE target_stems MATCH ?", (word,))
        ]


def test_a_memory_from_before_the_stem_index_is_upgraded(run, db_path, backend, request):
    """A memory as the tm before this step left it (no stem index, the schema version before):
    opening it builds the stem index from the units it holds."""
    step = schema.MIGRATIONS.index(schema._TARGET_STEMS)
    if backend == "sqlite":
        with sqlite3.connect(db_path) as conn:
            back_to(conn, False, step)
            conn.execute("DROP TABLE target_stems")
            conn.execute(f"PRAGMA user_version = {step}")
    else:
        (pg_step,) = [i for i, (_, s) in enumerate(pg_schema.MIGRATIONS) if s == pg_schema._TARGET_STEMS]
        with open_memory(db_path) as memory, memory.transaction():
            back_to(memory.conn, True, pg_schema.MIGRATIONS[pg_step - 1][0])
        request.getfixturevalue("pg_server").admin(
            "DROP INDEX units_target_stems; DROP TEXT SEARCH CONFIGURATION tm_porter; "
            "DROP TEXT SEARCH DICTIONARY tm_porter_stem; "
            f"UPDATE tm_schema SET version = {pg_schema.MIGRATIONS[pg_step - 1][0]}",
            db_path.rsplit("/", 1)[-1],
        )
        step = pg_schema.MIGRATIONS[pg_step - 1][0]
    assert json.loads(run("stats", "--json").output)["schema_version"] > step
    assert sorted(t for t, _ in _hits(run, "member state")) == [
        "Each member state shall act.",
        "The member states agreed on the plan.",
        "The policies of the member-states.",
    ]


STEM_CASES = {
    "states": "state", "stated": "state", "cooperation": "cooper", "cooperating": "cooper",
    "policies": "polici", "policy": "polici", "relational": "relat", "generalization": "gener",
    "hopping": "hop", "filing": "file", "happy": "happi", "agreed": "agre", "feed": "feed",
    "controlling": "control", "analogy": "analog", "possibly": "possibl", "as": "as", "café": "cafe",
}  # fmt: skip


def test_marks_use_the_stems_sqlite_indexes(tmp_path):
    """tm.text.stem gives the stem FTS5's porter tokenizer gives, so a hit's words are marked."""
    words = sorted(set(STEM_CASES) | {w.lower() for t in TARGETS for w in re.findall(r"\w+", t)})
    conn = sqlite3.connect(tmp_path / "stems.db")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(words, 1))
    indexed = {words[doc - 1]: term for term, doc in conn.execute("SELECT term, doc FROM v")}
    assert {w: porter(fold(w)) for w in words} == indexed
    assert {w: porter(fold(w)) for w in STEM_CASES} == STEM_CASES
