"""The corpus in memory, and candidate sources for a query document from it.

Copying is partial: a 100-word passage in a 2,000-word essay barely moves a
whole-document similarity, and in a class on one topic every essay is like every other.
So a document is a candidate only when a passage of it matches one of the query's: by
the query's shingles found among its winnowed fingerprints, or by a window of sentences
sharing rare words with one of the query's (a reworded passage). A candidate is
approximate; only alignment makes a match. :class:`Corpus` serves the
:class:`~simcheck.corpus.CorpusLike` protocol, as a saved index does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .config import CheckConfig
from .errors import CorpusError, InputError
from .fingerprint import Fingerprinted, df_cap, distinct, fingerprint_tokens, fingerprint_words, tfidf_weights
from .frequencies import frequencies_in, known_idf, smooth_idf
from .load import load_folder
from .models import Candidate, Document, ProgressCallback
from .parallel import workers
from .students import keys_by_student
from .tokens import Tokens, shared_lexicon
from .windows import (
    Postings,
    Runs,
    Signatures,
    pairs_needed,
    passage_windows,
    window_limit,
    window_signatures,
    word_pairs,
)

_NO_HASHES = np.zeros(0, dtype=np.uint64)
#: A document's TF-IDF row: its words' columns in the corpus vocabulary, sorted, and
#: their weights.
TfidfRow = tuple[np.ndarray, np.ndarray]


class Corpus:
    """Known documents to check against, fingerprinted and TF-IDF indexed in memory.

    Parameters
    ----------
    documents : sequence of Document
        The corpus; ``doc_id`` must be unique.
    config : CheckConfig, optional
        ``shingle_size``, ``winnow_window`` and ``language`` shape the index.
    skipped : sequence of InputError, optional
        Files that could not be loaded, carried into reports.
    progress : callable, optional
        Called as ``progress(done, total)`` while documents are indexed.
    folder : str, optional
        The folder the documents were read from, for reports (see :meth:`from_folder`).

    Examples
    --------
    >>> corpus = Corpus([Document("a.txt", "The Marshall Plan rebuilt western Europe "
    ...                  "after the Second World War with American money.")])
    >>> len(corpus), corpus.doc_ids
    (1, ['a.txt'])
    """

    #: The settings the fingerprint table and the term statistics depend on.
    shaped_by = ("shingle_size", "winnow_window", "language")

    def __init__(
        self,
        documents: Sequence[Document],
        config: CheckConfig | None = None,
        *,
        skipped: Sequence[InputError] = (),
        progress: ProgressCallback | None = None,
        folder: str | None = None,
    ) -> None:
        self.config = config or CheckConfig()
        self.documents = list(documents)
        self.skipped = tuple(skipped)
        self.folder = folder
        ids = [d.doc_id for d in self.documents]
        if len(set(ids)) != len(ids):
            raise CorpusError("corpus document ids must be unique")
        self._tokens: dict[int, Tokens] = {}
        self._token_owner: dict[int, int] = {}  # id(Tokens) -> document, see _vector_of
        self._by_id = {doc_id: i for i, doc_id in enumerate(ids)}
        lexicon = self._lexicon = shared_lexicon(self.config.language)
        term_ids: list[np.ndarray] = []
        self._term_ids = term_ids
        for done, document in enumerate(self.documents, 1):
            term_ids.append(lexicon.term_ids(document.text))
            if progress is not None:
                progress(done, len(self.documents))
        # Arrays are materialised once, after every document has added its words.
        hashes, stops = lexicon.hashes, lexicon.is_stop
        prepared = [
            fingerprint_words(hashes[ids], stops[ids], self.config.shingle_size, self.config.winnow_window)
            for ids in term_ids
        ]
        self._build_fingerprint_table([p.prints for p in prepared])
        self._build_tfidf(prepared)
        self._postings: Postings | None = None
        self._pair_postings = Postings.of([])
        self._signatures: list[Signatures] = []
        self._window_limit = window_limit(0)
        # The last query's TF-IDF row: a check asks for it once per source.
        self._last_query: tuple[Tokens, TfidfRow] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Another process gets the tables, not this process's lexicon, term ids and token
        # cache: it has a lexicon of its own and makes tokens on demand.
        state = self.__dict__.copy()
        state.update(_lexicon=None, _term_ids=None, _tokens={}, _token_owner={}, _last_query=None)
        return state

    @classmethod
    def from_folder(
        cls,
        folder: str | os.PathLike[str],
        config: CheckConfig | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> Corpus:
        """Load and index every supported file under ``folder``.

        Raises
        ------
        CorpusError
            The folder does not exist or holds no readable document.
        """
        root = Path(folder)
        if not root.is_dir():
            raise CorpusError(f"{folder}: corpus folder does not exist; give a folder of essays")
        documents, errors = load_folder(root)
        if not documents:
            detail = f" ({len(errors)} unreadable)" if errors else ""
            raise CorpusError(
                f"{folder}: no readable documents in the corpus folder{detail}; "
                "add .txt, .docx, .pdf, .odt, .rtf, .md or .html files"
            )
        return cls(documents, config, skipped=errors, progress=progress, folder=os.fspath(folder))

    def __len__(self) -> int:
        return len(self.documents)

    def describe(self) -> str:
        count = len(self.documents)
        documents = f"{count} document{'' if count == 1 else 's'}"
        return (
            f"folder {self.folder} ({documents})"
            if self.folder is not None
            else f"{documents} given directly"
        )

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self.documents]

    def _build_fingerprint_table(self, prints: list[np.ndarray]) -> None:
        lengths = np.array([p.shape[0] for p in prints], dtype=np.int64)
        all_prints = np.concatenate(prints) if prints else np.zeros(0, dtype=np.uint64)
        owners = np.repeat(np.arange(len(prints), dtype=np.int64), lengths)
        order = np.argsort(all_prints, kind="stable")
        self._prints = Runs.of(all_prints[order])
        self._print_docs = owners[order]

    def _build_tfidf(self, prepared: list[Fingerprinted]) -> None:
        """One row of TF-IDF weights per document over the corpus vocabulary."""
        self._vocabulary = distinct(np.concatenate([p.terms for p in prepared])) if prepared else _NO_HASHES
        columns = [np.searchsorted(self._vocabulary, p.terms) for p in prepared]
        flat = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        self._df = np.bincount(flat, minlength=self._vocabulary.shape[0])
        sizes = np.array([c.shape[0] for c in columns], dtype=np.int64)
        counts = np.concatenate([p.counts for p in prepared]) if prepared else np.zeros(0, dtype=np.int64)
        groups = np.repeat(np.arange(len(prepared)), sizes)
        weights = tfidf_weights(counts, self._df[flat], len(prepared), groups)
        # Row i is columns[indptr[i]:indptr[i+1]] (sorted) with its weights: the rows of a
        # sparse matrix, kept as arrays (a cosine is one small intersection; scipy would
        # cost a batch a seventh of a second to import).
        self._tfidf_indptr = np.concatenate([[0], np.cumsum(sizes)])
        self._tfidf_columns = flat
        self._tfidf_weights = weights

    def _row(self, key: int) -> TfidfRow:
        start, end = self._tfidf_indptr[key], self._tfidf_indptr[key + 1]
        return self._tfidf_columns[start:end], self._tfidf_weights[start:end]

    def _vector_of(self, query: Tokens) -> TfidfRow:
        """The query's TF-IDF row; a corpus document's own row when the query is one
        (a batch checks every submission against the others). The last query's row is
        kept: made from the whole text, it would cost a long essay's time per source."""
        index = self._token_owner.get(id(query))
        if index is not None and self._tokens.get(index) is query:
            return self._row(index)
        last = self._last_query
        if last is not None and last[0] is query:
            return last[1]
        vector = self._query_vector(fingerprint_tokens(query, self.config))
        self._last_query = (query, vector)
        return vector

    def _query_vector(self, prepared: Fingerprinted) -> TfidfRow:
        """TF-IDF weights of a text's words over the corpus vocabulary (words the corpus
        does not have are left out)."""
        vocabulary = self._vocabulary
        columns = np.searchsorted(vocabulary, prepared.terms)
        # A corpus of function words alone has no vocabulary: nothing of the query is known.
        known = (columns < vocabulary.shape[0]) & (
            vocabulary[np.minimum(columns, max(vocabulary.shape[0] - 1, 0))] == prepared.terms
            if vocabulary.shape[0]
            else np.zeros(columns.shape[0], dtype=bool)
        )
        columns = columns[known]
        return columns, tfidf_weights(prepared.counts[known], self._df[columns], len(self.documents))

    def document(self, key: int) -> Document:
        """Corpus document ``key`` (its position)."""
        return self.documents[key]

    def text_of(self, doc_id: str) -> str | None:
        """The text of the document named ``doc_id``, or None."""
        found = self._by_id.get(doc_id)
        return None if found is None else self.documents[found].text

    def tokens(self, key: int) -> Tokens:
        """Tokens of corpus document ``key`` (computed once, on demand)."""
        if key not in self._tokens:
            known = (self._lexicon, self._term_ids[key]) if self._lexicon is not None else None
            tokens = Tokens(self.documents[key].text, self.config.language, known_ids=known)
            self._tokens[key] = tokens
            self._token_owner[id(tokens)] = key
        return self._tokens[key]

    def keys_by_student(self) -> dict[str, list[int]]:
        return keys_by_student(enumerate(self.doc_ids))

    def own_copy(self, document: Document) -> int | None:
        """Position of the corpus document loaded from ``document``'s file, if any (so a
        file is not matched with itself)."""
        if not document.path:
            return None
        return self._by_path.get(os.path.realpath(document.path))

    @cached_property
    def _by_path(self) -> dict[str, int]:
        # Made on first use: a class's own corpus is never asked, and resolving a
        # thousand paths costs a batch 30 ms.
        return {os.path.realpath(d.path): i for i, d in enumerate(self.documents) if d.path}

    def candidates(
        self, query: Tokens, config: CheckConfig, *, exclude: Iterable[int] = ()
    ) -> list[Candidate]:
        """Corpus documents worth aligning with ``query``, best evidence first: those with
        a passage that matches one of the query's, by shared fingerprints or by a window
        of sentences sharing rare words (see :func:`~simcheck.windows.shared_windows`).
        As many as the evidence gives: no whole-document likeness makes a candidate."""
        n_docs = len(self.documents)
        if n_docs == 0 or len(query) == 0:
            return []
        shared = self._shared_fingerprints(query, config)
        postings = self._window_postings()
        windows = passage_windows(
            self._signatures_of(query), postings, self._pair_postings, self._window_limit
        )
        excluded = set(exclude)
        chosen = {int(i) for i in np.flatnonzero(shared)} | set(windows)
        ranked = sorted(chosen - excluded, key=lambda i: (-shared[i], -windows.get(i, 0), i))
        return [Candidate(i, self.documents[i].doc_id, int(shared[i]), windows.get(i, 0)) for i in ranked]

    def document_frequencies(self, terms: np.ndarray) -> np.ndarray:
        """How many documents hold each of ``terms`` (stem hashes; 0 for unknown ones)."""
        return frequencies_in(self._vocabulary, self._df, terms)

    def _idf(self, terms: np.ndarray) -> np.ndarray:
        """Smooth idf of ``terms`` in this corpus (a word it does not have is rarest)."""
        return smooth_idf(self.document_frequencies(terms), len(self.documents))

    def _known_idf(self, terms: np.ndarray) -> np.ndarray:
        """Smooth idf of ``terms``, 0 for a word this corpus does not have: a query's
        window signature is made of words a window of the corpus could share."""
        return known_idf(self.document_frequencies(terms), len(self.documents))

    def _signatures_of(self, query: Tokens) -> Signatures:
        """The query's window signatures; a corpus document's own when the query is one
        (a batch checks every submission against the others)."""
        index = self._token_owner.get(id(query))
        if index is not None and self._tokens.get(index) is query and self._signatures:
            return self._signatures[index]
        return window_signatures(query, self._known_idf)

    def _window_postings(self) -> Postings:
        """Every document's window signatures, made once, when a first query needs them
        (unless :meth:`sign_windows` made them before)."""
        if self._postings is None:
            self.sign_windows()
        assert self._postings is not None
        return self._postings

    def sign_windows(self, jobs: int = 1, *, pairs: bool = False) -> None:
        """Make every document's window signatures now, ``jobs`` processes sharing the
        work. A batch does this before its workers start: each of them would otherwise
        sign the whole class at its first query. With ``pairs`` (a batch's class, all on
        one topic), a corpus large enough to need them (:func:`~simcheck.windows.pairs_needed`)
        is also searched by pairs of signature words."""
        if self._postings is None:
            with workers(self, jobs=jobs, tasks=len(self)) as run:
                self._signatures = list(run.map(_signed, range(len(self))))
            self._postings = Postings.of(self._signatures)
            self._window_limit = window_limit(len(self._postings))
        if pairs and pairs_needed(len(self._postings)) and not len(self._pair_postings):
            # A few runs of documents a process, each sorted there and merged here.
            runs = np.array_split(np.arange(len(self)), 4 * max(1, jobs))
            with workers(self, jobs=jobs, tasks=len(runs)) as run:
                parts = list(run.map(_paired, [(int(r[0]), int(r[-1]) + 1) for r in runs if r.shape[0]]))
            self._pair_postings = Postings.merged(parts)

    def pair_postings_of(self, first: int, last: int) -> Postings:
        """Where the pairs of signature words of documents ``[first, last)`` occur."""
        return Postings.of([word_pairs(s) for s in self._signatures[first:last]], first)

    def window_signatures_of(self, key: int) -> Signatures:
        """The window signatures of document ``key``, its words weighed by this corpus."""
        return window_signatures(self.tokens(key), self._idf)

    def widely_held(self, config: CheckConfig) -> tuple[np.ndarray, np.ndarray]:
        """The fingerprints more documents hold than :func:`~simcheck.fingerprint.df_cap`
        allows (those retrieval passes over as stock phrases; none for a corpus too small
        to judge), once for each document holding one: the fingerprints and the
        documents' keys, in order of fingerprint."""
        cap = df_cap(len(self.documents), config)
        runs = self._prints
        if cap is None:
            return runs.keys[:0], self._print_docs[:0]
        sizes = np.diff(runs.starts)
        # The table's entries of each run over the cap (the table is in run order).
        capped = np.repeat(sizes > cap, sizes)
        keys: np.ndarray = np.repeat(runs.keys, sizes)[capped]
        return keys, self._print_docs[capped]

    def _shared_fingerprints(self, query: Tokens, config: CheckConfig) -> np.ndarray:
        n_docs = len(self.documents)
        # Every shingle of the query is looked up, not only its winnowed ones: a corpus
        # fingerprint anywhere inside a copied passage is then found.
        shingles = query.shingles(config.shingle_size).unique
        lo, df = self._prints.find(shingles)
        keep = df > 0
        cap = df_cap(n_docs, config)
        if cap is not None:
            keep &= df <= cap
        lo, df = lo[keep], df[keep]
        if lo.shape[0] == 0:
            return np.zeros(n_docs, dtype=np.int64)
        # Expand each [lo, hi) run into its table positions without a Python loop.
        starts = np.repeat(lo - np.cumsum(df) + df, df) + np.arange(int(df.sum()))
        return np.bincount(self._print_docs[starts], minlength=n_docs)

    def tfidf_cosine(self, query: Tokens, key: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with corpus document ``key``."""
        columns, weights = self._vector_of(query)
        theirs, their_weights = self._row(key)
        _, mine, shared = np.intersect1d(columns, theirs, assume_unique=True, return_indices=True)
        return float(np.dot(weights[mine], their_weights[shared]))


def _paired(corpus: Corpus, documents: tuple[int, int]) -> Postings:
    """The postings of the pairs of signature words of documents ``[first, last)``."""
    first, last = documents
    return corpus.pair_postings_of(first, last)


def _signed(corpus: Corpus, key: int) -> Signatures:
    return corpus.window_signatures_of(key)
