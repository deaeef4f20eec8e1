"""Reading an index: stored documents, candidates for a query, related documents.

Lookups go through the tables' keys (fingerprints and bands by hash, topics by term,
documents by id), so a query costs the same in an index of a thousand documents or of
millions; no text is decompressed until a candidate is aligned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import CheckConfig
from ..errors import CorpusError
from ..fingerprint import Fingerprinted, df_cap, distinct, fingerprint_tokens, signature_bands, tfidf_weights
from ..frequencies import frequencies_in, known_idf
from ..models import Candidate, Document
from ..students import keys_by_student
from ..tokens import Tokens
from ..windows import Postings, Runs, Signatures, shared_windows, window_limit, window_signatures
from . import postings, schema
from .database import Database

#: Characteristic words kept per document for the related-documents search.
TOPIC_TERMS = 8
#: Above this many terms, document frequencies are read by one scan of the terms table.
_TERM_LOOKUP_LIMIT = 5000
#: Stored terms are signed 64-bit integers; masked with this they are the uint64 hashes.
_UNSIGNED = (1 << 64) - 1


@dataclass(frozen=True)
class Related:
    """A document similar in topic to the query (TF-IDF cosine)."""

    doc_id: str
    title: str
    excerpt: str
    words: int
    tfidf_cosine: float


def stored_document(db: Database, doc: int, origin: str = "") -> Document:
    """The document stored under id ``doc``."""
    row = db.execute("SELECT path, text FROM documents WHERE id = ?", (doc,)).fetchone()
    if row is None:
        raise CorpusError(f"{origin or 'the index'}: no document with id {doc}")
    return _as_document(row[0], row[1], origin)


def _as_document(path: str, blob: bytes, origin: str) -> Document:
    return Document(doc_id=path, text=schema.decompress_text(blob), path=None, meta={"index": origin})


def looked_up_frequencies(db: Database, terms: np.ndarray) -> dict[int, int]:
    """Document frequency of those of ``terms`` (uint64 hashes) that the index holds,
    by their keys."""
    found = db.lookup("SELECT q.v, t.df FROM q JOIN terms t ON t.term = q.v", schema.signed(terms))
    return {int(term) & _UNSIGNED: int(df) for term, df in found}


def document_frequencies(db: Database, terms: np.ndarray) -> np.ndarray:
    """Document frequency of each of ``terms`` (uint64 hashes; 0 when unknown)."""
    if terms.shape[0] <= _TERM_LOOKUP_LIMIT:
        found = looked_up_frequencies(db, terms)
        asked = np.asarray(terms, dtype=np.uint64).tolist()
        return np.array([found.get(t, 0) for t in asked], dtype=np.float64)
    # A write batch asks for tens of thousands of terms: one ordered scan of the
    # table (a vocabulary, so bounded) is cheaper than that many indexed lookups.
    rows = db.execute("SELECT term, df FROM terms ORDER BY term").fetchall()
    table = np.array(rows, dtype=np.int64).reshape(-1, 2)
    keys_array = np.asarray(terms, dtype=np.uint64).view(np.int64)  # signed, as stored and sorted
    scanned: np.ndarray = frequencies_in(table[:, 0], table[:, 1], keys_array).astype(np.float64)
    return scanned


def fingerprint_holders(
    db: Database, keys: np.ndarray, buckets: postings.PrintBuckets
) -> tuple[np.ndarray, np.ndarray]:
    """The stored fingerprints among ``keys`` (sorted print keys) and the documents
    holding them: (key, document) pairs as two arrays, a key once per document."""
    rows = db.lookup(
        "SELECT f.bucket, f.prints FROM q JOIN fingerprints f ON f.bucket = q.v",
        distinct(buckets.of(keys)).tolist(),
    )
    stored, docs = buckets.unpack(rows)
    asked = np.isin(stored, keys)
    return stored[asked], docs[asked]


def band_holders(db: Database, keys: np.ndarray) -> list[int]:
    """The documents holding any of the LSH band keys ``keys`` (one a band), ascending."""
    if keys.shape[0] == 0:
        return []
    # One statement for every band: against a server each statement is a round trip.
    pairs = ", ".join("(?, ?)" for _ in range(keys.shape[0]))
    rows = db.execute(
        f"WITH q(band, key) AS (VALUES {pairs}) "
        "SELECT DISTINCT b.doc FROM q JOIN bands b ON b.band = q.band AND b.key = q.key",
        [value for band, key in enumerate(keys.tolist()) for value in (band, key)],
    )
    return sorted(int(doc) for (doc,) in rows)


def _excerpt(text: str, title: str, length: int = 200) -> str:
    body = " ".join(text.split())
    if body.startswith(title):
        body = body[len(title) :].lstrip()
    return body if len(body) <= length else body[: length - 1].rsplit(" ", 1)[0] + "…"


class Reader:
    """An open index, read: its documents and the candidates it gives a query.

    ``documents`` is the number of documents as of the last open or change (the
    ``n`` of the idf weights), ``window_postings`` the number of window signature words
    then. ``path`` is the index file, or a PostgreSQL archive's URL with its password
    masked.

    What one query reads (its candidates' texts, the frequencies of its words and of
    theirs) is kept until the next query's candidates are asked for: against a server
    each read is a round trip, so a check asks for them in a few statements, not a few
    per candidate.
    """

    def __init__(self, db: Database, path: Path | str, config: CheckConfig) -> None:
        self._db = db
        self.path = path
        self.config = config
        self._documents: dict[int, Document] = {}
        self._tokens: dict[int, Tokens] = {}
        self._fingerprinted: dict[int, Fingerprinted] = {}
        self._frequencies: dict[int, int] = {}
        self._last_vector: tuple[Tokens, Fingerprinted, np.ndarray] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the index's counts again and forget what earlier queries read (after a
        change)."""
        self.documents = schema.count_documents(self._db)
        self.window_postings = schema.window_postings(self._db)
        self.print_buckets = schema.print_buckets(self._db)
        self._forget()

    def _forget(self) -> None:
        self._documents.clear()
        self._tokens.clear()
        self._fingerprinted.clear()
        self._frequencies.clear()
        self._last_vector = None

    def __len__(self) -> int:
        return self.documents

    @schema.guarded
    def document(self, key: int) -> Document:
        """The stored document with id ``key``."""
        if key not in self._documents:
            self._documents[key] = stored_document(self._db, key, str(self.path))
        return self._documents[key]

    def _read_documents(self, keys: Iterable[int]) -> None:
        """Read the documents of ``keys`` not yet read, in one statement."""
        wanted = sorted(set(keys) - set(self._documents))
        rows = self._db.lookup("SELECT d.id, d.path, d.text FROM q JOIN documents d ON d.id = q.v", wanted)
        for doc, path, blob in rows:
            self._documents[int(doc)] = _as_document(path, blob, str(self.path))

    @schema.guarded
    def text_of(self, doc_id: str) -> str | None:
        """The text of the document stored as ``doc_id`` (its name), or None."""
        for document in self._documents.values():
            if document.doc_id == doc_id:
                return document.text
        row = self._db.execute("SELECT text FROM documents WHERE path = ?", (doc_id,)).fetchone()
        return None if row is None else schema.decompress_text(row[0])

    def tokens(self, key: int) -> Tokens:
        if key not in self._tokens:
            self._tokens[key] = Tokens(self.document(key).text, self.config.language)
        return self._tokens[key]

    def _frequencies_of(self, terms: np.ndarray) -> np.ndarray:
        """Document frequency of each of ``terms`` (0 when unknown), those not yet read
        in this query looked up in one statement."""
        asked = np.asarray(terms, dtype=np.uint64).tolist()
        known = self._frequencies
        missing = [term for term in dict.fromkeys(asked) if term not in known]
        if missing:
            found = looked_up_frequencies(self._db, np.array(missing, dtype=np.uint64))
            known.update((term, found.get(term, 0)) for term in missing)
        return np.array([known[term] for term in asked], dtype=np.float64)

    @schema.guarded
    def doc_ids(self) -> list[str]:
        return [path for (path,) in self._db.execute("SELECT path FROM documents ORDER BY path")]

    def stored_documents(self, batch: int = 500) -> Iterator[Document]:
        """Every stored document, by id, read ``batch`` at a time (a bulk job exports an
        index's texts so: never the whole archive in memory, nor one query per text)."""
        last = -1
        while True:
            documents = self._stored_after(last, batch)
            yield from (document for _, document in documents)
            if len(documents) < batch:
                return
            last = documents[-1][0]

    @schema.guarded
    def _stored_after(self, last: int, batch: int) -> list[tuple[int, Document]]:
        rows = self._db.execute(
            "SELECT id, path, text FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        return [(int(doc), _as_document(path, blob, str(self.path))) for doc, path, blob in rows]

    @schema.guarded
    def keys_by_student(self) -> dict[str, list[int]]:
        rows = self._db.execute("SELECT id, path FROM documents ORDER BY id")
        return keys_by_student((int(doc), str(path)) for doc, path in rows)

    @schema.guarded
    def own_copy(self, document: Document) -> int | None:
        """Id of ``document``'s own copy in the index, if it was added (so a file is not
        matched with itself): a stored document with the same text whose name ends the
        file's path (two components or more: a bare ``essay.txt`` says nothing)."""
        if not document.path:
            return None
        names = schema.trailing_names(document.path)
        sha = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        marks = ", ".join("?" * len(names))
        row = self._db.execute(
            f"SELECT id FROM documents WHERE sha256 = ? AND path IN ({marks}) ORDER BY length(path) DESC",
            (sha, *names),
        ).fetchone()
        return None if row is None else int(row[0])

    @schema.guarded
    def shared_fingerprints(self, query: Tokens, config: CheckConfig) -> dict[int, int]:
        """Documents sharing fingerprints with ``query``: id -> how many (common
        fingerprints, in more than ``max_fingerprint_df`` of the documents, ignored)."""
        # Sorted: consecutive lookups walk nearby pages of the B-tree.
        shingles = query.shingles(config.shingle_size).unique
        hashes, docs = fingerprint_holders(self._db, schema.print_keys(shingles), self.print_buckets)
        if hashes.shape[0] == 0:
            return {}
        cap = df_cap(self.documents, config)
        if cap is not None:
            unique, inverse, df = np.unique(hashes, return_inverse=True, return_counts=True)
            docs = docs[df[inverse] <= cap]
        ids, counts = np.unique(docs, return_counts=True)
        return dict(zip(ids.tolist(), counts.tolist()))

    @schema.guarded
    def near_duplicates(self, query: Tokens) -> list[int]:
        """Documents whose MinHash signature shares an LSH band with the query's."""
        prints = fingerprint_tokens(query, self.config).prints
        return band_holders(self._db, signature_bands(prints, self.config))

    @schema.guarded
    def document_frequencies(self, terms: np.ndarray) -> np.ndarray:
        """How many stored documents hold each of ``terms`` (stem hashes)."""
        return self._frequencies_of(terms).astype(np.int64)

    def _weights(self, prints: Fingerprinted) -> np.ndarray:
        """l2-normalised TF-IDF weights of ``prints.terms`` with the index's frequencies."""
        return tfidf_weights(prints.counts, self._frequencies_of(prints.terms), self.documents)

    def _vector(self, tokens: Tokens) -> tuple[Fingerprinted, np.ndarray]:
        """A text's content words that the index holds and their TF-IDF weights, kept for
        the last text asked. Words no stored document has are left out, as a folder
        corpus leaves them out: they would weigh in the text's norm and shrink every
        cosine with it."""
        cached = self._last_vector
        if cached is not None and cached[0] is tokens:
            return cached[1], cached[2]
        prints = fingerprint_tokens(tokens, self.config)
        df = self._frequencies_of(prints.terms)
        known = df > 0
        prints = Fingerprinted(prints.prints, prints.terms[known], prints.counts[known], prints.words)
        weights = tfidf_weights(prints.counts, df[known], self.documents)
        self._last_vector = (tokens, prints, weights)
        return prints, weights

    @schema.guarded
    def topic_neighbours(
        self, query: Tokens, limit: int, *, words: int = 4 * TOPIC_TERMS
    ) -> list[tuple[int, float]]:
        """Documents sharing the query's ``words`` most characteristic words, best
        first, with the sum of shared weights (a lower bound of the cosine, no text
        decompressed)."""
        prints, weights = self._vector(query)
        if prints.terms.shape[0] == 0:
            return []
        top = np.argsort(-weights, kind="stable")[:words]
        weight_of = dict(zip(schema.signed(prints.terms[top]), weights[top].tolist()))
        rows = self._db.lookup(
            "SELECT t.term, t.doc, t.weight FROM q JOIN topics t ON t.term = q.v", list(weight_of)
        )
        # Summed in one order whatever the database's join gives (the words as asked,
        # then by document), so the floating-point sums are the same in every store.
        rank = {term: place for place, term in enumerate(weight_of)}
        scores: dict[int, float] = {}
        for term, doc, weight in sorted(rows, key=lambda row: (rank[row[0]], row[1])):
            scores[doc] = scores.get(doc, 0.0) + weight * weight_of[term]
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]

    @schema.guarded
    def tfidf_cosine(self, query: Tokens, key: int) -> float:
        """Whole-document TF-IDF cosine of ``query`` with stored document ``key``."""
        a, wa = self._vector(query)
        b = self._fingerprints_of(key)
        wb = self._weights(b)
        common, ia, ib = np.intersect1d(a.terms, b.terms, return_indices=True)
        return float(np.dot(wa[ia], wb[ib])) if common.shape[0] else 0.0

    def _known_idf(self, terms: np.ndarray) -> np.ndarray:
        """Smooth idf of ``terms`` in the index, 0 for a word it does not have."""
        return known_idf(self._frequencies_of(terms), self.documents)

    @schema.guarded
    def shared_windows(self, query: Tokens, *, exclude: Iterable[int] = ()) -> dict[int, int]:
        """Stored documents with a window of sentences sharing at least three signature
        words with one of ``query``'s windows, as a folder corpus finds them (see
        :func:`~simcheck.windows.shared_windows`): document -> the most words one
        pair of windows shares.

        The stored rows say which documents hold a word in some window's signature, so
        the documents sharing enough of one query window's words are found by key; only
        those are then read and compared window by window. Words in more windows than a
        folder corpus of this size would look up are the topic, and passed over."""
        signatures = window_signatures(query, self._known_idf)
        words = distinct(signatures.terms)
        if words.shape[0] == 0:
            return {}
        limit = window_limit(self.window_postings)
        rare = [
            term
            for term, windows in self._db.lookup(
                "SELECT q.v, t.windows FROM q JOIN terms t ON t.term = q.v", schema.signed(words)
            )
            if 0 < windows <= limit
        ]
        if not rare:
            return {}
        rare_words = np.sort(np.array(rare, dtype=np.int64).view(np.uint64))
        # By word and part, as the table's key orders them, whatever order the join gives.
        lists = sorted(
            self._db.lookup(
                "SELECT q.v, w.part, w.postings FROM q JOIN window_postings w ON w.term = q.v",
                schema.print_keys(rare_words).tolist(),
            ),
            key=lambda row: (row[0], row[1]),
        )
        unpacked = [postings.unpack(packed)[0] for _, _, packed in lists]
        docs = np.concatenate(unpacked) if unpacked else np.zeros(0, dtype=np.int64)
        keys = np.repeat(np.array([row[0] for row in lists], dtype=np.int64), [d.shape[0] for d in unpacked])
        held = ~np.isin(docs, np.array(sorted(set(exclude)), dtype=np.int64))
        keys, docs = keys[held], docs[held]
        if keys.shape[0] == 0:
            return {}
        # Stage one: documents holding enough of one query window's words anywhere.
        order = np.argsort(keys, kind="stable")
        unplaced = np.zeros(keys.shape[0], dtype=np.int64)  # stage one needs no windows
        holders = Postings(Runs.of(keys[order].view(np.uint64)), docs[order], unplaced)
        # Only the rare words count, in both stages.
        use = np.isin(signatures.terms, rare_words)
        window, terms, weights = signatures.window[use], signatures.terms[use], signatures.weights[use]
        keyed = Signatures(window, schema.print_keys(terms).view(np.uint64), weights, signatures.bounds)
        likely = sorted(shared_windows(keyed, holders, limit=keys.shape[0]))
        if not likely:
            return {}
        # Stage two: those documents' windows from their texts, as a folder corpus has
        # them, their words' frequencies looked up once for all of them.
        self._read_documents(likely)
        texts = [self.tokens(doc) for doc in likely]
        vocabulary = distinct(np.concatenate([t.sentence_terms[1] for t in texts]))
        idf = self._known_idf(vocabulary)

        def idf_of(words: np.ndarray) -> np.ndarray:
            found: np.ndarray = idf[np.searchsorted(vocabulary, words)]
            return found

        stored = [window_signatures(t, idf_of) for t in texts]
        rare_only = Signatures(window, terms, weights, signatures.bounds)
        found = shared_windows(rare_only, Postings.of(stored), limit=np.iinfo(np.int64).max)
        return {likely[position]: count for position, count in found.items()}

    @schema.guarded
    def candidates(
        self, query: Tokens, config: CheckConfig, *, exclude: Iterable[int] = ()
    ) -> list[Candidate]:
        """Stored documents worth aligning with ``query``, best evidence first: those that
        share fingerprints with it (a passage in common), near-duplicates of it (a
        shared LSH band), and those with a window of sentences sharing rare words with
        one of its windows (a reworded passage). As many as the evidence gives: no
        likeness of topic alone makes a candidate."""
        self._forget()
        excluded = set(exclude)
        shared = {d: n for d, n in self.shared_fingerprints(query, config).items() if d not in excluded}
        for doc in self.near_duplicates(query):
            if doc not in excluded:
                shared.setdefault(doc, 0)
        windows = self.shared_windows(query, exclude=excluded)
        chosen = sorted(set(shared) | set(windows), key=lambda d: (-shared.get(d, 0), -windows.get(d, 0), d))
        # Their texts and their words' frequencies, which aligning and scoring them need.
        self._read_documents(chosen)
        self._frequencies_of(
            distinct(np.concatenate([np.zeros(0, dtype=np.uint64)] + [self._terms_of(d) for d in chosen]))
        )
        return [Candidate(d, self._documents[d].doc_id, shared.get(d, 0), windows.get(d, 0)) for d in chosen]

    def _terms_of(self, key: int) -> np.ndarray:
        terms: np.ndarray = self._fingerprints_of(key).terms
        return terms

    def _fingerprints_of(self, key: int) -> Fingerprinted:
        """A stored document's fingerprints and word counts, made once per query: the
        candidates' word frequencies are read with them, then their TF-IDF cosines."""
        if key not in self._fingerprinted:
            self._fingerprinted[key] = fingerprint_tokens(self.tokens(key), self.config)
        return self._fingerprinted[key]

    @schema.guarded
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
            text = schema.decompress_text(blob)
            results.append(Related(path, title, _excerpt(text, title), int(words), cosine))
        return results
