"""The rows a document gives each table: worked out from its text, written, deleted.

A document's fingerprints, LSH bands, word statistics and window signature words are
derived from its text alone (and the index's word frequencies when it was added), so
deleting it works them out again instead of keeping a second index by document.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import CheckConfig
from ..fingerprint import (
    Fingerprinted,
    WindowTerms,
    fingerprint_words,
    heaviest_terms,
    signature_bands,
    smooth_idf,
    tfidf_weights,
    window_terms,
)
from ..models import Document
from ..tokens import Tokens, shared_lexicon
from . import schema
from .query import TOPIC_TERMS, document_frequencies, stored_document

#: Longest title kept from a document's first line.
_MAX_TITLE = 120


@dataclass(frozen=True)
class Scanned:
    """A document after the first pass: what decides whether and where it is stored,
    and its fingerprints and word counts. The rest (:func:`finish`) waits for the write."""

    path: str
    sha256: str
    title: str
    raw: bytes  # the text in UTF-8
    prints: Fingerprinted
    windows: WindowTerms

    @property
    def words(self) -> int:
        return self.prints.words


def scan(document: Document, config: CheckConfig) -> Scanned:
    """Fingerprint one document and count its sentence windows' words (a pure
    function, run in workers)."""
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
        windows=window_terms(Tokens(document.text, config.language, known_ids=(lexicon, ids))),
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


def insert_fingerprints(db: sqlite3.Connection, prints: np.ndarray, owners: np.ndarray) -> None:
    keys = schema.print_keys(prints)
    order = np.lexsort((owners, keys))
    db.executemany(
        "INSERT INTO fingerprints(hash, doc) VALUES (?, ?)",
        zip(keys[order].tolist(), owners[order].tolist()),
    )


def insert_bands(db: sqlite3.Connection, keys: np.ndarray, owners: np.ndarray) -> None:
    """``keys`` holds one row of band keys per document of ``owners``."""
    band = np.broadcast_to(np.arange(keys.shape[1]), keys.shape).ravel()
    doc = np.repeat(owners, keys.shape[1])
    flat = keys.ravel()
    order = np.lexsort((doc, flat, band))
    db.executemany(
        "INSERT INTO bands(band, key, doc) VALUES (?, ?, ?)",
        zip(band[order].tolist(), flat[order].tolist(), doc[order].tolist()),
    )


def insert_window_terms(
    db: sqlite3.Connection, keys: np.ndarray, docs: np.ndarray, counts: np.ndarray
) -> None:
    order = np.lexsort((docs, keys))
    db.executemany(
        "INSERT INTO window_terms(term, doc, windows) VALUES (?, ?, ?)",
        zip(keys[order].tolist(), docs[order].tolist(), counts[order].tolist()),
    )


def insert_terms(
    db: sqlite3.Connection, ids: Sequence[int], batch: Sequence[Scanned], *, documents: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add a batch's document frequencies, and each document's characteristic words
    (weighted with ``documents`` in the index, these included). Returns the rows of
    its documents' window signature words, inserted with the fingerprints at the end;
    their counts are added to the terms now."""
    all_terms = np.concatenate([item.prints.terms for item in batch])
    terms, where, increments = np.unique(all_terms, return_inverse=True, return_counts=True)
    db.executemany(
        "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        zip(schema.signed(terms), increments.tolist()),
    )
    df = document_frequencies(db, terms)[where]
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
    db.executemany(
        "INSERT INTO topics(term, doc, weight) VALUES (?, ?, ?)",
        zip(schema.signed(all_terms[top]), owners[top].tolist(), weights[top].tolist()),
    )
    return _window_signature_rows(
        db, ids, batch, terms, smooth_idf(document_frequencies(db, terms), documents)
    )


def _window_signature_rows(
    db: sqlite3.Connection, ids: Sequence[int], batch: Sequence[Scanned], terms: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The batch's window signature words, weighted by ``idf`` of the batch's sorted
    ``terms``: one row per word and document, with the number of its windows whose
    signature holds the word. The words' window counts are added to the terms table."""

    def idf_of(words: np.ndarray) -> np.ndarray:
        found: np.ndarray = idf[np.searchsorted(terms, words)]
        return found

    words, docs, counts = [], [], []
    for doc, item in zip(ids, batch):
        held, windows = np.unique(heaviest_terms(item.windows, idf_of).terms, return_counts=True)
        words.append(held)
        docs.append(np.full(held.shape[0], doc, dtype=np.int64))
        counts.append(windows)
    all_words = np.concatenate(words)
    all_counts = np.concatenate(counts)
    unique, where = np.unique(all_words, return_inverse=True)
    db.executemany(
        "UPDATE terms SET windows = windows + ? WHERE term = ?",
        zip(np.bincount(where, weights=all_counts).astype(np.int64).tolist(), schema.signed(unique)),
    )
    schema.add_window_postings(db, int(all_counts.sum()))
    return schema.print_keys(all_words), np.concatenate(docs), all_counts.astype(np.int64)


def delete(db: sqlite3.Connection, config: CheckConfig, doc: int) -> None:
    """Delete one document and everything derived from it (inside a transaction).

    Its fingerprints, bands and terms are recomputed from the stored text, so no
    table needs a second index by document.
    """
    prints = scan(stored_document(db, doc), config).prints
    bands = signature_bands(prints.prints, config)
    db.executemany(
        "DELETE FROM fingerprints WHERE hash = ? AND doc = ?",
        ((h, doc) for h in schema.print_keys(prints.prints).tolist()),
    )
    db.executemany(
        "DELETE FROM bands WHERE band = ? AND key = ? AND doc = ?",
        ((band, key, doc) for band, key in enumerate(bands.tolist())),
    )
    terms = schema.signed(prints.terms)
    db.executemany("DELETE FROM topics WHERE term = ? AND doc = ?", ((t, doc) for t in terms))
    # Which of its words were window signature words depended on the index then: each
    # content word is looked up.
    keys = schema.print_keys(prints.terms).tolist()
    held = schema.lookup(
        db, f"SELECT q.v, w.windows FROM q JOIN window_terms w ON w.term = q.v AND w.doc = {int(doc)}", keys
    )
    windows_of = dict(zip(keys, terms))
    db.executemany(
        "UPDATE terms SET windows = windows - ? WHERE term = ?",
        ((count, windows_of[key]) for key, count in held),
    )
    db.executemany("DELETE FROM window_terms WHERE term = ? AND doc = ?", ((key, doc) for key, _ in held))
    schema.add_window_postings(db, -sum(count for _, count in held))
    db.executemany("UPDATE terms SET df = df - 1 WHERE term = ?", ((t,) for t in terms))
    db.execute("DELETE FROM terms WHERE df <= 0")
    db.execute("DELETE FROM documents WHERE id = ?", (doc,))
