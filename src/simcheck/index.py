"""The saved corpus: one SQLite file of documents, fingerprints, LSH bands and TF-IDF data.

Tables, all plain SQL with integer keys (so the same schema serves PostgreSQL):

- ``meta(key, value)``: the format version, the simcheck version and the settings the
  index was built with (JSON); an index is only queried with the same settings.
- ``documents(id, path, sha256, words, title, text)``: ``text`` is the loaded text,
  deflate-compressed, so reports show source passages without the original files;
  ``sha256`` is of that text, so an unchanged file is never added twice.
- ``fingerprints(hash, doc)``: winnowed shingle hashes (their top 47 bits), keyed by hash.
  A query looks up every shingle of its text, so a fingerprint anywhere inside a
  copied passage is found.
- ``bands(band, key, doc)``: MinHash LSH band keys (datasketch signatures of the
  fingerprints): whole documents that are near-duplicates share a key.
- ``terms(term, df)``: document frequencies of content-word stems, for TF-IDF.
- ``topics(term, doc, weight)``: each document's most characteristic words, for the
  TF-IDF "related documents" search.

Every change is one transaction: a process killed at any point leaves the index as it
was before or after the change. The database runs in WAL mode, so readers keep working
while one writer adds.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .config import CheckConfig
from .errors import CorpusError, InputError
from .fingerprint import Fingerprinted, band_keys, fingerprint_words, minhash, shingle_hashes
from .load import (
    MAX_FILE_BYTES,
    display_name,
    folder_problems,
    iter_files,
    load_document,
    unsupported_files,
)
from .models import Document
from .retrieve import Candidate, ProgressCallback, query_prints
from .tokens import Tokens, shared_lexicon

#: Bumped whenever the schema or the meaning of a stored value changes.
FORMAT_VERSION = 1
#: Documents per write batch while building: bounds memory, not correctness.
_BATCH = 2000
#: Characteristic words kept per document for the related-documents search.
_TOPIC_TERMS = 8
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
#: Above this many terms, document frequencies are read by one scan of the terms table.
_TERM_LOOKUP_LIMIT = 5000
#: Bytes of the index file read through a memory map (SQLite caps it, usually at 2 GB).
#: Each lookup lands on a 64 KB page; mapped, it is read in place instead of copied,
#: which made lookups in a million-document table four times faster (10 ms to 2.5 ms).
_MMAP_BYTES = 1 << 34
#: SQLite page size of a new index, in bytes.
_PAGE_SIZE = 65536
#: How long a writer waits for another process's change to finish, in seconds.
_BUSY_SECONDS = 60.0
#: Longest title kept from a document's first line.
_MAX_TITLE = 120

_SCHEMA = """
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
CREATE TABLE fingerprints (hash INTEGER NOT NULL, doc INTEGER NOT NULL,
                           PRIMARY KEY (hash, doc)) WITHOUT ROWID;
CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
                    PRIMARY KEY (band, key, doc)) WITHOUT ROWID;
CREATE TABLE terms (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE topics (term INTEGER NOT NULL, doc INTEGER NOT NULL, weight REAL NOT NULL,
                     PRIMARY KEY (term, doc)) WITHOUT ROWID;
"""


def _signed(values: np.ndarray) -> list[int]:
    """uint64 hashes as the signed 64-bit integers SQLite stores."""
    signed: list[int] = values.astype(np.uint64).view(np.int64).tolist()
    return signed


def _print_keys(prints: np.ndarray) -> np.ndarray:
    """The stored form of fingerprint hashes: their top 47 bits, which SQLite keeps in
    6 bytes instead of 8 (a chance collision among 10^8 stored fingerprints stays
    below one in a million per lookup)."""
    keys: np.ndarray = (prints.astype(np.uint64) >> np.uint64(17)).astype(np.int64)
    return keys


@dataclass(frozen=True)
class AddResult:
    """What one ``add`` changed."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


@dataclass(frozen=True)
class Related:
    """A document similar in topic to the query (TF-IDF cosine)."""

    doc_id: str
    title: str
    excerpt: str
    words: int
    tfidf_cosine: float


def _title(text: str, path: str) -> str:
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:_MAX_TITLE]
    return Path(path).name


def _excerpt(text: str, title: str, length: int = 200) -> str:
    body = " ".join(text.split())
    if body.startswith(title):
        body = body[len(title) :].lstrip()
    return body if len(body) <= length else body[: length - 1].rsplit(" ", 1)[0] + "…"


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


@dataclass(frozen=True)
class Scanned:
    """A document after the first pass: what decides whether and where it is stored,
    and its fingerprints and word counts. The rest (:func:`finish`) waits for the write."""

    path: str
    sha256: str
    title: str
    raw: bytes  # the text in UTF-8
    prints: Fingerprinted

    @property
    def words(self) -> int:
        return self.prints.words


def scan(document: Document, config: CheckConfig) -> Scanned:
    """Fingerprint one document (a pure function, run in workers)."""
    lexicon = shared_lexicon(config.language)
    ids = lexicon.term_ids(document.text)
    prints = fingerprint_words(
        lexicon.hashes[ids], lexicon.is_stop[ids], config.shingle_size, config.winnow_window
    )
    raw = document.text.encode("utf-8")
    return Scanned(
        path=document.doc_id,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=_title(document.text, document.doc_id),
        raw=raw,
        prints=prints,
    )


def finish(task: tuple[bytes, np.ndarray, CheckConfig]) -> tuple[bytes, np.ndarray]:
    """A scanned document's compressed text and LSH band keys: work only its final
    write needs, so a build runs it in the workers beside the fingerprint insert."""
    raw, prints, config = task
    return compress_bytes(raw), signature_bands(prints, config)


def signature_bands(prints: np.ndarray, config: CheckConfig) -> np.ndarray:
    """The LSH band keys of a document's MinHash signature over its fingerprints."""
    signature = minhash(prints, num_perm=config.num_perm, seed=config.seed)
    return band_keys(signature, config.lsh_bands)


def _scan_file(task: tuple[str, str, str | None, CheckConfig, int]) -> Scanned | InputError:
    path, doc_id, root, config, max_bytes = task
    try:
        return scan(load_document(path, doc_id=doc_id, max_bytes=max_bytes, root=root), config)
    except InputError as exc:
        return exc


def _sources(items: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str, str | None]]:
    """(file, document id, folder it was found in) for every supported file named or
    found under a folder."""
    for item in items:
        path = Path(item)
        if path.is_dir():
            for file in iter_files(path):
                yield str(file), _doc_id(file), str(path)
        else:
            yield str(path), _doc_id(path), None


def _doc_id(path: str | os.PathLike[str]) -> str:
    """A document's id: its path relative to the working folder when below it.

    >>> _doc_id(os.path.join(os.getcwd(), "essays", "a.txt"))
    'essays/a.txt'
    """
    absolute = os.path.abspath(path)
    here = os.getcwd()
    if absolute.startswith(here + os.sep):
        absolute = absolute[len(here) + 1 :]
    # A name that is not UTF-8 could not be stored as SQLite text; it is kept escaped.
    return display_name(absolute.replace(os.sep, "/"))


class Index:
    """A corpus saved in one SQLite file, queried like a :class:`~simcheck.retrieve.Corpus`.

    Parameters
    ----------
    path : path
        The index file.
    config : CheckConfig, optional
        Settings for the query. Those an index is built with (``CheckConfig.INDEX_SETTINGS``)
        must equal the stored ones; the stored ones are used when ``config`` is None.

    Raises
    ------
    CorpusError
        Missing file, not an index, another format version, or other settings.
    """

    def __init__(self, path: str | os.PathLike[str], config: CheckConfig | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise CorpusError(f"{path}: index does not exist; create it with `simcheck index build`")
        if not is_index_file(self.path):
            raise CorpusError(f"{path}: not a simcheck index (not an SQLite database); rebuild it")
        truncated = _truncation(self.path)
        if truncated:
            raise CorpusError(f"{path}: {truncated}; rebuild it with `simcheck index build`")
        self._db = _connect(self.path)
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            self._documents = self._count_rows()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise CorpusError(
                f"{path}: damaged or not a simcheck index ({exc}); rebuild it with `simcheck index build`"
            ) from None
        if meta.get("format") != str(FORMAT_VERSION):
            self._db.close()
            raise CorpusError(
                f"{path}: index format {meta.get('format')} but this simcheck reads format "
                f"{FORMAT_VERSION}; rebuild it with `simcheck index build`"
            )
        stored = CheckConfig(**json.loads(meta["settings"]))
        if config is not None:
            for name in CheckConfig.INDEX_SETTINGS:
                if getattr(config, name) != getattr(stored, name):
                    self._db.close()
                    raise CorpusError(
                        f"{path}: built with {name}={getattr(stored, name)!r}, asked for "
                        f"{getattr(config, name)!r}; use the index's setting or rebuild the index"
                    )
        self.config = config or stored
        self.skipped: tuple[str, ...] = ()
        self._tokens: dict[int, Tokens] = {}
        self._last_vector: tuple[Tokens, Fingerprinted, np.ndarray] | None = None

    # --- creation and changes ------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], config: CheckConfig | None = None) -> Index:
        """Create an empty index file (an existing file is an error)."""
        config = config or CheckConfig()
        target = Path(path)
        if target.exists():
            raise CorpusError(
                f"{path}: already exists; add to it with `simcheck index add` or remove it first"
            )
        db = _connect(target, new=True)
        with db:
            db.executescript(_SCHEMA)
            db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [
                    ("format", str(FORMAT_VERSION)),
                    ("simcheck_version", __version__),
                    ("settings", json.dumps(config.to_dict(), sort_keys=True)),
                ],
            )
        db.close()
        return cls(target, config)

    @classmethod
    def build(
        cls,
        path: str | os.PathLike[str],
        sources: Iterable[str | os.PathLike[str]],
        config: CheckConfig | None = None,
        *,
        jobs: int = 1,
        max_bytes: int = MAX_FILE_BYTES,
        progress: ProgressCallback | None = None,
    ) -> tuple[Index, AddResult]:
        """Create an index of every supported file in ``sources`` (files or folders).

        The index is written to a temporary file beside ``path`` (one per process) and
        linked into place at the end, so ``path`` never holds half an index, and a build
        never replaces an index another process made meanwhile.
        """
        target = Path(path)
        if target.exists():
            raise CorpusError(
                f"{path}: already exists; add to it with `simcheck index add` or remove it first"
            )
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        _remove_leftovers(target)
        index = cls.create(partial, config)
        # The partial file is this build's alone and is discarded if the build fails, so
        # it needs neither a write-ahead log nor syncs while it grows: each page is written
        # once, into the file, instead of into the log and again at the checkpoint.
        index._db.execute("PRAGMA journal_mode=MEMORY")
        index._db.execute("PRAGMA synchronous=OFF")
        try:
            result = index.add(sources, jobs=jobs, max_bytes=max_bytes, progress=progress)
            index._db.execute("PRAGMA journal_mode=WAL")  # how every reader and writer opens it
        finally:
            index.close()
        with open(partial, "rb+") as handle:  # on disk before it is published
            os.fsync(handle.fileno())
        _publish(partial, target)
        return cls(target, config), result

    def add(
        self,
        sources: Iterable[str | os.PathLike[str]],
        *,
        jobs: int = 1,
        max_bytes: int = MAX_FILE_BYTES,
        progress: ProgressCallback | None = None,
    ) -> AddResult:
        """Add files and folders; unchanged files are skipped, changed ones replaced.

        All of it is one transaction: a crash leaves the index as it was. Files over
        ``max_bytes`` are listed in ``errors``, like other unreadable files.
        """
        sources = list(sources)
        tasks = [(file, doc_id, root, self.config, max_bytes) for file, doc_id, root in _sources(sources)]
        result = AddResult()
        # Files of a type simcheck does not read (a student's .doc) and links or folders
        # it does not follow are listed, not passed over in silence.
        for item in sources:
            if Path(item).is_dir():
                result.errors.extend(folder_problems(item, name_of=_doc_id))
                result.errors.extend(unsupported_files(item, name_of=lambda file: display_name(str(file))))
        db = self._db
        self._begin()
        try:
            with _pool(jobs, len(tasks)) as pool:
                self._add_scanned(tasks, _runner(pool, jobs), result, progress)
            db.execute("COMMIT")
            self._documents = self._count_rows()
        except BaseException:
            db.execute("ROLLBACK")
            self._documents = self._count_rows()
            raise
        self._tokens.clear()
        return result

    def _add_scanned(
        self,
        tasks: Sequence[tuple[str, str, str | None, CheckConfig, int]],
        run: Callable[[Callable[[Any], Any], Sequence[Any]], Iterator[Any]],
        result: AddResult,
        progress: ProgressCallback | None,
    ) -> None:
        """The body of :meth:`add`, inside its transaction.

        Two passes. The first scans every file (fingerprints, word counts) and writes
        the word statistics batch by batch. Fingerprints and LSH bands go in at the end,
        sorted by key, so the tables' pages fill up instead of splitting half-empty; that
        insert takes the writer a while, and the workers meanwhile compress the texts
        and sign the fingerprint sets (:func:`finish`), which only the final write needs.
        """
        db = self._db
        known = {sha for (sha,) in db.execute("SELECT sha256 FROM documents")}
        next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0])
        pending: list[Scanned] = []
        # Scanned, not yet written: (id, path, sha256, words, title, text, fingerprints),
        # without the word counts, which the batches have used up.
        deferred: list[tuple[int, str, str, int, str, bytes, np.ndarray]] = []
        for done, outcome in enumerate(run(_scan_file, tasks), 1):
            if isinstance(outcome, InputError):
                result.errors.append(outcome)
            elif outcome.sha256 in known:
                result.unchanged.append(outcome.path)
            else:
                known.add(outcome.sha256)
                row = db.execute("SELECT id FROM documents WHERE path = ?", (outcome.path,)).fetchone()
                if row is not None:
                    self._delete(row[0])
                    result.replaced.append(outcome.path)
                else:
                    result.added.append(outcome.path)
                pending.append(outcome)
            if len(pending) >= _BATCH or (done == len(tasks) and pending):
                ids = list(range(next_id, next_id + len(pending)))
                next_id += len(pending)
                deferred.extend(
                    (doc, s.path, s.sha256, s.words, s.title, s.raw, s.prints.prints)
                    for doc, s in zip(ids, pending)
                )
                self._insert_terms(ids, pending, documents=self._count_rows() + len(deferred))
                pending = []
            if progress is not None:
                progress(done, len(tasks))
        if not deferred:
            return
        finished = run(finish, [(row[5], row[6], self.config) for row in deferred])
        ids_array = np.array([row[0] for row in deferred], dtype=np.int64)
        owners = np.repeat(ids_array, [row[6].shape[0] for row in deferred])
        self._insert_fingerprints(np.concatenate([row[6] for row in deferred]), owners)
        bands = []
        documents = []
        for row, (text, keys) in zip(deferred, finished):
            documents.append((*row[:5], text))
            bands.append(keys)
        db.executemany(
            "INSERT INTO documents(id, path, sha256, words, title, text) VALUES (?, ?, ?, ?, ?, ?)", documents
        )
        self._insert_bands(np.stack(bands), ids_array)

    def _begin(self) -> None:
        """Start a write transaction, waiting up to ``_BUSY_SECONDS`` for another writer."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise CorpusError(
                f"{self.path}: another process has been changing this index for over "
                f"{_BUSY_SECONDS:.0f} s; try again when it has finished"
            ) from None

    def _insert_fingerprints(self, prints: np.ndarray, owners: np.ndarray) -> None:
        keys = _print_keys(prints)
        order = np.lexsort((owners, keys))
        self._db.executemany(
            "INSERT INTO fingerprints(hash, doc) VALUES (?, ?)",
            zip(keys[order].tolist(), owners[order].tolist()),
        )

    def _insert_bands(self, keys: np.ndarray, owners: np.ndarray) -> None:
        """``keys`` holds one row of band keys per document of ``owners``."""
        band = np.broadcast_to(np.arange(keys.shape[1]), keys.shape).ravel()
        doc = np.repeat(owners, keys.shape[1])
        flat = keys.ravel()
        order = np.lexsort((doc, flat, band))
        self._db.executemany(
            "INSERT INTO bands(band, key, doc) VALUES (?, ?, ?)",
            zip(band[order].tolist(), flat[order].tolist(), doc[order].tolist()),
        )

    def _insert_terms(self, ids: Sequence[int], batch: Sequence[Scanned], *, documents: int) -> None:
        """Add a batch's document frequencies, and each document's characteristic words
        (weighted with ``documents`` in the index, these included)."""
        all_terms = np.concatenate([item.prints.terms for item in batch])
        terms, where, increments = np.unique(all_terms, return_inverse=True, return_counts=True)
        self._db.executemany(
            "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            zip(_signed(terms), increments.tolist()),
        )
        self._insert_topics(ids, batch, all_terms, self._df(terms)[where], documents)

    def _insert_topics(
        self,
        ids: Sequence[int],
        batch: Sequence[Scanned],
        all_terms: np.ndarray,
        df: np.ndarray,
        documents: int,
    ) -> None:
        """Each document's most characteristic words, for the whole batch at once: the
        same weights as :meth:`_tfidf`, computed on concatenated arrays (``all_terms``
        are the batch's documents' terms one after the other, ``df`` their frequencies)."""
        sizes = np.array([item.prints.terms.shape[0] for item in batch])
        owners = np.repeat(np.asarray(ids, dtype=np.int64), sizes)
        counts = np.concatenate([item.prints.counts for item in batch])
        weights = (1 + np.log(counts)) * (np.log((1 + documents) / (1 + df)) + 1)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        group = np.repeat(np.arange(len(batch)), sizes)
        norms = np.sqrt(np.bincount(group, weights=weights**2, minlength=len(batch)))
        weights = weights / np.where(norms > 0, norms, 1)[group]
        # By document, heaviest first, with one float sort key: the document's place in
        # the batch plus a fraction that falls as the weight (within 0..1) rises.
        order = np.argsort(group + (1 - weights) / 2, kind="stable")
        rank = np.arange(order.shape[0]) - np.repeat(starts, sizes)
        top = order[rank < _TOPIC_TERMS]
        self._db.executemany(
            "INSERT INTO topics(term, doc, weight) VALUES (?, ?, ?)",
            zip(_signed(all_terms[top]), owners[top].tolist(), weights[top].tolist()),
        )

    def remove(self, items: Iterable[str]) -> list[str]:
        """Remove documents by path (as listed by ``info``) or numeric id, in one
        transaction. Returns the paths removed; an unknown item is an error and
        nothing is removed."""
        db = self._db
        self._begin()
        try:
            removed = []
            for item in items:
                row = db.execute("SELECT id, path FROM documents WHERE path = ?", (_doc_id(item),)).fetchone()
                if row is None and item.isdigit():
                    row = db.execute("SELECT id, path FROM documents WHERE id = ?", (int(item),)).fetchone()
                if row is None:
                    raise CorpusError(
                        f"{self.path}: no document {item!r} in the index; see `simcheck index info`"
                    )
                self._delete(row[0])
                removed.append(row[1])
            db.execute("COMMIT")
            self._documents = self._count_rows()
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._tokens.clear()
        return removed

    def _delete(self, doc: int) -> None:
        """Delete one document and everything derived from it (inside a transaction).

        Its fingerprints, bands and terms are recomputed from the stored text, so no
        table needs a second index by document.
        """
        db = self._db
        document = self.document(doc)
        prints = scan(document, self.config).prints
        bands = signature_bands(prints.prints, self.config)
        db.executemany(
            "DELETE FROM fingerprints WHERE hash = ? AND doc = ?",
            ((h, doc) for h in _print_keys(prints.prints).tolist()),
        )
        db.executemany(
            "DELETE FROM bands WHERE band = ? AND key = ? AND doc = ?",
            ((band, key, doc) for band, key in enumerate(bands.tolist())),
        )
        db.executemany(
            "DELETE FROM topics WHERE term = ? AND doc = ?", ((t, doc) for t in _signed(prints.terms))
        )
        db.executemany("UPDATE terms SET df = df - 1 WHERE term = ?", ((t,) for t in _signed(prints.terms)))
        db.execute("DELETE FROM terms WHERE df <= 0")
        db.execute("DELETE FROM documents WHERE id = ?", (doc,))
        self._tokens.pop(doc, None)

    # --- reading --------------------------------------------------------------------

    def __len__(self) -> int:
        return self._documents

    def _count(self) -> int:
        """Documents in the index, as of the last open or change (for idf weights)."""
        return self._documents

    def _count_rows(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def document(self, doc: int) -> Document:
        """The stored document with id ``doc``."""
        row = self._db.execute("SELECT path, text FROM documents WHERE id = ?", (doc,)).fetchone()
        if row is None:
            raise CorpusError(f"{self.path}: no document with id {doc}")
        return Document(
            doc_id=row[0],
            text=decompress_text(row[1]),
            path=None,
            meta={"index": str(self.path)},
        )

    def text_of(self, doc_id: str) -> str | None:
        """The text of the document stored as ``doc_id`` (its path), or None."""
        row = self._db.execute("SELECT text FROM documents WHERE path = ?", (doc_id,)).fetchone()
        return None if row is None else decompress_text(row[0])

    def tokens(self, doc: int) -> Tokens:
        if doc not in self._tokens:
            self._tokens[doc] = Tokens(self.document(doc).text, self.config.language)
        return self._tokens[doc]

    def own_copy(self, document: Document) -> int | None:
        """Id of ``document``'s own copy in the index, if it was added (so a file is not
        matched with itself).

        Stored ids are paths relative to the folder the index was built from, so the
        same file checked from elsewhere has a longer path: a stored id that ends its
        path counts as its copy when the stored text is the same too. A shorter
        name alone ("essay.txt", every student's file) says nothing.
        """
        if not document.path:
            return None
        name = _doc_id(document.path)
        row = self._db.execute("SELECT id FROM documents WHERE path = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        absolute = display_name(os.path.abspath(document.path).replace(os.sep, "/"))
        parts = absolute.lstrip("/").split("/")
        suffixes = ["/".join(parts[i:]) for i in range(len(parts))]
        sha = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        marks = ", ".join("?" * len(suffixes))
        row = self._db.execute(
            f"SELECT id FROM documents WHERE sha256 = ? AND path IN ({marks}) ORDER BY length(path) DESC",
            (sha, *suffixes),
        ).fetchone()
        return None if row is None else int(row[0])

    def doc_ids(self) -> list[str]:
        return [path for (path,) in self._db.execute("SELECT path FROM documents ORDER BY path")]

    def _tfidf(self, prints: Fingerprinted, total: int, df: np.ndarray | None = None) -> np.ndarray:
        """l2-normalised TF-IDF weights of ``prints.terms`` with the index's frequencies
        (scikit-learn's smooth idf and sublinear tf, as the in-memory corpus uses)."""
        if df is None:
            df = self._df(prints.terms)
        idf = np.log((1 + total) / (1 + df)) + 1
        weights = (1 + np.log(prints.counts)) * idf
        norm = float(np.linalg.norm(weights))
        normalised: np.ndarray = weights / norm if norm else weights
        return normalised

    def _df(self, terms: np.ndarray) -> np.ndarray:
        """Document frequency of each of ``terms`` (uint64 hashes; 0 when unknown)."""
        if terms.shape[0] <= _TERM_LOOKUP_LIMIT:
            found = dict(self._lookup("SELECT q.v, t.df FROM q JOIN terms t ON t.term = q.v", _signed(terms)))
            return np.array([found.get(t, 0) for t in _signed(terms)], dtype=np.float64)
        # A write batch asks for tens of thousands of terms: one ordered scan of the
        # table (a vocabulary, so bounded) is cheaper than that many indexed lookups.
        rows = self._db.execute("SELECT term, df FROM terms ORDER BY term").fetchall()
        table = np.array(rows, dtype=np.int64).reshape(-1, 2)
        keys = np.asarray(terms, dtype=np.uint64).view(np.int64)
        if table.shape[0] == 0:
            return np.zeros(keys.shape[0], dtype=np.float64)
        at = np.minimum(np.searchsorted(table[:, 0], keys), table.shape[0] - 1)
        return np.where(table[at, 0] == keys, table[at, 1], 0).astype(np.float64)

    def _lookup(self, select: str, values: Sequence[int]) -> list[tuple[Any, ...]]:
        """Run ``select`` with a CTE ``q(v)`` of ``values`` joined in (an indexed join;
        ``IN (VALUES ...)`` of tuples scans the table in SQLite 3.40)."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), 5000):
            chunk = values[start : start + 5000]
            if not chunk:
                continue
            placeholders = ",".join("(?)" for _ in chunk)
            rows.extend(self._db.execute(f"WITH q(v) AS (VALUES {placeholders}) {select}", chunk).fetchall())
        return rows

    def shared_fingerprints(self, query: Tokens) -> dict[int, int]:
        """Documents sharing fingerprints with ``query``: id -> how many (common
        fingerprints, in more than ``max_fingerprint_df`` of the documents, ignored)."""
        config = self.config
        # np.unique sorts: consecutive lookups walk nearby pages of the B-tree.
        shingles = np.unique(shingle_hashes(query.stem_hashes, config.shingle_size))
        rows = self._lookup(
            "SELECT f.hash, f.doc FROM q JOIN fingerprints f ON f.hash = q.v", _print_keys(shingles).tolist()
        )
        if not rows:
            return {}
        hashes = np.array([r[0] for r in rows], dtype=np.int64)
        docs = np.array([r[1] for r in rows], dtype=np.int64)
        total = self._count()
        if total >= 20:
            unique, inverse, df = np.unique(hashes, return_inverse=True, return_counts=True)
            keep = df[inverse] <= max(1, int(config.max_fingerprint_df * total))
            docs = docs[keep]
        ids, counts = np.unique(docs, return_counts=True)
        return dict(zip(ids.tolist(), counts.tolist()))

    def near_duplicates(self, query: Tokens) -> list[int]:
        """Documents whose MinHash signature shares an LSH band with the query's."""
        keys = signature_bands(query_prints(query, self.config).prints, self.config)
        found: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            found.update(
                doc
                for (doc,) in self._db.execute(
                    "SELECT doc FROM bands WHERE band = ? AND key = ?", (band, key)
                )
            )
        return sorted(found)

    def _vector(self, tokens: Tokens) -> tuple[Fingerprinted, np.ndarray]:
        """A text's content words and TF-IDF weights, kept for the last text asked."""
        cached = self._last_vector
        if cached is not None and cached[0] is tokens:
            return cached[1], cached[2]
        prints = query_prints(tokens, self.config)
        weights = self._tfidf(prints, self._count())
        self._last_vector = (tokens, prints, weights)
        return prints, weights

    def topic_neighbours(
        self, query: Tokens, limit: int, *, words: int = 4 * _TOPIC_TERMS
    ) -> list[tuple[int, float]]:
        """Documents sharing the query's ``words`` most characteristic words, best
        first, with the sum of shared weights (a lower bound of the cosine, no text
        decompressed)."""
        prints, weights = self._vector(query)
        if prints.terms.shape[0] == 0:
            return []
        top = np.argsort(-weights, kind="stable")[:words]
        weight_of = dict(zip(_signed(prints.terms[top]), weights[top].tolist()))
        rows = self._lookup(
            "SELECT t.term, t.doc, t.weight FROM q JOIN topics t ON t.term = q.v", list(weight_of)
        )
        scores: dict[int, float] = {}
        for term, doc, weight in rows:
            scores[doc] = scores.get(doc, 0.0) + weight * weight_of[term]
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def tfidf_cosine(self, query: Tokens, doc: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with stored document ``doc``."""
        a, wa = self._vector(query)
        b = query_prints(self.tokens(doc), self.config)
        wb = self._tfidf(b, self._count())
        common, ia, ib = np.intersect1d(a.terms, b.terms, return_indices=True)
        return float(np.dot(wa[ia], wb[ib])) if common.shape[0] else 0.0

    def candidates(self, query: Tokens, *, exclude: Iterable[int] = ()) -> list[Candidate]:
        """Stored documents worth aligning with ``query``, best evidence first: shared
        fingerprints, near-duplicate signatures, and the nearest by TF-IDF."""
        config = self.config
        excluded = set(exclude)
        shared = self.shared_fingerprints(query)
        for doc in self.near_duplicates(query):
            shared.setdefault(doc, 0)
        chosen = sorted((d for d in shared if d not in excluded), key=lambda d: (-shared[d], d))
        # Topic scores are lower bounds of the cosine, cheap to get; pipeline.check
        # computes the exact cosine of the sources that align.
        topics = dict(self.topic_neighbours(query, config.tfidf_neighbours + len(excluded)))
        cosines = {d: topics.get(d, 0.0) for d in chosen[: config.max_candidates]}
        for doc, score in topics.items():
            if doc not in excluded and doc not in cosines and score >= config.min_tfidf_cosine:
                cosines[doc] = score
        paths = dict(self._lookup("SELECT d.id, d.path FROM q JOIN documents d ON d.id = q.v", list(cosines)))
        ranked = sorted(cosines, key=lambda d: (-shared.get(d, 0), -cosines[d], d))
        return [Candidate(d, paths[d], shared.get(d, 0), cosines[d]) for d in ranked]

    def related(self, query: Tokens, k: int = 10, *, exclude: Iterable[int] = ()) -> list[Related]:
        """The ``k`` stored documents closest to ``query`` by TF-IDF cosine."""
        excluded = set(exclude)
        wanted = 5 * k + len(excluded)
        pool = [d for d, _ in self.topic_neighbours(query, wanted) if d not in excluded]
        if len(pool) < k:  # few documents share the query's top words: ask with all of them
            everything = self.topic_neighbours(query, wanted, words=len(self._vector(query)[0].terms))
            pool = [d for d, _ in everything if d not in excluded]
        scored = sorted(
            ((self.tfidf_cosine(query, d), d) for d in pool), key=lambda item: (-item[0], item[1])
        )
        results = []
        for cosine, doc in scored[:k]:
            path, title, words, blob = self._db.execute(
                "SELECT path, title, words, text FROM documents WHERE id = ?", (doc,)
            ).fetchone()
            text = decompress_text(blob)
            results.append(Related(path, title, _excerpt(text, title), int(words), cosine))
        return results

    # --- maintenance ----------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Documents, words, file size, format and settings."""
        db = self._db
        documents, words = db.execute("SELECT count(*), coalesce(sum(words), 0) FROM documents").fetchone()
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "path": str(self.path),
            "documents": int(documents),
            "words": int(words),
            "fingerprints": int(db.execute("SELECT count(*) FROM fingerprints").fetchone()[0]),
            "terms": int(db.execute("SELECT count(*) FROM terms").fetchone()[0]),
            "bytes": size,
            "bytes_per_document": round(size / documents) if documents else 0,
            "format": int(meta["format"]),
            "simcheck_version": meta["simcheck_version"],
            "settings": json.loads(meta["settings"]),
        }

    def verify(self) -> list[str]:
        """Problems found (an empty list means the index is sound): SQLite's integrity
        check, rows that belong to no document, and every document's stored text
        against its checksum, its fingerprints and its LSH bands.

        A damaged part is reported and the check goes on, so one bad page does not hide
        which documents are affected. Lookups go through the tables' keys: the time
        grows with the index, not with its square.
        """
        db = self._db
        problems: list[str] = []
        try:
            problems += [row[0] for row in db.execute("PRAGMA integrity_check(100)") if row[0] != "ok"]
        except sqlite3.DatabaseError as exc:
            problems.append(f"SQLite's integrity check stopped: {exc}")
        for table in ("fingerprints", "bands", "topics"):
            try:
                orphans = db.execute(
                    f"SELECT count(*) FROM {table} t LEFT JOIN documents d ON d.id = t.doc WHERE d.id IS NULL"
                ).fetchone()[0]
            except sqlite3.DatabaseError as exc:
                problems.append(f"the {table} table is unreadable ({exc})")
                continue
            if orphans:
                problems.append(f"{orphans} rows of {table} belong to no document")
        try:
            documents = db.execute("SELECT id, path FROM documents ORDER BY id").fetchall()
        except sqlite3.DatabaseError as exc:
            return [*problems, f"the documents table is unreadable ({exc})"]
        expected = 0
        for doc, path in documents:
            try:
                problem, fingerprints = self._verify_document(doc)
            except sqlite3.DatabaseError as exc:
                problem, fingerprints = f"unreadable ({exc})", 0
            expected += fingerprints
            if problem:
                problems.append(f"{path}: {problem}")
        try:
            stored = int(db.execute("SELECT count(*) FROM fingerprints").fetchone()[0])
        except sqlite3.DatabaseError:
            stored = expected  # already reported as unreadable above
        if stored > expected:
            problems.append(f"{stored - expected} fingerprints are not given by any document's text")
        return problems

    def _stored_fingerprints(self, doc: int) -> int:
        # A scan of the table (keyed by hash), done only for a document whose text is
        # damaged, so that its fingerprints are not also reported as strays.
        return int(self._db.execute("SELECT count(*) FROM fingerprints WHERE doc = ?", (doc,)).fetchone()[0])

    def _verify_document(self, doc: int) -> tuple[str, int]:
        """What is wrong with one stored document, and how many fingerprints it has."""
        sha, blob = self._db.execute("SELECT sha256, text FROM documents WHERE id = ?", (doc,)).fetchone()
        try:
            text = decompress_text(blob)
        except (zlib.error, UnicodeDecodeError):
            return "stored text is damaged", self._stored_fingerprints(doc)
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
            return "stored text does not match its sha256", self._stored_fingerprints(doc)
        prints = scan(Document(str(doc), text), self.config).prints
        keys = sorted(set(_print_keys(prints.prints).tolist()))
        found = self._lookup(
            f"SELECT count(*) FROM q JOIN fingerprints f ON f.hash = q.v AND f.doc = {doc}", keys
        )
        if sum(row[0] for row in found) != len(keys):
            return "fingerprints do not match its text", len(keys)
        for band, key in enumerate(signature_bands(prints.prints, self.config).tolist()):
            row = self._db.execute(
                "SELECT 1 FROM bands WHERE band = ? AND key = ? AND doc = ?", (band, key, doc)
            ).fetchone()
            if row is None:
                return "LSH bands do not match its text", len(keys)
        return "", len(keys)


def _connect(path: Path, *, new: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
    if new:
        # Large pages hold several compressed texts each; with the default 4 KB pages
        # a 3 KB text leaves most of a page empty.
        db.execute(f"PRAGMA page_size={_PAGE_SIZE}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
    db.execute(f"PRAGMA busy_timeout={int(_BUSY_SECONDS * 1000)}")
    return db


def _truncation(path: Path) -> str:
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


def _remove_leftovers(target: Path) -> None:
    """Delete partial files of builds of ``target`` whose process is gone (killed)."""
    for partial in target.parent.glob(f".{target.name}.*.partial"):
        pid = partial.name[len(target.name) + 2 : -len(".partial")]
        if pid.isdigit() and not _alive(int(pid)):
            for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _publish(partial: Path, target: Path) -> None:
    """Move a finished index into place unless ``target`` appeared meanwhile."""
    try:
        os.link(partial, target)  # fails, unlike a rename, when target exists
    except FileExistsError:
        partial.unlink()
        raise CorpusError(
            f"{target}: was created by another process during this build; this build is discarded"
        ) from None
    except OSError:  # a file system without hard links
        os.replace(partial, target)
        return
    partial.unlink()


@contextmanager
def _pool(jobs: int, tasks: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for ``tasks`` files, or None where one process does better."""
    if jobs <= 1 or tasks < 2 * jobs:
        yield None
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield pool


def _runner(
    pool: ProcessPoolExecutor | None, jobs: int
) -> Callable[[Callable[[Any], Any], Sequence[Any]], Iterator[Any]]:
    """``map`` over the pool in chunks (all tasks submitted at once), or in this process."""
    if pool is None:
        return map

    def run(function: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        return pool.map(function, tasks, chunksize=max(1, min(256, len(tasks) // (8 * jobs))))

    return run


def is_index_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a file that starts like a SQLite database."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


__all__ = ["FORMAT_VERSION", "AddResult", "Index", "Related", "Scanned", "is_index_file", "scan"]
