"""A text's tokens: words with their character spans and normal forms, sentences, and
what alignment asks of a text again and again (its n-grams, its sentences' terms)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .lexicon import Lexicon, shared_lexicon
from .words import count_pairs, distinct, normalise, shingle_hashes, word_spans

# A sentence ends after . ! ? (with closing quotes or brackets) followed by space, or at
# a blank line; a short line (a heading, a title) ends one too. Long lines may be hard
# wrapped prose, so their line breaks are not boundaries. Written to begin with one
# character class, which the regex engine scans for quickly (an alternation of two
# patterns, "[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t\r]*\n", is tried at every character: 2.5
# times as slow on an essay, and every text is cut into sentences).
_SENTENCE_END_RE = re.compile(r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s)|(?<=\n)[ \t\r]*\n)")
# Paragraphs end at a blank line, or at a line break after a sentence's closing
# punctuation unless the text is hard wrapped (most of its line breaks fall mid-sentence).
_BLANK_LINE_RE = re.compile(r"\n[ \t\r]*\n")
_LINE_BREAK_RE = re.compile(r"\n")
_SENTENCE_CLOSE = frozenset(".!?…\"'”’)]")
# Up to this many words, a text keeps all its normal forms once made.
_NORMAL_LIST_WORDS = 200_000
#: A line of at most this many characters (a heading, a title) ends a sentence.
_SHORT_LINE_CHARS = 60


def _line_breaks(text: str) -> tuple[list[int], int]:
    """The line breaks (not blank lines) that follow a sentence's closing punctuation,
    each as the offset after it, and how many others fall mid-sentence (after a word).
    Spaces, tabs and a carriage return before a break belong to it.

    >>> _line_breaks("One.\\nTwo\\nthree.  \\r\\nFour\\n\\nFive")
    ([5, 19], 1)
    """
    # Found from each line feed (a pattern that could begin at any space would be tried
    # at every character: a third of a millisecond an essay).
    after_sentence: list[int] = []
    mid_sentence = 0
    end = len(text)
    for newline in _LINE_BREAK_RE.finditer(text):
        at = newline.start()
        ahead = at + 1
        while ahead < end and text[ahead] in " \t\r":
            ahead += 1
        if ahead < end and text[ahead] == "\n":
            continue  # a blank line follows
        first = at - 1 if at > 0 and text[at - 1] == "\r" else at
        while first > 0 and text[first - 1] in " \t":
            first -= 1
        before = text[first - 1] if first > 0 else ""
        if before in _SENTENCE_CLOSE:
            after_sentence.append(at + 1)
        elif not before.isspace():  # after a word, or at the very start
            mid_sentence += 1
    return after_sentence, mid_sentence


def _short_line_ends(text: str) -> list[int]:
    """Where each line of 1 to ``_SHORT_LINE_CHARS`` characters ends.

    >>> _short_line_ends("Title\\n\\n" + "x" * 70 + "\\nend")
    [5, 81]
    """
    # Line by line: a pattern anchored at line starts is still tried at every character.
    ends = []
    at = 0
    for line in text.split("\n"):
        if 0 < len(line) <= _SHORT_LINE_CHARS:
            ends.append(at + len(line))
        at += len(line) + 1
    return ends


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
        self.starts, self.ends = word_spans(text)
        # Held, not looked up again: the shared lexicon may be replaced later, and this
        # one's term ids stay valid.
        self._lexicon = shared_lexicon(language)
        self._ngrams: dict[int, Ngrams] = {}
        self._shingles: dict[int, Shingles] = {}
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
        return list(self._spelled(0, len(self)))

    def _spelled(self, first: int, last: int) -> Iterator[str]:
        """The words ``[first, last)`` as they are written, sliced one by one."""
        text = self.text
        return (text[s:e] for s, e in zip(self.starts[first:last].tolist(), self.ends[first:last].tolist()))

    @cached_property
    def normal(self) -> list[str]:
        return [normalise(w) for w in self.words]

    def normal_between(self, first: int, last: int) -> list[str]:
        """``normal[first:last]``; in a text of millions of words, without making the
        whole list (hundreds of megabytes of strings) for the words of a few passages."""
        if "normal" in self.__dict__ or len(self) <= _NORMAL_LIST_WORDS:
            return self.normal[first:last]
        return [normalise(word) for word in self._spelled(first, last)]

    @cached_property
    def term_ids(self) -> np.ndarray:
        """Each token's term (stem) id in this process's lexicon: compare them only
        within one document, and ``stem_hashes`` across documents."""
        return self._lexicon.ids_at(self.text, self.starts, self.ends)

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
    def capitalised(self) -> np.ndarray:
        """True where a token is written with a capital or a digit first: a name, a
        number, or the first word of a sentence."""
        text = self.text
        if self._ascii:
            # One pass over the bytes instead of a string test per word.
            firsts = np.frombuffer(text.encode("ascii"), dtype=np.uint8)[self.starts]
            found: np.ndarray = ((firsts >= ord("A")) & (firsts <= ord("Z"))) | (
                (firsts >= ord("0")) & (firsts <= ord("9"))
            )
            return found
        return np.fromiter(
            (text[s].isupper() or text[s].isdigit() for s in self.starts.tolist()),
            dtype=bool,
            count=len(self),
        )

    @cached_property
    def _sentence_cuts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each sentence's character range between cuts, and its first and last
        (exclusive) token: arrays, for the callers that need no Sentence objects."""
        cut_set = {0, len(self.text)}
        cut_set.update(map(re.Match.end, _SENTENCE_END_RE.finditer(self.text)))
        cut_set.update(_short_line_ends(self.text))
        cuts = np.array(sorted(cut_set), dtype=np.int64)
        firsts = np.searchsorted(self.starts, cuts[:-1], side="left")
        lasts = np.searchsorted(self.starts, cuts[1:], side="left")
        held = lasts > firsts
        return cuts[:-1][held], cuts[1:][held], firsts[held], lasts[held]

    @cached_property
    def sentence_firsts(self) -> np.ndarray:
        """The first token of each of ``sentences``."""
        return self._sentence_cuts[2]

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Sentences holding at least one word, in order."""
        starts, text = self.starts, self.text
        return [
            # The span runs from the first word to the end of its punctuation.
            Sentence(int(starts[first]), lo + len(text[lo:hi].rstrip()), first, last)
            for lo, hi, first, last in zip(*(part.tolist() for part in self._sentence_cuts))
        ]

    def shingles(self, size: int) -> Shingles:
        """The hashes of its runs of ``size`` words (see :func:`~.words.shingle_hashes`),
        found once per text: a text is looked up, and checked against many others."""
        found = self._shingles.get(size)
        if found is None:
            hashes = shingle_hashes(self.stem_hashes, size)
            found = self._shingles[size] = Shingles(hashes, distinct(hashes))
        return found

    def ngrams(self, n: int) -> Ngrams:
        """The n-grams of stems that hold a content word, found once per text (every pair
        a text is aligned in asks for them)."""
        found = self._ngrams.get(n)
        if found is None:
            found = self._ngrams[n] = Ngrams.of(self, n)
        return found

    @cached_property
    def sentence_terms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence, stem hash, count) of every content word, sorted by sentence, then
        hash: the sentences' term counts, found once per text."""
        firsts = self.sentence_firsts
        content = np.flatnonzero(~self.stopword_mask)
        # Tokens between sentences (none, as sentences cover every word) would map to -1.
        sentence_of = np.searchsorted(firsts, content, side="right") - 1
        return count_pairs(sentence_of, self.stem_hashes[content])

    @cached_property
    def paragraph_of(self) -> np.ndarray:
        """For each token, the number of its paragraph. A paragraph ends at a blank line,
        or at a line break after a sentence's end; in hard-wrapped text, where most line
        breaks fall mid-sentence, only at a blank line."""
        breaks = [m.end() for m in _BLANK_LINE_RE.finditer(self.text)]
        after_sentence, mid_sentence = _line_breaks(self.text)
        if len(after_sentence) >= mid_sentence:
            breaks = sorted(breaks + after_sentence)
        paragraph_of: np.ndarray = np.searchsorted(
            np.array(breaks, dtype=np.int64), self.starts, side="right"
        )
        return paragraph_of

    @cached_property
    def sentence_vocabulary(self) -> SentenceVocabulary:
        """The words of ``sentence_terms`` as a vocabulary, with the sentences holding
        each: sorted once per text, not once per pair it is aligned in."""
        return SentenceVocabulary.of(self.sentence_terms[1])

    @cached_property
    def sentence_of(self) -> np.ndarray:
        """For each token, the number of its sentence in ``sentences``."""
        return np.searchsorted(self.sentence_firsts, np.arange(len(self)), side="right") - 1

    @cached_property
    def sentence_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the first and last (exclusive) token of its sentence."""
        firsts = np.full(len(self), 0, dtype=np.int64)
        lasts = np.full(len(self), len(self), dtype=np.int64)
        for sentence in self.sentences:
            firsts[sentence.first : sentence.last] = sentence.first
            lasts[sentence.first : sentence.last] = sentence.last
        return firsts, lasts


class Shingles(NamedTuple):
    """A text's shingle hashes: ``in_order`` (one per run of words), and ``unique``,
    sorted and distinct."""

    in_order: np.ndarray
    unique: np.ndarray


@dataclass(frozen=True)
class Ngrams:
    """The n-grams of a text's stems that hold at least one content word ("it is a" is
    no evidence of anything) and lie within one paragraph.

    Attributes
    ----------
    positions, hashes : ndarray
        Each such n-gram's first token and its hash, in text order.
    sorted_hashes, sorted_positions : ndarray
        The same, ordered by hash (stable), for lookups from another text.
    repeats : ndarray
        How often each n-gram's hash occurs among them, in text order.
    """

    positions: np.ndarray
    hashes: np.ndarray
    sorted_hashes: np.ndarray
    sorted_positions: np.ndarray
    repeats: np.ndarray

    @classmethod
    def of(cls, tokens: Tokens, n: int) -> Ngrams:
        if len(tokens) < n:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty.astype(np.uint64), empty.astype(np.uint64), empty, empty)
        content = (~tokens.stopword_mask).astype(np.int64)
        has_content = np.convolve(content, np.ones(n, dtype=np.int64), mode="valid") > 0
        # An n-gram across a paragraph break joins the end of one paragraph to the start
        # of the next: "posts. || The four" shared says nothing about the word before
        # a pasted paragraph, which may be the writer's own.
        paragraph_of = tokens.paragraph_of
        one_paragraph = paragraph_of[: len(has_content)] == paragraph_of[n - 1 :]
        positions = np.flatnonzero(has_content & one_paragraph)
        hashes = shingle_hashes(tokens.stem_hashes, n)[positions]
        order = np.argsort(hashes, kind="stable")
        _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
        return cls(positions, hashes, hashes[order], positions[order], counts[inverse])


@dataclass(frozen=True)
class SentenceVocabulary:
    """The distinct terms of a text's sentences (see :attr:`Tokens.sentence_terms`).

    Attributes
    ----------
    terms : ndarray
        The distinct stem hashes, ascending.
    columns : ndarray
        For each entry of ``sentence_terms``, the number of its term in ``terms``.
    sentences : ndarray
        For each term, how many sentences hold it (its entries: one per sentence).
    by_term, term_starts : ndarray
        The entries ordered by term (stable, so by sentence within a term), and where
        each term's entries begin among them.
    """

    terms: np.ndarray
    columns: np.ndarray
    sentences: np.ndarray
    by_term: np.ndarray
    term_starts: np.ndarray

    @classmethod
    def of(cls, hashes: np.ndarray) -> SentenceVocabulary:
        terms, columns, sentences = np.unique(hashes, return_inverse=True, return_counts=True)
        by_term = np.argsort(columns, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sentences)[:-1]]).astype(np.int64)
        return cls(terms, columns.astype(np.int64), sentences.astype(np.int64), by_term, starts)
