"""A memory as a tm before unit identities (schema step 6) left it: what an upgrade starts from
(the steps after it, such as step 7's reviewers' comments and step 9's TBX details of glossary
entries, taken out too)."""

from __future__ import annotations

_STEP_9 = ("definition", "definition_lang", "term_info", "created_by", "changed_by")
_SQLITE = (
    *(f"ALTER TABLE terms DROP COLUMN {column}" for column in _STEP_9),
    "ALTER TABLE unit_history DROP COLUMN comment",  # step 7
    "DROP TRIGGER unit_history_identity",
    "DROP INDEX units_uid",
    "DROP INDEX unit_history_uid",
    "DROP INDEX unit_history_unit_uid",
    "ALTER TABLE units DROP COLUMN uid",
    "ALTER TABLE unit_history DROP COLUMN uid",
    "ALTER TABLE unit_history DROP COLUMN unit_uid",
    "UPDATE unit_history SET unit = json_remove(unit, '$.uid') WHERE unit IS NOT NULL",
)
_POSTGRES = (
    "ALTER TABLE terms " + ", ".join(f"DROP COLUMN {column}" for column in _STEP_9),
    "ALTER TABLE unit_history DROP COLUMN comment",  # step 7
    "DROP TRIGGER unit_history_identity ON unit_history",
    "DROP FUNCTION unit_history_identity()",
    "ALTER TABLE units DROP COLUMN uid",
    "ALTER TABLE unit_history DROP COLUMN uid, DROP COLUMN unit_uid",
    "UPDATE unit_history SET unit = (unit::jsonb - 'uid')::text WHERE unit IS NOT NULL",
)


def without_identities(conn, postgres: bool) -> None:
    """Take steps 6, 7 and 9 out of a memory's schema and data (step 8 may run again; ``conn``:
    a memory's, or a raw one); the caller sets the version it pretends to be."""
    for statement in _POSTGRES if postgres else _SQLITE:
        conn.execute(statement)
