"""Words with character spans, their normal forms, and sentences.

``text`` is never rewritten: case folding, accent stripping and stemming apply to token
strings, and every token keeps the ``(start, end)`` span it came from.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Generic, TypeVar

import numpy as np
import snowballstemmer

# Letters and digits, with combining marks kept inside the word (a decomposed "é" is
# one word, not two), and inner apostrophes ("don't", "Stalin’s") kept.
_MARK = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CHAR = rf"(?:[^\W_]|[{_MARK}])"
WORD_RE = re.compile(rf"{_CHAR}+(?:['’]{_CHAR}+)*")
# The same words for text without combining marks (nearly all), several times faster.
_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_HAS_MARK_RE = re.compile(rf"[{_MARK}]")
# The same words again for ASCII text, where a letter or digit is [A-Za-z0-9] and no
# curly apostrophe can occur: explicit ranges match faster than Unicode categories.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_ASCII_WORD_BYTES_RE = re.compile(rb"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


_ASCII_ALNUM = np.zeros(256, dtype=bool)
for _range in (b"AZ", b"az", b"09"):
    _ASCII_ALNUM[_range[0] : _range[1] + 1] = True


def _ascii_word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words ``_ASCII_WORD_RE`` finds in an ASCII ``text``,
    computed on the whole byte array at once instead of one match at a time.

    >>> [s.tolist() for s in _ascii_word_spans("Don't stop--it's 1961' 'x")]
    [[0, 6, 12, 17, 24], [5, 10, 16, 21, 25]]
    """
    codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    inside = _ASCII_ALNUM[codes]
    # An apostrophe is part of a word when letters or digits stand on both sides of it.
    apostrophe = np.flatnonzero(codes[1:-1] == 0x27) + 1
    joins = apostrophe[inside[apostrophe - 1] & inside[apostrophe + 1]]
    inside[joins] = True
    edges = np.diff(inside.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def word_pattern(text: str) -> re.Pattern[str]:
    """The fastest pattern that finds exactly the words of ``text``."""
    if text.isascii():
        return _ASCII_WORD_RE
    return WORD_RE if _HAS_MARK_RE.search(text) else _PLAIN_WORD_RE


# A sentence ends after . ! ? (with closing quotes or brackets) followed by space, or at
# a blank line; a short line (a heading, a title) ends one too. Long lines may be hard
# wrapped prose, so their line breaks are not boundaries.
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n")
_SHORT_LINE_RE = re.compile(r"^[^\n]{1,60}$", re.MULTILINE)


@lru_cache(maxsize=16)
def stop_stems(language: str = "english") -> frozenset[str]:
    """Stems of the function words: a word is a function word when its stem is one, so
    the test is the same for a token and for an indexed term.

    >>> "the" in stop_stems() and "becaus" in stop_stems()
    True
    """
    # scikit-learn's English list; imported here, not at the top, because importing
    # scikit-learn takes about a second that index commands would otherwise pay.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(stem(normalise(w), language) for w in ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1 << 18)
def normalise(word: str) -> str:
    """Case-fold a word and strip its accents and apostrophe variants.

    >>> normalise("Ça")
    'ca'
    >>> normalise("Stalin’s") == normalise("stalin's")
    True
    >>> normalise(normalise("Éxposé")) == normalise("Éxposé")
    True
    """
    if word.isascii():  # nearly every word: nothing to strip, and casefold is lower
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().replace("’", "'")


@lru_cache(maxsize=16)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=1 << 18)
def stem(word: str, language: str = "english") -> str:
    """Snowball stem of a normalised word, with a possessive ``'s`` dropped.

    >>> stem("invasions"), stem("stalin's"), stem("containment")
    ('invas', 'stalin', 'contain')
    """
    if word.endswith("'s"):
        word = word[:-2]
    return str(_stemmer(language).stemWord(word))


@lru_cache(maxsize=1 << 18)
def word_hash(word: str) -> int:
    """Stable unsigned 64-bit hash of one word: BLAKE2b, never Python's salted ``hash()``,
    so it is the same in every process and can be stored.

    >>> word_hash("stalin") == word_hash("stalin")
    True
    >>> word_hash("stalin") != word_hash("Stalin")
    True
    """
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """Hashes of a sequence of words as a ``uint64`` array."""
    return np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))


@dataclass(frozen=True)
class Sentence:
    """A sentence: its character span and the tokens ``[first, last)`` inside it."""

    start: int
    end: int
    first: int
    last: int


class Tokens:
    """The words of one text, with spans and normal forms.

    Parameters
    ----------
    text : str
        The document text; never modified.
    language : str, default="english"
        Stemmer language.

    Examples
    --------
    >>> t = Tokens("Khrushchev denounced Stalin.\\r\\nThe Thaw began.")
    >>> len(t), t.words[2], t.text[t.starts[2]:t.ends[2]]
    (6, 'Stalin', 'Stalin')
    >>> t.stems[:2]
    ['khrushchev', 'denounc']
    >>> [t.text[s.start:s.end] for s in t.sentences]
    ['Khrushchev denounced Stalin.', 'The Thaw began.']
    >>> [s.first for s in Tokens("Context\\nWhen Stalin died, the Thaw began").sentences]
    [0, 1]
    """

    def __init__(
        self, text: str, language: str = "english", *, known_ids: tuple[Lexicon, np.ndarray] | None = None
    ) -> None:
        self.text = text
        self.language = language
        self._ascii = text.isascii()
        if self._ascii:
            self.starts, self.ends = _ascii_word_spans(text)
        else:
            spans = [m.span() for m in word_pattern(text).finditer(text)]
            bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
            self.starts, self.ends = bounds[:, 0], bounds[:, 1]
        # Held, not looked up again: the shared lexicon may be replaced later, and this
        # one's term ids stay valid.
        self._lexicon = shared_lexicon(language)
        if known_ids is not None and known_ids[0] is self._lexicon and len(known_ids[1]) == len(self):
            # The term ids of this text were computed already (a corpus indexing it).
            self.__dict__["term_ids"] = known_ids[1]

    def __reduce__(self) -> tuple[type[Tokens], tuple[str, str]]:
        # Rebuilt from the text where unpickled, instead of shipping the lexicon along.
        return (Tokens, (self.text, self.language))

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    @cached_property
    def words(self) -> list[str]:
        text = self.text
        return [text[s:e] for s, e in zip(self.starts.tolist(), self.ends.tolist())]

    @cached_property
    def normal(self) -> list[str]:
        return [normalise(w) for w in self.words]

    @cached_property
    def term_ids(self) -> np.ndarray:
        """Each token's term (stem) id in this process's lexicon: compare them only
        within one document, and ``stem_hashes`` across documents."""
        if self._ascii:
            return self._lexicon.ascii_ids_of(self.text)
        return self._lexicon.ids_of(self.words)

    @cached_property
    def stems(self) -> list[str]:
        ids = self.term_ids.tolist()  # first: it may add terms to the lexicon
        table = self._lexicon.stems
        return [table[term] for term in ids]

    @cached_property
    def stem_hashes(self) -> np.ndarray:
        """Stable 64-bit hash of each token's stem (``uint64``)."""
        ids = self.term_ids  # first: it may add terms to the lexicon
        hashes: np.ndarray = self._lexicon.hashes[ids]
        return hashes

    @cached_property
    def stopword_mask(self) -> np.ndarray:
        """True where a token is a function word (the, of, which ...)."""
        ids = self.term_ids  # first: it may add terms to the lexicon
        mask: np.ndarray = self._lexicon.is_stop[ids]
        return mask

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Sentences holding at least one word, in order."""
        cut_set = {0, len(self.text)}
        cut_set.update(m.end() for m in _SENTENCE_END_RE.finditer(self.text))
        cut_set.update(m.end() for m in _SHORT_LINE_RE.finditer(self.text))
        cuts = sorted(cut_set)
        sentences: list[Sentence] = []
        starts = self.starts
        for lo, hi in zip(cuts, cuts[1:]):
            first = int(np.searchsorted(starts, lo, side="left"))
            last = int(np.searchsorted(starts, hi, side="left"))
            if last > first:
                # The span runs from the first word to the end of its punctuation.
                end = hi
                while end > lo and self.text[end - 1].isspace():
                    end -= 1
                sentences.append(Sentence(int(starts[first]), end, first, last))
        return sentences

    @cached_property
    def sentence_of(self) -> np.ndarray:
        """For each token, the number of its sentence in ``sentences``."""
        firsts = np.array([s.first for s in self.sentences], dtype=np.int64)
        return np.searchsorted(firsts, np.arange(len(self)), side="right") - 1

    @cached_property
    def sentence_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the first and last (exclusive) token of its sentence."""
        firsts = np.full(len(self), 0, dtype=np.int64)
        lasts = np.full(len(self), len(self), dtype=np.int64)
        for sentence in self.sentences:
            firsts[sentence.first : sentence.last] = sentence.first
            lasts[sentence.first : sentence.last] = sentence.last
        return firsts, lasts


def word_count(text: str) -> int:
    """Number of words in ``text``.

    >>> word_count("It's the Cold War, 1947.")
    5
    """
    return sum(1 for _ in word_pattern(text).finditer(text))


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

    def ids_of(self, words: list[str]) -> np.ndarray:
        """Term id of each of ``words``."""
        return np.fromiter(map(self._by_spelling.__getitem__, words), dtype=np.int64, count=len(words))

    def ascii_ids_of(self, text: str) -> np.ndarray:
        """Term id of every word of an ASCII ``text``, in order."""
        words = _ASCII_WORD_BYTES_RE.findall(text.encode("ascii"))
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
