"""Sentence windows: passage-level evidence for reworded text.

A text's sentences are cut into overlapping windows; each window's signature is its
heaviest content words (the rare ones). A document is worth aligning with a query
when one of its windows shares several signature words with one of the query's, or,
among classmates on one topic, several pairs of them (:func:`passage_windows`).
The postings that find them are sorted hash keys looked up by their leading bits
(:class:`Runs`), which also serve the fingerprint table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .tokens import Tokens, count_pairs, run_starts

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
    # The sort keeps each window's entries where they were: its run starts where it did,
    # and its first SIGNATURE_TERMS places hold its heaviest.
    starts = run_starts(owner)
    places = starts[:, None] + np.arange(SIGNATURE_TERMS)
    kept = heaviest[places[places < np.append(starts[1:], owner.shape[0])[:, None]]]
    return Signatures(owner[kept], key_terms[kept], weights[kept], found.bounds)


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


#: Tables of fewer distinct keys than this are searched: they stay in the processor's
#: caches, where a search is as quick as reading a bucket.
_DIRECTORY_KEYS = 1 << 20
#: Widest bucket of keys that :meth:`Runs.find` reads whole; hash keys spread evenly, a
#: few to a bucket, and keys that do not fall back on a search.
_WIDEST_BUCKET = 32


@dataclass(frozen=True)
class Runs:
    """Sorted keys that repeat, kept as each distinct key (``keys``, sorted) and where
    its run of entries begins (``starts``, one more than the keys): looking a key up
    searches the distinct keys, not every entry. The keys are hashes, spread evenly, so
    in a large table their leading bits say nearly where each is: ``directory`` holds
    where the keys of each value of those bits begin, and a lookup reads a bucket of a
    few keys instead of searching a table too big for the processor's caches (4 million
    keys: 0.2 ms instead of 0.65 ms for a thousand lookups).

    >>> runs = Runs.of(np.array([3, 3, 5, 9, 9, 9], dtype=np.uint64))
    >>> begins, sizes = runs.find(np.array([9, 4, 3], dtype=np.uint64))
    >>> begins[sizes > 0].tolist(), sizes.tolist()
    ([3, 0], [3, 0, 2])
    """

    keys: np.ndarray
    starts: np.ndarray
    directory: np.ndarray
    shift: int

    @classmethod
    def of(cls, ordered: np.ndarray) -> Runs:
        """The runs of ``ordered`` (sorted keys)."""
        firsts = run_starts(ordered)
        keys = ordered[firsts]
        # About two to four keys a bucket, cut from the bits the largest key uses (an
        # index's stored keys are 47 bits); a small table has one bucket, searched.
        bits = max(0, int(keys.shape[0]).bit_length() - 2) if keys.shape[0] >= _DIRECTORY_KEYS else 0
        shift = max(0, (int(keys[-1]) if keys.shape[0] else 0).bit_length() - bits)
        buckets = (1 << bits) + 1  # the last for keys beyond the largest, empty
        counts = np.bincount(_bucket(keys, shift, buckets), minlength=buckets)
        directory = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(keys, np.append(firsts, ordered.shape[0]), directory, shift)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of ``keys``'s entries begin, and how many there are (0 for a key
        not held; where it begins then means nothing)."""
        held_keys = self.keys
        count = held_keys.shape[0]
        if count == 0:
            return np.zeros(keys.shape[0], dtype=np.int64), np.zeros(keys.shape[0], dtype=np.int64)
        bucket = _bucket(keys, self.shift, self.directory.shape[0] - 1)
        lo, hi = self.directory[bucket], self.directory[bucket + 1]
        width = hi - lo
        widest = int(width.max()) if width.shape[0] else 0
        if widest > _WIDEST_BUCKET:  # a small table, or keys that are no hashes
            at = np.searchsorted(held_keys, keys)
        else:
            # Each key's place in its bucket: how many of the bucket's keys are smaller,
            # the buckets read side by side as the rows of one small matrix.
            steps = np.arange(widest)
            read = held_keys[np.minimum(lo[:, None] + steps, count - 1)]
            at = lo + ((steps < width[:, None]) & (read < keys[:, None])).sum(axis=1)
        at = np.minimum(at, count - 1)
        held = held_keys[at] == keys
        return self.starts[at], np.where(held, self.starts[at + 1] - self.starts[at], 0)


def _bucket(keys: np.ndarray, shift: int, buckets: int) -> np.ndarray:
    """Each of ``keys``'s bucket: its bits above ``shift``, the last bucket for any key
    beyond the others."""
    high = keys.astype(np.uint64, copy=False) >> np.uint64(shift)
    bucket: np.ndarray = np.minimum(high, np.uint64(buckets - 1)).astype(np.int64)
    return bucket


@dataclass(frozen=True)
class Postings:
    """Where signature words occur: the occurrences of each word (``runs``), each one's
    document and window beside it in ``docs`` and ``wins``."""

    runs: Runs
    docs: np.ndarray
    wins: np.ndarray

    @classmethod
    def of(cls, signatures: Sequence[Signatures], first: int = 0) -> Postings:
        """The postings of the documents whose signatures are ``signatures`` (in order),
        numbered from ``first``."""
        terms = np.concatenate([s.terms for s in signatures]) if signatures else np.zeros(0, dtype=np.uint64)
        # Small integer types: a large class's pairs of words are tens of millions.
        numbers = np.arange(first, first + len(signatures), dtype=np.int32)
        docs = np.repeat(numbers, [s.terms.shape[0] for s in signatures])
        wins = np.concatenate([s.window for s in signatures]) if signatures else np.zeros(0, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        return cls(Runs.of(terms[order]), docs[order], wins[order].astype(np.int32))

    @classmethod
    def merged(cls, parts: Sequence[Postings]) -> Postings:
        """The postings of ``parts``, each made by :meth:`of` from the next run of
        documents: what :meth:`of` makes from all of them at once. Parts made in several
        processes are merged here: a stable sort of sorted runs merges them instead of
        sorting again (0.1 s for two runs of 13 million keys, against 1.7 s)."""
        if not parts:
            return cls.of([])
        terms = np.concatenate([part.runs.keys.repeat(np.diff(part.runs.starts)) for part in parts])
        order = np.argsort(terms, kind="stable")
        docs = np.concatenate([part.docs for part in parts])[order]
        wins = np.concatenate([part.wins for part in parts])[order]
        return cls(Runs.of(terms[order]), docs, wins)

    def __len__(self) -> int:
        return int(self.docs.shape[0])


def shared_windows(
    query: Signatures, postings: Postings, limit: int, least: int = MIN_SHARED_SIGNATURE
) -> dict[int, int]:
    """Documents with a window that shares at least ``least`` signature words (or word
    pairs, see :func:`word_pairs`) with one of ``query``'s windows: document -> the most
    one such pair of windows shares. A key found in more than ``limit`` windows is left
    out: in a huge corpus on one topic it would cost much and prove nothing."""
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
    starts = run_starts(keys)
    counts = np.diff(np.append(starts, keys.shape[0]))
    strong = counts >= least
    found: dict[int, int] = {}
    for doc, count in zip(
        ((keys[starts][strong] // span_wins) % span_docs).tolist(), counts[strong].tolist()
    ):
        found[doc] = max(found.get(doc, 0), count)
    return found


# --- pairs of signature words: rarer keys for a corpus on one topic ------------------
#: Pairs of signature words one window must share with another, each pair in no more
#: than :data:`PAIR_LIMIT` windows: four words in common, none of whose pairings is the
#: topic's. In a large class on one topic nearly every signature word is in more windows
#: than the limit (at 10,000 same-topic essays, a query's windows found no word under it),
#: so the words alone stop giving evidence just where a reworded copy needs them; two of
#: them together in one window are far rarer than either.
MIN_SHARED_PAIRS = 6
#: Window postings (window, signature word) from which a class's windows are also found
#: by pairs of words: the point where :func:`window_limit` stops growing with the class.
#: Below it a word may be in the same share of windows whatever the class's size; above
#: it, each essay added leaves the words fewer that count (a quarter of the postings of
#: 1,000 same-topic essays count, a sixth of 5,000's, almost none of 10,000's).
PAIRS_FROM_POSTINGS = round(MAX_WINDOW_LIMIT / WINDOW_SHARE_LIMIT)
#: The most windows a pair of signature words may be held by and still count. A pair in
#: more is a turn of the topic, and what a window's pairs cost is the holders looked up
#: (45 pairs times this, at most, whatever the class's size); the pairs of windows met
#: grow with the holders squared: at 100,000 same-topic essays 4.0 billion under the word
#: limit of 200, 0.7 billion under 50. At 10,000 essays 25, 50 and 200 find the same
#: planted pairs.
PAIR_LIMIT = 50
#: Pairs of signature words enough when each is far rarer: three words of one window,
#: each of their pairings held by no more than a millionth of the class's window
#: postings (:func:`rare_pair_limit`). A short reworded passage keeps three of a
#: window's words more often than four, and three pairings that rare (at 100,000
#: same-topic essays, each held by at most 28 of 2.9 million windows) seldom meet by
#: chance: a few documents more to align an essay (SCALING.md, "Three words whose
#: pairings are rare").
MIN_RARE_PAIRS = 3
RARE_PAIR_SHARE = 1e-6


def rare_pair_limit(postings: int) -> int:
    """The most windows a pair of signature words may be held by in a class of
    ``postings`` window postings and count among :data:`MIN_RARE_PAIRS`: a share of
    the class (never under two windows, the query's and the source's), and never more
    than :data:`PAIR_LIMIT`, so a window's lookups stay bounded however large the class.

    >>> rare_pair_limit(2_900_000), rare_pair_limit(29_000_000), rare_pair_limit(10**9)
    (2, 29, 50)
    """
    return min(PAIR_LIMIT, max(2, int(RARE_PAIR_SHARE * postings)))


def pairs_needed(postings: int) -> bool:
    """Whether a class with ``postings`` window postings is also searched by pairs.

    >>> pairs_needed(290_290), pairs_needed(1_450_109)
    (False, True)
    """
    return postings >= PAIRS_FROM_POSTINGS


#: Odd 64-bit multipliers (the golden ratio's and MurmurHash3's) that mix two words'
#: hashes into one key.
_PAIR_LOW = np.uint64(0x9E3779B97F4A7C15)
_PAIR_HIGH = np.uint64(0xC2B2AE3D27D4EB4F)


#: The pairs of places in a window's signature, first before second.
_FIRST, _SECOND = np.triu_indices(SIGNATURE_TERMS, 1)


def _pair_keys(window: np.ndarray, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ``terms`` within one window (entries sorted by window, at most
    ``SIGNATURE_TERMS`` each): the pair's window and one key for the two words, in
    either order."""
    n = window.shape[0]
    if n == 0:
        return window.astype(np.int64), terms.astype(np.uint64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(window[1:], window[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, n))
    row = np.repeat(np.arange(starts.shape[0]), sizes)
    rank = np.arange(n) - starts[row]
    words = np.zeros((starts.shape[0], SIGNATURE_TERMS), dtype=np.uint64)
    words[row, rank] = terms
    # A pair is held when its second place is: places fill from the first.
    both = _SECOND[None, :] < sizes[:, None]
    a, b = words[:, _FIRST][both], words[:, _SECOND][both]
    low, high = np.minimum(a, b), np.maximum(a, b)
    # Wrapping multiplication mixes the two words into one 64-bit key.
    high ^= high >> np.uint64(29)
    high *= _PAIR_HIGH
    low *= _PAIR_LOW
    low ^= high
    owners = np.repeat(window[starts].astype(np.int64), both.sum(axis=1))
    return owners, low


def word_pairs(signatures: Signatures) -> Signatures:
    """Each window's pairs of signature words, as keys (their weights mean nothing)."""
    window, keys = _pair_keys(signatures.window, signatures.terms)
    return Signatures(window, keys, np.ones(keys.shape[0]), signatures.bounds)


def words_behind(pairs: int) -> int:
    """The most words whose pairs number ``pairs``: a window sharing the pairs of k
    words shares k (k - 1) / 2 pairs.

    >>> [words_behind(n) for n in (3, 5, 6, 10, 45)]
    [3, 3, 4, 5, 10]
    """
    return int((1 + math.isqrt(1 + 8 * pairs)) // 2)


def passage_windows(
    query: Signatures,
    words: Postings,
    pairs: Postings,
    limit: int,
    *,
    rare_pairs: int | None = MIN_RARE_PAIRS,
) -> dict[int, int]:
    """Documents with a window like one of ``query``'s -> the most signature words one
    such pair of windows shares. Alike are windows sharing ``MIN_SHARED_SIGNATURE``
    signature words held by few windows (``words``), or ``MIN_SHARED_PAIRS`` pairs of
    them held by at most ``PAIR_LIMIT`` windows, or ``MIN_RARE_PAIRS`` pairs held by at
    most :func:`rare_pair_limit` (``pairs``: :meth:`Postings.of` the documents'
    :func:`word_pairs`; empty where a corpus is not searched by pairs). ``rare_pairs``
    replaces ``MIN_RARE_PAIRS``; None leaves that rule out."""
    found = shared_windows(query, words, limit)
    if not len(pairs):
        return found
    keys = word_pairs(query)
    rules = [(PAIR_LIMIT, MIN_SHARED_PAIRS)]
    if rare_pairs is not None:
        rules.append((rare_pair_limit(len(words)), rare_pairs))
    for pair_limit, least in rules:
        for doc, shared in shared_windows(keys, pairs, pair_limit, least).items():
            found[doc] = max(found.get(doc, 0), words_behind(shared))
    return found
