"""The saved corpus: one SQLite file or a PostgreSQL archive, opened and checked against
like an in-memory one."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..config import CheckConfig
from ..errors import ConfigError, CorpusError, InputError
from ..load import MAX_FILE_BYTES
from ..models import ProgressCallback
from . import schema, verify
from .build import AddResult, add_sources, begin, build_archive, build_file, remove_documents
from .database import SQLiteDatabase, damaged, is_url
from .query import Reader


class Index(Reader):
    """A corpus saved in one SQLite file or in a PostgreSQL archive: it serves the
    :class:`~simcheck.corpus.CorpusLike` protocol, as the in-memory
    :class:`~simcheck.retrieve.Corpus` does.

    Parameters
    ----------
    path : path or URL
        The index file, or a PostgreSQL archive's URL,
        ``postgresql://user:password@host:port/dbname`` (``?schema=NAME`` for an
        archive outside the default schema ``simcheck``; without a password, libpq's
        PGPASSWORD or ~/.pgpass). Messages and reports show it with the password
        masked.
    config : CheckConfig, optional
        Settings for checks against it. Those an index is built with
        (``CheckConfig.INDEX_SETTINGS``) must equal the stored ones; the stored ones are
        used when ``config`` is None.

    Raises
    ------
    CorpusError
        Missing file, not an index, damaged, or another format version; a server that
        cannot be reached or refuses the connection.
    ConfigError
        ``config`` differs from the stored settings in one the index is built with.
    """

    #: Files that could not be read: an index holds only documents that were.
    skipped: tuple[InputError, ...] = ()
    shaped_by = CheckConfig.INDEX_SETTINGS

    def __init__(self, path: str | os.PathLike[str], config: CheckConfig | None = None) -> None:
        # What a worker process is given to open its own connection (a URL whole).
        self._location = str(path) if is_url(path) else os.fspath(path)
        shown: Path | str = _check_file(Path(path)) if not is_url(path) else ""
        db = schema.open_database(self._location)
        shown = shown or db.name
        try:
            stored = schema.check_format(db, schema.read_meta(db))
            if config is not None:
                for name in config.conflicts(stored, self.shaped_by):
                    raise ConfigError(
                        f"{shown}: built with {name}={getattr(stored, name)!r}, asked for "
                        f"{getattr(config, name)!r}; use the index's setting or rebuild the index"
                    )
            super().__init__(db, shown, config or stored)
        except db.errors as exc:
            db.close()
            if is_url(path):
                raise db.failure(exc) from None
            raise CorpusError(
                f"{shown}: damaged or not a simcheck index ({exc}); rebuild it with `simcheck index build`"
            ) from None
        except BaseException:
            db.close()
            raise

    def __reduce__(self) -> tuple[type[Index], tuple[str, CheckConfig]]:
        # A worker process opens a connection of its own to the same file or archive.
        return (Index, (self._location, self.config))

    def describe(self) -> str:
        return f"index {self.path} ({self.documents} document{'' if self.documents == 1 else 's'})"

    @classmethod
    def create(cls, path: str | os.PathLike[str], config: CheckConfig | None = None) -> Index:
        """Create an empty index file or PostgreSQL archive (an existing one is an error)."""
        config = config or CheckConfig()
        if is_url(path):
            _create_archive(str(path), config)
            return cls(path, config)
        target = Path(path)
        if target.exists():
            raise CorpusError(
                f"{path}: already exists; add to it with `simcheck index add` or remove it first"
            )
        schema.create(target, config)
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

        The index is written beside ``path`` and moved into place when complete (see
        :func:`~simcheck.index.build.build_file`); a PostgreSQL archive is made in one
        transaction (:func:`~simcheck.index.build.build_archive`).
        """
        config = config or CheckConfig()
        if is_url(path):
            result = build_archive(
                str(path), sources, config, jobs=jobs, max_bytes=max_bytes, progress=progress
            )
            return cls(path, config), result
        try:
            result = build_file(
                Path(path), sources, config, jobs=jobs, max_bytes=max_bytes, progress=progress
            )
        except SQLiteDatabase.errors as exc:
            raise damaged(path, exc) from None
        return cls(path, config), result

    @schema.guarded
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
        try:
            return add_sources(
                self._db, self.config, sources, jobs=jobs, max_bytes=max_bytes, progress=progress
            )
        finally:
            self._changed()

    @schema.guarded
    def remove(self, items: Iterable[str]) -> list[str]:
        """Remove documents by name (as ``info`` lists them), numeric id, the path of
        the file they came from, or of a folder or zip added (all its documents), in one
        transaction. Returns the names removed; an
        unknown item is an error and nothing is removed."""
        try:
            return remove_documents(self._db, self.config, items)
        finally:
            self._changed()

    def _changed(self) -> None:
        self.refresh()

    @schema.guarded
    def info(self) -> dict[str, Any]:
        """Documents, words, size, format and settings."""
        return verify.info(self._db)

    def verify(self) -> list[str]:
        """Problems found, an empty list when the index is sound (see
        :func:`~simcheck.index.verify.verify`)."""
        return verify.verify(self._db, self.config)

    def close(self) -> None:
        self._db.close()

    def __del__(self) -> None:
        # An index opened for the caller (check(text, "postgresql://...")) is dropped
        # without close(): its connection goes with it, not at the interpreter's exit.
        db = getattr(self, "_db", None)
        if db is None:
            return
        try:
            db.close()
        except Exception:  # noqa: BLE001 - a finalizer must not raise
            # The cycle collector may finalize an index in another thread than the one
            # that opened it (one held by an exception's traceback, say), where SQLite
            # refuses to close it; the connection then goes with the process.
            pass

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def names_an_index(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` is a PostgreSQL archive's URL or an index file that exists."""
    return is_url(location) or (os.path.isfile(location) and schema.is_index_file(location))


def _check_file(path: Path) -> Path:
    """``path``, when it is an index file whole; else a one-line error saying what it is."""
    if not path.is_file():
        raise CorpusError(f"{path}: index does not exist; create it with `simcheck index build`")
    if not schema.is_index_file(path):
        raise CorpusError(f"{path}: not a simcheck index (not an SQLite database); rebuild it")
    truncated = schema.truncation(path)
    if truncated:
        raise CorpusError(f"{path}: {truncated}; rebuild it with `simcheck index build`")
    return path


def _create_archive(url: str, config: CheckConfig) -> None:
    """An empty PostgreSQL archive: its schema and tables, in one transaction."""
    db = schema.open_database(url)
    try:
        begin(db)
        try:
            schema.create_tables(db, config)
            db.commit()
        except BaseException:
            db.rollback()
            raise
    except db.errors as exc:
        raise db.failure(exc) from None
    finally:
        db.close()
