"""The database under an index: what the index's code asks of it, served by SQLite (one
file) and by PostgreSQL (a shared archive, :mod:`.postgres`).

The reader, the rows and the writer speak to a :class:`Database` only, so both stores
run the same SQL through one code path. SQL is written with ``?`` placeholders and
plain table names; the PostgreSQL side translates the placeholders and finds the tables
through its schema. What differs between the two lives here: the tables' DDL, how a
value list is joined in (:meth:`Database.lookup`), bulk inserts, how a writer waits for
another, and the one-line message an error becomes.
"""

from __future__ import annotations

import abc
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import CorpusError

#: URL schemes that name a PostgreSQL archive instead of an index file.
URL_SCHEMES = ("postgresql://", "postgres://")
#: Bytes of the index file read through a memory map (SQLite caps it, usually at 2 GB).
#: Each lookup lands on a 64 KB page; mapped, it is read in place instead of copied,
#: which made lookups in a million-document table four times faster (10 ms to 2.5 ms).
MMAP_BYTES = 1 << 34
#: SQLite page size of a new index, in bytes.
PAGE_SIZE = 65536
#: Values per lookup statement (SQLite allows 32,766 parameters).
_LOOKUP_CHUNK = 5000

#: The tables of an index file (see :mod:`.schema` for what each holds).
SQLITE_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    words INTEGER NOT NULL,
    title TEXT NOT NULL,
    text BLOB NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE TABLE fingerprints (bucket INTEGER PRIMARY KEY, prints BLOB NOT NULL);
CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
                    PRIMARY KEY (band, key, doc)) WITHOUT ROWID;
CREATE TABLE terms (term INTEGER PRIMARY KEY, df INTEGER NOT NULL, windows INTEGER NOT NULL DEFAULT 0);
CREATE TABLE window_postings (term INTEGER NOT NULL, part INTEGER NOT NULL, postings BLOB NOT NULL,
                              PRIMARY KEY (term, part)) WITHOUT ROWID;
CREATE TABLE topics (term INTEGER NOT NULL, doc INTEGER NOT NULL, weight REAL NOT NULL,
                     PRIMARY KEY (term, doc)) WITHOUT ROWID;
"""


def damaged(name: object, error: Exception) -> CorpusError:
    """The one-line error for an index file SQLite cannot read."""
    return CorpusError(
        f"{name}: the index is damaged or unreadable ({error}); run `simcheck index verify` or rebuild it"
    )


class Busy(Exception):
    """Another writer kept the index for the whole wait."""


class Rows(Protocol):
    """What a statement gives back (a DB-API cursor of either driver)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def is_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL archive rather than an index file.

    >>> is_url("postgresql://ann@db.example/archive"), is_url("archive.simcheck")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def masked_url(url: str) -> str:
    """``url`` with the password in it, if any, masked (for a message about a URL that
    is no archive's; an archive is shown by :attr:`Database.name`).

    >>> masked_url("postgressql://ann:s3cret@db.example/school?password=s3cret")
    'postgressql://ann:***@db.example/school?password=***'
    """
    scheme, separator, rest = url.partition("://")
    login, at, place = rest.rpartition("@")
    if at and ":" in login:
        rest = f"{login.partition(':')[0]}:***@{place}"
    return scheme + separator + re.sub(r"(?i)([?&]password=)[^&#]*", r"\1***", rest)


class Database(abc.ABC):
    """An open connection to an index's tables.

    ``name`` is how the index is shown in messages and reports (a PostgreSQL URL with
    its password masked); ``errors`` are the driver's exception classes, which
    :meth:`failure` turns into one line.
    """

    name: str
    errors: tuple[type[Exception], ...]

    @abc.abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    @abc.abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abc.abstractmethod
    def lookup(self, select: str, values: Sequence[int]) -> list[tuple[Any, ...]]:
        """Run ``select`` with a table ``q(v)`` of ``values`` joined in."""

    def insert_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert many rows at once."""
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)

    @abc.abstractmethod
    def begin_write(self, wait: float) -> None:
        """Start a write transaction, waiting up to ``wait`` seconds for another writer
        (:class:`Busy` after that)."""

    def commit(self) -> None:
        self.execute("COMMIT")

    @abc.abstractmethod
    def refresh_statistics(self) -> None:
        """Let the query planner see the tables as they now are, after a large write."""

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    @abc.abstractmethod
    def create_tables(self) -> None:
        """Create the index's tables (inside the current transaction)."""

    @abc.abstractmethod
    def check_writable(self) -> None:
        """Raise a one-line :class:`CorpusError` when this connection may not change the
        index (checked before a change starts, not halfway through it)."""

    @abc.abstractmethod
    def size(self) -> int:
        """Bytes the index takes."""

    @abc.abstractmethod
    def integrity_problems(self) -> list[str]:
        """The database's own check of its storage, where it has one."""

    @abc.abstractmethod
    def failure(self, error: Exception) -> CorpusError:
        """The one-line error for a driver ``error`` met while using the index."""

    @abc.abstractmethod
    def rebuild_hint(self) -> str:
        """What to run to make a new index here, for an index of another format."""

    @abc.abstractmethod
    def close(self) -> None: ...


class SQLiteDatabase(Database):
    """An index file, in WAL mode so readers keep working while one writer adds."""

    errors = (sqlite3.DatabaseError,)

    def __init__(self, path: Path, *, busy_seconds: float, new: bool = False) -> None:
        self.path = path
        self.name = str(path)
        db = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None)
        if new:
            # Large pages hold several compressed texts each; with the default 4 KB pages
            # a 3 KB text leaves most of a page empty.
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        db.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        self.connection = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    def lookup(self, select: str, values: Sequence[int]) -> list[tuple[Any, ...]]:
        # A CTE of the values, not IN (VALUES ...) of tuples, which scans the table in
        # SQLite 3.40 instead of joining by key.
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _LOOKUP_CHUNK):
            chunk = values[start : start + _LOOKUP_CHUNK]
            if not chunk:
                continue
            placeholders = ",".join("(?)" for _ in chunk)
            rows.extend(self.connection.execute(f"WITH q(v) AS (VALUES {placeholders}) {select}", chunk))
        return rows

    def begin_write(self, wait: float) -> None:
        # The wait is the busy timeout the connection was opened with.
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise Busy(str(exc)) from None

    def create_tables(self) -> None:
        for statement in SQLITE_TABLES.split(";"):
            if statement.strip():
                self.connection.execute(statement)

    def check_writable(self) -> None:
        # A file the process may not write fails at BEGIN IMMEDIATE, before any change.
        return None

    def tune_for_build(self) -> None:
        """A file only this build writes, discarded if it fails, needs neither a
        write-ahead log nor syncs while it grows: each page is written once, into the
        file, instead of into the log and again at the checkpoint."""
        self.connection.execute("PRAGMA journal_mode=MEMORY")
        self.connection.execute("PRAGMA synchronous=OFF")

    def refresh_statistics(self) -> None:
        """Nothing to do: SQLite answers every lookup through a table's key."""

    def tune_for_use(self) -> None:
        self.connection.execute("PRAGMA journal_mode=WAL")  # how every reader and writer opens it

    def size(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def integrity_problems(self) -> list[str]:
        try:
            return [
                row[0] for row in self.connection.execute("PRAGMA integrity_check(100)") if row[0] != "ok"
            ]
        except sqlite3.DatabaseError as exc:
            return [f"SQLite's integrity check stopped: {exc}"]

    def failure(self, error: Exception) -> CorpusError:
        return damaged(self.name, error)

    def rebuild_hint(self) -> str:
        return "rebuild it with `simcheck index build`"

    def close(self) -> None:
        self.connection.close()
