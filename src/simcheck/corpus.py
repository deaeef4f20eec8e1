"""The corpus seam: what a check asks of the documents it is checked against.

Two stores serve it: :class:`~simcheck.retrieve.Corpus` (documents in memory: a folder, a
list, a class checked against itself) and :class:`~simcheck.index.Index` (a saved SQLite
file). Everything above them (checks, batches, reports) uses only this protocol, so a
check runs the same whichever store holds the documents, and neither store knows of the
other.

A store is shaped by some settings (the fingerprints it holds were made with them):
those are its ``config``'s values of the names in ``shaped_by``. A check brings its own
settings for the rest; :func:`settings_for` reconciles the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from .config import CheckConfig
from .errors import ConfigError, InputError
from .frequencies import Rarity
from .models import Candidate, Document
from .tokens import Tokens


@runtime_checkable
class CorpusLike(Protocol):
    """Documents to check against. Keys (``Candidate.key``) are the store's own."""

    @property
    def config(self) -> CheckConfig:
        """The settings the store was prepared with."""
        ...

    @property
    def shaped_by(self) -> tuple[str, ...]:
        """The settings its prepared data depends on: a check must use the same values."""
        ...

    @property
    def skipped(self) -> tuple[InputError, ...]:
        """Files that could not be read into the store."""
        ...

    def __len__(self) -> int: ...

    def describe(self) -> str:
        """What the store is, for a report's provenance (``folder essays/ (41 documents)``)."""
        ...

    def candidates(
        self, query: Tokens, config: CheckConfig, *, exclude: Iterable[int] = ()
    ) -> list[Candidate]:
        """Documents worth aligning with ``query``, best evidence first, leaving out the
        keys in ``exclude``. Approximate: only alignment makes a match."""
        ...

    def document(self, key: int) -> Document:
        """The document stored under ``key``."""
        ...

    def tokens(self, key: int) -> Tokens:
        """The tokens of the document stored under ``key``."""
        ...

    def tfidf_cosine(self, query: Tokens, key: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with the document under ``key``."""
        ...

    def own_copy(self, document: Document) -> int | None:
        """The key of ``document``'s own copy in the store, if it is there (a file is
        never matched with itself)."""
        ...

    def text_of(self, doc_id: str) -> str | None:
        """The text of the document named ``doc_id``, or None."""
        ...

    def document_frequencies(self, terms: np.ndarray) -> np.ndarray:
        """How many of its documents hold each of ``terms`` (content-word stem hashes)."""
        ...

    def keys_by_student(self) -> dict[str, list[int]]:
        """Its documents by each student their stored names may name (see
        :func:`~simcheck.students.students_named_by`: any trailing part of the name, as
        an archive holds classes in folders and zips of its own): a class checked
        against an archive holding its own earlier files is never matched with them."""
        ...


@runtime_checkable
class SourceStore(Protocol):
    """What aligning a submission with candidates asks of the store holding them: each
    candidate's document and tokens, and its TF-IDF cosine with the submission. Every
    :class:`CorpusLike` serves it; so does a bulk job's handful of candidates."""

    def document(self, key: int) -> Document:
        """The document stored under ``key``."""
        ...

    def tokens(self, key: int) -> Tokens:
        """The tokens of the document stored under ``key``."""
        ...

    def tfidf_cosine(self, query: Tokens, key: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with the document under ``key``."""
        ...


def rarity_of(stores: Sequence[CorpusLike]) -> Rarity:
    """How common each word is in ``stores`` together (a class and its corpus)."""
    return Rarity([store.document_frequencies for store in stores], sum(len(store) for store in stores))


def settings_for(config: CheckConfig | None, store: CorpusLike) -> CheckConfig:
    """The settings a check against ``store`` runs with: the caller's when given (they
    must agree with those that shaped the store), else the store's own.

    Raises
    ------
    ConfigError
        The caller asks for a value of a setting that shaped the store differently.
    """
    if config is None:
        return store.config
    differ = config.conflicts(store.config, store.shaped_by)
    if differ:
        name = differ[0]
        raise ConfigError(
            f"{name}={getattr(config, name)!r} asked for, but the corpus was prepared with "
            f"{name}={getattr(store.config, name)!r}; use the corpus's setting or prepare it again"
        )
    return config
