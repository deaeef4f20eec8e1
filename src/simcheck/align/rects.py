"""Evidence of copying as token rectangles, the helpers every step shares, and the
tuning constants that more than one step needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tokens import Tokens

# Share of a passage's words that n-gram seeds must cover for it to be called an edited
# copy rather than a paraphrase (and of a sentence, for them to explain it).
EDITED_DENSITY = 0.5
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


@dataclass
class Rect:
    """Token rectangle of evidence: ``[a_first, a_last)`` of a, ``[b_first, b_last)`` of b."""

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


def coverage(length: int, rects: list[Rect], side: str) -> np.ndarray:
    """Which of the ``length`` tokens of side ``"a"`` or ``"b"`` some rectangle covers."""
    covered = np.zeros(length + 1, dtype=np.int64)
    for r in rects:
        first, last = (r.a_first, r.a_last) if side == "a" else (r.b_first, r.b_last)
        covered[first] += 1
        covered[last] -= 1
    return np.cumsum(covered[:-1]) > 0


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
    if whole_last - whole_first >= MIN_OWN_SENTENCE_WORDS and 0 <= b_words < (whole_last - whole_first) / 2:
        return whole_first, whole_last
    return None
