"""Memories as an earlier tm left them, for the tests of upgrades: each schema step that cannot
simply run again has its undo here, and ``back_to`` undoes every such step after a version, newest
first (steps that may run again, such as 8's stem index, need none). The caller sets the version
it pretends to be, and may take out more (the step it tests)."""

from __future__ import annotations

_TERM_DETAILS = ("definition", "definition_lang", "term_info", "created_by", "changed_by")
_SQLITE = {
    6: (  # unit identities
        "DROP TRIGGER unit_history_identity",
        "DROP INDEX units_uid",
        "DROP INDEX unit_history_uid",
        "DROP INDEX unit_history_unit_uid",
        "ALTER TABLE units DROP COLUMN uid",
        "ALTER TABLE unit_history DROP COLUMN uid",
        "ALTER TABLE unit_history DROP COLUMN unit_uid",
        "UPDATE unit_history SET unit = json_remove(unit, '$.uid') WHERE unit IS NOT NULL",
    ),
    7: ("ALTER TABLE unit_history DROP COLUMN comment",),  # reviewers' comments
    9: tuple(f"ALTER TABLE terms DROP COLUMN {column}" for column in _TERM_DETAILS),  # TBX details
    11: ("ALTER TABLE units DROP COLUMN tmx",),  # what a TMX held beyond tm's columns
    12: (  # glossary entries' identities and history
        "DROP TABLE term_history",
        "DROP INDEX terms_uid",
        "ALTER TABLE terms DROP COLUMN uid",
    ),
}
_POSTGRES = {
    6: (
        "DROP TRIGGER unit_history_identity ON unit_history",
        "DROP FUNCTION unit_history_identity()",
        "ALTER TABLE units DROP COLUMN uid",
        "ALTER TABLE unit_history DROP COLUMN uid, DROP COLUMN unit_uid",
        "UPDATE unit_history SET unit = (unit::jsonb - 'uid')::text WHERE unit IS NOT NULL",
    ),
    7: ("ALTER TABLE unit_history DROP COLUMN comment",),
    9: ("ALTER TABLE terms " + ", ".join(f"DROP COLUMN {column}" for column in _TERM_DETAILS),),
    11: ("ALTER TABLE units DROP COLUMN tmx",),
    12: ("DROP TABLE term_history", "ALTER TABLE terms DROP COLUMN uid"),
}


def back_to(conn, postgres: bool, version: int) -> None:
    """Undo the steps after ``version`` that cannot run again (``conn``: a memory's, or a raw one)."""
    undo = _POSTGRES if postgres else _SQLITE
    for step in sorted((s for s in undo if s > version), reverse=True):
        for statement in undo[step]:
            conn.execute(statement)


def without_identities(conn, postgres: bool) -> None:
    """A memory from before unit identities (step 6), and so from before every later step."""
    back_to(conn, postgres, 5)
