"""The index: its tables, how it is opened, and how stored values are encoded.

An index is a SQLite file or a PostgreSQL archive (a ``postgresql://`` URL); both hold
the same tables, written in each one's DDL (:mod:`.database`, :mod:`.postgres`):

- ``meta(key, value)``: the format version, the simcheck version and the settings the
  index was built with (JSON); an index is only queried with the same settings.
- ``documents(id, path, sha256, words, title, text)``: ``path`` is the document's name
  (see :func:`stored_name`); ``text`` is the loaded text,
  deflate-compressed, so reports show source passages without the original files;
  ``sha256`` is of that text, so an unchanged file is never added twice.
- ``fingerprints(bucket, prints)``: winnowed shingle hashes (their top 47 bits) and the
  documents holding them, packed a bucket of keys to a row (:mod:`.postings`). A query
  looks up every shingle of its text, so a fingerprint anywhere inside a copied passage
  is found.
- ``bands(band, key, doc)``: MinHash LSH band keys (datasketch signatures of the
  fingerprints): whole documents that are near-duplicates share a key.
- ``terms(term, df, windows)``: document frequencies of content-word stems, for TF-IDF,
  and in how many sentence windows' signatures each one is (a word in very many is
  the topic, and a query passes it over).
- ``window_postings(term, part, postings)``: the signature words of each document's
  sentence windows (its rarest words, four sentences at a time), keyed by word (top 47
  bits): the documents holding the word, each with the number of its windows whose
  signature does, packed (:mod:`.postings`), one row per word per ``add`` (``part``
  is the add's first document id). A reworded passage keeps such words when it keeps
  few phrases. A document sharing several of one query window's words is examined
  window by window from its text.
- ``topics(term, doc, weight)``: each document's most characteristic words, for the
  TF-IDF "related documents" search.
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np

from .._version import __version__
from ..config import CheckConfig
from ..errors import CorpusError
from ..load import display_name, relative_posix
from .database import Database, SQLiteDatabase, is_url
from .postgres import PostgresDatabase
from .postings import PrintBuckets

#: Bumped whenever the schema or the meaning of a stored value changes. 2: documents are
#: named after the folder they were added from, not the working folder. 3: sentence
#: windows' signature words (``window_postings``). 4: fingerprints packed in buckets.
FORMAT_VERSION = 4
#: How long a writer waits for another process's change to finish, in seconds.
BUSY_SECONDS = 60.0
#: Preset dictionary for compressing stored texts: English function words, which
#: every essay is full of (saves about 4% on 1,000-word essays). Part of the format:
#: changing it means a new FORMAT_VERSION.
_TEXT_DICTIONARY = (
    b"a about above across after afterwards again against all almost alone along already "
    b"also although always am among amongst amoungst amount an and another any anyhow "
    b"anyone anything anyway anywhere are around as at back be became because become "
    b"becomes becoming been before beforehand behind being below beside besides between "
    b"beyond bill both bottom but by call can cannot cant co con could couldnt cry de "
    b"describe detail do done down due during each eg eight either eleven else elsewhere "
    b"empty enough etc even ever every everyone everything everywhere except few fifteen "
    b"fifty fill find fire first five for former formerly forty found four from front full "
    b"further get give go had has hasnt have he hence her here hereafter hereby herein "
    b"hereupon hers herself him himself his how however hundred i ie if in inc indeed "
    b"interest into is it its itself keep last latter latterly least less ltd made many "
    b"may me meanwhile might mill mine more moreover most mostly move much must my myself "
    b"name namely neither never nevertheless next nine no nobody none noone nor not "
    b"nothing now nowhere of off often on once one only onto or other others otherwise our "
    b"ours ourselves out over own part per perhaps please put rather re same see seem "
    b"seemed seeming seems serious several she should show side since sincere six sixty so "
    b"some somehow someone something sometime sometimes somewhere still such system take "
    b"ten than that the their them themselves then thence there thereafter thereby "
    b"therefore therein thereupon these they thick thin third this those though three "
    b"through throughout thru thus to together too top toward towards twelve twenty two un "
    b"under until up upon us very via was we well were what whatever when whence whenever "
    b"where whereafter whereas whereby wherein whereupon wherever whether which while "
    b"whither who whoever whole whom whose why will with within without would yet you your "
    b"yours yourself yourselves "
)


def signed(values: np.ndarray) -> list[int]:
    """uint64 hashes as the signed 64-bit integers SQLite stores."""
    converted: list[int] = values.astype(np.uint64).view(np.int64).tolist()
    return converted


def print_keys(prints: np.ndarray) -> np.ndarray:
    """The stored form of fingerprint hashes: their top 47 bits, which SQLite keeps in
    6 bytes instead of 8 (a chance collision among 10^8 stored fingerprints stays
    below one in a million per lookup)."""
    keys: np.ndarray = (prints.astype(np.uint64) >> np.uint64(17)).astype(np.int64)
    return keys


# --- names ------------------------------------------------------------------------
# A document is stored under its path relative to the folder it was added from, with
# that folder's own name in front (``coldwar/the-berlin-wall.txt``): its name does not
# depend on the working folder, and two folders added to one archive (``2023/``,
# ``2024/``) keep their files apart instead of replacing each other's.


def stored_name(path: Path, root: Path) -> str:
    """The name a file found under ``root`` is stored by: ``root``'s own name, then the
    path below it, ``/``-separated and ready to display.

    >>> stored_name(Path("essays/2024/a.txt"), Path("essays"))
    'essays/2024/a.txt'
    """
    top = os.path.basename(os.path.abspath(root))
    below = relative_posix(path, root)
    parts = [part for part in (top, "" if below == "." else below) if part]
    # A name that is not UTF-8 could not be stored as SQLite text; it is kept escaped.
    return display_name("/".join(parts) or str(path))


def trailing_names(file: str) -> list[str]:
    """The names a stored copy of ``file`` can have: the trailing parts of its real path,
    two components or more (a bare file name, every student's ``essay.txt``, says nothing).

    >>> trailing_names("/srv/class/Ada/essay.txt")
    ['srv/class/Ada/essay.txt', 'class/Ada/essay.txt', 'Ada/essay.txt']
    """
    parts = display_name(os.path.realpath(file).replace(os.sep, "/")).lstrip("/").split("/")
    return ["/".join(parts[i:]) for i in range(len(parts) - 1)]


def compress_bytes(raw: bytes) -> bytes:
    """Text encoded as UTF-8, raw-deflated with the function-word dictionary.

    >>> decompress_text(compress_bytes(b"The Thaw began in 1953.")) == "The Thaw began in 1953."
    True
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _TEXT_DICTIONARY)
    return packer.compress(raw) + packer.flush()


def decompress_text(blob: bytes) -> str:
    unpacker = zlib.decompressobj(-15, _TEXT_DICTIONARY)
    return (unpacker.decompress(blob) + unpacker.flush()).decode("utf-8")


def connect(path: Path, *, new: bool = False) -> SQLiteDatabase:
    """A connection to the index file, in WAL mode so readers keep working while one
    writer adds."""
    return SQLiteDatabase(path, busy_seconds=BUSY_SECONDS, new=new)


def open_database(location: str | os.PathLike[str]) -> Database:
    """The database of an index file, or of a PostgreSQL archive named by its URL."""
    if is_url(location):
        return PostgresDatabase(str(location))
    return connect(Path(location))


def create_tables(db: Database, config: CheckConfig) -> None:
    """The tables of an empty index, its format and its settings (inside a transaction)."""
    db.create_tables()
    db.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [
            ("format", str(FORMAT_VERSION)),
            ("window_postings", "0"),
            ("simcheck_version", __version__),
            ("settings", json.dumps(config.to_dict(), sort_keys=True)),
        ],
    )


def create(path: Path, config: CheckConfig) -> None:
    """Write an empty index file at ``path``: the tables, the format and the settings."""
    db = connect(path, new=True)
    try:
        db.begin_write(BUSY_SECONDS)
        create_tables(db, config)
        db.commit()
    finally:
        db.close()


def read_meta(db: Database) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


def check_format(db: Database, meta: dict[str, str]) -> CheckConfig:
    """The settings an index was built with; an index of another format is refused
    with the command that makes a new one."""
    if meta.get("format") != str(FORMAT_VERSION):
        raise CorpusError(
            f"{db.name}: index format {meta.get('format')} but this simcheck reads format "
            f"{FORMAT_VERSION}; {db.rebuild_hint()}"
        )
    return CheckConfig(**json.loads(meta["settings"]))


def window_postings(db: Database) -> int:
    """How many (window, signature word) pairs the stored documents have in all."""
    return int(db.execute("SELECT value FROM meta WHERE key = 'window_postings'").fetchone()[0])


def add_window_postings(db: Database, change: int) -> None:
    db.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + ? AS TEXT) WHERE key = 'window_postings'",
        (change,),
    )


def print_buckets(db: Database) -> PrintBuckets:
    """How the archive groups its fingerprints (chosen by its first add)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'print_bucket_bits'").fetchone()
    return PrintBuckets() if row is None else PrintBuckets(int(row[0]))


def size_print_buckets(db: Database, documents: int) -> None:
    """Choose the buckets of an empty archive for the ``documents`` its first add brings
    (inside that add's transaction)."""
    bits = str(PrintBuckets.for_documents(documents).bits)
    db.execute("DELETE FROM meta WHERE key = 'print_bucket_bits'")
    db.execute("INSERT INTO meta(key, value) VALUES ('print_bucket_bits', ?)", (bits,))


def count_fingerprints(db: Database) -> int:
    """How many (fingerprint, document) entries the buckets hold (8 bytes each)."""
    size = db.execute("SELECT coalesce(sum(length(prints)), 0) FROM fingerprints").fetchone()[0]
    return int(size) // 8


def count_documents(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])


def truncation(path: Path) -> str:
    """Why an index file is shorter than its own header says, or an empty string.

    With a write-ahead log beside it SQLite rebuilds the file from the log, so only a
    file without one is judged.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return ""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        return f"truncated ({len(header)} bytes, shorter than a database header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only kept up to date when these two counters agree.
    if header[24:28] != header[92:96] or not pages:
        return ""
    expected, actual = pages * page_size, path.stat().st_size
    if actual < expected:
        return f"truncated ({actual:,} of {expected:,} bytes)"
    return ""


def is_index_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a file that starts like a SQLite database."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """An :class:`~simcheck.index.Index` method whose database errors become one-line
    :class:`~simcheck.errors.CorpusError` s naming the index (no caller sees a driver's
    exception)."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        db: Database = args[0]._db  # type: ignore[attr-defined]
        try:
            return method(*args, **kwargs)
        except db.errors as exc:
            raise db.failure(exc) from None

    return run
