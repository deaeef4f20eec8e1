"""Candidate sources for a query document, each with its evidence.

Copying is partial: a 100-word passage in a 2,000-word essay barely moves a
whole-document similarity. So candidates come from *containment* evidence, the query's
winnowed shingle fingerprints looked up in the corpus' fingerprint table, plus the
nearest documents by whole-document TF-IDF cosine, so that a paraphrase sharing no
shingle is still examined. A candidate is approximate; only alignment makes a match.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from .config import CheckConfig
from .errors import CorpusError
from .fingerprint import Fingerprinted, fingerprint_words, shingle_hashes
from .load import load_folder
from .models import Document
from .tokens import Tokens, shared_lexicon

#: Corpora smaller than this keep every fingerprint: document frequencies of a handful
#: of documents say nothing about which phrases are common.
_MIN_DOCS_FOR_DF_CAP = 20

ProgressCallback = Callable[[int, int], None]
_NO_HASHES = np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class Candidate:
    """A corpus document worth aligning with the query.

    Attributes
    ----------
    index : int
        Position in the corpus (internal; reports use ``doc_id``).
    doc_id : str
        The corpus document.
    shared_fingerprints : int
        Query fingerprints also found in this document.
    tfidf_cosine : float
        Whole-document TF-IDF cosine with the query.
    """

    index: int
    doc_id: str
    shared_fingerprints: int
    tfidf_cosine: float


class Corpus:
    """Known documents to check against, fingerprinted and TF-IDF indexed in memory.

    Parameters
    ----------
    documents : sequence of Document
        The corpus; ``doc_id`` must be unique.
    config : CheckConfig, optional
        ``shingle_size``, ``winnow_window`` and ``language`` shape the index.
    skipped : sequence of str, optional
        Reasons for files that could not be loaded, carried into reports.
    progress : callable, optional
        Called as ``progress(done, total)`` while documents are indexed.

    Examples
    --------
    >>> corpus = Corpus([Document("a.txt", "The Marshall Plan rebuilt western Europe "
    ...                  "after the Second World War with American money.")])
    >>> len(corpus), corpus.doc_ids
    (1, ['a.txt'])
    """

    def __init__(
        self,
        documents: Sequence[Document],
        config: CheckConfig | None = None,
        *,
        skipped: Sequence[str] = (),
        progress: ProgressCallback | None = None,
    ) -> None:
        self.config = config or CheckConfig()
        self.documents = list(documents)
        self.skipped = tuple(skipped)
        ids = [d.doc_id for d in self.documents]
        if len(set(ids)) != len(ids):
            raise CorpusError("corpus document ids must be unique")
        self._tokens: dict[int, Tokens] = {}
        self._token_owner: dict[int, int] = {}  # id(Tokens) -> document, see _vector_of
        self._by_id = {doc_id: i for i, doc_id in enumerate(ids)}
        self._by_path = {os.path.realpath(d.path): i for i, d in enumerate(self.documents) if d.path}
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
        self._vocabulary = np.unique(np.concatenate([p.terms for p in prepared])) if prepared else _NO_HASHES
        from sklearn.feature_extraction.text import TfidfTransformer  # a second to import: when needed

        self._tfidf_model = TfidfTransformer(sublinear_tf=True)
        if prepared:
            counts = sparse.vstack([self._term_row(p) for p in prepared])
            self._tfidf = self._tfidf_model.fit_transform(counts).tocsr()
        else:
            self._tfidf = sparse.csr_matrix((0, 0))

    def __getstate__(self) -> dict[str, Any]:
        # Another process gets the tables, not this process's lexicon, term ids and token
        # cache: it has a lexicon of its own and makes tokens on demand.
        state = self.__dict__.copy()
        state.update(_lexicon=None, _term_ids=None, _tokens={}, _token_owner={})
        return state

    def _term_row(self, prepared: Fingerprinted) -> sparse.csr_matrix:
        """Content-word counts as one row over the corpus vocabulary (unknown words dropped)."""
        columns = np.searchsorted(self._vocabulary, prepared.terms)
        known = (columns < self._vocabulary.shape[0]) & (
            self._vocabulary[np.minimum(columns, self._vocabulary.shape[0] - 1)] == prepared.terms
        )
        columns, counts = columns[known], prepared.counts[known]
        return sparse.csr_matrix(
            (counts.astype(np.float64), columns, np.array([0, columns.shape[0]])),
            shape=(1, self._vocabulary.shape[0]),
        )

    def _vector_of(self, query: Tokens) -> sparse.csr_matrix:
        """The query's TF-IDF row; a corpus document's own row when the query is one
        (a batch checks every submission against the others)."""
        index = self._token_owner.get(id(query))
        if index is not None and self._tokens.get(index) is query:
            row: sparse.csr_matrix = self._tfidf[index]
            return row
        return self._query_vector(query)

    def _query_vector(self, query: Tokens) -> sparse.csr_matrix:
        vector: sparse.csr_matrix = self._tfidf_model.transform(
            self._term_row(query_prints(query, self.config))
        )
        return vector

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
        skipped = [str(e) for e in errors]
        if not documents:
            detail = f" ({len(errors)} unreadable)" if errors else ""
            raise CorpusError(
                f"{folder}: no readable documents in the corpus folder{detail}; "
                "add .txt, .docx, .pdf, .odt, .rtf, .md or .html files"
            )
        return cls(documents, config, skipped=skipped, progress=progress)

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self.documents]

    def _build_fingerprint_table(self, prints: list[np.ndarray]) -> None:
        lengths = np.array([p.shape[0] for p in prints], dtype=np.int64)
        all_prints = np.concatenate(prints) if prints else np.zeros(0, dtype=np.uint64)
        owners = np.repeat(np.arange(len(prints), dtype=np.int64), lengths)
        order = np.argsort(all_prints, kind="stable")
        self._print_hashes = all_prints[order]
        self._print_docs = owners[order]

    def document(self, index: int) -> Document:
        """Corpus document ``index``."""
        return self.documents[index]

    def text_of(self, doc_id: str) -> str | None:
        """The text of the document named ``doc_id``, or None."""
        found = self._by_id.get(doc_id)
        return None if found is None else self.documents[found].text

    def tokens(self, index: int) -> Tokens:
        """Tokens of corpus document ``index`` (computed once, on demand)."""
        if index not in self._tokens:
            known = (self._lexicon, self._term_ids[index]) if self._lexicon is not None else None
            tokens = Tokens(self.documents[index].text, self.config.language, known_ids=known)
            self._tokens[index] = tokens
            self._token_owner[id(tokens)] = index
        return self._tokens[index]

    def own_copy(self, document: Document) -> int | None:
        """Position of the corpus document loaded from ``document``'s file, if any (so a
        file is not matched with itself)."""
        if not document.path:
            return None
        return self._by_path.get(os.path.realpath(document.path))

    def candidates(self, query: Tokens, *, exclude: Iterable[int] = ()) -> list[Candidate]:
        """Corpus documents worth aligning with ``query``, best evidence first."""
        n_docs = len(self.documents)
        if n_docs == 0 or len(query) == 0:
            return []
        config = self.config
        shared = self._shared_fingerprints(query)
        cosine = self._tfidf @ self._vector_of(query).toarray().ravel()
        excluded = set(exclude)
        chosen: set[int] = set()
        by_evidence = np.lexsort((np.arange(n_docs), -shared))
        for index in by_evidence[: config.max_candidates + len(excluded)].tolist():
            if shared[index] > 0 and index not in excluded:
                chosen.add(index)
        by_topic = np.lexsort((np.arange(n_docs), -cosine))
        for index in by_topic[: config.tfidf_neighbours + len(excluded)].tolist():
            if cosine[index] >= config.min_tfidf_cosine and index not in excluded:
                chosen.add(index)
        ranked = sorted(chosen, key=lambda i: (-shared[i], -cosine[i], i))
        return [Candidate(i, self.documents[i].doc_id, int(shared[i]), float(cosine[i])) for i in ranked]

    def _shared_fingerprints(self, query: Tokens) -> np.ndarray:
        n_docs = len(self.documents)
        config = self.config
        # Every shingle of the query is looked up, not only its winnowed ones: a corpus
        # fingerprint anywhere inside a copied passage is then found.
        shingles = np.unique(shingle_hashes(query.stem_hashes, config.shingle_size))
        lo = np.searchsorted(self._print_hashes, shingles, side="left")
        hi = np.searchsorted(self._print_hashes, shingles, side="right")
        df = hi - lo
        keep = df > 0
        if n_docs >= _MIN_DOCS_FOR_DF_CAP:
            keep &= df <= max(1, int(config.max_fingerprint_df * n_docs))
        lo, df = lo[keep], df[keep]
        if lo.shape[0] == 0:
            return np.zeros(n_docs, dtype=np.int64)
        # Expand each [lo, hi) run into its table positions without a Python loop.
        starts = np.repeat(lo - np.cumsum(df) + df, df) + np.arange(int(df.sum()))
        return np.bincount(self._print_docs[starts], minlength=n_docs)

    def tfidf_cosine(self, query: Tokens, index: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with corpus document ``index``."""
        return float((self._tfidf[index] @ self._vector_of(query).T).toarray()[0, 0])


def query_prints(query: Tokens, config: CheckConfig) -> Fingerprinted:
    """Fingerprints and content-word counts of a query document."""
    return fingerprint_words(
        query.stem_hashes, query.stopword_mask, config.shingle_size, config.winnow_window
    )


def open_corpus(
    corpus: Any,
    config: CheckConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Any:
    """A searchable corpus from a folder (indexed in memory), an index file (see
    :mod:`simcheck.index`), a list of documents, or a ready Corpus or Index."""
    from .index import Index, is_index_file

    if isinstance(corpus, (Corpus, Index)):
        return corpus
    if isinstance(corpus, (str, os.PathLike)):
        if os.path.isfile(corpus):
            if not is_index_file(corpus):
                raise CorpusError(f"{corpus}: is a file but not a simcheck index; give a folder or an index")
            return Index(corpus, config)
        return Corpus.from_folder(corpus, config, progress=progress)
    documents = list(corpus)
    if not all(isinstance(d, Document) for d in documents):
        raise CorpusError("corpus must be a folder path, a Corpus or a list of Documents")
    return Corpus(documents, config, progress=progress)
