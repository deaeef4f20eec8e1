"""How common words are in the documents a check is made against: document frequencies
looked up in a sorted vocabulary, their smooth idf, and which words are the topic's.

Every store (a folder corpus, an index, a Spark job's broadcast) and the aligner weigh
words with these, so they rank and mark alike.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def frequencies_in(vocabulary: np.ndarray, df: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """The document frequency of each of ``terms`` in a corpus whose sorted
    ``vocabulary`` has frequencies ``df`` (0 for a word it does not have).

    >>> vocabulary = np.array([3, 5], dtype=np.uint64)
    >>> frequencies_in(vocabulary, np.array([2, 7]), np.array([5, 4], dtype=np.uint64)).tolist()
    [7, 0]
    """
    if vocabulary.shape[0] == 0:
        return np.zeros(terms.shape[0], dtype=np.int64)
    at = np.minimum(np.searchsorted(vocabulary, terms), vocabulary.shape[0] - 1)
    found: np.ndarray = np.where(vocabulary[at] == terms, df[at], 0)
    return found


class Vocabulary:
    """A sorted vocabulary with document frequencies that grows as documents are
    counted: an index's writer keeps its terms table's counts in memory for one add,
    instead of reading the whole table back at every batch.

    >>> vocabulary = Vocabulary(np.array([5], dtype=np.uint64), np.array([2]))
    >>> words, where, df = vocabulary.add(np.array([3, 5], dtype=np.uint64))
    >>> vocabulary.terms.tolist(), vocabulary.df.tolist()
    ([3, 5], [1, 3])
    """

    def __init__(self, terms: np.ndarray, df: np.ndarray) -> None:
        order = np.argsort(terms, kind="stable")
        self.terms = np.asarray(terms, dtype=np.uint64)[order]
        self.df = np.asarray(df, dtype=np.int64)[order]

    def add(self, held: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Count documents whose distinct words, one document after another, are
        ``held``. Returns the words counted, sorted and distinct, where each of ``held``
        is among them, and their frequencies now: ``np.unique(held,
        return_inverse=True)`` found by looking the words up in the vocabulary, which
        is smaller than a batch of documents by far, instead of sorting them.

        >>> vocabulary = Vocabulary(np.array([5], dtype=np.uint64), np.array([2]))
        >>> [a.tolist() for a in vocabulary.add(np.array([5, 3, 5], dtype=np.uint64))]
        [[3, 5], [1, 0, 1], [1, 4]]
        """
        held = np.asarray(held, dtype=np.uint64)
        at = np.searchsorted(self.terms, held)
        known = at < self.terms.shape[0]
        known[known] = self.terms[at[known]] == held[known]
        if not known.all():
            new = np.unique(held[~known])
            places = np.searchsorted(self.terms, new)
            self.terms = np.insert(self.terms, places, new)
            self.df = np.insert(self.df, places, 0)
            # Each word moves up by the new words below it: a search among the few new
            # words, not again among them all.
            at += np.searchsorted(new, held)
        increments = np.bincount(at, minlength=self.terms.shape[0])
        self.df += increments
        counted = np.flatnonzero(increments)
        place_of = np.cumsum(increments > 0) - 1
        return self.terms[counted], place_of[at], self.df[counted]


def smooth_idf(df: np.ndarray, documents: int) -> np.ndarray:
    """scikit-learn's smooth idf, ``ln((1 + n) / (1 + df)) + 1``.

    >>> [round(float(x), 3) for x in smooth_idf(np.array([0, 9]), 9)]
    [3.303, 1.0]
    """
    idf: np.ndarray = np.log((1 + documents) / (1 + df)) + 1
    return idf


def known_idf(df: np.ndarray, documents: int) -> np.ndarray:
    """:func:`smooth_idf`, but 0 for a word no document holds: a query's window
    signature is made of words a stored window could share.

    >>> [round(float(x), 3) for x in known_idf(np.array([0, 9]), 9)]
    [0.0, 1.0]
    """
    known: np.ndarray = np.where(df > 0, smooth_idf(df, documents), 0.0)
    return known


#: A word found in at least this share of the documents a check is made against, and
#: in at least MIN_COMMON_DOCUMENTS of them, is common: the topic's vocabulary ("Soviet",
#: "nuclear", "war" in a class on the Cold War), which shared phrases of it do not make
#: evidence of. The floor keeps a small corpus from calling a copied passage's words
#: common because a few documents hold the copy.
COMMON_SHARE = 0.1
MIN_COMMON_DOCUMENTS = 10


class Rarity:
    """How common each content word is in the documents a check is made against: the
    corpus and, in a batch, the class, their document frequencies added.

    ``frequencies`` are the stores' ``document_frequencies`` lookups, ``documents`` their
    documents in all.
    """

    def __init__(self, frequencies: list[Callable[[np.ndarray], np.ndarray]], documents: int) -> None:
        self._frequencies = frequencies
        self.documents = documents

    def df(self, terms: np.ndarray) -> np.ndarray:
        """Document frequency of each of ``terms`` (stem hashes)."""
        total = np.zeros(terms.shape[0], dtype=np.int64)
        for lookup in self._frequencies:
            total += np.asarray(lookup(terms), dtype=np.int64)
        return total

    def idf(self, terms: np.ndarray) -> np.ndarray:
        return smooth_idf(self.df(terms), self.documents)

    @property
    def has_topic(self) -> bool:
        """Whether there are documents enough for a word to be common (``MIN_COMMON_DOCUMENTS``).
        A check against fewer, such as a handful of sources on as many subjects, has no
        topic whose names and phrases every text shares."""
        return self.documents >= MIN_COMMON_DOCUMENTS

    def common(self, terms: np.ndarray) -> np.ndarray:
        """Whether each of ``terms`` is in at least ``COMMON_SHARE`` of the documents."""
        return self.df(terms) >= max(MIN_COMMON_DOCUMENTS, COMMON_SHARE * self.documents)
