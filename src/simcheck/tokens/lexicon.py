"""The lexicon: each distinct spelling normalised, stemmed and hashed once per process."""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np

from .words import normalise, stem, stop_stems, word_hash, word_spans

#: Spellings of up to this many UTF-8 bytes (nearly every word) are looked up as numbers.
_KEY_BYTES = 16
# Right shifts that keep the first n bytes of a big-endian 8-byte read, for n = 0..8.
_KEEP_SHIFTS = np.array([0] + [8 * (8 - n) for n in range(1, 9)], dtype=np.uint64)
# Odd constants mixing a spelling's two 8-byte halves into its two places in the table.
_MIX_FIRST = np.uint64(0x9E3779B97F4A7C15)
_MIX_SECOND = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX_AGAIN = np.uint64(0xD6E8FEB86659FD93)


def spelling_keys(data: bytes, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes ``data[starts[i]:ends[i]]`` of each word as two integers: its first
    eight bytes and the eight after them, big-endian, zero beyond its end. Exact for a
    word of 1 to ``_KEY_BYTES`` bytes without zero bytes: no two such words share both.

    >>> [k.tolist() for k in spelling_keys(b"Thaw ab", np.array([0, 5]), np.array([4, 7]))]
    [[1416126839, 24930], [0, 0]]
    """
    padded = data + bytes(2 * 8)
    # Every byte offset read as the start of a big-endian 8-byte integer, unaligned.
    at = np.ndarray((len(data) + 9,), dtype=">u8", buffer=padded, strides=(1,))
    sizes = ends - starts
    first = at[starts] >> _KEEP_SHIFTS[np.minimum(sizes, 8)]
    rest = np.clip(sizes - 8, 0, 8)
    second = np.where(rest > 0, at[starts + 8] >> _KEEP_SHIFTS[np.maximum(rest, 1)], 0)
    return first.astype(np.uint64), second.astype(np.uint64)


class _KnownSpellings(NamedTuple):
    """A hash table of spellings: each as its :func:`spelling_keys` (``first``,
    ``second``, zero in an empty slot) with its term id, in one of two slots its keys
    choose among ``2 ** bits``. Made for the ``size`` spellings the lexicon held; the
    earliest seen (the commonest words) take their slots first, and the few that find
    both slots taken stay out, to be looked up in the dict.

    Two independent reads per word, where a binary search in a sorted table waits on
    sixteen reads in a row: on an essay, a third of the time.
    """

    first: np.ndarray
    second: np.ndarray
    terms: np.ndarray
    bits: int
    size: int

    @classmethod
    def of(cls, spellings: list[tuple[str, int]]) -> _KnownSpellings:
        words = [spelling.encode("utf-8", "surrogatepass") for spelling, _ in spellings]
        sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        ends = np.cumsum(sizes)
        short = np.flatnonzero(sizes <= _KEY_BYTES)
        first, second = spelling_keys(b"".join(words), (ends - sizes)[short], ends[short])
        terms = np.fromiter((term for _, term in spellings), dtype=np.int64, count=len(spellings))[short]
        # Two to four slots a spelling: 97-99% of them find a free one of their two.
        bits = max(8, (2 * short.shape[0]).bit_length())
        table = cls(
            np.zeros(1 << bits, dtype=np.uint64),
            np.zeros(1 << bits, dtype=np.uint64),
            np.zeros(1 << bits, dtype=np.int64),
            bits,
            len(spellings),
        )
        waiting = np.arange(short.shape[0])
        for slots in table.slots(first, second):
            free = table.first[slots[waiting]] == 0
            waiting = waiting[free]
            # np.unique's first index of each slot: the spelling seen first takes it.
            taken, winners = np.unique(slots[waiting], return_index=True)
            table.first[taken] = first[waiting[winners]]
            table.second[taken] = second[waiting[winners]]
            table.terms[taken] = terms[waiting[winners]]
            waiting = np.delete(waiting, winners)
        return table

    def slots(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The two slots where each spelling may be."""
        mixed: np.ndarray = first * _MIX_FIRST + second * _MIX_SECOND
        shift = np.uint64(64 - self.bits)
        return (mixed >> shift).astype(np.intp), ((mixed * _MIX_AGAIN) >> shift).astype(np.intp)

    def find(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The term id of each spelling, and whether the table holds it (where it does
        not, the id is meaningless)."""
        slot, other = self.slots(first, second)
        held = (self.first[slot] == first) & (self.second[slot] == second)
        slot = np.where(held, slot, other)
        held = (self.first[slot] == first) & (self.second[slot] == second)
        return self.terms[slot], held


class Lexicon:
    """Maps words as written to term ids (one per stem), for bulk corpus indexing.

    Each distinct spelling is normalised and stemmed once. Per term it keeps the stem's
    stable hash (the same value :func:`word_hash` gives for ``Tokens.stems``) and
    whether it is a function word.

    >>> lexicon = Lexicon()
    >>> ids = lexicon.term_ids("The THAW thawed, the Thaw")
    >>> ids.tolist(), lexicon.stems
    ([0, 1, 1, 0, 1], ['the', 'thaw'])
    >>> lexicon.is_stop[ids].tolist()
    [True, False, False, True, False]
    """

    def __init__(self, language: str = "english") -> None:
        self.language = language
        self.stems: list[str] = []
        self._by_spelling: dict[str, int] = {}
        self._by_stem: dict[str, int] = {}
        self._lock = threading.Lock()
        # Grown by doubling, so reading them after each document costs nothing.
        self._hash_array = np.zeros(1024, dtype=np.uint64)
        self._stop_array = np.zeros(1024, dtype=bool)
        self._known = _KnownSpellings.of([])

    def __len__(self) -> int:
        return len(self.stems)

    def _term(self, spelling: str) -> int:
        """The term id of one spelling, resolved and remembered on first sight."""
        term = self._by_spelling.get(spelling)
        if term is None:
            term = self._by_spelling[spelling] = self._add(spelling)
        return term

    def _add(self, spelling: str) -> int:
        normal = normalise(spelling)
        stemmed = stem(normal, self.language)
        # Threads checking at once share the process's lexicon: a new term gets its
        # hash and flag first, and its id becomes visible last.
        with self._lock:
            term = self._by_stem.get(stemmed)
            if term is None:
                term = len(self.stems)
                if term == self._hash_array.shape[0]:
                    self._hash_array = np.concatenate([self._hash_array, np.zeros_like(self._hash_array)])
                    self._stop_array = np.concatenate([self._stop_array, np.zeros_like(self._stop_array)])
                self._hash_array[term] = word_hash(stemmed)
                self._stop_array[term] = stemmed in stop_stems(self.language)
                self.stems.append(stemmed)
                self._by_stem[stemmed] = term
        return term

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_known"] = None  # remade where it is needed
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._known = _KnownSpellings.of(list(self._by_spelling.items()))

    @property
    def spellings(self) -> int:
        """Distinct spellings seen so far."""
        return len(self._by_spelling)

    def term_ids(self, text: str) -> np.ndarray:
        """Term id of every word of ``text``, in order."""
        starts, ends = word_spans(text)
        return self.ids_at(text, starts, ends)

    def ids_at(self, text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Term id of each word ``text[starts[i]:ends[i]]``.

        The words are looked up all at once, as numbers made of their bytes, in a table
        of the spellings seen in earlier texts: a dict lookup per word costs a Python
        string per word, three times as much on an essay. Words the table lacks (new
        since it was made, longer than ``_KEY_BYTES`` bytes, or left out of it) go
        through the dict.
        """
        known = self._known
        if len(self._by_spelling) - known.size > max(256, known.size // 4):
            # Snapshot of the dict in one C call, which another thread cannot interleave.
            known = self._known = _KnownSpellings.of(list(self._by_spelling.items()))
        if text.isascii():
            data, first, last = text.encode("ascii"), starts, ends
        else:
            # Words found by characters, looked up by their UTF-8 bytes.
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
            offsets = np.concatenate([[0], np.cumsum(width)])
            data, first, last = text.encode("utf-8", "surrogatepass"), offsets[starts], offsets[ends]
        ids, found = known.find(*spelling_keys(data, first, last))
        found &= last - first <= _KEY_BYTES  # a longer word's first bytes are not the word
        for missing in np.flatnonzero(~found).tolist():
            ids[missing] = self._term(text[starts[missing] : ends[missing]])
        return ids

    @property
    def hashes(self) -> np.ndarray:
        """Stable 64-bit hash of each term's stem, indexed by term id."""
        return self._hash_array[: len(self.stems)]

    @property
    def is_stop(self) -> np.ndarray:
        """Whether each term is a function word, indexed by term id."""
        return self._stop_array[: len(self.stems)]


#: Spellings a process's shared lexicon holds before it is started afresh (junk-heavy
#: input such as web pages must not grow it without bound).
_SHARED_LEXICON_LIMIT = 1 << 20
_SHARED_LEXICONS: dict[str, Lexicon] = {}


def shared_lexicon(language: str = "english") -> Lexicon:
    """This process's lexicon for ``language``: each spelling is normalised, stemmed
    and hashed once per process, whichever document it first appears in.

    >>> shared_lexicon() is shared_lexicon()
    True
    """
    lexicon = _SHARED_LEXICONS.get(language)
    if lexicon is None or lexicon.spellings > _SHARED_LEXICON_LIMIT:
        lexicon = _SHARED_LEXICONS[language] = Lexicon(language)
    return lexicon
