"""Checking an index: the database's integrity, and every document against its own text."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import numpy as np

from ..config import CheckConfig
from ..fingerprint import distinct, signature_bands
from ..models import Document
from . import schema
from .database import Database
from .query import fingerprint_holders
from .rows import scan


def info(db: Database) -> dict[str, Any]:
    """Documents, words, size in bytes, format and settings. ``path`` is the index file,
    or a PostgreSQL archive's URL with its password masked."""
    documents, words = db.execute("SELECT count(*), coalesce(sum(words), 0) FROM documents").fetchone()
    meta = schema.read_meta(db)
    size = db.size()
    return {
        "path": db.name,
        "documents": int(documents),
        "words": int(words),
        "fingerprints": schema.count_fingerprints(db),
        "terms": int(db.execute("SELECT count(*) FROM terms").fetchone()[0]),
        "window_postings": schema.window_postings(db),
        "bytes": size,
        "bytes_per_document": round(size / documents) if documents else 0,
        "format": int(meta["format"]),
        "simcheck_version": meta["simcheck_version"],
        "settings": json.loads(meta["settings"]),
    }


def verify(db: Database, config: CheckConfig) -> list[str]:
    """Problems found (an empty list means the index is sound): the database's
    integrity check (SQLite's), rows that belong to no document, and every document's stored text against
    its checksum, its fingerprints and its LSH bands.

    A damaged part is reported and the check goes on, so one bad page does not hide
    which documents are affected. Lookups go through the tables' keys: the time grows
    with the index, not with its square.
    """
    problems = _table_problems(db)
    try:
        documents = db.execute("SELECT id, path FROM documents ORDER BY id").fetchall()
    except db.errors as exc:
        return [*problems, f"the documents table is unreadable ({exc})"]
    expected = 0
    for doc, path in documents:
        try:
            problem, fingerprints = _verify_document(db, config, doc)
        except db.errors as exc:
            problem, fingerprints = f"unreadable ({exc})", 0
        expected += fingerprints
        if problem:
            problems.append(f"{path}: {problem}")
    try:
        stored = schema.count_fingerprints(db)
    except db.errors:
        stored = expected  # already reported as unreadable above
    if stored > expected:
        problems.append(f"{stored - expected} fingerprints are not given by any document's text")
    return problems


def _table_problems(db: Database) -> list[str]:
    """The database's own integrity check, and rows that belong to no document."""
    problems = db.integrity_problems()
    # A fingerprint entry of no document shows as one more than the texts give.
    for table in ("bands", "topics"):
        try:
            orphans = db.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN documents d ON d.id = t.doc WHERE d.id IS NULL"
            ).fetchone()[0]
        except db.errors as exc:
            problems.append(f"the {table} table is unreadable ({exc})")
            continue
        if orphans:
            problems.append(f"{orphans} rows of {table} belong to no document")
    return problems


def _stored_fingerprints(db: Database, doc: int) -> int:
    # A read of the whole table, bucket by bucket, done only for a document whose text
    # is damaged, so that its fingerprints are not also reported as strays.
    held = 0
    buckets = schema.print_buckets(db)
    for row in db.execute("SELECT bucket, prints FROM fingerprints"):
        held += int(np.count_nonzero(buckets.unpack([row])[1] == doc))
    return held


def _verify_document(db: Database, config: CheckConfig, doc: int) -> tuple[str, int]:
    """What is wrong with one stored document, and how many fingerprints it has."""
    sha, blob = db.execute("SELECT sha256, text FROM documents WHERE id = ?", (doc,)).fetchone()
    try:
        text = schema.decompress_text(blob)
    except (zlib.error, UnicodeDecodeError):
        return "stored text is damaged", _stored_fingerprints(db, doc)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
        return "stored text does not match its sha256", _stored_fingerprints(db, doc)
    prints = scan(Document(str(doc), text), config).prints
    keys = distinct(schema.print_keys(prints.prints))
    stored, owners = fingerprint_holders(db, keys, schema.print_buckets(db))
    if not np.isin(keys, stored[owners == doc]).all():
        return "fingerprints do not match its text", keys.shape[0]
    for band, key in enumerate(signature_bands(prints.prints, config).tolist()):
        row = db.execute(
            "SELECT 1 FROM bands WHERE band = ? AND key = ? AND doc = ?", (band, key, doc)
        ).fetchone()
        if row is None:
            return "LSH bands do not match its text", keys.shape[0]
    return "", keys.shape[0]
