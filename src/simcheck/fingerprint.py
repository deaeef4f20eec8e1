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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .config import CheckConfig
from .frequencies import smooth_idf
from .tokens import Tokens, count_pairs, distinct, shingle_hashes, word_hash, word_hashes

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
    at = np.minimum(np.searchsorted(large, small), large.shape[0] - 1)
    shared = int(np.count_nonzero(large[at] == small))
    return shared / (int(a.shape[0]) + int(b.shape[0]) - shared)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``, without sorting values that are sorted and unique already
    (fingerprints are)."""
    if bool(np.all(values[1:] > values[:-1])):
        return values
    return distinct(values)


# --- sentence windows: passage-level evidence for reworded text --------------------
#: Sentences in a window, and the step from one window to the next.
WINDOW_SENTENCES = 4
WINDOW_STEP = 2
#: A window's signature: its this many heaviest content words (TF-IDF, so the rare ones).
SIGNATURE_TERMS = 10


def windows(sentences: int) -> np.ndarray:
    """The windows of a text of ``sentences`` sentences: ``[first, last)`` sentence
    ranges of ``WINDOW_SENTENCES`` every ``WINDOW_STEP``, the last one ending with the
    text (a short text is one window).

    >>> windows(9).tolist()
    [[0, 4], [2, 6], [4, 8], [5, 9]]
    >>> windows(3).tolist(), windows(0).tolist()
    ([[0, 3]], [])
    """
    if sentences == 0:
        return np.zeros((0, 2), dtype=np.int64)
    firsts = list(range(0, max(1, sentences - WINDOW_SENTENCES + 1), WINDOW_STEP))
    if firsts[-1] + WINDOW_SENTENCES < sentences:
        firsts.append(sentences - WINDOW_SENTENCES)
    bounds = np.array([[f, min(f + WINDOW_SENTENCES, sentences)] for f in firsts], dtype=np.int64)
    return bounds


@dataclass(frozen=True)
class Signatures:
    """The signature words of each window of a text: ``window[i]`` holds ``terms[i]``
    with TF-IDF weight ``weights[i]``, sorted by window, heaviest first."""

    window: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    bounds: np.ndarray  # the windows' [first, last) sentences


@dataclass(frozen=True)
class WindowTerms:
    """The content words of each window of a text with their counts, before weighting:
    ``window[i]`` holds ``terms[i]`` ``counts[i]`` times, sorted by window, then term.
    Found once per text; an index's writer weights them with its own frequencies."""

    window: np.ndarray
    terms: np.ndarray
    counts: np.ndarray
    bounds: np.ndarray  # the windows' [first, last) sentences


def window_terms(tokens: Tokens) -> WindowTerms:
    """Every window's content words and how often each occurs in it."""
    rows, terms, counts = tokens.sentence_terms
    bounds = windows(tokens.sentence_firsts.shape[0])
    if terms.shape[0] == 0 or bounds.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return WindowTerms(empty, empty.astype(np.uint64), empty, bounds)
    # Every (window, sentence entry) the window covers; a window holds about four sentences.
    first = np.searchsorted(rows, bounds[:, 0], side="left")
    last = np.searchsorted(rows, bounds[:, 1], side="left")
    sizes = last - first
    owner = np.repeat(np.arange(bounds.shape[0]), sizes)
    entry = np.repeat(first - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    owner, key_terms, summed = count_pairs(owner, terms[entry], counts[entry])
    # Small integer types: an index's workers send these to the writer for every document.
    return WindowTerms(owner.astype(np.int32), key_terms, summed.astype(np.int32), bounds)


def heaviest_terms(found: WindowTerms, idf: Callable[[np.ndarray], np.ndarray]) -> Signatures:
    """Each window's ``SIGNATURE_TERMS`` heaviest words of ``found``, weighted by
    sublinear term frequency in the window and ``idf(terms)``."""
    owner, key_terms = found.window, found.terms
    if key_terms.shape[0] == 0:
        return Signatures(owner, key_terms, np.zeros(0, dtype=np.float64), found.bounds)
    weights = (1 + np.log(found.counts)) * idf(key_terms)
    # By window, heaviest first, with one float key: the window's number, less a share
    # of 1 that grows with the weight (ten times faster than a two-key lexsort on an
    # index's batch of millions of entries; weights a billionth apart would tie, and
    # distinct document frequencies part them by far more). The entries come sorted by
    # window, then term, and the sort is stable: equal weights stay in term order.
    scale = float(weights.max()) + 1.0
    heaviest = np.argsort(2.0 * owner - weights / scale, kind="stable")
    owner, key_terms, weights = owner[heaviest], key_terms[heaviest], weights[heaviest]
    starts = np.flatnonzero(np.diff(owner, prepend=owner[0] - 1))
    rank = np.arange(owner.shape[0]) - np.repeat(starts, np.diff(np.append(starts, owner.shape[0])))
    keep = rank < SIGNATURE_TERMS
    return Signatures(owner[keep], key_terms[keep], weights[keep], found.bounds)


def window_signatures(tokens: Tokens, idf: Callable[[np.ndarray], np.ndarray]) -> Signatures:
    """Each window's ``SIGNATURE_TERMS`` heaviest content words, weighted by sublinear
    term frequency in the window and ``idf(terms)``: the words a reworded copy of the
    window keeps (names, numbers, the uncommon nouns), while the words of the topic,
    common in the corpus, weigh little."""
    return heaviest_terms(window_terms(tokens), idf)


#: Signature words one window of a query must share with one window of a document for
#: the document to be worth aligning: a few rare words in common are a passage's worth
#: of evidence; one or two are the topic, or chance.
MIN_SHARED_SIGNATURE = 3


#: A signature word found in more than this share of a corpus's windows (and more than
#: MIN_WINDOW_LIMIT of them) gives no evidence: it is the topic, and looking it up in a
#: huge corpus on one topic would cost much.
WINDOW_SHARE_LIMIT = 0.0002
MIN_WINDOW_LIMIT = 20
#: Nor does a word in more windows than this, however large the corpus: it is shared by
#: too many documents to point to one source, and every query would read where it is.
#: This bounds a query's work in an archive of millions on one topic: at most this many
#: windows for each of its windows' signature words.
MAX_WINDOW_LIMIT = 200


def window_limit(postings: int) -> int:
    """The most windows of a corpus with ``postings`` (window, signature word) pairs that
    a signature word may be in and still count as evidence.

    >>> window_limit(1_000), window_limit(500_000), window_limit(30_000_000)
    (20, 100, 200)
    """
    return min(MAX_WINDOW_LIMIT, max(MIN_WINDOW_LIMIT, int(WINDOW_SHARE_LIMIT * max(1, postings))))


@dataclass(frozen=True)
class Runs:
    """Sorted keys that repeat, kept as each distinct key (``keys``, sorted) and where
    its run of entries begins (``starts``, one more than the keys): looking a key up
    searches the distinct keys, not every entry.

    >>> runs = Runs.of(np.array([3, 3, 5, 9, 9, 9], dtype=np.uint64))
    >>> begins, sizes = runs.find(np.array([9, 4, 3], dtype=np.uint64))
    >>> begins[sizes > 0].tolist(), sizes.tolist()
    ([3, 0], [3, 0, 2])
    """

    keys: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, ordered: np.ndarray) -> Runs:
        """The runs of ``ordered`` (sorted keys)."""
        new = np.ones(ordered.shape[0], dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        firsts = np.flatnonzero(new)
        return cls(ordered[firsts], np.append(firsts, ordered.shape[0]))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of ``keys``'s entries begin, and how many there are (0 for a key
        not held; where it begins then means nothing)."""
        if self.keys.shape[0] == 0:
            return np.zeros(keys.shape[0], dtype=np.int64), np.zeros(keys.shape[0], dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.shape[0] - 1)
        held = self.keys[at] == keys
        return self.starts[at], np.where(held, self.starts[at + 1] - self.starts[at], 0)


@dataclass(frozen=True)
class Postings:
    """Where signature words occur: the occurrences of each word (``runs``), each one's
    document and window beside it in ``docs`` and ``wins``."""

    runs: Runs
    docs: np.ndarray
    wins: np.ndarray

    @classmethod
    def of(cls, signatures: list[Signatures]) -> Postings:
        """The postings of the documents whose signatures are ``signatures`` (in order)."""
        terms = np.concatenate([s.terms for s in signatures]) if signatures else np.zeros(0, dtype=np.uint64)
        docs = np.repeat(np.arange(len(signatures), dtype=np.int64), [s.terms.shape[0] for s in signatures])
        wins = np.concatenate([s.window for s in signatures]) if signatures else np.zeros(0, dtype=np.int64)
        order = np.argsort(terms, kind="stable")
        return cls(Runs.of(terms[order]), docs[order], wins[order])

    def __len__(self) -> int:
        return int(self.docs.shape[0])


def shared_windows(query: Signatures, postings: Postings, limit: int) -> dict[int, int]:
    """Documents with a window that shares at least ``MIN_SHARED_SIGNATURE`` signature
    words with one of ``query``'s windows: document -> the most words one such pair of
    windows shares. A word found in more than ``limit`` windows is left out: in a huge
    corpus on one topic it would cost much and prove nothing."""
    lo, size = postings.runs.find(query.terms)
    use = (size > 0) & (size <= limit)
    lo, size, owner = lo[use], size[use], query.window[use]
    if lo.shape[0] == 0:
        return {}
    at = np.repeat(lo - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    qwin = np.repeat(owner, size).astype(np.int64)
    docs, wins = postings.docs[at], postings.wins[at]
    # One number per (query window, document, window); equal numbers are shared words.
    span_wins = int(wins.max()) + 1
    span_docs = int(docs.max()) + 1
    keys = np.sort((qwin * span_docs + docs) * span_wins + wins)
    new = np.ones(keys.shape[0], dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, keys.shape[0]))
    strong = counts >= MIN_SHARED_SIGNATURE
    found: dict[int, int] = {}
    for doc, count in zip(
        ((keys[starts][strong] // span_wins) % span_docs).tolist(), counts[strong].tolist()
    ):
        found[doc] = max(found.get(doc, 0), count)
    return found
