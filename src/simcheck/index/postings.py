"""Posting lists packed into bytes: which documents hold a word, and how often.

The sentence windows' signature words are most of a document's rare words, about 150
an essay. One table row per word and document would cost about 20 bytes each, half the
index again; packed, a list of sorted document ids costs a byte or two per document
(gaps between ids, seven bits a byte), and a row per word per ``index add``.
"""

from __future__ import annotations

import numpy as np


def encode(values: np.ndarray) -> np.ndarray:
    """Non-negative integers as variable-length bytes (LEB128: seven bits a byte, low
    bits first, the high bit set on all bytes of a value but its last).

    >>> encode(np.array([1, 300, 0])).tolist()
    [1, 172, 2, 0]
    """
    values = np.asarray(values, dtype=np.uint64)
    bits = np.zeros(values.shape[0], dtype=np.int64)
    rest = values.copy()
    while np.any(rest):
        bits += rest > 0
        rest >>= np.uint64(7)
    sizes = np.maximum(bits, 1)
    owner = np.repeat(np.arange(values.shape[0]), sizes)
    place = np.arange(owner.shape[0]) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    groups = (values[owner] >> (np.uint64(7) * place.astype(np.uint64))) & np.uint64(0x7F)
    more = place < sizes[owner] - 1
    encoded: np.ndarray = (groups | (more.astype(np.uint64) << np.uint64(7))).astype(np.uint8)
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
