"""Posting lists packed into bytes: which documents hold a word, and how often.

The sentence windows' signature words are most of a document's rare words, about 150
an essay. One table row per word and document would cost about 20 bytes each, half the
index again; packed, a list of sorted document ids costs a byte or two per document
(gaps between ids, seven bits a byte), and a row per word per ``index add``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tokens import run_starts


def encode(values: np.ndarray) -> np.ndarray:
    """Non-negative integers as variable-length bytes (LEB128: seven bits a byte, low
    bits first, the high bit set on all bytes of a value but its last).

    >>> encode(np.array([1, 300, 0])).tolist()
    [1, 172, 2, 0]
    """
    values = np.asarray(values, dtype=np.uint64)
    sizes = np.ones(values.shape[0], dtype=np.int64)
    for bits in range(7, 64, 7):
        longer = values >= np.uint64(1 << bits)
        if not longer.any():
            break
        sizes += longer
    starts = np.cumsum(sizes) - sizes
    encoded = np.empty(int(sizes.sum()), dtype=np.uint8)
    # Byte by byte, each time only for the values that have one more: nearly all gaps
    # and counts fit in one or two, and a pass over every byte of every value costs an
    # index build seconds.
    have, rest = np.arange(values.shape[0]), values
    for place in range(int(sizes.max(initial=0))):
        more = sizes[have] > place + 1
        encoded[starts[have] + place] = (rest & np.uint64(0x7F)) | (more.astype(np.uint64) << np.uint64(7))
        have, rest = have[more], rest[more] >> np.uint64(7)
    return encoded


def decode(data: bytes | np.ndarray) -> np.ndarray:
    """The integers :func:`encode` wrote.

    >>> decode(encode(np.array([5, 2**40, 127, 128]))).tolist()
    [5, 1099511627776, 127, 128]
    """
    raw = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else data
    if raw.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    last = (raw & 0x80) == 0
    value_of = np.concatenate([[0], np.cumsum(last)[:-1]])
    starts = np.flatnonzero(np.concatenate([[True], last[:-1]]))
    place = np.arange(raw.shape[0]) - starts[value_of]
    parts = (raw & 0x7F).astype(np.uint64) << (np.uint64(7) * place.astype(np.uint64))
    decoded: np.ndarray = np.add.reduceat(parts, starts).astype(np.int64)
    return decoded


def pack(docs: np.ndarray, counts: np.ndarray) -> bytes:
    """Sorted document ids with a count each, as bytes.

    >>> [a.tolist() for a in unpack(pack(np.array([3, 10, 4000]), np.array([1, 2, 1])))]
    [[3, 10, 4000], [1, 2, 1]]
    """
    return bytes(encode_lists(docs, counts, np.array([0, docs.shape[0]]))[0])


def encode_lists(docs: np.ndarray, counts: np.ndarray, bounds: np.ndarray) -> list[memoryview]:
    """Many posting lists at once: list ``i`` is ``docs[bounds[i]:bounds[i + 1]]``
    (sorted) with their ``counts``. One vector pass instead of one per list."""
    gaps = np.diff(docs, prepend=0)
    firsts = bounds[:-1][bounds[:-1] < bounds[1:]]  # each list's first id is kept whole
    gaps[firsts] = docs[firsts]
    pairs = np.empty(docs.shape[0] * 2, dtype=np.int64)
    pairs[0::2], pairs[1::2] = gaps, counts
    encoded = encode(pairs)
    # Where each list's bytes end: after the last byte of its last value.
    ends_of_values = np.flatnonzero((encoded & 0x80) == 0) + 1
    cuts = np.concatenate([[0], ends_of_values])[bounds * 2]
    view = memoryview(encoded.tobytes())
    return [view[a:b] for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist())]


def unpack(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The document ids and counts :func:`pack` wrote."""
    pairs = decode(data)
    docs: np.ndarray = np.cumsum(pairs[0::2])
    counts: np.ndarray = pairs[1::2]
    return docs, counts


# --- fingerprints -----------------------------------------------------------------
# A document keeps about 130 winnowed fingerprints, nearly all of them its own. A row
# per fingerprint costs 16 bytes in SQLite and 76 in PostgreSQL (a heap tuple and a
# B-tree entry each); grouped into buckets by their keys' top bits, one row holds
# several of them at 8 bytes each. A lookup reads the buckets of its keys and keeps the
# entries it asked for.

#: Bits of a fingerprint key (see ``schema.print_keys``).
PRINT_KEY_BITS = 47
#: Largest document id a fingerprint entry holds (32 bits).
MAX_DOCUMENT_ID = (1 << 32) - 1
#: Fingerprints a bucket is meant to hold in the archive its first add makes.
_PRINTS_PER_BUCKET = 8


@dataclass(frozen=True)
class PrintBuckets:
    """How an archive groups its fingerprint keys: into ``2 ** bits`` buckets by their
    top bits, each entry keeping the low bits. Chosen when the archive's first add
    starts (:meth:`for_documents`) and kept in its ``meta`` table: a check's 1,000
    lookups then read about 1,000 short rows whether the archive holds a hundred
    thousand essays or tens of millions.

    >>> buckets = PrintBuckets(21)
    >>> rows = buckets.pack(np.array([5, 7, 1 << 40]), np.array([2, 1, 2]))
    >>> [(bucket, len(entries)) for bucket, entries in rows]
    [(0, 16), (16384, 8)]
    >>> [a.tolist() for a in buckets.unpack(rows)]
    [[5, 7, 1099511627776], [2, 1, 2]]
    """

    bits: int = 21

    #: The fewest buckets: an archive started small and grown by adds over the years
    #: still has short buckets at a few million essays.
    FEWEST = 21
    #: The most: the low bits of a key must fit the entry's 32 bits.
    MOST = 28

    @classmethod
    def for_documents(cls, documents: int, prints_per_document: int = 130) -> PrintBuckets:
        """The buckets for an archive that starts with ``documents`` documents.

        >>> [PrintBuckets.for_documents(n).bits for n in (40, 100_000, 1_000_000, 10**7)]
        [21, 21, 24, 28]
        """
        wanted = max(1, documents * prints_per_document // _PRINTS_PER_BUCKET)
        return cls(min(cls.MOST, max(cls.FEWEST, (wanted - 1).bit_length())))

    @property
    def shift(self) -> int:
        return PRINT_KEY_BITS - self.bits

    def of(self, keys: np.ndarray) -> np.ndarray:
        """The bucket of each fingerprint key."""
        buckets: np.ndarray = np.asarray(keys, dtype=np.int64) >> self.shift
        return buckets

    def pack(self, keys: np.ndarray, docs: np.ndarray) -> list[tuple[int, bytes]]:
        """Fingerprint keys and the documents holding them, sorted by key, as one row a
        bucket: (bucket, the entries as little-endian 32-bit pairs of low key bits and
        document id)."""
        if keys.shape[0] and int(docs.max()) > MAX_DOCUMENT_ID:
            raise ValueError(f"document id {int(docs.max())} is beyond the index's 32-bit ids")
        buckets = self.of(keys)
        entries = np.empty((keys.shape[0], 2), dtype="<u4")
        entries[:, 0] = keys & ((1 << self.shift) - 1)
        entries[:, 1] = docs
        raw = entries.tobytes()
        starts = run_starts(buckets)
        ends = np.append(starts[1:], keys.shape[0])
        return [
            (bucket, raw[8 * start : 8 * end])
            for bucket, start, end in zip(buckets[starts].tolist(), starts.tolist(), ends.tolist())
        ]

    def unpack(self, rows: list[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
        """The fingerprint keys and documents of bucket rows (:meth:`pack`)."""
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        entries = np.frombuffer(b"".join(bytes(row[1]) for row in rows), dtype="<u4").reshape(-1, 2)
        sizes = [len(row[1]) // 8 for row in rows]
        buckets = np.repeat(np.array([row[0] for row in rows], dtype=np.int64), sizes)
        keys: np.ndarray = (buckets << self.shift) | entries[:, 0].astype(np.int64)
        docs: np.ndarray = entries[:, 1].astype(np.int64)
        return keys, docs
