"""The rows a document gives each table: worked out from its text, written, deleted.

A document's fingerprints, LSH bands, word statistics and window signature words are
derived from its text alone (and the index's word frequencies when it was added), so
deleting it works them out again instead of keeping a second index by document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..config import CheckConfig
from ..fingerprint import Fingerprinted, distinct, fingerprint_tokens, signature_bands, tfidf_weights
from ..frequencies import Vocabulary, frequencies_in, smooth_idf
from ..models import Document
from ..tokens import Tokens, count_pairs, run_starts
from ..windows import WindowTerms, heaviest_terms, window_terms
from . import postings, schema
from .database import Database
from .query import TOPIC_TERMS, stored_document

#: Longest title kept from a document's first line.
_MAX_TITLE = 120


@dataclass(frozen=True)
class WindowWords:
    """A document's window words as the writer weighs them: ``window[i]`` holds the
    content word ``prints.terms[term_at[i]]`` ``counts[i]`` times, in the order of
    :func:`~simcheck.windows.window_terms`; ``windows`` windows in all. Places, not
    hashes: the writer finds each word's weight in its batch by its place, without a
    search among the batch's words, and a worker sends fewer bytes."""

    window: np.ndarray
    term_at: np.ndarray
    counts: np.ndarray
    windows: int

    @classmethod
    def of(cls, found: WindowTerms, terms: np.ndarray) -> WindowWords:
        """``found``'s words as places among ``terms`` (sorted, holding them all)."""
        return cls(
            found.window,
            np.searchsorted(terms, found.terms).astype(np.int32),
            found.counts,
            found.bounds.shape[0],
        )


@dataclass(frozen=True)
class Scanned:
    """A document after the first pass: what decides whether and where it is stored,
    and its fingerprints and word counts. The rest (:func:`finish`) waits for the write."""

    path: str
    sha256: str
    title: str
    raw: bytes  # the text in UTF-8
    prints: Fingerprinted
    windows: WindowWords

    @property
    def words(self) -> int:
        return self.prints.words


def scan(document: Document, config: CheckConfig) -> Scanned:
    """Fingerprint one document and count its sentence windows' words (a pure
    function, run in workers)."""
    tokens = Tokens(document.text, config.language)
    prints = fingerprint_tokens(tokens, config)
    raw = document.text.encode("utf-8")
    return Scanned(
        path=document.doc_id,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=_title(document.text, document.doc_id),
        raw=raw,
        prints=prints,
        windows=WindowWords.of(window_terms(tokens), prints.terms),
    )


def finish(config: CheckConfig, task: tuple[bytes, np.ndarray]) -> tuple[bytes, np.ndarray]:
    """A scanned document's compressed text and LSH band keys: work only its final
    write needs, so a build runs it in the workers beside the fingerprint insert."""
    raw, prints = task
    return schema.compress_bytes(raw), signature_bands(prints, config)


def _title(text: str, path: str) -> str:
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:_MAX_TITLE]
    return Path(path).name


def insert_fingerprints(db: Database, prints: np.ndarray, owners: np.ndarray) -> None:
    """Add fingerprints (``owners[i]`` holds ``prints[i]``) to their buckets."""
    keys = schema.print_keys(prints)
    rewrite_buckets(db, keys, keys, owners)


def rewrite_buckets(
    db: Database, touched: np.ndarray, keys: np.ndarray, owners: np.ndarray, *, without: int | None = None
) -> None:
    """Rewrite the fingerprint buckets of the keys ``touched``: their stored entries,
    less those of document ``without``, and the new entries (``owners[i]`` holds
    ``keys[i]``, each in a bucket of ``touched``).

    The old rows are taken out and read in one statement, and the new ones inserted
    sorted by bucket, so the table's pages fill up instead of splitting half-empty."""
    grouping = schema.print_buckets(db)
    # A build's table is empty: nothing to take out of two million buckets, nor to find
    # which they are (a sort of every fingerprint).
    if db.execute("SELECT 1 FROM fingerprints LIMIT 1").fetchone() is None:
        taken = []
    else:
        taken = db.lookup(
            "DELETE FROM fingerprints WHERE bucket IN (SELECT v FROM q) RETURNING bucket, prints",
            distinct(grouping.of(touched)).tolist(),
        )
    stored_keys, stored_docs = grouping.unpack(taken)
    if without is not None:
        kept = stored_docs != without
        stored_keys, stored_docs = stored_keys[kept], stored_docs[kept]
    keys = np.concatenate([stored_keys, np.asarray(keys, dtype=np.int64)])
    owners = np.concatenate([stored_docs, np.asarray(owners, dtype=np.int64)])
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    # Two fingerprints of one document may share a 47-bit key: it is held once.
    new = np.ones(keys.shape[0], dtype=bool)
    new[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    db.insert_rows("fingerprints", ("bucket", "prints"), grouping.pack(keys[new], owners[new]))


def insert_bands(db: Database, keys: np.ndarray, owners: np.ndarray) -> None:
    """``keys`` holds one row of band keys per document of ``owners``."""
    band = np.broadcast_to(np.arange(keys.shape[1]), keys.shape).ravel()
    doc = np.repeat(owners, keys.shape[1])
    flat = keys.ravel()
    order = np.lexsort((doc, flat, band))
    db.insert_rows(
        "bands", ("band", "key", "doc"), zip(band[order].tolist(), flat[order].tolist(), doc[order].tolist())
    )


def write_terms(db: Database, vocabulary: Vocabulary, touched: np.ndarray, more_windows: np.ndarray) -> None:
    """Write the terms an add counted (``touched``, sorted and distinct) to the terms
    table: their document frequencies as ``vocabulary`` holds them now, and the windows
    holding each as a signature word, those of the stored documents plus
    ``more_windows``. One statement per term for the whole add, inserted in key order,
    instead of one per term and batch."""
    df = frequencies_in(vocabulary.terms, vocabulary.df, touched)
    keys = np.asarray(touched, dtype=np.uint64).view(np.int64)
    order = np.argsort(keys, kind="stable")  # the stored (signed) keys' order
    db.executemany(
        # terms.windows, qualified: PostgreSQL finds a bare name ambiguous beside excluded.
        "INSERT INTO terms(term, df, windows) VALUES (?, ?, ?) "
        "ON CONFLICT(term) DO UPDATE SET df = excluded.df, windows = terms.windows + excluded.windows",
        zip(keys[order].tolist(), df[order].tolist(), more_windows[order].tolist()),
    )
    schema.add_window_postings(db, int(more_windows.sum()))


#: A row of the window postings table: (stored key of a word, part, packed posting list).
PostingRow = tuple[int, int, memoryview]


def window_posting_rows(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[PostingRow]:
    """One add's window signature words, batch by batch as :func:`count_batch` found
    them (``words[i]`` in ``counts[i]`` windows of document ``docs[i]``), as rows of the
    window postings table: one packed posting list per word, sorted by word (their
    counts go to the terms table with :func:`write_terms`). Only arrays: a writer makes
    them beside its inserts. ``batches`` is emptied, and each array let go of once it
    is sorted: the fingerprints' arrays are alive meanwhile."""
    if not batches:
        return []
    words, docs, counts = (np.concatenate(part) for part in zip(*batches))
    batches.clear()
    if words.shape[0] == 0:
        return []
    # One list per stored key (two words sharing a key share a list), inserted sorted by
    # key so the table's pages fill up (see insert_fingerprints).
    keys = schema.print_keys(words)
    del words
    order = np.lexsort((docs, keys))
    keys, docs, counts = keys[order], docs[order], counts[order]
    del order
    starts = run_starts(keys)
    part = int(docs.min())
    rows: list[PostingRow] = []
    # Encoded a slice at a time: the encoder's arrays take tens of bytes per posting.
    step = 1 << 20
    first = 0
    while first < starts.shape[0]:
        last = int(np.searchsorted(starts, starts[first] + step, side="right"))
        last = max(last, first + 1)
        lo = int(starts[first])
        hi = int(starts[last]) if last < starts.shape[0] else keys.shape[0]
        bounds = np.append(starts[first:last], hi) - lo
        lists = postings.encode_lists(docs[lo:hi], counts[lo:hi], bounds)
        rows.extend(zip(keys[starts[first:last]].tolist(), [part] * len(lists), lists))
        first = last
    return rows


def insert_window_postings(db: Database, rows: list[PostingRow]) -> None:
    """Store the rows :func:`window_posting_rows` made."""
    db.insert_rows("window_postings", ("term", "part", "postings"), rows)


def stored_vocabulary(db: Database) -> Vocabulary:
    """The index's terms and document frequencies, read once for a writer to keep."""
    rows = np.array(db.execute("SELECT term, df FROM terms").fetchall(), dtype=np.int64).reshape(-1, 2)
    return Vocabulary(rows[:, 0].view(np.uint64), rows[:, 1])


class Counted(NamedTuple):
    """What :func:`count_batch` found of a batch: its distinct words (sorted), the
    windows holding each as a signature word, and its window signature rows (word,
    document, windows of the document holding the word)."""

    terms: np.ndarray
    windows: np.ndarray
    window_rows: tuple[np.ndarray, np.ndarray, np.ndarray]


def count_batch(
    db: Database, ids: Sequence[int], batch: Sequence[Scanned], *, documents: int, vocabulary: Vocabulary
) -> Counted:
    """Count a batch's document frequencies into ``vocabulary`` (the terms table as the
    writer keeps it until :func:`write_terms`), and insert each document's
    characteristic words (weighted with ``documents`` in the index, these included).
    Returns the batch's distinct words, and its documents' window signature words,
    weighted the same way (see :func:`window_posting_rows`), which are stored at
    the end."""
    all_terms = np.concatenate([item.prints.terms for item in batch])
    terms, where, batch_df = vocabulary.add(all_terms)
    df = batch_df[where]
    sizes = np.array([item.prints.terms.shape[0] for item in batch])
    owners = np.repeat(np.asarray(ids, dtype=np.int64), sizes)
    counts = np.concatenate([item.prints.counts for item in batch])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.repeat(np.arange(len(batch)), sizes)
    weights = tfidf_weights(counts, df, documents, group)
    # Each document's heaviest words, for the whole batch at once: by document, heaviest
    # first, with one float sort key: the document's place in the batch plus a fraction
    # that falls as the weight (within 0..1) rises.
    order = np.argsort(group + (1 - weights) / 2, kind="stable")
    rank = np.arange(order.shape[0]) - np.repeat(starts, sizes)
    top = order[rank < TOPIC_TERMS]
    db.insert_rows(
        "topics",
        ("term", "doc", "weight"),
        zip(schema.signed(all_terms[top]), owners[top].tolist(), weights[top].tolist()),
    )
    # Each window word's place among the batch's words: its place among its document's
    # words, moved to where those begin in all_terms, through ``where``.
    entries = [item.windows.window.shape[0] for item in batch]
    in_batch = np.concatenate([item.windows.term_at for item in batch]) + np.repeat(starts, entries)
    docs, places, counts = _window_signature_rows(
        ids, batch, where[in_batch], smooth_idf(batch_df, documents)
    )
    held = np.bincount(places, weights=counts, minlength=terms.shape[0]).astype(np.int64)
    # Kept to the add's end: 32 bits hold an id (postings.MAX_DOCUMENT_ID) and a count.
    return Counted(terms, held, (terms[places], docs.astype(np.uint32), counts.astype(np.uint32)))


def _window_signature_rows(
    ids: Sequence[int], batch: Sequence[Scanned], places: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The batch's window signature words, each entry of its documents' window words
    (``places``, concatenated) weighted by ``idf`` of its place among the batch's sorted
    words: (document, place of the word, number of the document's windows whose
    signature holds the word), sorted by document, then word."""
    # One pass over the whole batch: window numbers made distinct across documents.
    found = [item.windows for item in batch]
    per_document = np.array([w.windows for w in found], dtype=np.int64)
    offsets = np.repeat(np.cumsum(per_document) - per_document, [w.window.shape[0] for w in found])
    every = WindowTerms(
        np.concatenate([w.window for w in found]).astype(np.int64) + offsets,
        places,
        np.concatenate([w.counts for w in found]).astype(np.int64),
        np.zeros((0, 2), dtype=np.int64),
    )
    signatures = heaviest_terms(every, idf.__getitem__)
    docs = np.repeat(np.asarray(ids, dtype=np.int64), per_document)[signatures.window]
    # The places are in the order of the words' hashes (the batch's words are sorted).
    docs, words, counts = count_pairs(docs, signatures.terms)
    return docs, words, counts.astype(np.int64)


def delete(db: Database, config: CheckConfig, doc: int) -> None:
    """Delete one document and everything derived from it (inside a transaction).

    Its fingerprints, bands and terms are recomputed from the stored text, so no
    table needs a second index by document.
    """
    prints = scan(stored_document(db, doc), config).prints
    bands = signature_bands(prints.prints, config)
    nothing = np.zeros(0, dtype=np.int64)
    rewrite_buckets(db, schema.print_keys(prints.prints), nothing, nothing, without=doc)
    db.executemany(
        "DELETE FROM bands WHERE band = ? AND key = ? AND doc = ?",
        ((band, key, doc) for band, key in enumerate(bands.tolist())),
    )
    terms = schema.signed(prints.terms)
    db.executemany("DELETE FROM topics WHERE term = ? AND doc = ?", ((t, doc) for t in terms))
    _delete_window_postings(db, doc, prints.terms)
    db.executemany("UPDATE terms SET df = df - 1 WHERE term = ?", ((t,) for t in terms))
    db.execute("DELETE FROM terms WHERE df <= 0")
    db.execute("DELETE FROM documents WHERE id = ?", (doc,))


def _delete_window_postings(db: Database, doc: int, words: np.ndarray) -> None:
    """Take ``doc`` out of the posting lists of its ``words`` (its content words: which
    of them were signature words depended on the index when it was added)."""
    term_of = dict(zip(schema.print_keys(words).tolist(), schema.signed(words)))
    rows = db.lookup(
        "SELECT w.term, w.part, w.postings FROM q JOIN window_postings w ON w.term = q.v", list(term_of)
    )
    removed = 0
    for key, part, packed in rows:
        docs, counts = postings.unpack(packed)
        at = np.flatnonzero(docs == doc)
        if at.shape[0] == 0:
            continue
        removed += int(counts[at[0]])
        db.execute(
            "UPDATE terms SET windows = windows - ? WHERE term = ?", (int(counts[at[0]]), term_of[key])
        )
        keep = docs != doc
        if keep.any():
            db.execute(
                "UPDATE window_postings SET postings = ? WHERE term = ? AND part = ?",
                (postings.pack(docs[keep], counts[keep]), key, part),
            )
        else:
            db.execute("DELETE FROM window_postings WHERE term = ? AND part = ?", (key, part))
    schema.add_window_postings(db, -removed)
