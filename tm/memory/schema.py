"""The SQLite schema of the memory, versioned with PRAGMA user_version and applied in steps."""

from __future__ import annotations

import hashlib
import sqlite3

from tm.errors import UserError
from tm.memory.script_step import detect_scripts

ORIGINS = ("aligned", "reviewed", "imported", "approved-MT")

_V1 = f"""
CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: posting lists name ids
    source      TEXT NOT NULL,            -- as given (display, export)
    target      TEXT NOT NULL,
    source_lang TEXT NOT NULL,            -- BCP-47, canonical casing
    target_lang TEXT NOT NULL,
    source_key  TEXT NOT NULL,            -- matching key (lookups only)
    loose_hash  INTEGER NOT NULL,         -- hash of family + loose key: 100/99 lookups
    pair_hash   INTEGER NOT NULL UNIQUE,  -- same source+target is one unit
    context     TEXT,                     -- hash of previous and next source keys (101)
    origin      TEXT NOT NULL CHECK (origin IN ({", ".join(repr(o) for o in ORIGINS)})),
    document    TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT,
    note        TEXT
);
CREATE INDEX units_loose ON units(loose_hash);
-- Posting lists of the fuzzy/concordance index: packed source-key bigram -> unit ids
-- (little-endian uint32), in chunks written one per import and merged when they pile up.
CREATE TABLE grams (
    gram  INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    n     INTEGER NOT NULL,  -- ids in the blob: read without touching the blob's overflow pages
    ids   BLOB NOT NULL,
    PRIMARY KEY (gram, chunk)
) WITHOUT ROWID;
-- Key length (characters, or words) of every unit, for score bounds in memory.
CREATE TABLE unit_lengths (
    batch INTEGER PRIMARY KEY AUTOINCREMENT,
    ids   BLOB NOT NULL,  -- uint32
    lens  BLOB NOT NULL   -- uint16
);
CREATE VIRTUAL TABLE target_fts USING fts5(
    target, content='units', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('next_chunk', '1');
"""

# The term base (glossary/): entries of several glossaries, overridden by priority.
_V2 = """
CREATE TABLE glossaries (
    name     TEXT PRIMARY KEY,
    priority INTEGER NOT NULL DEFAULT 0  -- higher wins when glossaries disagree
);
CREATE TABLE terms (
    id              INTEGER PRIMARY KEY,
    glossary        TEXT NOT NULL REFERENCES glossaries(name),
    source          TEXT NOT NULL,
    source_key      TEXT NOT NULL,       -- matching key of the source term
    search_keys     TEXT NOT NULL,       -- matching keys of every source form, one per line
    match_keys      TEXT NOT NULL,       -- the recognizer's keys of the same forms, one per line
    target          TEXT NOT NULL,       -- approved rendering
    source_variants TEXT NOT NULL,       -- JSON lists
    alternatives    TEXT NOT NULL,
    forbidden       TEXT NOT NULL,
    note            TEXT,
    domain          TEXT,
    reference       TEXT,
    status          TEXT NOT NULL CHECK (status IN ('approved', 'proposed', 'deprecated')),
    case_sensitive  INTEGER NOT NULL DEFAULT 0,
    source_lang     TEXT NOT NULL,
    target_lang     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    UNIQUE (glossary, source_key)
);
CREATE INDEX terms_key ON terms(source_key);
-- Every source form's matching key, for exact and substring look-ups of terms.
CREATE TABLE term_forms (
    form_key TEXT NOT NULL,
    term_id  INTEGER NOT NULL REFERENCES terms(id)
);
CREATE INDEX term_forms_key ON term_forms(form_key);
CREATE INDEX term_forms_term ON term_forms(term_id);
"""

# Targets a reviewer replaced (tm review): what a unit said before, who changed it and why.
_V3 = """
CREATE TABLE unit_history (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    old_target TEXT NOT NULL,
    new_target TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    reason     TEXT
);
CREATE INDEX unit_history_unit ON unit_history(unit_id);
"""

# What happened to a unit (tm review, tm edit, tm delete), and the sheet rows a review stored:
# a second review round of the same sheet corrects the unit its first round stored.
_V4 = """
ALTER TABLE unit_history ADD COLUMN action TEXT NOT NULL DEFAULT 'edit';  -- review | edit | delete
ALTER TABLE unit_history ADD COLUMN unit TEXT;  -- a deleted unit as it was (JSON)
UPDATE unit_history SET action = 'review';  -- until now only tm review wrote history
CREATE TABLE reviewed_rows (
    sheet   TEXT NOT NULL,     -- the review sheet's id
    row     TEXT NOT NULL,     -- the segment id of the row
    unit_id INTEGER NOT NULL,  -- the unit it stored or confirmed
    target  TEXT NOT NULL,     -- the target it stored
    added   INTEGER NOT NULL DEFAULT 0,  -- 1: the review created the unit (a later rejection removes it)
    PRIMARY KEY (sheet, row)
);
CREATE INDEX reviewed_rows_unit ON reviewed_rows(unit_id);
"""

# One identity per unit and per history entry, the same in every copy (tm db copy --merge syncs
# by them; new ones are random). What was stored before gets one derived from what a copy keeps
# (a unit's id, source and creation; an entry's unit and content), so a memory and a copy made
# before this step still know each other's units. tm.memory.pg_schema derives them alike.
_V6 = """
ALTER TABLE units ADD COLUMN uid TEXT;
UPDATE units SET uid = md5(id || char(31) || source || char(31) || created_at || char(31)
    || coalesce(created_by, ''));
CREATE UNIQUE INDEX units_uid ON units(uid);
ALTER TABLE unit_history ADD COLUMN uid TEXT;
ALTER TABLE unit_history ADD COLUMN unit_uid TEXT;
UPDATE unit_history SET unit_uid = (SELECT uid FROM units WHERE units.id = unit_history.unit_id);
UPDATE unit_history SET unit_uid = (
    SELECT md5(d.unit_id || char(31) || json_extract(d.unit, '$.source') || char(31)
        || json_extract(d.unit, '$.created_at') || char(31)
        || coalesce(json_extract(d.unit, '$.created_by'), ''))
    FROM unit_history d WHERE d.unit_id = unit_history.unit_id AND d.unit IS NOT NULL
    ORDER BY d.id DESC LIMIT 1
) WHERE unit_uid IS NULL;
UPDATE unit_history SET unit_uid = md5('unit' || char(31) || unit_id) WHERE unit_uid IS NULL;
UPDATE unit_history AS h SET uid = md5(h.unit_uid || char(31) || h.action || char(31) || h.changed_at
    || char(31) || h.old_target || char(31) || h.new_target || char(31) || coalesce(h.changed_by, '')
    || char(31) || coalesce(h.reason, '') || char(31) || r.n)
FROM (SELECT id, row_number() OVER (PARTITION BY unit_uid, action, changed_at, old_target, new_target,
    changed_by, reason ORDER BY id) AS n FROM unit_history) AS r
WHERE r.id = h.id;
CREATE UNIQUE INDEX unit_history_uid ON unit_history(uid);
CREATE INDEX unit_history_unit_uid ON unit_history(unit_uid);
-- every writer of history gets both without naming them
CREATE TRIGGER unit_history_identity AFTER INSERT ON unit_history
WHEN NEW.uid IS NULL OR NEW.unit_uid IS NULL BEGIN
    UPDATE unit_history SET uid = coalesce(NEW.uid, lower(hex(randomblob(16)))),
        unit_uid = coalesce(NEW.unit_uid, (SELECT uid FROM units WHERE id = NEW.unit_id))
    WHERE id = NEW.id;
END;
"""

# A reviewer's comment on a decision, apart from the reason (which says where it was taken):
# shown by tm history and the unit page, exported as TMX notes.
_V7 = """
ALTER TABLE unit_history ADD COLUMN comment TEXT;
"""

# The target's words by their Porter stems, beside target_fts (the words as written): the
# concordance finds "member states" for "member state", the forms as written ranked first.
_TARGET_STEMS = """
CREATE VIRTUAL TABLE IF NOT EXISTS target_stems USING fts5(
    target, content='units', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO target_stems(target_stems) VALUES ('rebuild');  -- from the units (run again: the same)
"""

# What a TBX file says of an entry beyond its renderings: a definition (and its language), each
# term's part of speech, context and note (JSON), and who created and last changed the entry.
_V9 = """
ALTER TABLE terms ADD COLUMN definition TEXT;
ALTER TABLE terms ADD COLUMN definition_lang TEXT;
ALTER TABLE terms ADD COLUMN term_info TEXT NOT NULL DEFAULT '{}';
ALTER TABLE terms ADD COLUMN created_by TEXT;
ALTER TABLE terms ADD COLUMN changed_by TEXT;
"""

# Word links of every unit (tm.align.unitlinks encodes them; the memory keeps them as bytes), in
# a side table so an import writes units as before, and the trained word aligner they came from.
_V10 = """
CREATE TABLE IF NOT EXISTS unit_links (
    unit_id INTEGER PRIMARY KEY,  -- a unit's links; none yet: aligned when next needed
    links   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS word_model (
    name       TEXT PRIMARY KEY,  -- 'aligner'
    state      BLOB NOT NULL,     -- zlib-compressed JSON of WordAligner.state()
    trained_at TEXT NOT NULL,
    units      INTEGER NOT NULL   -- pairs it was trained on
);
"""

# What a TMX from another tool held beyond tm's columns (inline codes, props, notes), as JSON
# (tm.formats.tmx_kept): matching keys never see it, an export writes it back.
_V11 = """
ALTER TABLE units ADD COLUMN tmx TEXT;
"""

# One identity per glossary entry, the same in every copy, and what happened to entries (added,
# changed, removed: a removal leaves its row here), so tm db copy --merge carries changes and
# removals as it does units'. The identity is derived from what names an entry in a glossary
# (tm.memory.pg_schema and glossary.history derive it alike): copies made before this step, and
# entries added on both sides, know each other.
_V12 = """
ALTER TABLE terms ADD COLUMN uid TEXT;
UPDATE terms SET uid = md5(glossary || char(31) || source_key);
CREATE UNIQUE INDEX terms_uid ON terms(uid);
CREATE TABLE term_history (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,  -- the event's identity, the same in every copy
    term_uid   TEXT NOT NULL,         -- the entry's
    action     TEXT NOT NULL,         -- add | edit | remove
    changed_at TEXT NOT NULL,
    changed_by TEXT,
    entry      TEXT                   -- a removed entry as it was (JSON)
);
CREATE INDEX term_history_term ON term_history(term_uid);
"""

# Word links that keep the cut of the words they were made for (kinds 3 and 4 of
# tm.align.unitlinks.encode): nothing changes in the tables, but a tm that knows only kinds 1 and 2
# would misread them (wrong links, or an error), so this step makes it say a newer tm wrote them.
_LINKS_KEEP_CUT = "SELECT 1"

# Each step takes the database from version i to i + 1; append, never edit. A step is SQL, or a
# function of the connection for what SQL cannot do (it runs in the step's transaction).
MIGRATIONS: list = [
    _V1,
    _V2,
    _V3,
    _V4,
    detect_scripts,
    _V6,
    _V7,
    _TARGET_STEMS,
    _V9,
    _V10,
    _V11,
    _V12,
    _LINKS_KEEP_CUT,
]
VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to VERSION, one transaction per step (safe with concurrent openers)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == VERSION:
        return  # the usual case: no write lock taken
    conn.create_function("md5", 1, _md5, deterministic=True)  # PostgreSQL's, for derived identities
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > VERSION:
                raise UserError(
                    f"this memory was written by a newer tm (schema {current}, this tm knows "
                    f"{VERSION}); upgrade tm to open it"
                )
            if current == VERSION:
                conn.execute("COMMIT")
                return
            step = MIGRATIONS[current]
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _md5(text: str | None) -> str | None:
    return None if text is None else hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]
