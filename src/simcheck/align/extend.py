"""Step 2, extension: a passage grows over equal words at its ends, to the rest of its
first and last sentences where that rest is mostly the other side's words, and by
neighbouring sentence pairs made of each other's words."""

from __future__ import annotations

import numpy as np

from ..tokens import Tokens
from .rects import MIN_SHARED_SENTENCE_WORDS, Rect, content_stems

# Words between a passage's end and its sentence's end that are taken into the passage.
_SNAP = 3
# Share of the distinct content words of a sentence (or the part of one) left out of a
# passage that must occur in the passage's other side for it to be taken in.
_FOUND_SHARE = 0.5


def extend(rect: Rect, ta: Tokens, tb: Tokens, free: np.ndarray, window: int, reach: int = 3) -> Rect:
    """Grow a passage outwards over equal words that lie just beyond its ends.

    An edit right at a passage's edge ("Nikita Khrushchev, *one* member of ...") leaves
    a few matching words outside every n-gram seed; they belong to the passage. A step
    may skip up to ``reach - 1`` words on either side to reach the next equal content
    word, or take an adjacent equal function word. With ``window`` > 0 the passage then
    grows over stretches of that many words that share most of their words
    (:func:`_grow`).
    """
    stems_a, stems_b, stop_a = ta.stems, tb.stems, ta.stopword_mask
    a_first, a_last, b_first, b_last = rect.a_first, rect.a_last, rect.b_first, rect.b_last

    def equal(i: int, j: int, adjacent: bool) -> bool:
        return stems_a[i] == stems_b[j] and free[i] and (adjacent or not stop_a[i])

    # A word or two is no evidence across a paragraph break: the last word of a
    # writer's own introduction may well equal the word before the source's paragraph.
    def same_paragraphs(i: int, j: int, edge_a: int, edge_b: int) -> bool:
        return _same_paragraph(ta, i, edge_a) and _same_paragraph(tb, j, edge_b)

    while True:  # leftwards
        steps = [
            (di + dj, a_first - di, b_first - dj)
            for di in range(1, reach + 1)
            for dj in range(1, reach + 1)
            if a_first - di >= 0
            and b_first - dj >= 0
            and equal(a_first - di, b_first - dj, di == dj == 1)
            and same_paragraphs(a_first - di, b_first - dj, a_first, b_first)
        ]
        if not steps:
            break
        _, a_first, b_first = min(steps)
    while True:  # rightwards
        steps = [
            (di + dj, a_last + di, b_last + dj)
            for di in range(0, reach)
            for dj in range(0, reach)
            if a_last + di < len(ta)
            and b_last + dj < len(tb)
            and equal(a_last + di, b_last + dj, di == dj == 0)
            and same_paragraphs(a_last + di, b_last + dj, a_last - 1, b_last - 1)
        ]
        if not steps:
            break
        _, i, j = min(steps)
        a_last, b_last = i + 1, j + 1
    if window:
        grown = _grow(Rect(a_first, a_last, b_first, b_last), ta, tb, free, window)
        a_first, a_last, b_first, b_last = grown.a_first, grown.a_last, grown.b_first, grown.b_last
    a_first, a_last = _without_stray_words(ta, a_first, a_last)
    b_first, b_last = _without_stray_words(tb, b_first, b_last)
    # Copying is done sentence by sentence: when both sides stop a few words short of
    # their sentences' ends (the last words edited on both sides), take the whole
    # sentences. Words on one side only ("As we know, ...") are the writer's own.
    a_starts, a_ends = ta.sentence_bounds
    b_starts, b_ends = tb.sentence_bounds
    head_a, head_b = a_first - a_starts[a_first], b_first - b_starts[b_first]
    inside_a = min(a_ends[a_first], a_last) - a_first
    inside_b = min(b_ends[b_first], b_last) - b_first
    if _both_short(head_a, head_b, inside_a, inside_b) and free[a_starts[a_first] : a_first].all():
        a_first, b_first = int(a_starts[a_first]), int(b_starts[b_first])
    tail_a, tail_b = a_ends[a_last - 1] - a_last, b_ends[b_last - 1] - b_last
    inside_a = a_last - max(a_starts[a_last - 1], a_first)
    inside_b = b_last - max(b_starts[b_last - 1], b_first)
    if _both_short(tail_a, tail_b, inside_a, inside_b) and free[a_last : a_ends[a_last - 1]].all():
        a_last, b_last = int(a_ends[a_last - 1]), int(b_ends[b_last - 1])
    rect = _complete_sentences(Rect(a_first, a_last, b_first, b_last), ta, tb, free)
    return _adjacent_sentences(rect, ta, tb, free)


def _without_stray_words(tokens: Tokens, first: int, last: int) -> tuple[int, int]:
    """``[first, last)`` without function words alone across a sentence break at either
    end: a seed that runs on into "The" opening the next sentence on both sides is
    chance, and would draw the rest of that sentence in."""
    starts, ends = tokens.sentence_bounds
    stop = tokens.stopword_mask
    tail = int(starts[last - 1])
    if first < tail and stop[tail:last].all():
        last = tail
    head = int(ends[first])
    if head < last and stop[first:head].all():
        first = head
    return first, last


def _grow(rect: Rect, ta: Tokens, tb: Tokens, free: np.ndarray, window: int) -> Rect:
    """Grow a passage over the words beyond one of its ends while most of their content
    words lie within ``window`` words of the passage on the other side.

    Shuffled copying with words replaced leaves too few phrases intact for n-gram seeds,
    and may move a clause from one sentence to the next, but keeps most words near
    their place. The ``window`` words just beyond a passage on one side then share most
    of their content words with the ``window`` words just before and after it on the
    other side; not with the passage itself, whose words a writer's own comment on the
    copy reuses. The passage takes the longest start of such a stretch that ends on a
    shared word and is mostly shared words, and on the other side the nearest place of
    each shared word. ``window`` is the gap that merging bridges.
    """
    a_first, a_last, b_first, b_last = rect.a_first, rect.a_last, rect.b_first, rect.b_last
    while True:
        a_side = (ta, a_first, a_last, True)
        b_side = (tb, b_first, b_last, False)
        for one, other, a_grows in ((a_side, b_side, True), (b_side, a_side, False)):
            hit = _shared_stretch(*one, *other, free, window)
            if hit is not None:
                (first, last), (other_first, other_last) = hit
                if a_grows:
                    a_first, a_last = min(a_first, first), max(a_last, last)
                    b_first, b_last = min(b_first, other_first), max(b_last, other_last)
                else:
                    b_first, b_last = min(b_first, first), max(b_last, last)
                    a_first, a_last = min(a_first, other_first), max(a_last, other_last)
                break
        else:
            return Rect(a_first, a_last, b_first, b_last)


def _shared_stretch(
    tokens: Tokens,
    first: int,
    last: int,
    is_a: bool,
    other: Tokens,
    other_first: int,
    other_last: int,
    other_is_a: bool,
    free: np.ndarray,
    window: int,
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first stretch beyond ``[first, last)`` of ``tokens`` (after it, else before it)
    that :func:`_grow` takes in: its token range and the range of the other side's
    passage grown to the shared words. Claimed words of ``a`` (``free`` false) stop a
    stretch and are no part of the other side's zone."""
    zone: dict[str, list[int]] = {}
    stems, stop = other.stems, other.stopword_mask
    before = range(other_first - 1, max(-1, other_first - 1 - window), -1)
    after = range(other_last, min(len(other), other_last + window))
    # Growth by shared words stops at a paragraph break: the paragraph beyond it may be
    # the writer's own on the same topic, and these words are too weak to tell.
    for span, edge in ((before, other_first), (after, other_last - 1)):
        for j in span:
            if (other_is_a and not free[j]) or not _same_paragraph(other, j, edge):
                break
            if not stop[j]:
                zone.setdefault(stems[j], []).append(j)

    def nearest(places: list[int]) -> int:
        return min(places, key=lambda j: max(other_first - j, j - other_last + 1))

    stems, stop = tokens.stems, tokens.stopword_mask
    for stretch, edge in (
        (range(last, min(len(tokens), last + window)), last - 1),
        (range(first - 1, max(-1, first - 1 - window), -1), first),
    ):
        seen: set[str] = set()
        common: set[str] = set()
        reached, taken = -1, set()
        for i in stretch:
            if (is_a and not free[i]) or not _same_paragraph(tokens, i, edge):
                break
            if stop[i]:
                continue
            seen.add(stems[i])
            if stems[i] in zone:
                common.add(stems[i])
                if len(common) >= MIN_SHARED_SENTENCE_WORDS and len(common) >= _FOUND_SHARE * len(seen):
                    reached, taken = i, set(common)
        if taken:
            places = [nearest(zone[w]) for w in taken]
            grown = (min(first, reached), max(last, reached + 1))
            return grown, (min(other_first, *places), max(other_last, max(places) + 1))
    return None


def _same_paragraph(tokens: Tokens, i: int, j: int) -> bool:
    return bool(tokens.paragraph_of[i] == tokens.paragraph_of[j])


def _mostly_found(tokens: Tokens, first: int, last: int, other: set[str]) -> bool:
    """Whether tokens ``[first, last)`` hold content words and ``_FOUND_SHARE`` of them
    (distinct stems) are in ``other``."""
    words = content_stems(tokens, first, last)
    return bool(words) and len(words & other) >= _FOUND_SHARE * len(words)


def _complete_sentences(rect: Rect, ta: Tokens, tb: Tokens, free: np.ndarray) -> Rect:
    """Take in the rest of a passage's first and last sentences, side by side, where
    that rest is made of the other side's words.

    Shuffled or reworded copying leaves the words of a sentence's head or tail in place
    but out of order, so no n-gram seed reaches them. The rest of a sentence joins the
    passage when it is no longer than the passage and most of its content words occur
    in the other side's sentences; an aside of the writer's own ("As we know, ...")
    shares none and stays out.
    """
    a_starts, a_ends = ta.sentence_bounds
    b_starts, b_ends = tb.sentence_bounds
    a_first, a_last, b_first, b_last = rect.a_first, rect.a_last, rect.b_first, rect.b_last
    sentence_a0, sentence_a1 = int(a_starts[a_first]), int(a_ends[a_last - 1])
    sentence_b0, sentence_b1 = int(b_starts[b_first]), int(b_ends[b_last - 1])
    words_a = content_stems(ta, sentence_a0, sentence_a1)
    words_b = content_stems(tb, sentence_b0, sentence_b1)
    size_a, size_b = a_last - a_first, b_last - b_first
    if (
        a_first - sentence_a0 <= max(_SNAP, size_a)
        and free[sentence_a0:a_first].all()
        and _mostly_found(ta, sentence_a0, a_first, words_b)
    ):
        a_first = sentence_a0
    if (
        sentence_a1 - a_last <= max(_SNAP, size_a)
        and free[a_last:sentence_a1].all()
        and _mostly_found(ta, a_last, sentence_a1, words_b)
    ):
        a_last = sentence_a1
    if b_first - sentence_b0 <= max(_SNAP, size_b) and _mostly_found(tb, sentence_b0, b_first, words_a):
        b_first = sentence_b0
    if sentence_b1 - b_last <= max(_SNAP, size_b) and _mostly_found(tb, b_last, sentence_b1, words_a):
        b_last = sentence_b1
    return Rect(a_first, a_last, b_first, b_last)


def _adjacent_sentences(rect: Rect, ta: Tokens, tb: Tokens, free: np.ndarray) -> Rect:
    """Take in the sentences just before and just after a passage, as a pair.

    When a passage starts at sentence starts on both sides, the two sentences before
    it join when each is no longer than the passage and most of the content words of
    each occur in the other side (the passage and its new sentence); the same after
    it, repeatedly. Both sentences must qualify: one side's neighbour alone is the
    surrounding topic, not copying.
    """
    a_starts, a_ends = ta.sentence_bounds
    b_starts, b_ends = tb.sentence_bounds
    a_first, a_last, b_first, b_last = rect.a_first, rect.a_last, rect.b_first, rect.b_last

    def pair_joins(new_a: tuple[int, int], new_b: tuple[int, int], grown: Rect) -> bool:
        # new_a, new_b: the two sentences; grown: the passage with them taken in.
        return (
            new_a[1] - new_a[0] <= a_last - a_first
            and new_b[1] - new_b[0] <= b_last - b_first
            and bool(free[new_a[0] : new_a[1]].all())
            and _mostly_found(ta, *new_a, content_stems(tb, grown.b_first, grown.b_last))
            and _mostly_found(tb, *new_b, content_stems(ta, grown.a_first, grown.a_last))
        )

    grown = True
    while grown:
        grown = False
        if 0 < a_first == a_starts[a_first] and 0 < b_first == b_starts[b_first]:
            before_a, before_b = int(a_starts[a_first - 1]), int(b_starts[b_first - 1])
            if pair_joins((before_a, a_first), (before_b, b_first), Rect(before_a, a_last, before_b, b_last)):
                a_first, b_first, grown = before_a, before_b, True
        ends_a = a_last < len(ta) and a_last == a_ends[a_last - 1]
        if ends_a and b_last < len(tb) and b_last == b_ends[b_last - 1]:
            after_a, after_b = int(a_ends[a_last]), int(b_ends[b_last])
            if pair_joins((a_last, after_a), (b_last, after_b), Rect(a_first, after_a, b_first, after_b)):
                a_last, b_last, grown = after_a, after_b, True
    return Rect(a_first, a_last, b_first, b_last)


def _both_short(gap_a: int, gap_b: int, inside_a: int, inside_b: int) -> bool:
    """Whether both sides leave out a part of their sentence no longer than a few words
    or than the part already inside the passage."""
    return 1 <= gap_a <= max(_SNAP, inside_a) and 1 <= gap_b <= max(_SNAP, inside_b)
