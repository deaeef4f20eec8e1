"""An archive's lookup tables at a million documents, in either store.

The fingerprint and LSH band tables are filled with synthetic keys (random 64-bit
hashes: stored fingerprints are nearly all distinct, as real ones are) through the
index's own table definitions and writer, and a check's two lookups are timed through
the reader's own functions: the 1,000 shingles of an essay, 40 of them stored (a copied
passage's worth), and its 16 band keys. No texts are stored, so the tables' size here
is the lookup structures' alone.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from simcheck.config import CheckConfig
from simcheck.index import schema
from simcheck.index.database import Database
from simcheck.index.query import band_holders, fingerprint_holders
from simcheck.index.rows import insert_bands, insert_fingerprints

DOCUMENTS = 1_000_000
#: Winnowed fingerprints of a 1,000-word essay (130 measured on the synthetic corpus).
PRINTS_PER_DOCUMENT = 130
QUERY_SHINGLES = 1000
HITS_PER_QUERY = 40


@dataclass(frozen=True)
class Lookups:
    """Medians and p95s of the two lookups, in milliseconds."""

    prints_median: float
    prints_p95: float
    bands_median: float
    bands_p95: float

    def __str__(self) -> str:
        return (
            f"fingerprints of {QUERY_SHINGLES:,} shingles: median {self.prints_median:.2f} ms, "
            f"p95 {self.prints_p95:.2f} ms; {CheckConfig().lsh_bands} band keys: "
            f"median {self.bands_median:.2f} ms, p95 {self.bands_p95:.2f} ms"
        )


def fill(db: Database, documents: int = DOCUMENTS, per_document: int = PRINTS_PER_DOCUMENT) -> np.ndarray:
    """Fill the fingerprints and bands of an empty archive's tables in ``db`` for
    ``documents`` documents, in one transaction. Returns some stored print keys."""
    rng = np.random.default_rng(3)
    config = CheckConfig()
    prints = rng.integers(0, 2**63, size=documents * per_document, dtype=np.int64).astype(np.uint64)
    owners = np.repeat(np.arange(1, documents + 1, dtype=np.int64), per_document)
    bands = rng.integers(0, 2**62, size=(documents, config.lsh_bands), dtype=np.int64)
    db.begin_write(schema.BUSY_SECONDS)
    schema.size_print_buckets(db, documents)
    insert_fingerprints(db, prints, owners)
    insert_bands(db, bands, np.arange(1, documents + 1, dtype=np.int64))
    db.commit()
    db.refresh_statistics()
    chosen = rng.choice(prints.shape[0], size=50 * HITS_PER_QUERY, replace=False)
    stored: np.ndarray = schema.print_keys(prints[chosen])
    return stored


def time_lookups(db: Database, stored: np.ndarray, trials: int = 50) -> Lookups:
    """Time ``trials`` checks' lookups, each with ``HITS_PER_QUERY`` of ``stored``."""
    rng = np.random.default_rng(4)
    config = CheckConfig()
    buckets = schema.print_buckets(db)
    prints_ms: list[float] = []
    bands_ms: list[float] = []
    for trial in range(trials):
        shingles = rng.integers(0, 2**63, size=QUERY_SHINGLES, dtype=np.int64).astype(np.uint64)
        keys = schema.print_keys(shingles)
        keys[:HITS_PER_QUERY] = stored[trial * HITS_PER_QUERY : (trial + 1) * HITS_PER_QUERY]
        keys = np.sort(keys)  # as the reader asks for them
        started = time.perf_counter()
        found, _ = fingerprint_holders(db, keys, buckets)
        prints_ms.append(1000 * (time.perf_counter() - started))
        assert found.shape[0] >= HITS_PER_QUERY, "the stored fingerprints were not found"
        band_keys = rng.integers(0, 2**62, size=config.lsh_bands, dtype=np.int64)
        started = time.perf_counter()
        band_holders(db, band_keys)
        bands_ms.append(1000 * (time.perf_counter() - started))
    return Lookups(
        statistics.median(prints_ms),
        _p95(prints_ms),
        statistics.median(bands_ms),
        _p95(bands_ms),
    )


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * len(values))]
