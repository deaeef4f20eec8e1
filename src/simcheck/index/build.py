"""Writing an index: building a new file, adding and removing documents.

Every change is one transaction: a process killed at any point leaves the index as it
was before or after the change. A new index is written beside its final name and
linked into place when complete, so that name never holds half an index.

Documents are named as :func:`~simcheck.index.schema.stored_name` says, a zip's members
below the zip (see :mod:`.sources`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import CheckConfig
from ..errors import CorpusError, InputError
from ..frequencies import Vocabulary
from ..load import MAX_FILE_BYTES, load_document
from ..models import Document, ProgressCallback
from ..parallel import Workers, workers
from . import schema
from .database import Busy, Database
from .rows import (
    Scanned,
    count_batch,
    delete,
    finish,
    insert_bands,
    insert_fingerprints,
    insert_window_postings,
    scan,
    stored_vocabulary,
    window_posting_rows,
    write_terms,
)
from .sources import Task, gather, is_zip

#: Statistics are refreshed after an add that makes at least 1/_NEW_SHARE of the archive.
_NEW_SHARE = 10
#: Documents per write batch while building: bounds memory, not correctness.
_BATCH = 2000


@dataclass(frozen=True)
class AddResult:
    """What one ``add`` changed.

    ``unchanged`` names each file whose text the index already holds; ``same_text``
    pairs those of them it holds under another name with that name (the file is not
    stored again under its own). ``errors`` lists the files that could not be read,
    ``passed_over`` the reports simcheck wrote, which are never stored.
    """

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    same_text: list[tuple[str, str]] = field(default_factory=list)
    passed_over: list[InputError] = field(default_factory=list)

    def nothing_read(self) -> str:
        """Why no document of the sources was read, or an empty string."""
        if self.added or self.replaced or self.unchanged:
            return ""
        found = [f"{len(self.errors)} unreadable"] if self.errors else []
        if self.passed_over:
            found.append(f"{len(self.passed_over)} passed over as simcheck's own reports")
        return ", ".join(found) or "no file of a type simcheck reads"


class NothingIndexed(CorpusError):
    """No document of the sources could be read: nothing was added (``result`` says
    what was found instead)."""

    def __init__(self, name: str | Path, result: AddResult) -> None:
        super().__init__(f"{name}: nothing indexed ({result.nothing_read()})")
        self.result = result


def _scan_file(settings: tuple[CheckConfig, int], task: Task) -> Scanned | InputError:
    config, max_bytes = settings
    if isinstance(task, Document):  # read from a zip already
        return scan(task, config)
    path, doc_id, root = task
    try:
        return scan(load_document(path, doc_id=doc_id, max_bytes=max_bytes, root=root), config)
    except InputError as exc:
        return exc


def _finish_task(
    settings: tuple[CheckConfig, int], task: tuple[bytes, np.ndarray]
) -> tuple[bytes, np.ndarray]:
    return finish(settings[0], task)


def begin(db: Database) -> None:
    """Start a write transaction, waiting up to ``BUSY_SECONDS`` for another writer."""
    try:
        db.begin_write(schema.BUSY_SECONDS)
    except Busy:
        raise CorpusError(
            f"{db.name}: another process has been changing this index for over "
            f"{schema.BUSY_SECONDS:.0f} s; try again when it has finished"
        ) from None


def add_sources(
    db: Database,
    config: CheckConfig,
    sources: Iterable[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    progress: ProgressCallback | None = None,
    create: bool = False,
) -> AddResult:
    """Add files, folders and zips to the index ``db`` in one transaction; unchanged
    files are skipped, changed ones replaced. Files over ``max_bytes`` are listed in
    ``errors``, like other unreadable files. With ``create``, the index's tables are
    made in the same transaction (a PostgreSQL archive's build: all of it or nothing).

    Raises
    ------
    NothingIndexed
        No document of ``sources`` could be read (the index is left as it was).
    """
    found = gather(sources, max_bytes)
    result = AddResult(errors=found.errors, passed_over=found.passed_over)
    if not create:
        db.check_writable()
    begin(db)
    try:
        if create:
            schema.create_tables(db, config)
        if schema.count_documents(db) == 0:
            schema.size_print_buckets(db, len(found.tasks))
        with workers((config, max_bytes), jobs=jobs, tasks=len(found.tasks)) as run:
            _Writer(db, config, result).add(run, found.tasks, progress)
        if result.nothing_read():
            raise NothingIndexed(db.name, result)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    # A tenth of the archive new (a build: all of it) changes the tables' sizes enough
    # for a server's planner to need new statistics.
    written = len(result.added) + len(result.replaced)
    if written and written * _NEW_SHARE >= schema.count_documents(db):
        db.refresh_statistics()
    return result


class _Writer:
    """The body of :func:`add_sources`, inside its transaction.

    Two passes. The first scans every file (fingerprints, word counts) and, batch by
    batch, counts the words in memory, weighs each document's words with the counts so
    far and stores its characteristic words. Everything else goes in at the end, sorted
    by key, so the tables' pages fill up instead of splitting half-empty: the terms
    table, once, the fingerprints, the window postings, the texts and the LSH bands.
    The workers meanwhile compress the texts and sign the fingerprint sets
    (:func:`finish`), which only the final write needs.
    """

    def __init__(self, db: Database, config: CheckConfig, result: AddResult) -> None:
        self.db = db
        self.config = config
        self.result = result
        # Each text's stored name (the first one, should two hold it).
        self.known: dict[str, str] = {}
        for sha, name in db.execute("SELECT sha256, path FROM documents ORDER BY id"):
            self.known.setdefault(sha, name)
        self.next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0])
        self.pending: list[Scanned] = []
        # Scanned, not yet written: (id, path, sha256, words, title, text, fingerprints),
        # without the word counts, which the batches have used up.
        self.deferred: list[tuple[int, str, str, int, str, bytes, np.ndarray]] = []
        # The batches' window signature words: (words, documents, windows holding each).
        self.window_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        # The terms table's document frequencies, read at the first batch (and again
        # after a replaced document's words are counted down in the table) and counted
        # on in memory: a build's batches would otherwise read the growing table back
        # every time.
        self.vocabulary: Vocabulary | None = None
        # Each batch's words, and how many windows of its documents hold each as a
        # signature word: what the terms table is told at the end.
        self.touched: list[tuple[np.ndarray, np.ndarray]] = []

    def add(
        self,
        run: Workers[tuple[CheckConfig, int]],
        tasks: Sequence[Task],
        progress: ProgressCallback | None,
    ) -> None:
        for done, outcome in enumerate(run.map(_scan_file, tasks), 1):
            self._take(outcome)
            if len(self.pending) >= _BATCH or (done == len(tasks) and self.pending):
                self._write_terms()
            if progress is not None:
                progress(done, len(tasks))
        if self.deferred:
            self._write_documents(run)

    def _take(self, outcome: Scanned | InputError) -> None:
        result = self.result
        if isinstance(outcome, InputError):
            result.errors.append(outcome)
        elif outcome.sha256 in self.known:
            result.unchanged.append(outcome.path)
            stored = self.known[outcome.sha256]
            if stored != outcome.path and not self._holds(outcome.path, outcome.sha256):
                result.same_text.append((outcome.path, stored))
        else:
            self.known[outcome.sha256] = outcome.path
            row = self.db.execute("SELECT id FROM documents WHERE path = ?", (outcome.path,)).fetchone()
            if row is not None:
                # The table up to date first: deleting counts its words down there.
                self._write_terms_table(windows=False)
                delete(self.db, self.config, row[0])
                self.vocabulary = None
                result.replaced.append(outcome.path)
            else:
                result.added.append(outcome.path)
            self.pending.append(outcome)

    def _holds(self, name: str, sha256: str) -> bool:
        """Whether the index holds this text under this name too."""
        row = self.db.execute("SELECT 1 FROM documents WHERE path = ? AND sha256 = ?", (name, sha256))
        return row.fetchone() is not None

    def _write_terms(self) -> None:
        pending = self.pending
        ids = list(range(self.next_id, self.next_id + len(pending)))
        self.next_id += len(pending)
        self.deferred.extend(
            (doc, s.path, s.sha256, s.words, s.title, s.raw, s.prints.prints) for doc, s in zip(ids, pending)
        )
        documents = schema.count_documents(self.db) + len(self.deferred)
        if self.vocabulary is None:
            self.vocabulary = stored_vocabulary(self.db)
        counted = count_batch(self.db, ids, pending, documents=documents, vocabulary=self.vocabulary)
        self.touched.append((counted.terms, counted.windows))
        self.window_rows.append(counted.window_rows)
        self.pending = []

    def _write_terms_table(self, *, windows: bool) -> None:
        """Write the document frequencies of every word this add counted and, with
        ``windows`` (once, with the window postings), the windows it adds to each."""
        if not self.touched or self.vocabulary is None:
            return
        # Every word, also those written before a replaced document was taken out: their
        # frequencies are written again as they stand.
        words, where = np.unique(np.concatenate([terms for terms, _ in self.touched]), return_inverse=True)
        weights = np.concatenate([held for _, held in self.touched])
        held = np.bincount(where, weights=weights, minlength=words.shape[0]).astype(np.int64)
        self.touched = [(words, held)]
        write_terms(self.db, self.vocabulary, words, held if windows else np.zeros_like(held))

    def _write_postings(self, ids: np.ndarray, helper: ThreadPoolExecutor) -> None:
        """The fingerprints, the terms table and the window postings of every document
        this add stores (``ids``, those of ``deferred``). The window posting lists are
        sorted and packed in ``helper``'s thread meanwhile: numpy and SQLite let go of
        the interpreter, so the two overlap."""
        batches, self.window_rows = self.window_rows, []
        packed = helper.submit(window_posting_rows, batches)
        deferred = self.deferred
        owners = np.repeat(ids, [row[6].shape[0] for row in deferred])
        insert_fingerprints(self.db, np.concatenate([row[6] for row in deferred]), owners)
        self._write_terms_table(windows=True)
        insert_window_postings(self.db, packed.result())

    def _write_documents(self, run: Workers[tuple[CheckConfig, int]]) -> None:
        deferred = self.deferred
        ids = np.array([row[0] for row in deferred], dtype=np.int64)
        # The workers compress and sign while this thread inserts the fingerprints and
        # window postings: a thread draws their results (the map is lazy, and would not
        # start before it is read). This thread alone uses the database.
        with ThreadPoolExecutor(max_workers=2) as helpers:
            drawn = helpers.submit(list, run.map(_finish_task, [(row[5], row[6]) for row in deferred]))
            self._write_postings(ids, helpers)
            finished = drawn.result()
        bands = []
        documents = []
        for row, (text, keys) in zip(deferred, finished):
            documents.append((*row[:5], text))
            bands.append(keys)
        self.db.insert_rows("documents", ("id", "path", "sha256", "words", "title", "text"), documents)
        insert_bands(self.db, np.stack(bands), ids)


def remove_documents(db: Database, config: CheckConfig, items: Iterable[str]) -> list[str]:
    """Remove documents by name (as ``index info --list`` lists them), numeric id, the
    path of the file they were added from, or of a folder or zip added (all its
    documents), in one transaction. Returns the names
    removed; an unknown item is an error and nothing is removed."""
    db.check_writable()
    begin(db)
    try:
        # Every item is looked up before anything is removed: a folder and one of its
        # files may both be named, in either order.
        found: dict[int, str] = {}
        for item in items:
            rows = _rows_named(db, item)
            if not rows:
                raise CorpusError(f"{db.name}: no document {item!r} in the index; see `simcheck index info`")
            found.update(rows)
        for doc in sorted(found):
            delete(db, config, doc)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return [found[doc] for doc in sorted(found)]


def _rows_named(db: Database, item: str) -> list[tuple[int, str]]:
    """The documents ``item`` names: a stored name, an id, a file added, or a folder or
    zip added (every document stored below its name, also of files gone since)."""
    row = db.execute("SELECT id, path FROM documents WHERE path = ?", (item,)).fetchone()
    if row is not None:
        return [(int(row[0]), str(row[1]))]
    given = Path(item)
    if item.isdigit():
        if given.exists():
            raise CorpusError(
                f"{db.name}: {item!r} is both a document id and a file or folder here; "
                f"give ./{item} for the folder, or the name `simcheck index info --list` shows"
            )
        row = db.execute("SELECT id, path FROM documents WHERE id = ?", (int(item),)).fetchone()
        return [] if row is None else [(int(row[0]), str(row[1]))]
    if given.is_dir() or is_zip(given):
        # Named as adding names them (stored_name): the folder's own name, or the zip's
        # below its folder's.
        top = schema.stored_name(given, given) if given.is_dir() else schema.stored_name(given, given.parent)
        prefix = top + "/"
        rows = db.execute(
            "SELECT id, path FROM documents WHERE substr(path, 1, ?) = ? ORDER BY id", (len(prefix), prefix)
        ).fetchall()
        return [(int(doc), str(name)) for doc, name in rows]
    found = _by_trailing_name(db, item) if given.exists() else None
    return [] if found is None else [found]


def _by_trailing_name(db: Database, file: str) -> tuple[int, str] | None:
    names = schema.trailing_names(file)
    marks = ", ".join("?" * len(names))
    row = db.execute(
        f"SELECT id, path FROM documents WHERE path IN ({marks}) ORDER BY length(path) DESC", names
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def build_file(
    target: Path,
    sources: Iterable[str | os.PathLike[str]],
    config: CheckConfig,
    *,
    jobs: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    progress: ProgressCallback | None = None,
) -> AddResult:
    """Write a new index of ``sources`` at ``target``.

    The index is written to a temporary file beside ``target`` (one per process) and
    linked into place at the end, so ``target`` never holds half an index, and a build
    never replaces an index another process made meanwhile. When no document of
    ``sources`` can be read, no index is made (:class:`NothingIndexed`).
    """
    if target.exists():
        raise CorpusError(f"{target}: already exists; add to it with `simcheck index add` or remove it first")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    _remove_leftovers(target)
    schema.create(partial, config)
    db = schema.connect(partial)
    db.tune_for_build()
    try:
        result = add_sources(db, config, sources, jobs=jobs, max_bytes=max_bytes, progress=progress)
        db.tune_for_use()
    except NothingIndexed as exc:
        db.close()
        partial.unlink()  # an empty index is no use: none is made
        raise NothingIndexed(target, exc.result) from None
    finally:
        db.close()
    with open(partial, "rb+") as handle:  # on disk before it is published
        os.fsync(handle.fileno())
    _publish(partial, target)
    return result


def build_archive(
    url: str,
    sources: Iterable[str | os.PathLike[str]],
    config: CheckConfig,
    *,
    jobs: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    progress: ProgressCallback | None = None,
) -> AddResult:
    """Make a new PostgreSQL archive of ``sources`` at ``url``: its schema, tables and
    documents in one transaction, so a failed or killed build leaves no archive, and an
    archive already there is refused."""
    db = schema.open_database(url)
    try:
        return add_sources(
            db, config, sources, jobs=jobs, max_bytes=max_bytes, progress=progress, create=True
        )
    except db.errors as exc:
        raise db.failure(exc) from None
    finally:
        db.close()


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
