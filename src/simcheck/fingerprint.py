"""What retrieval keeps of a text: shingle hashes, winnowed fingerprints, MinHash
signatures and their LSH bands, content-word counts and their TF-IDF weights.

Hashes derive from the stable word hashes of :mod:`simcheck.tokens` (BLAKE2b, never
Python's salted ``hash()``), so they are the same in every process and can be stored.
Shingle hashes are computed for a whole document at once with numpy (a polynomial over
the word hashes, wrapping mod 2**64). Both corpus stores, in memory and saved, weight
terms and cap common fingerprints with the functions here, so they rank alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .config import CheckConfig
from .frequencies import smooth_idf
from .tokens import Tokens, distinct, shingle_hashes, word_hash, word_hashes

if TYPE_CHECKING:  # datasketch takes 0.4 s to import (it loads scipy.integrate): when signing
    from datasketch import MinHash

__all__ = [
    "MIN_DOCS_FOR_DF_CAP",
    "Fingerprinted",
    "band_keys",
    "df_cap",
    "distinct",
    "fingerprint_tokens",
    "fingerprint_words",
    "fingerprints",
    "jaccard",
    "minhash",
    "near_duplicate_threshold",
    "shingle_hashes",
    "signature_bands",
    "tfidf_weights",
    "widely_held_share",
    "winnow",
    "word_hash",
    "word_hashes",
]


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """The winnowed fingerprints (Schleimer, Wilkerson & Aiken 2003), sorted and unique.

    The minimum hash of every ``window`` consecutive shingles is kept, so any run of
    ``window`` shared shingles shares at least one fingerprint. Only the values are
    kept, not their positions, so the minima are taken by doubling spans (log2(window)
    vector operations) instead of an argmin over every window.

    >>> winnow(np.array([5, 3, 9, 1, 7, 8], dtype=np.uint64), 3).tolist()
    [1, 3]
    """
    if hashes.shape[0] == 0:
        return np.zeros(0, dtype=hashes.dtype)
    window = min(window, int(hashes.shape[0]))
    minima = hashes
    span = 1  # minima[i] is the minimum of hashes[i : i + span]
    while span * 2 <= window:
        minima = np.minimum(minima[:-span], minima[span:])
        span *= 2
    if span < window:
        rest = window - span  # < span, so the two spans overlap and cover the window
        minima = np.minimum(minima[:-rest], minima[rest:])
    return distinct(minima)


def fingerprints(hashes: np.ndarray, shingle_size: int, window: int) -> np.ndarray:
    """Sorted unique winnowed shingle hashes of a document's word hashes."""
    return winnow(shingle_hashes(hashes, shingle_size), window)


@dataclass(frozen=True)
class Fingerprinted:
    """What retrieval keeps of a document: fingerprints and content-word counts.

    Attributes
    ----------
    prints : ndarray of uint64
        Sorted unique winnowed shingle hashes.
    terms : ndarray of uint64
        Sorted unique hashes of the content words' stems.
    counts : ndarray of int64
        How often each of ``terms`` occurs.
    words : int
        Number of words.
    """

    prints: np.ndarray
    terms: np.ndarray
    counts: np.ndarray
    words: int


def fingerprint_words(hashes: np.ndarray, stop: np.ndarray, shingle_size: int, window: int) -> Fingerprinted:
    """Fingerprints and content-word counts of a document's word hashes.

    ``hashes`` are the stems' hashes in order, ``stop`` marks function words.

    >>> words = "the thaw began when the thaw came".split()
    >>> f = fingerprint_words(word_hashes(words), np.array([w == "the" for w in words]), 3, 2)
    >>> f.words, len(f.terms), sorted(f.counts.tolist())
    (7, 4, [1, 1, 1, 2])
    """
    terms, counts = np.unique(hashes[~stop], return_counts=True)
    return Fingerprinted(
        prints=fingerprints(hashes, shingle_size, window),
        terms=terms,
        counts=counts.astype(np.int64),
        words=int(hashes.shape[0]),
    )


def fingerprint_tokens(tokens: Tokens, config: CheckConfig) -> Fingerprinted:
    """Fingerprints and content-word counts of a tokenised text."""
    return fingerprint_words(
        tokens.stem_hashes, tokens.stopword_mask, config.shingle_size, config.winnow_window
    )


#: Corpora smaller than this keep every fingerprint: document frequencies of a handful
#: of documents say nothing about which phrases are common.
MIN_DOCS_FOR_DF_CAP = 20


def df_cap(documents: int, config: CheckConfig) -> int | None:
    """The most documents a fingerprint may be found in and still be evidence (the
    MOSS-style cap of ``max_fingerprint_df``), or None for a corpus too small to judge.

    >>> df_cap(1000, CheckConfig()), df_cap(19, CheckConfig())
    (200, None)
    """
    if documents < MIN_DOCS_FOR_DF_CAP:
        return None
    return max(1, int(config.max_fingerprint_df * documents))


def tfidf_weights(
    counts: np.ndarray, df: np.ndarray, documents: int, groups: np.ndarray | None = None
) -> np.ndarray:
    """TF-IDF weights of terms, l2-normalised per document: scikit-learn's
    ``TfidfTransformer(sublinear_tf=True)`` (tf ``1 + ln(count)``, smooth idf
    ``ln((1 + n) / (1 + df)) + 1``, the same float operations in the same order),
    computed here because a saved index keeps its document frequencies in a table, not
    in a fitted estimator.

    ``counts`` and ``df`` hold one value per term of a document, the documents one after
    another; ``groups`` says which document each belongs to (all one when None).

    >>> w = tfidf_weights(np.array([1, 3]), np.array([1, 2]), 4)
    >>> [round(float(x), 4) for x in w], round(float(np.sum(w**2)), 6)
    ([0.5173, 0.8558], 1.0)
    """
    weights = (1 + np.log(counts)) * smooth_idf(df, documents)
    if groups is None:
        groups = np.zeros(weights.shape[0], dtype=np.int64)
    # bincount adds each document's squares one by one, in order, as scikit-learn does.
    norms = np.sqrt(np.bincount(groups, weights=weights**2))
    normalised: np.ndarray = weights / np.where(norms > 0, norms, 1)[groups]
    return normalised


def near_duplicate_threshold(config: CheckConfig) -> float:
    """Jaccard similarity at which two documents are near-duplicates: where LSH with
    ``lsh_bands`` bands of ``num_perm / lsh_bands`` rows finds a pair half the time.

    >>> from simcheck import CheckConfig
    >>> round(near_duplicate_threshold(CheckConfig()), 2)
    0.71
    """
    rows = config.num_perm // config.lsh_bands
    return float((1 / config.lsh_bands) ** (1 / rows))


def signature_bands(prints: np.ndarray, config: CheckConfig) -> np.ndarray:
    """The LSH band keys of a document's MinHash signature over its fingerprints."""
    signature = minhash(prints, num_perm=config.num_perm, seed=config.seed)
    return band_keys(signature, config.lsh_bands)


def band_keys(signature: MinHash, bands: int) -> np.ndarray:
    """One stable 63-bit key per LSH band of a MinHash signature.

    Two documents share a band's key when their signatures agree on all of that band's
    rows, so near-duplicates meet in an indexed lookup.
    """
    rows = signature.hashvalues.reshape(bands, -1)
    keys = [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little") >> 1 for row in rows
    ]
    return np.array(keys, dtype=np.int64)


_MASK32 = 0xFFFFFFFF


def _low32(value: np.uint64) -> int:
    return int(value) & _MASK32


@lru_cache(maxsize=8)
def _template(num_perm: int, seed: int) -> MinHash:
    from datasketch import MinHash  # 0.4 s to import: only once something is signed

    # datasketch draws the permutations anew for every MinHash; they depend only on
    # these two settings, so an empty signature is made once and copied.
    return MinHash(num_perm=num_perm, seed=seed, hashfunc=_low32)


def minhash(shingles: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> MinHash:
    """datasketch MinHash of a set of shingle hashes.

    >>> a = minhash(np.arange(1, 200, dtype=np.uint64))
    >>> b = minhash(np.arange(1, 200, dtype=np.uint64))
    >>> a.jaccard(b)
    1.0
    """
    signature = _template(num_perm, seed).copy()
    if shingles.shape[0]:
        signature.update_batch(distinct(shingles))
    return signature


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two sets of fingerprints, 0 if either is empty: counted
    exactly, which for two documents costs less than signing them; a
    saved index estimates it with MinHash bands to find near-duplicates among millions.

    >>> jaccard(np.array([1, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64))
    0.5
    """
    if a.shape[0] == 0 or b.shape[0] == 0:
        return 0.0
    a, b = _sorted_unique(a), _sorted_unique(b)
    # The smaller set looked up in the larger: a long essay's fingerprints are not sorted
    # again for every source it is compared with.
    small, large = (a, b) if a.shape[0] <= b.shape[0] else (b, a)
    shared = int(np.count_nonzero(_found_in(small, large)))
    return shared / (int(a.shape[0]) + int(b.shape[0]) - shared)


def widely_held_share(tokens: Tokens, config: CheckConfig, held: np.ndarray) -> float:
    """The share of a text's fingerprints that ``held`` (sorted fingerprints) holds; 0.0
    for a text too short to have any.

    A store passes over the fingerprints more of its documents hold than
    :func:`df_cap` allows: in a class, a passage made of them is held by more students
    than the pairs aligned can show.

    >>> t = Tokens("The Thaw and its limits began when Stalin died in March 1953.")
    >>> held = fingerprints(t.stem_hashes, 5, 4)
    >>> widely_held_share(t, CheckConfig(winnow_window=4), held)
    1.0
    >>> widely_held_share(t, CheckConfig(winnow_window=4), held[:0])
    0.0
    """
    own = fingerprints(tokens.stem_hashes, config.shingle_size, config.winnow_window)
    if own.shape[0] == 0:
        return 0.0
    return float(_found_in(own, held).mean())


def _found_in(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is among ``keys`` (sorted and unique)."""
    if keys.shape[0] == 0:
        return np.zeros(values.shape[0], dtype=bool)
    at = np.minimum(np.searchsorted(keys, values), keys.shape[0] - 1)
    found: np.ndarray = keys[at] == values
    return found


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``, without sorting values that are sorted and unique already
    (fingerprints are)."""
    if bool(np.all(values[1:] > values[:-1])):
        return values
    return distinct(values)
