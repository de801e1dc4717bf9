"""The PostgreSQL backend: one memory and glossary for a whole team on a server. The SQL it
shares with SQLite is tm.memory.sql's (run through a connection that turns ``?`` parameters into
psycopg's); here are the connection (libpq conventions: URL, PGPASSWORD, ~/.pgpass, service
files), transactions that hold one write lock each (so concurrent imports and reviews never
deadlock, and readers see an import whole or not at all), the batch upsert, the target word
indexes (GIN indexes on to_tsvector: the words as written, and their stems), and the read-only
accounts."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tm.errors import UserError
from tm.memory import pg_schema, words
from tm.memory.base import login_name
from tm.memory.index import GramIndex
from tm.memory.sql import ON_PAIR_CONFLICT, SQLMemory, unit_of
from tm.memory.units import UNIT_COLUMNS, Unit
from tm.memory.words import WordQuery

SCHEMES = ("postgresql://", "postgres://")
READ_ONLY = "this account may only read the memory"
_NUMBERED_RE = re.compile(r"\?(\d+)")
_NAMED_RE = re.compile(r"(?<![:\w]):(\w+)")
_UPSERT_COLUMNS = ["id", *UNIT_COLUMNS, "source_key", "loose_hash", "pair_hash"]
_INTEGERS = ("id", "loose_hash", "pair_hash")


# libpq's other form, "host=… dbname=… user=…": known keywords only, so a file named a=b.db stays a file
_CONNINFO_RE = re.compile(r"^(?:\w+\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)\s*)+$")
_CONNINFO_KEYS = {"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "options"}
_CONNINFO_KEYS |= {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "connect_timeout",
    "application_name",
}
_SECRET_RE = re.compile(r"\b(?:ssl)?password\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)\s*", re.IGNORECASE)


def is_url(location: object) -> bool:
    """A postgresql:// URL or a libpq keyword string (what psycopg.connect takes)."""
    if not isinstance(location, str):
        return False
    text = location.strip()
    if text.startswith(SCHEMES):
        return True
    keys = {k.lower() for k in re.findall(r"(\w+)\s*=", text)} if _CONNINFO_RE.match(text) else set()
    return bool(keys) and keys <= _CONNINFO_KEYS


def redact(url: str) -> str:
    """The location without its password (messages, stats, sheets and JSON never show one)."""
    url = url.strip()
    if not url.startswith(SCHEMES):
        return _SECRET_RE.sub("", url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL: show none of it
        return "postgresql://(a malformed URL)"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in ("password", "sslpassword")]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _translated(sql: str, params):
    """?, ?N and :name parameters as psycopg's %s / %(name)s (a literal % doubled)."""
    if isinstance(params, dict):
        return _NAMED_RE.sub(r"%(\1)s", sql.replace("%", "%%")), params
    if _NUMBERED_RE.search(sql):
        return _NUMBERED_RE.sub(r"%(p\1)s", sql.replace("%", "%%")), {
            f"p{n}": v for n, v in enumerate(params, 1)
        }
    return sql.replace("%", "%%").replace("?", "%s"), params


class PGConnection:
    """A psycopg connection that runs the ``?``-parameter SQL written for both backends."""

    dialect = "postgresql"

    def __init__(self, raw):
        self.raw = raw

    def execute(self, sql: str, params=None):
        if params is None:
            return self.raw.execute(sql)
        return self.raw.execute(*_translated(sql, params))

    def executemany(self, sql: str, seq) -> None:
        rows = list(seq)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(_translated(sql, rows[0])[0], rows)

    def copy_rows(self, table: str, columns, rows) -> None:
        with (
            self.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def transaction(self):
        return self.raw.transaction()

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> PGConnection:
    """A connection in autocommit mode (each write is an explicit transaction); connection
    problems become one message naming the server without its password."""
    import psycopg

    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:  # libpq's words name the server, never the password
        # All of libpq's lines: the first says what failed ("Connection refused"), the last what to check.
        reason = (
            " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
        )
        raise UserError(f"{redact(url)}: cannot connect ({reason})") from None
    except psycopg.Error:  # a URL libpq cannot parse: its message may quote the password
        raise UserError(
            f"{redact(url)}: not a URL libpq can read (check its quoting: a % in a password is %25)"
        ) from None
    return PGConnection(raw)


class PostgresMemory(SQLMemory):
    """A translation memory in a PostgreSQL database."""

    def __init__(self, url: str, user: str | None = None, create: bool = True):
        url = url.strip()
        self.location, self.file = redact(url), None
        self._url = url  # for reopened(); never shown (location is what messages name)
        self.user = user or login_name()
        self.conn = connect(url)
        version = pg_schema.current_version(self.conn)
        if version is None:
            self.conn.close()
            raise UserError(
                f"{self.location}: no tm memory on this server yet; create it with `tm db init URL`"
            )
        if version < pg_schema.VERSION:
            self._upgrade()
        elif version > pg_schema.VERSION:
            pg_schema.migrate(self.conn)  # says which tm is needed
        self.index = GramIndex(self.conn)

    def reopened(self) -> PostgresMemory:
        return PostgresMemory(self._url, self.user, create=False)

    def _upgrade(self) -> None:
        import psycopg

        try:
            pg_schema.migrate(self.conn)
        except psycopg.errors.InsufficientPrivilege:
            raise UserError(
                f"{self.location}: the memory needs an upgrade by its owner (`tm db init URL`)"
            ) from None

    @contextlib.contextmanager
    def transaction(self, commit: bool = True) -> Iterator[None]:
        import psycopg

        if not self.conn.execute("SELECT has_table_privilege('units', 'INSERT')").fetchone()[0]:
            raise UserError(f"{self.location}: {READ_ONLY}")
        try:
            with self.conn.transaction() as tx:
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (pg_schema.WRITE_LOCK,))
                yield
                if not commit:
                    raise psycopg.Rollback(tx)
        except psycopg.errors.InsufficientPrivilege:
            raise UserError(f"{self.location}: {READ_ONLY}") from None

    def _upsert(self, rows: list[dict]) -> tuple[list[tuple], int]:
        """Rows with a pair not yet in the batch go in one statement; a pair repeated in the batch
        updates the first in a later one, as SQLite's row-by-row upsert does."""
        fresh, updated = [], 0
        pending = rows
        while pending:
            seen, now_rows, later = set(), [], []
            for row in pending:
                (later if row["pair_hash"] in seen else now_rows).append(row)
                seen.add(row["pair_hash"])
            self._stage(now_rows)
            for uid, key, lang, target, inserted in self.conn.execute(_PG_UPSERT).fetchall():
                if inserted:
                    fresh.append((uid, key, lang, target))
                else:
                    updated += 1
            pending = later
        fresh.sort()
        return fresh, updated

    def _stage(self, rows: list[dict]) -> None:
        """The batch into a temporary table by COPY (the fast way in; the upsert reads it there)."""
        self.conn.execute(_STAGING)
        self.conn.copy_rows(
            "unit_staging", _UPSERT_COLUMNS, ([row[c] for c in _UPSERT_COLUMNS] for row in rows)
        )

    def _target_index_add(self, pairs: list[tuple[int, str]]) -> None:
        pass  # the GIN expression index follows the units table

    def _target_index_remove(self, unit_id: int, target: str) -> None:
        pass

    def target_matches(self, query: WordQuery, limit: int, stemmed: bool = False) -> list[Unit]:
        config = pg_schema.STEMS if stemmed else "simple"  # each has its GIN index
        words_of = f"to_tsvector('{config}', target)"
        wanted = f"to_tsquery('{config}', ?1)"
        rows = self.conn.execute(
            f"SELECT {', '.join(['id', *UNIT_COLUMNS])} FROM units WHERE {words_of} @@ {wanted} "
            f"ORDER BY ts_rank({words_of}, {wanted}) DESC, id LIMIT ?2",
            (words.tsquery(query), limit),
        ).fetchall()
        return [unit_of(row) for row in rows]

    def _size_bytes(self) -> int:
        names = ", ".join(f"'{t}'" for t in pg_schema.TABLES)
        return int(
            self.conn.execute(
                f"SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                f"WHERE c.relname IN ({names}) AND c.relnamespace = to_regnamespace(current_schema())"
            ).fetchone()[0]
        )

    def next_unit_id(self) -> int:
        last, called = self.conn.execute("SELECT last_value, is_called FROM units_id_seq").fetchone()
        return last + 1 if called else last

    def reserve_unit_ids(self, next_id: int) -> None:
        if next_id > self.next_unit_id():
            self.conn.execute("SELECT setval(pg_get_serial_sequence('units', 'id'), ?, false)", (next_id,))

    def schema_version(self) -> int:
        return pg_schema.current_version(self.conn) or 0


_STAGING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS unit_staging ("
    + ", ".join(f"{c} {'bigint' if c in _INTEGERS else 'text'}" for c in _UPSERT_COLUMNS)
    + ") ON COMMIT DELETE ROWS; TRUNCATE unit_staging"
)
_VALUES = ", ".join("u." + c for c in _UPSERT_COLUMNS[1:])
_PG_UPSERT = f"""
INSERT INTO units ({", ".join(_UPSERT_COLUMNS)})
SELECT coalesce(u.id, nextval(pg_get_serial_sequence('units', 'id'))), {_VALUES}
FROM unit_staging u
{ON_PAIR_CONFLICT}
RETURNING id, source_key, source_lang, target, xmax = 0
"""


def init_server(url: str, readers: list[str]) -> tuple[int, int]:
    """Create or upgrade the schema (owned by the URL's role) and let each reader role read it:
    look-ups, concordance, glossary, stats and translate. The versions before and after."""
    import psycopg

    conn = connect(url)
    try:
        before = pg_schema.migrate(conn)
        for role in readers:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone():
                raise UserError(
                    f"{redact(url)}: no role {role!r} on the server; create it first (CREATE ROLE …)"
                )
            pg_schema.grant_read(conn, role)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise UserError(
            f"{redact(url)}: this account may not create tm's schema ({exc.diag.message_primary})"
        ) from None
    finally:
        conn.close()
    return before, pg_schema.VERSION
