"""Text alignment of one document pair: which passages of ``a`` come from ``b``.

Seed, extend, filter, in the manner of the PAN text-alignment systems:

1. **Seeds.** Shared word n-grams of stems (verbatim and edited copying), and sentence
   pairs whose TF-IDF cosine and stem Dice are both high (paraphrase).
2. **Extension.** Seeds close to each other on *both* sides (within ``max_gap`` words)
   are merged into rectangles ``[a_first, a_last) x [b_first, b_last)`` of tokens,
   repeatedly, until nothing more merges. A passage then grows over equal words at its
   ends, to the rest of its first and last sentences where that rest is mostly the
   other side's words, and by neighbouring sentence pairs made of each other's words.
3. **Filtering.** Passages shorter than ``min_words`` or too thin in evidence are
   dropped; passages overlapping in ``a`` keep only the better supported one.

The aligner is a pure function of two texts and a :class:`~simcheck.config.CheckConfig`,
so any worker can call it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby

import numpy as np
from scipy import sparse

from .config import CheckConfig
from .fingerprint import shingle_hashes
from .models import Passage
from .tokens import Tokens

# Share of a passage's words that seeds must cover for it to count as evidence, and
# above which it is called an edited copy rather than a paraphrase.
_MIN_DENSITY = 0.3
_EDITED_DENSITY = 0.5
# Share of a passage's length that may separate it from the next piece of evidence.
_GAP_RATIO = 2.0
# Share of a passage joined across such a gap that must be evidence.
_JOIN_DENSITY = 0.5
# Shortest piece of evidence (words, both sides) kept for joining into a passage.
_PIECE_WORDS = 10
# A run of passages side by side in a is a summary when their source stretch in b is at
# least this many times longer (a summary condenses).
_SUMMARY_RATIO = 2.0
# Summary pieces may lie this many max_gaps apart in a (about two sentences).
_SUMMARY_GAPS = 3
# Strong sentence seeds a passage with no shared phrase needs.
_MIN_SENTENCE_SEEDS = 2
# Content words two sentences must share to seed a paraphrase passage.
_MIN_SHARED_SENTENCE_WORDS = 3
# Sentence seeds this similar (Sanchez-Perez, Sidorov and Gelbukh, PAN 2014) that are
# each other's best match join a passage that stronger evidence makes, never make one.
_WEAK_COSINE = 0.33
_WEAK_DICE = 0.33
# Words between a passage's end and its sentence's end that are taken into the passage.
_SNAP = 3
# An n-gram more frequent than this on either side is a stock phrase, not evidence.
_MAX_SEED_REPEATS = 8
# An exact copy this many words long (about two sentences) is a block copied whole, such
# as a pasted paragraph, not a phrase moved by rewording: it is a passage of its own.
_BLOCK_WORDS = 32
# Share of the distinct content words of a sentence (or the part of one) left out of a
# passage that must occur in the passage's other side for it to be taken in.
_FOUND_SHARE = 0.5


@dataclass
class _Rect:
    """Token rectangle of evidence: ``[a_first, a_last)`` of a, ``[b_first, b_last)`` of b."""

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    sentence: bool = False
    repeated: bool = False
    weak: bool = False

    def absorb(self, other: _Rect) -> None:
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

    def gaps(self, other: _Rect) -> tuple[int, int]:
        """Words between the two rectangles in a and in b (0 where they overlap)."""
        a_gap = max(other.a_first - self.a_last, self.a_first - other.a_last, 0)
        b_gap = max(other.b_first - self.b_last, self.b_first - other.b_last, 0)
        return a_gap, b_gap

    def distance(self, other: _Rect) -> int:
        """Words between the two rectangles on the side where they are further apart."""
        return max(self.gaps(other))


def _ngram_seeds(ta: Tokens, tb: Tokens, n: int) -> list[_Rect]:
    """Every shared n-gram of stems that is not made of function words alone."""
    if len(ta) < n or len(tb) < n:
        return []
    ha = shingle_hashes(ta.stem_hashes, n)
    hb = shingle_hashes(tb.stem_hashes, n)
    # An n-gram made only of stop words ("it is a") is no evidence.
    content_a = _any_content(ta.stopword_mask, n)
    content_b = _any_content(tb.stopword_mask, n)
    ha_idx = np.flatnonzero(content_a)
    hb_idx = np.flatnonzero(content_b)
    order = np.argsort(hb[hb_idx], kind="stable")
    hb_sorted = hb[hb_idx][order]
    hb_pos = hb_idx[order]
    lo = np.searchsorted(hb_sorted, ha[ha_idx], side="left")
    hi = np.searchsorted(hb_sorted, ha[ha_idx], side="right")
    counts = hi - lo
    _, inverse, counts_a = np.unique(ha[ha_idx], return_inverse=True, return_counts=True)
    repeated = (counts > 1) | (counts_a[inverse] > 1)
    keep = (counts > 0) & (counts <= _MAX_SEED_REPEATS)
    seeds: list[_Rect] = []
    for i, start, stop, again in zip(
        ha_idx[keep].tolist(), lo[keep].tolist(), hi[keep].tolist(), repeated[keep].tolist()
    ):
        for j in hb_pos[start:stop].tolist():
            seeds.append(_Rect(i, i + n, j, j + n, repeated=again))
    return seeds


def _any_content(stop_mask: np.ndarray, n: int) -> np.ndarray:
    content = (~stop_mask).astype(np.int64)
    window_sums = np.convolve(content, np.ones(n, dtype=np.int64), mode="valid")
    return window_sums > 0


def _sentence_term_counts(tokens: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sentence, term hash, count) of every content word, sentence by sentence."""
    firsts = np.array([s.first for s in tokens.sentences], dtype=np.int64)
    content = np.flatnonzero(~tokens.stopword_mask)
    # Tokens between sentences (none, as sentences cover every word) would map to -1.
    sentence_of = np.searchsorted(firsts, content, side="right") - 1
    hashes = tokens.stem_hashes[content]
    pairs = np.stack([sentence_of.astype(np.uint64), hashes])
    unique, counts = np.unique(pairs, axis=1, return_counts=True)
    return unique[0].astype(np.int64), unique[1], counts


def _sentence_seeds(ta: Tokens, tb: Tokens, config: CheckConfig) -> list[_Rect]:
    """Sentence pairs similar enough in content words to be a paraphrase of each other."""
    sa, sb = ta.sentences, tb.sentences
    if not sa or not sb:
        return []
    rows_a, terms_a, counts_a = _sentence_term_counts(ta)
    rows_b, terms_b, counts_b = _sentence_term_counts(tb)
    if terms_a.shape[0] == 0 or terms_b.shape[0] == 0:
        return []
    vocabulary, columns = np.unique(np.concatenate([terms_a, terms_b]), return_inverse=True)
    counts = sparse.csr_matrix(
        (
            np.concatenate([counts_a, counts_b]).astype(np.float64),
            (np.concatenate([rows_a, rows_b + len(sa)]), columns),
        ),
        shape=(len(sa) + len(sb), vocabulary.shape[0]),
    )
    # IDF over the sentences of both texts (tf-isf): words common in the pair weigh less.
    from sklearn.feature_extraction.text import TfidfTransformer  # a second to import: when needed

    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    cosine = (matrix[: len(sa)] @ matrix[len(sa) :].T).tocoo()
    if cosine.nnz == 0:
        return []
    # A sentence of b is the source of at most one sentence of a (its closest): a
    # summary condenses several sentences of b into one of a, never the reverse, and
    # one source sentence paired with four similar ones would swell a passage.
    best_for_b = np.zeros(len(sb))
    np.maximum.at(best_for_b, cosine.col, cosine.data)
    best_for_a = np.zeros(len(sa))
    np.maximum.at(best_for_a, cosine.row, cosine.data)
    strong = cosine.data >= config.sentence_cosine
    mutual = cosine.data >= best_for_a[cosine.row]
    weak_cosine = min(_WEAK_COSINE, config.sentence_cosine)
    weak = (cosine.data >= weak_cosine) & mutual
    keep = np.flatnonzero((weak | strong) & (cosine.data >= best_for_b[cosine.col]))
    # Equally close sentences of a (a sentence a text repeats) tie for one of b: the
    # one nearest the same place in its text is taken, so each keeps one.
    place = np.abs(cosine.row[keep] / len(sa) - cosine.col[keep] / len(sb))
    order = np.lexsort((place, cosine.col[keep]))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = cosine.col[keep][order][1:] != cosine.col[keep][order][:-1]
    keep = np.sort(keep[order[first]])
    strong, weak = strong[keep], weak[keep]
    pick_a, pick_b = cosine.row[keep], cosine.col[keep]
    if pick_a.shape[0] == 0:
        return []
    present = counts.copy()
    present.data[:] = 1.0
    sizes = np.asarray(present.sum(axis=1)).ravel()
    shared = np.asarray(present[pick_a].multiply(present[pick_b + len(sa)]).sum(axis=1)).ravel()
    dice = 2 * shared / (sizes[pick_a] + sizes[pick_b + len(sa)])
    # Two shared words ("The U.S.", "Whale Watching") are a topic, not a paraphrase,
    # however high the cosine of such short sentences.
    strong &= dice >= config.sentence_dice
    # A weak seed is always a mutual best match, also when its cosine was strong but
    # its Dice was not.
    weak &= dice >= min(_WEAK_DICE, config.sentence_dice)
    good = (shared >= _MIN_SHARED_SENTENCE_WORDS) & (strong | weak)
    return [
        _Rect(sa[i].first, sa[i].last, sb[j].first, sb[j].last, sentence=True, weak=not firm)
        for i, j, firm in zip(pick_a[good].tolist(), pick_b[good].tolist(), strong[good].tolist())
    ]


@dataclass
class _Group:
    """Merged evidence: the bounding rectangle and the seeds inside it."""

    rect: _Rect
    members: list[_Rect]


def _merge(rects: list[_Rect], gap: int, evidence_a: np.ndarray) -> list[_Group]:
    """Merge rectangles of evidence into passages.

    Two rectangles merge when they lie within ``gap`` words of each other on both
    sides. Large blocks may lie further apart, up to ``_GAP_RATIO`` times the smaller
    one (an obfuscated sentence between two copied ones), but only while the merged
    passage stays mostly evidence: two copied paragraphs with the writer's own text
    between them stay two passages. Nor do two exact copies of ``_BLOCK_WORDS`` or more
    join across a gap on one side only: two pasted paragraphs that the source has
    apart are two passages.
    """
    prefix = np.concatenate([[0], np.cumsum(evidence_a, dtype=np.int64)])

    def joinable(one: _Group, two: _Group) -> bool:
        a_gap, b_gap = one.rect.gaps(two.rect)
        distance = max(a_gap, b_gap)
        if distance <= gap:
            return True
        if distance > min(one.rect.reach(gap), two.rect.reach(gap)):
            return False
        # An obfuscated sentence leaves a gap on both sides; skipped or added text, on one.
        one_sided = distance - min(a_gap, b_gap) > max(gap, min(a_gap, b_gap))
        if one_sided and min(one.rect.size, two.rect.size) >= _BLOCK_WORDS and _exact(one) and _exact(two):
            return False
        first, last = min(one.rect.a_first, two.rect.a_first), max(one.rect.a_last, two.rect.a_last)
        return bool(prefix[last] - prefix[first] >= _JOIN_DENSITY * (last - first))

    groups = [_Group(_Rect(r.a_first, r.a_last, r.b_first, r.b_last), [r]) for r in rects]
    while True:
        groups.sort(key=lambda g: (g.rect.a_first, g.rect.b_first))
        merged: list[_Group] = []
        active: list[_Group] = []
        for group in groups:
            rect = group.rect
            active = [g for g in active if g.rect.a_last + g.rect.reach(gap) >= rect.a_first]
            target: _Group | None = None
            best = 0
            for other in active:
                if joinable(other, group):
                    distance = abs(rect.b_first - other.rect.b_last)
                    if target is None or distance < best:
                        target, best = other, distance
            if target is None:
                merged.append(group)
                active.append(group)
            else:
                target.rect.absorb(rect)
                target.members.extend(group.members)
        if len(merged) == len(groups):
            return merged
        groups = merged


def _exact(group: _Group) -> bool:
    """Whether the phrases the group shares only once all lie on one diagonal, as an
    unedited copy's do (an edit shifts the diagonal)."""
    offsets = [m.b_first - m.a_first for m in group.members if not m.repeated and not m.sentence]
    return len(offsets) >= 2 and len(set(offsets)) == 1


def _bounding(members: list[_Rect]) -> _Rect:
    return _Rect(
        min(m.a_first for m in members),
        max(m.a_last for m in members),
        min(m.b_first for m in members),
        max(m.b_last for m in members),
    )


def _unexplained(sentence_seeds: list[_Rect], word_seeds: list[_Rect], ta: Tokens, tb: Tokens) -> list[_Rect]:
    """Sentence seeds for sentences that shared n-grams do not already explain.

    Where n-grams cover most of a sentence, they say exactly where it came from: a
    sentence seed there either agrees (and would only widen the boundaries to words
    that were not copied) or points somewhere else on topic alone. Sentence seeds are
    for the sentences that n-grams cannot see: paraphrase. A shared phrase inside the
    two sentences counts as one shared word: "information retrieval system" and "use"
    are a term and a word in common, the topic, not three words of a paraphrase.
    """
    covered_a = _coverage(len(ta), word_seeds, "a")
    covered_b = _coverage(len(tb), word_seeds, "b")
    candidates = [
        s
        for s in sentence_seeds
        if covered_a[s.a_first : s.a_last].mean() < _EDITED_DENSITY
        and covered_b[s.b_first : s.b_last].mean() < _EDITED_DENSITY
    ]
    if not candidates or not word_seeds:
        return candidates
    by_a = sorted(word_seeds, key=lambda r: r.a_first)
    firsts = [r.a_first for r in by_a]
    kept = []
    for s in candidates:
        shared = _content_stems(ta, s.a_first, s.a_last) & _content_stems(tb, s.b_first, s.b_last)
        inside = [
            r
            for r in by_a[bisect_left(firsts, s.a_first) : bisect_left(firsts, s.a_last)]
            if r.a_last <= s.a_last and s.b_first <= r.b_first and r.b_last <= s.b_last
        ]
        # Overlapping seeds make one phrase; its shared content words count once.
        phrases: list[set[str]] = []
        run_last = -1
        for r in inside:
            words = _content_stems(ta, r.a_first, r.a_last) & shared
            if r.a_first < run_last and phrases:
                phrases[-1] |= words
            else:
                phrases.append(words)
            run_last = max(run_last, r.a_last)
        in_phrases: set[str] = set().union(*phrases)
        if len(shared - in_phrases) + sum(1 for p in phrases if p) >= _MIN_SHARED_SENTENCE_WORDS:
            kept.append(s)
    return kept


def _extend(rect: _Rect, ta: Tokens, tb: Tokens, free: np.ndarray, window: int, reach: int = 3) -> _Rect:
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

    while True:  # leftwards
        steps = [
            (di + dj, a_first - di, b_first - dj)
            for di in range(1, reach + 1)
            for dj in range(1, reach + 1)
            if a_first - di >= 0 and b_first - dj >= 0 and equal(a_first - di, b_first - dj, di == dj == 1)
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
        ]
        if not steps:
            break
        _, i, j = min(steps)
        a_last, b_last = i + 1, j + 1
    if window:
        grown = _grow(_Rect(a_first, a_last, b_first, b_last), ta, tb, free, window)
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
    rect = _complete_sentences(_Rect(a_first, a_last, b_first, b_last), ta, tb, free)
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


def _grow(rect: _Rect, ta: Tokens, tb: Tokens, free: np.ndarray, window: int) -> _Rect:
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
            return _Rect(a_first, a_last, b_first, b_last)


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
    for span in (before, after):
        for j in span:
            if other_is_a and not free[j]:
                break
            if not stop[j]:
                zone.setdefault(stems[j], []).append(j)

    def nearest(places: list[int]) -> int:
        return min(places, key=lambda j: max(other_first - j, j - other_last + 1))

    stems, stop = tokens.stems, tokens.stopword_mask
    for stretch in (
        range(last, min(len(tokens), last + window)),
        range(first - 1, max(-1, first - 1 - window), -1),
    ):
        seen: set[str] = set()
        common: set[str] = set()
        reached, taken = -1, set()
        for i in stretch:
            if is_a and not free[i]:
                break
            if stop[i]:
                continue
            seen.add(stems[i])
            if stems[i] in zone:
                common.add(stems[i])
                if len(common) >= _MIN_SHARED_SENTENCE_WORDS and len(common) >= _FOUND_SHARE * len(seen):
                    reached, taken = i, set(common)
        if taken:
            places = [nearest(zone[w]) for w in taken]
            grown = (min(first, reached), max(last, reached + 1))
            return grown, (min(other_first, *places), max(other_last, max(places) + 1))
    return None


def _content_stems(tokens: Tokens, first: int, last: int) -> set[str]:
    stems, stop = tokens.stems, tokens.stopword_mask
    return {stems[i] for i in range(first, last) if not stop[i]}


def _mostly_found(tokens: Tokens, first: int, last: int, other: set[str]) -> bool:
    """Whether tokens ``[first, last)`` hold content words and ``_FOUND_SHARE`` of them
    (distinct stems) are in ``other``."""
    words = _content_stems(tokens, first, last)
    return bool(words) and len(words & other) >= _FOUND_SHARE * len(words)


def _complete_sentences(rect: _Rect, ta: Tokens, tb: Tokens, free: np.ndarray) -> _Rect:
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
    words_a = _content_stems(ta, sentence_a0, sentence_a1)
    words_b = _content_stems(tb, sentence_b0, sentence_b1)
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
    return _Rect(a_first, a_last, b_first, b_last)


def _adjacent_sentences(rect: _Rect, ta: Tokens, tb: Tokens, free: np.ndarray) -> _Rect:
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

    def pair_joins(new_a: tuple[int, int], new_b: tuple[int, int], grown: _Rect) -> bool:
        # new_a, new_b: the two sentences; grown: the passage with them taken in.
        return (
            new_a[1] - new_a[0] <= a_last - a_first
            and new_b[1] - new_b[0] <= b_last - b_first
            and bool(free[new_a[0] : new_a[1]].all())
            and _mostly_found(ta, *new_a, _content_stems(tb, grown.b_first, grown.b_last))
            and _mostly_found(tb, *new_b, _content_stems(ta, grown.a_first, grown.a_last))
        )

    grown = True
    while grown:
        grown = False
        if 0 < a_first == a_starts[a_first] and 0 < b_first == b_starts[b_first]:
            before_a, before_b = int(a_starts[a_first - 1]), int(b_starts[b_first - 1])
            if pair_joins(
                (before_a, a_first), (before_b, b_first), _Rect(before_a, a_last, before_b, b_last)
            ):
                a_first, b_first, grown = before_a, before_b, True
        ends_a = a_last < len(ta) and a_last == a_ends[a_last - 1]
        if ends_a and b_last < len(tb) and b_last == b_ends[b_last - 1]:
            after_a, after_b = int(a_ends[a_last]), int(b_ends[b_last])
            if pair_joins((a_last, after_a), (b_last, after_b), _Rect(a_first, after_a, b_first, after_b)):
                a_last, b_last, grown = after_a, after_b, True
    return _Rect(a_first, a_last, b_first, b_last)


def _both_short(gap_a: int, gap_b: int, inside_a: int, inside_b: int) -> bool:
    """Whether both sides leave out a part of their sentence no longer than a few words
    or than the part already inside the passage."""
    return 1 <= gap_a <= max(_SNAP, inside_a) and 1 <= gap_b <= max(_SNAP, inside_b)


def _core(group: _Group, gap: int) -> _Group:
    """Keep repeated-phrase seeds only where they continue the unique matches' diagonal.

    A phrase found several times on a side ("the Holiday Inn Anaheim Resort") pairs
    with every occurrence on the other. Seeds that pair up uniquely show where ``a``
    lines up with ``b``; a repeated seed is kept when its ``b`` position is within
    ``gap`` words of where the nearest unique seed's offset puts it, so the other
    pairings cannot stretch the passage to wherever the phrase recurs. Of the pairings
    of one place in ``a``, only the nearest is kept: a phrase ending a copied paragraph
    and opening the next pairs with both, and was copied from one. Where every phrase
    recurs, the longest chain of seeds in order on both sides stands in for the unique
    ones.
    """
    repeated = [m for m in group.members if m.repeated]
    anchors = sorted((m for m in group.members if not m.repeated and not m.sentence), key=lambda m: m.a_first)
    if not repeated:
        return group
    if not anchors:
        # A source holding the same text twice: without the chain, the passage's
        # source side would span both copies.
        anchors = _colinear(repeated)
    firsts = np.array([m.a_first for m in anchors])
    offsets = np.array([m.b_first - m.a_first for m in anchors])
    kept = [m for m in group.members if not m.repeated]
    closest: dict[int, tuple[int, list[_Rect]]] = {}
    for member in repeated:
        at = int(np.searchsorted(firsts, member.a_first))
        neighbours = [k for k in (at - 1, at) if 0 <= k < len(anchors)]
        nearest = min(neighbours, key=lambda k: abs(int(firsts[k]) - member.a_first))
        drift = abs(member.b_first - member.a_first - int(offsets[nearest]))
        if drift <= gap:
            best, members = closest.get(member.a_first, (drift, []))
            if drift < best:
                closest[member.a_first] = (drift, [member])
            elif drift == best:
                closest[member.a_first] = (drift, members + [member])
    kept += [m for _, members in closest.values() for m in members]
    return _Group(_bounding(kept), kept)


def _colinear(seeds: list[_Rect]) -> list[_Rect]:
    """The longest chain of ``seeds`` that runs forwards on both sides (``a`` strictly,
    ``b`` never backwards), found as a longest non-decreasing subsequence."""
    # By a, and at one place of a by b descending, so a chain takes one seed per place.
    ordered = sorted(seeds, key=lambda s: (s.a_first, -s.b_first))
    tails: list[int] = []  # tails[k]: b of the smallest end of a chain of k + 1 seeds
    ends: list[int] = []  # ends[k]: index in ordered of that seed
    before = [-1] * len(ordered)
    for index, seed in enumerate(ordered):
        length = bisect_right(tails, seed.b_first)
        before[index] = ends[length - 1] if length else -1
        if length == len(tails):
            tails.append(seed.b_first)
            ends.append(index)
        else:
            tails[length], ends[length] = seed.b_first, index
    chain = []
    at = ends[-1] if ends else -1
    while at >= 0:
        chain.append(ordered[at])
        at = before[at]
    return chain[::-1]


def _corroborated(group: _Group) -> bool:
    """One similar sentence pair may be the topic speaking; a paraphrase is a run of
    them, or rewritten sentences beside shared phrases."""
    members = [m for m in group.members if not m.weak]
    return not all(m.sentence for m in members) or len(members) >= _MIN_SENTENCE_SEEDS


def _trim(group: _Group, free: np.ndarray) -> _Group | None:
    """The group's longest stretch of ``a`` not yet claimed by a better passage, with the
    seeds inside that stretch (and their ``b`` range)."""
    window = free[group.rect.a_first : group.rect.a_last]
    if window.all():
        return group
    best_first, best_len, run_first = 0, 0, None
    for offset, is_free in enumerate(np.append(window, False).tolist()):
        if is_free and run_first is None:
            run_first = offset
        elif not is_free and run_first is not None:
            if offset - run_first > best_len:
                best_first, best_len = run_first, offset - run_first
            run_first = None
    a_first = group.rect.a_first + best_first
    a_last = a_first + best_len
    inside = [m for m in group.members if m.a_first >= a_first and m.a_last <= a_last]
    return _Group(_bounding(inside), inside) if inside else None


def _coverage(length: int, rects: list[_Rect], side: str) -> np.ndarray:
    covered = np.zeros(length + 1, dtype=np.int64)
    for r in rects:
        first, last = (r.a_first, r.a_last) if side == "a" else (r.b_first, r.b_last)
        covered[first] += 1
        covered[last] -= 1
    return np.cumsum(covered[:-1]) > 0


def _dice(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def _passage_end(tokens: Tokens, last: int) -> int:
    """Character end of tokens ending at ``last``, with the sentence's closing punctuation
    when the passage ends where its sentence does."""
    if tokens.sentence_bounds[1][last - 1] == last:
        sentence = tokens.sentences[int(tokens.sentence_of[last - 1])]
        return sentence.end
    return int(tokens.ends[last - 1])


def align_tokens(ta: Tokens, tb: Tokens, config: CheckConfig | None = None) -> list[Passage]:
    """Align two tokenised texts; see :func:`align_passages`."""
    config = config or CheckConfig()
    word_seeds = _ngram_seeds(ta, tb, config.seed_size)
    sentence_seeds = _unexplained(_sentence_seeds(ta, tb, config), word_seeds, ta, tb)
    if not word_seeds and not sentence_seeds:
        return []
    evidence_a = _coverage(len(ta), word_seeds + sentence_seeds, "a")
    word_evidence_a = _coverage(len(ta), word_seeds, "a")
    # Evidence is judged in pieces of _PIECE_WORDS, whatever the reporting threshold:
    # min_words only filters the passages finally reported, so raising it never hides
    # a long passage that a lower setting reports.
    piece_words = min(config.min_words, _PIECE_WORDS)
    min_content = (piece_words + 1) // 2

    firm_a = _coverage(len(ta), word_seeds + [s for s in sentence_seeds if not s.weak], "a")

    def supported(rect: _Rect, weak: bool = True) -> bool:
        evidence = evidence_a if weak else firm_a
        if float(evidence[rect.a_first : rect.a_last].mean()) < _MIN_DENSITY:
            return False
        # Shared function words and one shared noun ("in the north") are chance, not
        # copying: ask for several shared content words.
        # Distinct words: "the Nile Basin Initiative" repeated on both sides is one
        # phrase, however many times it pairs up.
        content = evidence[rect.a_first : rect.a_last] & ~ta.stopword_mask[rect.a_first : rect.a_last]
        offsets = np.flatnonzero(content) + rect.a_first
        stems = ta.stems
        return len({stems[i] for i in offsets.tolist()}) >= min_content

    def anchored(group: _Group) -> bool:
        # Weak sentence seeds only extend a piece that the other evidence makes alone.
        if not any(m.weak for m in group.members):
            return True
        firm = [m for m in group.members if not m.weak]
        if not firm:
            return False
        core = _bounding(firm)
        return (
            _corroborated(_Group(core, firm))
            and supported(core, weak=False)
            and min(core.a_last - core.a_first, core.b_last - core.b_first) >= piece_words
        )

    def passages_of(seeds: list[_Rect], weak: bool) -> list[_Group]:
        evidence = evidence_a if weak else firm_a
        return [
            g
            for g in (_core(g, config.max_gap) for g in _merge(seeds, config.max_gap, evidence))
            if _corroborated(g) and supported(g.rect, weak)
        ]

    groups = []
    for group in passages_of(word_seeds + sentence_seeds, weak=True):
        if anchored(group):
            groups.append(group)
        else:  # the passages its other evidence makes, without the weak seeds
            groups.extend(passages_of([m for m in group.members if not m.weak], weak=False))
    # Where passages overlap in a (one text matching two places of b), the better
    # supported one keeps the shared words and the other keeps the rest.
    groups.sort(
        key=lambda g: (-int(evidence_a[g.rect.a_first : g.rect.a_last].sum()), g.rect.a_first, g.rect.b_first)
    )
    free = np.ones(len(ta), dtype=bool)
    rects: list[_Rect] = []
    for group in groups:
        trimmed = _trim(group, free)
        if trimmed is not None and not anchored(trimmed):
            # What is left once a better passage took its share stands on its own
            # evidence, as an untrimmed group does: weak seeds never make a passage.
            firm = [m for m in trimmed.members if not m.weak]
            trimmed = _Group(_bounding(firm), firm) if firm else None
        if trimmed is None or not supported(trimmed.rect):
            continue
        rect = trimmed.rect
        # Growth by shared words (_grow) is weaker evidence than seeds: it extends a
        # passage that is a piece without it, and never makes a piece.
        plain = _extend(rect, ta, tb, free, 0)
        if min(plain.a_last - plain.a_first, plain.b_last - plain.b_first) >= piece_words:
            rect = _extend(rect, ta, tb, free, config.max_gap)
        else:
            rect = plain
        # Both sides must be passages: a long sentence matched to a four-word heading
        # is not a copy of it. Judged once the evidence is extended to its sentences,
        # so that a few seeds in a reworded sentence can still make a passage.
        if min(rect.a_last - rect.a_first, rect.b_last - rect.b_first) < piece_words:
            continue
        free[rect.a_first : rect.a_last] = False
        rects.append(rect)
    passages = [
        _make_passage(ta, tb, rect, word_evidence_a, summary)
        for rect, summary in _join_summaries(
            _join_neighbours(rects, config.max_gap), ta, tb, _SUMMARY_GAPS * config.max_gap
        )
        if min(rect.a_last - rect.a_first, rect.b_last - rect.b_first) >= config.min_words
    ]
    passages.sort(key=lambda p: (p.a_start, p.b_start))
    return passages


def _is_verbatim(ta: Tokens, tb: Tokens, rect: _Rect) -> bool:
    return ta.normal[rect.a_first : rect.a_last] == tb.normal[rect.b_first : rect.b_last]


def _join_neighbours(rects: list[_Rect], gap: int) -> list[_Rect]:
    """Join passages that, once extended, follow each other in ``a`` and lie within
    ``gap`` words of each other on both sides: merging joins such evidence, and
    extension can bring two passages that merging kept apart that close. Their ``b``
    sides may overlap or come in the other order: shuffled copying moves phrases
    across the point where two pieces of one copied passage meet."""
    joined: list[_Rect] = []
    for rect in sorted(rects, key=lambda r: (r.a_first, r.b_first)):
        if joined and rect.a_first >= joined[-1].a_last and joined[-1].distance(rect) <= gap:
            joined[-1] = replace(joined[-1])
            joined[-1].absorb(rect)
        else:
            joined.append(rect)
    return joined


def _join_summaries(rects: list[_Rect], ta: Tokens, tb: Tokens, gap: int) -> list[tuple[_Rect, bool]]:
    """Join consecutive rewritten passages that condense a much longer stretch of b.

    A summary takes its sentences from all over the source: in ``a`` the passages sit
    side by side, in ``b`` they are scattered over a stretch several times longer.
    Such a run is one summarised passage, not several copies; summaries lift whole
    sentences too, so verbatim pieces join the run like rewritten ones. A verbatim
    block of ``_BLOCK_WORDS`` or more (a pasted paragraph) stays a passage of its own
    and parts the summary around it.
    """
    rects = sorted(rects, key=lambda r: r.a_first)
    joined: list[tuple[_Rect, bool]] = []

    def block(rect: _Rect) -> bool:
        return rect.size >= _BLOCK_WORDS and _is_verbatim(ta, tb, rect)

    def flush(run: list[_Rect]) -> None:
        whole = _bounding(run)
        if len(run) < 2 or whole.b_last - whole.b_first < _SUMMARY_RATIO * whole.size:
            joined.extend((r, False) for r in run)
            return
        for is_block, grouped in groupby(run, key=block):
            part = list(grouped)
            if not is_block and len(part) >= 2:
                joined.append((_whole_paragraphs(_bounding(part), tb), True))
            else:
                joined.extend((r, False) for r in part)

    run: list[_Rect] = []
    for rect in rects:
        if run and rect.a_first - run[-1].a_last > gap:
            flush(run)
            run = []
        run.append(rect)
    if run:
        flush(run)
    return joined


def _whole_paragraphs(rect: _Rect, tb: Tokens) -> _Rect:
    """A summary condenses whole paragraphs: its source stretch runs from the start of
    the paragraph (line) where its first piece lies to the end of its last one."""
    text, starts = tb.text, tb.starts
    line_start = text.rfind("\n", 0, int(starts[rect.b_first])) + 1
    line_end = text.find("\n", int(starts[rect.b_last - 1]))
    first = int(np.searchsorted(starts, line_start, side="left"))
    last = int(np.searchsorted(starts, line_end if line_end >= 0 else len(text), side="left"))
    return _Rect(rect.a_first, rect.a_last, min(first, rect.b_first), max(last, rect.b_last))


def _make_passage(
    ta: Tokens, tb: Tokens, rect: _Rect, word_evidence_a: np.ndarray, summary: bool = False
) -> Passage:
    a_start = int(ta.starts[rect.a_first])
    b_start = int(tb.starts[rect.b_first])
    if summary:
        kind = "summary"
    elif _is_verbatim(ta, tb, rect):
        kind = "verbatim"
    elif word_evidence_a[rect.a_first : rect.a_last].mean() >= _EDITED_DENSITY:
        kind = "edited"
    else:
        kind = "paraphrase"
    score = _dice(ta.stems[rect.a_first : rect.a_last], tb.stems[rect.b_first : rect.b_last])
    return Passage(
        a_start=a_start,
        a_end=_passage_end(ta, rect.a_last),
        b_start=b_start,
        b_end=_passage_end(tb, rect.b_last),
        words=rect.a_last - rect.a_first,
        score=score,
        kind=kind,
    )


def align_passages(submission: str, source: str, *, config: CheckConfig | None = None) -> list[Passage]:
    """Passages of ``submission`` that come from ``source``, with character offsets.

    Parameters
    ----------
    submission, source : str
        The two texts, exactly as loaded.
    config : CheckConfig, optional
        ``seed_size``, ``max_gap``, ``min_words``, ``sentence_cosine``,
        ``sentence_dice`` and ``language`` apply.

    Returns
    -------
    list of Passage
        Ordered by position in ``submission``; ``submission[p.a_start:p.a_end]`` and
        ``source[p.b_start:p.b_end]`` are the two sides.

    Examples
    --------
    >>> src = ("The Berlin Wall went up in August 1961 and divided the city for "
    ...        "twenty-eight years. Many families were separated overnight.")
    >>> sub = "As we know, the Berlin Wall went up in August 1961 and divided the city."
    >>> [(sub[p.a_start:p.a_end], p.kind) for p in align_passages(sub, src)]
    [('the Berlin Wall went up in August 1961 and divided the city.', 'verbatim')]
    """
    config = config or CheckConfig()
    return align_tokens(Tokens(submission, config.language), Tokens(source, config.language), config)
