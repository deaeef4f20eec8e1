"""Evidence of copying as token rectangles, the helpers every step shares, and the
tuning constants that more than one step needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tokens import Tokens

# Share of a passage's words that n-gram seeds must cover for it to be called an edited
# copy rather than a paraphrase (and of a sentence, for them to explain it).
EDITED_DENSITY = 0.5
# Share of a passage's words that seeds must cover for it to count as evidence (and of
# a sentence, for it to be no sentence of the writer's own: see merge.split_at_own_text).
MIN_DENSITY = 0.3
# Content words two sentences must share to seed a paraphrase passage.
MIN_SHARED_SENTENCE_WORDS = 3
# An exact copy this many words long (about two sentences) is a block copied whole, such
# as a pasted paragraph, not a phrase moved by rewording: it is a passage of its own.
BLOCK_WORDS = 32
# Words of whole sentences between two pieces of a passage that may be the writer's own:
# "Yes." between two copied sentences is too little to tell.
MIN_OWN_SENTENCE_WORDS = 5
# Share of a passage's length that may separate it from the next piece of evidence.
_GAP_RATIO = 2.0


@dataclass(slots=True)
class Rect:
    """Token rectangle of evidence: ``[a_first, a_last)`` of a, ``[b_first, b_last)`` of b.

    Slotted: a text that repeats a source's paragraph has a seed for each of its words.
    """

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    sentence: bool = False
    repeated: bool = False
    weak: bool = False

    def absorb(self, other: Rect) -> None:
        self.a_first = min(self.a_first, other.a_first)
        self.a_last = max(self.a_last, other.a_last)
        self.b_first = min(self.b_first, other.b_first)
        self.b_last = max(self.b_last, other.b_last)

    @property
    def size(self) -> int:
        return self.a_last - self.a_first

    def reach(self, gap: int) -> int:
        """The gap this rectangle bridges: ``gap``, or more for a large passage."""
        return max(gap, int(_GAP_RATIO * self.size))

    def gaps(self, other: Rect) -> tuple[int, int]:
        """Words between the two rectangles in a and in b (0 where they overlap)."""
        a_gap = max(other.a_first - self.a_last, self.a_first - other.a_last, 0)
        b_gap = max(other.b_first - self.b_last, self.b_first - other.b_last, 0)
        return a_gap, b_gap

    def distance(self, other: Rect) -> int:
        """Words between the two rectangles on the side where they are further apart."""
        return max(self.gaps(other))


@dataclass
class Group:
    """Merged evidence: the bounding rectangle and the seeds inside it."""

    rect: Rect
    members: list[Rect]


def bounding(members: list[Rect]) -> Rect:
    """The smallest rectangle holding all of ``members`` (a plain one: no seed flags)."""
    return Rect(
        min(m.a_first for m in members),
        max(m.a_last for m in members),
        min(m.b_first for m in members),
        max(m.b_last for m in members),
    )


@dataclass(frozen=True)
class Seeds:
    """Shared n-grams as arrays, before any becomes a :class:`Rect`: the n-gram of ``a``
    at ``a_first`` is the one of ``b`` at ``b_first``, each ``size`` words long, in the
    order of ``a_first``, then ``b_first``. A long text has many that can make no passage
    (:func:`~simcheck.align.merge.worth_merging`); they never become objects."""

    a_first: np.ndarray
    b_first: np.ndarray
    size: int
    repeated: np.ndarray
    weak: np.ndarray

    def __len__(self) -> int:
        return int(self.a_first.shape[0])

    @property
    def a_last(self) -> np.ndarray:
        last: np.ndarray = self.a_first + self.size
        return last

    @property
    def b_last(self) -> np.ndarray:
        last: np.ndarray = self.b_first + self.size
        return last

    def firm(self) -> Seeds:
        """The seeds that are evidence on their own: not the topic's stock phrases."""
        keep = ~self.weak
        return Seeds(self.a_first[keep], self.b_first[keep], self.size, self.repeated[keep], self.weak[keep])

    def rects(self, keep: np.ndarray | None = None) -> list[Rect]:
        """The seeds (those ``keep`` marks) as rectangles, in order."""
        chosen = np.arange(len(self)) if keep is None else np.flatnonzero(keep)
        n = self.size
        return [
            Rect(i, i + n, j, j + n, repeated=again, weak=stock)
            for i, j, again, stock in zip(
                self.a_first[chosen].tolist(),
                self.b_first[chosen].tolist(),
                self.repeated[chosen].tolist(),
                self.weak[chosen].tolist(),
            )
        ]


def covered(length: int, firsts: np.ndarray, lasts: np.ndarray) -> np.ndarray:
    """Which of ``length`` tokens lie inside some ``[firsts[k], lasts[k])``."""
    starts = np.bincount(firsts, minlength=length + 1)
    ends = np.bincount(lasts, minlength=length + 1)
    inside: np.ndarray = np.cumsum((starts - ends)[:length]) > 0
    return inside


def covered_from(length: int, firsts: np.ndarray, size: int) -> np.ndarray:
    """:func:`covered` for spans all ``size`` long (n-grams, inside the text): the
    starts marked and widened, without the counts a long text's millions of seeds need."""
    starts = np.zeros(length, dtype=bool)
    starts[firsts] = True
    inside = starts.copy()
    for shift in range(1, size):
        inside[shift:] |= starts[:-shift]
    return inside


def packed(covered: int, span: int) -> bool:
    """Whether shared phrases covering ``covered`` of a stretch of ``span`` words of a,
    however common their words, make an edited or reworded copy: at least
    ``BLOCK_WORDS`` words, and at least ``EDITED_DENSITY`` of the stretch. Two essays on
    one topic share a few stock phrases ("at the end of the war"); a paragraph's worth
    packed into one stretch is no chance, as a long run copied word for word is none.

    >>> packed(40, 60), packed(40, 100), packed(20, 30)
    (True, False, False)
    """
    return covered >= BLOCK_WORDS and covered >= EDITED_DENSITY * span


def coverage(length: int, rects: list[Rect], side: str) -> np.ndarray:
    """Which of the ``length`` tokens of side ``"a"`` or ``"b"`` some rectangle covers."""
    # Marked span by span: the rectangles are few (sentence seeds), the text may be long.
    inside = np.zeros(length, dtype=bool)
    for r in rects:
        if side == "a":
            inside[r.a_first : r.a_last] = True
        else:
            inside[r.b_first : r.b_last] = True
    return inside


def content_stems(tokens: Tokens, first: int, last: int) -> set[str]:
    """The distinct stems of the content (non-stop) words among tokens ``[first, last)``."""
    stems, stop = tokens.stems, tokens.stopword_mask
    return {stems[i] for i in range(first, last) if not stop[i]}


def own_words(ta: Tokens, start: int, end: int, b_words: int, gap: int) -> tuple[int, int] | None:
    """The writer's own text in ``[start, end)`` of ``a``, words between two pieces of
    evidence that ``b`` has ``b_words`` between: the span of the whole paragraphs there
    if they are more than ``gap`` words long (a paragraph of one's own between two pasted
    ones, whatever ``b`` has between them), else of the whole sentences there if they
    are ``MIN_OWN_SENTENCE_WORDS`` or more and ``b`` has less than half as many words (a
    sentence the writer added where the source runs on). An edited sentence leaves a
    gap on both sides and is no one's own."""
    paragraph_of = ta.paragraph_of
    # Tokens that open a paragraph, from the run's first to the token after it.
    opening = [
        i for i in range(max(start, 1), min(end + 1, len(ta))) if paragraph_of[i] != paragraph_of[i - 1]
    ]
    if start == 0:
        opening.insert(0, 0)
    if end == len(ta):
        opening.append(end)
    if len(opening) >= 2 and opening[-1] - opening[0] > gap:
        return opening[0], opening[-1]
    sentence_firsts, sentence_lasts = ta.sentence_bounds
    whole_first = start if sentence_firsts[start] == start else int(sentence_lasts[start])
    whole_last = end if end == len(ta) or sentence_firsts[end] == end else int(sentence_firsts[end])
    if whole_last - whole_first >= MIN_OWN_SENTENCE_WORDS and added_where_source_runs_on(
        whole_last - whole_first, b_words
    ):
        return whole_first, whole_last
    return None


def added_where_source_runs_on(words: int, b_words: int) -> bool:
    """Whether ``words`` of a stand where the source has ``b_words``, fewer than half as
    many: a sentence the writer added, not one they rewrote."""
    return 0 <= b_words < words / 2
