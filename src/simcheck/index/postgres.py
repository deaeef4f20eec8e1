"""A shared archive on PostgreSQL: the :class:`~simcheck.index.database.Database` the
index's code runs on when it is given a ``postgresql://`` URL.

The archive's tables live in a schema of their own (``simcheck``, or the URL's
``?schema=NAME``), the same tables an index file has, with BIGINT hashes and BYTEA
texts. Writers take a transaction-level advisory lock, so a second writer waits for
the first as a second SQLite writer does, and then sees what the first added.

The password is never shown: messages name the archive by :attr:`Location.shown`
(``postgresql://ann:***@db.example:5432/school``), and any text from the driver is
scrubbed of it. psycopg is imported only when an archive is opened.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import CorpusError
from .database import Busy, Database, Rows

if TYPE_CHECKING:  # the driver's types, for mypy alone
    import psycopg

#: The schema an archive's tables are in unless the URL names another.
DEFAULT_SCHEMA = "simcheck"
#: Seconds to wait for the server to answer a connection.
CONNECT_SECONDS = 10
#: Schema names accepted: plain lower-case identifiers, never quoted or escaped.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
#: What an add or a remove does to each table (documents first: a read-only role is
#: told of the privilege it most plainly lacks).
_WRITES = (
    ("documents", "INSERT"),
    ("documents", "DELETE"),
    *((table, verb) for table in ("fingerprints", "bands", "topics") for verb in ("INSERT", "DELETE")),
    *((table, verb) for table in ("terms", "window_postings") for verb in ("INSERT", "UPDATE", "DELETE")),
    ("meta", "UPDATE"),
)

_POSTGRES_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id BIGINT PRIMARY KEY,
    path TEXT COLLATE "C" NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    words INTEGER NOT NULL,
    title TEXT NOT NULL,
    text BYTEA NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE TABLE fingerprints (bucket BIGINT PRIMARY KEY, prints BYTEA NOT NULL);
-- Buckets of random keys do not compress: kept in the row, not tried by TOAST.
ALTER TABLE fingerprints ALTER COLUMN prints SET STORAGE MAIN;
CREATE TABLE bands (band INTEGER NOT NULL, key BIGINT NOT NULL, doc BIGINT NOT NULL,
                    PRIMARY KEY (band, key, doc));
CREATE TABLE terms (term BIGINT PRIMARY KEY, df BIGINT NOT NULL, windows BIGINT NOT NULL DEFAULT 0);
CREATE TABLE window_postings (term BIGINT NOT NULL, part BIGINT NOT NULL, postings BYTEA NOT NULL,
                              PRIMARY KEY (term, part));
CREATE TABLE topics (term BIGINT NOT NULL, doc BIGINT NOT NULL, weight DOUBLE PRECISION NOT NULL,
                     PRIMARY KEY (term, doc));
"""


# The driver logs errors it also raises; without a handler of the application's the
# lines would reach stderr beside simcheck's own one-line message.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

#: Connections a forked worker inherited (see :attr:`PostgresDatabase.connection`).
_INHERITED: list[Any] = []


@dataclass(frozen=True)
class Location:
    """A PostgreSQL archive's URL taken apart: what libpq connects with (the URL without
    ``schema``), the schema, the URL as shown, password masked, the role it logs in as,
    and the secrets to mask in any text from the driver."""

    conninfo: str
    schema: str
    shown: str
    user: str
    database: str
    secrets: tuple[str, ...]

    def scrub(self, text: str) -> str:
        """``text`` with every secret of the URL masked, on one line."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return " ".join(text.split())


def parse(url: str) -> Location:
    """Take an archive's URL apart.

    >>> found = parse("postgresql://ann:s%40cret@db.example:5432/school?schema=class2026")
    >>> found.shown, found.schema, found.conninfo
    ('postgresql://ann:***@db.example:5432/school?schema=class2026', 'class2026', \
'postgresql://ann:s%40cret@db.example:5432/school')
    """
    parts = urlsplit(url)
    schema, kept, secrets = DEFAULT_SCHEMA, [], []
    for item in parts.query.split("&"):
        key, _, value = item.partition("=")
        if unquote(key) == "schema":
            schema = unquote(value)
        elif item:
            kept.append(item)
            if unquote(key) == "password" and value:
                secrets += [value, unquote(value)]
    login, at, place = parts.netloc.rpartition("@")
    user, colon, password = login.partition(":")
    if password:
        secrets += [password, unquote(password)]
    environment = os.environ.get("PGPASSWORD")
    if environment:
        secrets.append(environment)
    named = f"{user}{':***' if colon else ''}{at}" if at else ""
    shown = f"{parts.scheme}://{named}{place}{parts.path}"
    if schema != DEFAULT_SCHEMA:
        shown += f"?schema={schema}"
    if not _SCHEMA_NAME.fullmatch(schema):
        raise CorpusError(
            f"{shown}: schema name {schema!r} is not a plain identifier; "
            "use lower-case letters, digits and _ (at most 63)"
        )
    # Longest first, so a secret containing another is masked whole.
    ordered = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
    conninfo = urlunsplit(parts._replace(query="&".join(kept)))
    # Without a user in the URL, libpq logs in as PGUSER or the login name.
    role = unquote(user) or os.environ.get("PGUSER") or getpass.getuser()
    return Location(conninfo, schema, shown, role, unquote(parts.path.lstrip("/")), ordered)


def advisory_key(schema: str) -> int:
    """The advisory lock a writer of the archive in ``schema`` holds (a signed 64-bit
    number, the same in every process)."""
    digest = hashlib.sha256(f"simcheck archive {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _connect_failure(location: Location, error: Exception) -> CorpusError:
    """The one line for a connection the server or the network refused."""
    shown, detail = location.shown, location.scrub(str(error))
    if "password authentication failed" in detail:
        return CorpusError(
            f"{shown}: the server refused the password of role {location.user}; "
            "check the password (in the URL, PGPASSWORD or ~/.pgpass)"
        )
    if "no password supplied" in detail:
        return CorpusError(
            f"{shown}: the server asks for a password; give it in the URL, PGPASSWORD or ~/.pgpass"
        )
    if re.search(r'database ".*" does not exist', detail):
        return CorpusError(
            f"{shown}: database {location.database} does not exist on the server; "
            "create it (createdb) or correct the URL"
        )
    if re.search(r'role ".*" does not exist', detail):
        return CorpusError(f"{shown}: role {location.user} does not exist on the server; correct the URL")
    # libpq's reason, without the host it names again or its hint on a second line.
    reason = detail.rsplit(" failed: ", 1)[-1].split(" Is the server running")[0]
    return CorpusError(
        f"{shown}: cannot reach the PostgreSQL server ({reason}); "
        "check the host and port in the URL and that the server is running"
    )


class PostgresDatabase(Database):
    """An open connection to a PostgreSQL archive (autocommit; writers begin their own
    transaction)."""

    def __init__(self, url: str) -> None:
        self.location = location = parse(url)
        self.name = location.shown
        try:
            import psycopg  # the driver of an optional extra: only for a PostgreSQL archive
        except ImportError:
            raise CorpusError(
                f"{self.name}: a PostgreSQL archive needs psycopg; install it with "
                "pip install 'simcheck[postgres]'"
            ) from None
        self.errors = (psycopg.Error,)
        self._privilege = psycopg.errors.InsufficientPrivilege
        self._missing = (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName)
        self._busy = psycopg.errors.LockNotAvailable
        self._lost = psycopg.OperationalError
        self._writing = False
        self._connect = functools.partial(
            psycopg.connect, location.conninfo, autocommit=True, connect_timeout=CONNECT_SECONDS
        )
        self._opened(os.getpid())

    def _opened(self, pid: int) -> None:
        try:
            self._connection: psycopg.Connection[Any] = self._connect()
        except self.errors as exc:
            raise _connect_failure(self.location, exc) from None
        self._pid = pid
        # Plain table names find the archive's tables, and only those.
        self._connection.execute("SELECT set_config('search_path', %s, false)", [f'"{self.location.schema}"'])

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """This process's connection. A worker process forked from the one that opened
        the archive (a batch's pool) inherits the connection's socket, which both would
        then talk over at once: the worker opens one of its own instead."""
        pid = os.getpid()
        if pid != self._pid:
            # Kept, never closed: closing would end the parent's session on that socket.
            _INHERITED.append(self._connection)
            self._opened(pid)
        elif self._connection.broken and not self._writing:
            # The server went away (restarted, or the connection was cut): a reader
            # connects again, or says in one line that it cannot. A writer does not: its
            # transaction went with the old connection, so it fails as a whole.
            self._opened(pid)
        return self._connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return self._retried(sql, params)

    def _retried(self, sql: str, params: Sequence[Any], *, binary: bool = False) -> Rows:
        """Run a statement; a reader whose connection was cut (the server restarted, an
        idle session ended) runs it once more on a new one."""
        query = _placeholders(sql) if params else sql
        try:
            cursor: Rows = self.connection.execute(query, params or None, binary=binary)
        except self._lost:
            if self._writing or not self._connection.broken:
                raise
            cursor = self.connection.execute(query, params or None, binary=binary)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    def lookup(self, select: str, values: Sequence[int]) -> list[tuple[Any, ...]]:
        if not values:
            return []
        # One array parameter however many values: no chunks, one plan. Results in
        # binary: a check's fingerprint buckets are half a megabyte of bytea in an
        # archive of a million essays, which the text format doubles into hex (a lookup
        # took 14 ms that way, 10 ms in binary).
        rows: list[tuple[Any, ...]] = self._retried(
            f"WITH q(v) AS (SELECT unnest(?::bigint[])) {select}", [list(values)], binary=True
        ).fetchall()
        return rows

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        # COPY streams the rows in one statement, many times faster than INSERTs.
        with self.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def begin_write(self, wait: float) -> None:
        # READ COMMITTED whatever the server's default: each statement after the lock
        # sees what the writer before this one committed, so its files count as unchanged.
        self.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        self._writing = True
        try:
            # Lock timeout 0 would mean no limit: wait at least a millisecond.
            self.execute("SELECT set_config('lock_timeout', ?, true)", [f"{max(1, round(wait * 1000))}ms"])
            self.execute("SELECT pg_advisory_xact_lock(?)", [advisory_key(self.location.schema)])
        except self._busy:
            self.rollback()
            raise Busy(self.name) from None
        except BaseException:
            self.rollback()
            raise

    def refresh_statistics(self) -> None:
        # Right after a build the server has no statistics of the new tables, and plans
        # lookups by the million-row tables' keys as scans until autovacuum gets to them
        # (a check took 61 ms instead of about 20 in the first minutes). VACUUM as well:
        # it marks the new pages all-visible, so lookups by the bands' key read the index
        # alone, and it frees the rows an add's rewrites left behind for the next add. A
        # role that does not own the tables gets a warning per table, not an error.
        self.execute("VACUUM (ANALYZE) documents, fingerprints, bands, terms, window_postings, topics")

    def commit(self) -> None:
        super().commit()
        self._writing = False

    def rollback(self) -> None:
        self._writing = False
        # After a lost connection there is nothing left to roll back.
        if not self._connection.closed:
            try:
                self.execute("ROLLBACK")
            except self.errors:
                pass

    def has_tables(self) -> bool:
        row = self.execute("SELECT to_regclass(?)", [f'"{self.location.schema}".meta']).fetchone()
        return row[0] is not None

    def create_tables(self) -> None:
        schema = self.location.schema
        if self.has_tables():
            raise CorpusError(
                f"{self.name}: an archive already exists in schema {schema}; add to it with "
                f"`simcheck index add`, or build in another schema (?schema=NAME)"
            )
        # A schema made ready for the owner is used as it is: CREATE SCHEMA IF NOT EXISTS
        # would ask for the privilege to create one all the same.
        known = self.execute("SELECT 1 FROM pg_namespace WHERE nspname = ?", [schema]).fetchone()
        try:
            if known is None:
                self.execute(f'CREATE SCHEMA "{schema}"')
        except self._privilege:
            raise CorpusError(
                f"{self.name}: this role ({self.location.user}) lacks the privilege to create schema "
                f"{schema}; have the database's owner create it (CREATE SCHEMA {schema} AUTHORIZATION "
                f"{self.location.user}) or GRANT CREATE ON DATABASE"
            ) from None
        self.execute(_POSTGRES_TABLES)

    def check_writable(self) -> None:
        schema = self.location.schema
        row = self.execute(
            "SELECT t, p FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS c(t, p, i) "
            "WHERE NOT has_table_privilege(t, p) ORDER BY i LIMIT 1",
            [[f"{schema}.{table}" for table, _ in _WRITES], [verb for _, verb in _WRITES]],
        ).fetchone()
        if row is not None:
            user = self.location.user
            raise CorpusError(
                f"{self.name}: this role lacks the privilege to write to the archive ({row[1]} on "
                f"{row[0]}); connect as a writer, or have the archive's owner run GRANT INSERT, UPDATE, "
                f"DELETE ON ALL TABLES IN SCHEMA {schema} TO {user}"
            )

    def size(self) -> int:
        row = self.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'",
            [self.location.schema],
        ).fetchone()
        return int(row[0])

    def integrity_problems(self) -> list[str]:
        # PostgreSQL checksums its pages as it reads them (where the cluster has data
        # checksums), and the rest of verify reads every row. Where the database has the
        # amcheck extension, each B-tree of the archive is also checked against its
        # table (every row found in the index); a role not allowed to run it is not
        # told of a problem it cannot see.
        found = self.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'amcheck'"
        )
        row = found.fetchone()
        if row is None:
            return []
        indexes = self.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = ? AND c.relkind = 'i' AND a.amname = 'btree' "
            "ORDER BY 1",
            [self.location.schema],
        ).fetchall()
        problems = []
        for (index,) in indexes:
            try:
                self.execute(f'SELECT "{row[0]}".bt_index_check(?::regclass, true)', [index])
            except self._privilege:
                return []
            except self.errors as exc:
                problems.append(f"index {index}: {self.location.scrub(str(exc).splitlines()[0])}")
        return problems

    def failure(self, error: Exception) -> CorpusError:
        detail = self.location.scrub(str(error).splitlines()[0] if str(error) else type(error).__name__)
        if isinstance(error, self._privilege):
            return CorpusError(
                f"{self.name}: this role lacks the privilege for this on the archive ({detail}); "
                "ask the archive's owner for a GRANT"
            )
        if isinstance(error, self._missing):
            return CorpusError(
                f"{self.name}: no simcheck archive in schema {self.location.schema}; "
                "create one with `simcheck index build`"
            )
        if self._connection.closed or self._connection.broken:
            return CorpusError(f"{self.name}: lost the connection to the server ({detail}); try again")
        return CorpusError(f"{self.name}: the archive gave an error ({detail}); run `simcheck index verify`")

    def rebuild_hint(self) -> str:
        return (
            "build a new archive with `simcheck index build` in another schema (?schema=NAME), "
            f"or drop schema {self.location.schema} first"
        )

    def close(self) -> None:
        if os.getpid() == self._pid:
            self._connection.close()
