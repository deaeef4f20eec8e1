"""The lexicon: each distinct spelling normalised, stemmed and hashed once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import numpy as np

from .words import ASCII_WORD_BYTES_RE, normalise, stem, stop_stems, word_hash, word_pattern

_Spelling = TypeVar("_Spelling", str, bytes)


class _Spellings(dict[_Spelling, int], Generic[_Spelling]):
    """Spelling -> term id, resolving and remembering unseen spellings through a callback."""

    def __init__(self, resolve: Callable[[_Spelling], int]) -> None:
        super().__init__()
        self._resolve: Callable[[_Spelling], int] = resolve

    def __missing__(self, spelling: _Spelling) -> int:
        term: int = self._resolve(spelling)
        self[spelling] = term
        return term


class Lexicon:
    """Maps words as written to term ids (one per stem), for bulk corpus indexing.

    Each distinct spelling is normalised and stemmed once; after that a word costs one
    dict lookup. Per term it keeps the stem's stable hash (the same value
    :func:`word_hash` gives for ``Tokens.stems``) and whether it
    is a function word.

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
        self._by_spelling: _Spellings[str] = _Spellings(self._add)
        # ASCII texts are split as bytes (faster still); their spellings resolve through
        # the str table on first sight.
        self._by_ascii: _Spellings[bytes] = _Spellings(self._ascii_term)
        self._by_stem: dict[str, int] = {}
        self._lock = threading.Lock()
        # Grown by doubling, so reading them after each document costs nothing.
        self._hash_array = np.zeros(1024, dtype=np.uint64)
        self._stop_array = np.zeros(1024, dtype=bool)

    def __len__(self) -> int:
        return len(self.stems)

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
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _ascii_term(self, spelling: bytes) -> int:
        return self._by_spelling[spelling.decode("ascii")]

    @property
    def spellings(self) -> int:
        """Distinct spellings seen so far."""
        return len(self._by_spelling)

    def ids_of(self, words: Iterable[str], count: int) -> np.ndarray:
        """Term id of each of the ``count`` ``words``."""
        return np.fromiter(map(self._by_spelling.__getitem__, words), dtype=np.int64, count=count)

    def ascii_ids_of(self, text: str) -> np.ndarray:
        """Term id of every word of an ASCII ``text``, in order."""
        words = ASCII_WORD_BYTES_RE.findall(text.encode("ascii"))
        return np.fromiter(map(self._by_ascii.__getitem__, words), dtype=np.int64, count=len(words))

    def term_ids(self, text: str) -> np.ndarray:
        """Term id of every word of ``text``, in order."""
        # map() over the dict's lookup runs in C; unseen spellings go through __missing__.
        if text.isascii():
            return self.ascii_ids_of(text)
        spellings = word_pattern(text).findall(text)
        return np.fromiter(
            map(self._by_spelling.__getitem__, spellings), dtype=np.int64, count=len(spellings)
        )

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
