"""Words: how they are found in a text, their normal forms, stems and stable hashes.

Case folding, accent stripping and stemming apply to word strings; the text they come
from is never rewritten.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer

_MARK = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CHAR = rf"(?:[^\W_]|[{_MARK}])"
WORD_RE = re.compile(rf"{_CHAR}+(?:['’]{_CHAR}+)*")
# The same words for text without combining marks (nearly all), several times faster.
_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_HAS_MARK_RE = re.compile(rf"[{_MARK}]")
# The same words again for ASCII text, where a letter or digit is [A-Za-z0-9] and no
# curly apostrophe can occur: explicit ranges match faster than Unicode categories.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


_ASCII_ALNUM = np.zeros(256, dtype=bool)
for _range in (b"AZ", b"az", b"09"):
    _ASCII_ALNUM[_range[0] : _range[1] + 1] = True


def ascii_word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words ``_ASCII_WORD_RE`` finds in an ASCII ``text``,
    computed on the whole byte array at once instead of one match at a time.

    >>> [s.tolist() for s in ascii_word_spans("Don't stop--it's 1961' 'x")]
    [[0, 6, 12, 17, 24], [5, 10, 16, 21, 25]]
    """
    codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return _spans(codes, _ASCII_ALNUM[codes], (0x27,))


def _spans(
    codes: np.ndarray, inside: np.ndarray, apostrophes: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The runs of ``inside`` characters, an apostrophe with one on both sides joining
    two runs into one word."""
    between = codes[1:-1]
    # Compared one by one: np.isin costs a third of the whole split on an essay.
    marks = between == apostrophes[0]
    for other in apostrophes[1:]:
        marks |= between == other
    apostrophe = np.flatnonzero(marks) + 1
    joins = apostrophe[inside[apostrophe - 1] & inside[apostrophe + 1]]
    # Framed by a non-word character on both sides, so every run has a rise and a fall.
    framed = np.zeros(inside.shape[0] + 2, dtype=bool)
    framed[1:-1] = inside
    framed[joins + 1] = True
    before, after = framed[:-1], framed[1:]
    return np.flatnonzero(after > before).astype(np.int64), np.flatnonzero(before > after).astype(np.int64)


@lru_cache(maxsize=1)
def _bmp_word_characters() -> np.ndarray:
    """Whether each character of the Basic Multilingual Plane can be part of a word, as
    ``WORD_RE`` says: a letter or digit (``[^\\W_]``, which is ``str.isalnum``) or a
    combining mark. Made once per process (10 ms)."""
    table = np.fromiter((chr(code).isalnum() for code in range(0x10000)), dtype=bool, count=0x10000)
    for mark in re.finditer(r"(.)-(.)", _MARK):
        table[ord(mark.group(1)) : ord(mark.group(2)) + 1] = True
    return table


def word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words of ``text``, as :func:`word_pattern` finds them.

    The text is split on the array of its characters at once, with a table of which
    characters can be part of a word: matching a pattern word by word costs a Python
    object per word, four times as much on an essay.

    >>> text = "Ça m’a dit: ‘Stalin’s’ 1961’ 🙂 e\u0301te"
    >>> [text[s:e] for s, e in zip(*(a.tolist() for a in word_spans(text)))]
    ['Ça', 'm’a', 'dit', 'Stalin’s', '1961', 'e\u0301te']
    """
    if text.isascii():
        return ascii_word_spans(text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    inside = _bmp_word_characters()[np.minimum(codes, 0xFFFF)]
    beyond = np.flatnonzero(codes > 0xFFFF)
    if beyond.shape[0]:
        # Beyond the plane (emoji, historic scripts, some CJK): rare enough to ask one by one.
        inside[beyond] = [chr(code).isalnum() for code in codes[beyond].tolist()]
    return _spans(codes, inside, (0x27, 0x2019))


def word_pattern(text: str) -> re.Pattern[str]:
    """The fastest pattern that finds exactly the words of ``text``."""
    if text.isascii():
        return _ASCII_WORD_RE
    return WORD_RE if _HAS_MARK_RE.search(text) else _PLAIN_WORD_RE


@lru_cache(maxsize=16)
def stop_stems(language: str = "english") -> frozenset[str]:
    """Stems of the function words: a word is a function word when its stem is one, so
    the test is the same for a token and for an indexed term.

    >>> "the" in stop_stems() and "becaus" in stop_stems()
    True
    """
    return frozenset(stem(normalise(w), language) for w in english_stop_words())


def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list (``ENGLISH_STOP_WORDS``).

    Importing scikit-learn takes most of a second, which every command that tokenises
    would pay for one list; the list is a literal in one small module of the package, so
    it is read from that file without running the package, and only imported the usual
    way if the file is not where it was.
    """
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    if spec is not None and spec.origin is not None:
        source = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        try:
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "ENGLISH_STOP_WORDS"
                    for target in node.targets
                ):
                    value = node.value
                    if isinstance(value, ast.Call) and value.args:
                        return frozenset(ast.literal_eval(value.args[0]))
        except (OSError, SyntaxError, ValueError):
            pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # the list moved: import it

    return frozenset(ENGLISH_STOP_WORDS)


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


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd, so multiplication is invertible
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _mix(values: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the polynomial's low-entropy bits over all 64.
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    mixed: np.ndarray = values ^ (values >> np.uint64(31))
    return mixed


def shingle_hashes(hashes: np.ndarray, size: int) -> np.ndarray:
    """Hash of every run of ``size`` consecutive words, in order.

    There are ``max(0, n - size + 1)`` of them for ``n`` words.

    >>> h = word_hashes("the iron curtain fell the iron curtain".split())
    >>> s = shingle_hashes(h, 3)
    >>> len(s), bool(s[0] == s[4]), bool(s[0] == s[1])
    (5, True, False)
    """
    n = int(hashes.shape[0]) - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):  # a loop over the k positions, not over shingles
            combined = combined * _MULTIPLIER + hashes[offset : offset + n]
        return _mix(combined)


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of ``ordered`` (sorted, or grouped) begins.

    >>> run_starts(np.array([3, 3, 5, 9, 9])).tolist()
    [0, 2, 3]
    """
    new = np.ones(ordered.shape[0], dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    return np.flatnonzero(new)


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending: ``np.unique(values)`` by sorting, which numpy 2's
    unique (by hashing) is many times slower than on millions of 64-bit hashes."""
    ordered = np.sort(values)
    unique: np.ndarray = ordered[run_starts(ordered)]
    return unique


def word_count(text: str) -> int:
    """Number of words in ``text``.

    >>> word_count("It's the Cold War, 1947.")
    5
    """
    return sum(1 for _ in word_pattern(text).finditer(text))


def count_pairs(
    first: np.ndarray, second: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct ``(first[i], second[i])`` pair once, sorted by ``first`` then
    ``second``, with how often it occurs (or the sum of its ``weights``).

    >>> [a.tolist() for a in count_pairs(np.array([2, 1, 2, 2]), np.array([5, 9, 5, 4]))]
    [[1, 2, 2], [9, 4, 5], [1, 1, 2]]
    """
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    starts = np.flatnonzero(new)
    if weights is None:
        counts: np.ndarray = np.diff(np.append(starts, order.shape[0]))
    else:
        counts = np.add.reduceat(weights[order], starts) if starts.shape[0] else weights[:0]
    return first[starts], second[starts], counts
