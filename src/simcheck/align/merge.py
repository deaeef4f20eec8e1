"""Step 2, merging: seeds within ``max_gap`` words of each other on both sides merge
into groups of evidence, repeatedly, until nothing more merges; then the judges of a
group (its core of seeds on one diagonal, its corroboration, its unclaimed stretch)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

import numpy as np

from ..tokens import Tokens
from .rects import (
    BLOCK_WORDS,
    MIN_DENSITY,
    Group,
    Rect,
    added_where_source_runs_on,
    bounding,
    content_stems,
    own_words,
)

# Share of a passage joined across a gap wider than ``max_gap`` that must be evidence.
_JOIN_DENSITY = 0.5
# Strong sentence seeds a passage with no shared phrase needs.
_MIN_SENTENCE_SEEDS = 2


def merge(rects: list[Rect], gap: int, evidence_a: np.ndarray) -> list[Group]:
    """Merge rectangles of evidence into passages.

    Two rectangles merge when they lie within ``gap`` words of each other on both
    sides. Large blocks may lie further apart, up to ``_GAP_RATIO`` times the smaller
    one (:meth:`Rect.reach`; an obfuscated sentence between two copied ones), but only
    while the merged passage stays mostly evidence: two copied paragraphs with the
    writer's own text between them stay two passages. Nor do two exact copies of
    ``BLOCK_WORDS`` or more join across a gap on one side only: two pasted paragraphs
    that the source has apart are two passages.
    """
    prefix = np.concatenate([[0], np.cumsum(evidence_a, dtype=np.int64)])

    def joinable(one: Group, two: Group) -> bool:
        a_gap, b_gap = one.rect.gaps(two.rect)
        distance = max(a_gap, b_gap)
        if distance <= gap:
            return True
        if distance > min(one.rect.reach(gap), two.rect.reach(gap)):
            return False
        # An obfuscated sentence leaves a gap on both sides; skipped or added text, on one.
        one_sided = distance - min(a_gap, b_gap) > max(gap, min(a_gap, b_gap))
        if one_sided and min(one.rect.size, two.rect.size) >= BLOCK_WORDS and _exact(one) and _exact(two):
            return False
        first, last = min(one.rect.a_first, two.rect.a_first), max(one.rect.a_last, two.rect.a_last)
        return bool(prefix[last] - prefix[first] >= _JOIN_DENSITY * (last - first))

    # A seed is made a group as its turn comes, not all at once: a text that repeats a
    # source's paragraph has a seed for each of its words, and most join the group
    # before them at once.
    seeds = sorted(rects, key=lambda r: (r.a_first, r.b_first))
    groups: Iterable[Group] = (Group(Rect(r.a_first, r.a_last, r.b_first, r.b_last), [r]) for r in seeds)
    while True:
        merged: list[Group] = []
        active: list[Group] = []
        count = 0
        for group in groups:
            count += 1
            rect = group.rect
            active = [g for g in active if g.rect.a_last + g.rect.reach(gap) >= rect.a_first]
            target: Group | None = None
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
        if len(merged) == count:
            return merged
        groups = sorted(merged, key=lambda g: (g.rect.a_first, g.rect.b_first))


def _exact(group: Group) -> bool:
    """Whether the phrases the group shares only once all lie on one diagonal, as an
    unedited copy's do (an edit shifts the diagonal)."""
    offsets = [m.b_first - m.a_first for m in group.members if not m.repeated and not m.sentence]
    return len(offsets) >= 2 and len(set(offsets)) == 1


def core(group: Group, gap: int) -> Group:
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
    firsts = np.array([m.a_first for m in anchors], dtype=np.int64)
    offsets = np.array([m.b_first - m.a_first for m in anchors], dtype=np.int64)
    kept = [m for m in group.members if not m.repeated]
    # All repeated seeds at once (a repeated paragraph has one per word): each one's
    # nearest anchor in a, the earlier one on a tie.
    a = np.array([m.a_first for m in repeated], dtype=np.int64)
    b = np.array([m.b_first for m in repeated], dtype=np.int64)
    at = np.searchsorted(firsts, a)
    before, after = np.maximum(at - 1, 0), np.minimum(at, firsts.shape[0] - 1)
    earlier = (at > 0) & ((at == firsts.shape[0]) | (np.abs(firsts[before] - a) <= np.abs(firsts[after] - a)))
    drift = np.abs(b - a - offsets[np.where(earlier, before, after)])
    near = np.flatnonzero(drift <= gap)
    if near.shape[0]:
        # Of the pairings of one place of a, those that drift least, places in the order
        # first met, each place's seeds in order.
        places, place = np.unique(a[near], return_inverse=True)
        least = np.full(places.shape[0], np.iinfo(np.int64).max)
        np.minimum.at(least, place, drift[near])
        met = np.full(places.shape[0], near.shape[0])
        np.minimum.at(met, place, np.arange(near.shape[0]))
        best = np.flatnonzero(drift[near] == least[place])
        chosen = near[best[np.lexsort((best, met[place[best]]))]]
        kept += [repeated[i] for i in chosen.tolist()]
    return Group(bounding(kept), kept)


def _colinear(seeds: list[Rect]) -> list[Rect]:
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


def corroborated(group: Group, ta: Tokens, telling: np.ndarray, phrase_words: int) -> bool:
    """One similar sentence pair may be the topic speaking; a paraphrase is a run of
    them, consecutive sentences of ``a``, or rewritten sentences beside shared phrases.

    Beside similar sentences that make no run, a shared phrase counts only when it
    holds a ``telling`` word of ``a`` (with a corpus, a content word that is not a name
    or a number): two students who describe one speech share "the Brandenburg Gate"
    and "in March 1947", whoever wrote their sentences. Beside one similar sentence
    alone, the shared phrases must also hold ``phrase_words`` distinct content words:
    on a topic, one catchphrase of the speech ("the nuclear freeze movement") is in
    every summary of it.
    """
    if not any(m.sentence for m in group.members):
        return True  # shared phrases alone: words copied, judged by their cover
    members = [m for m in group.members if not m.weak]
    ordered = sorted((m for m in members if m.sentence), key=lambda m: m.a_first)
    run = longest = 1 if ordered else 0
    for before, after in zip(ordered, ordered[1:]):
        run = run + 1 if after.a_first == before.a_last else 1
        longest = max(longest, run)
    if longest >= _MIN_SENTENCE_SEEDS:
        return True
    phrases = [m for m in members if not m.sentence]
    if not any(bool(telling[m.a_first : m.a_last].any()) for m in phrases):
        return False
    # Sentences of a similar to the source, weak ones too: two of them are not alone.
    if phrase_words <= 1 or len({m.a_first for m in group.members if m.sentence}) >= 2:
        return True
    return len(set().union(*(content_stems(ta, m.a_first, m.a_last) for m in phrases))) >= phrase_words


def trim(group: Group, free: np.ndarray) -> Group | None:
    """The group's longest stretch of ``a`` not yet claimed by a better passage, with the
    seeds inside that stretch (and their ``b`` range)."""
    if free[group.rect.a_first : group.rect.a_last].all():
        return group
    # The free runs are those where nothing is claimed; the first longest one wins.
    runs = _empty_runs(~free, group.rect.a_first, group.rect.a_last)
    a_first, a_last = max(runs, key=lambda run: run[1] - run[0], default=(0, 0))
    inside = [m for m in group.members if m.a_first >= a_first and m.a_last <= a_last]
    return Group(bounding(inside), inside) if inside else None


def split_at_own_text(group: Group, evidence_a: np.ndarray, ta: Tokens, gap: int) -> list[Group]:
    """The group cut at the writer's own words inside it (:func:`own_words`): runs of
    ``a`` without evidence that merging bridged but that the other side does not share.
    A whole sentence that evidence covers too thinly to be a piece of it, where the
    source runs on, counts as without (:func:`_without_sparse_sentences`)."""
    cuts = []
    cover = _without_sparse_sentences(evidence_a, ta, group)
    for start, end in _empty_runs(cover, group.rect.a_first, group.rect.a_last):
        cut = own_words(ta, start, end, _source_words_between(group, start, end), gap)
        if cut is not None:
            cuts.append(cut)
    parts: list[Group] = []
    bounds = [group.rect.a_first, *[b for cut in cuts for b in cut], group.rect.a_last]
    for start, end in zip(bounds[::2], bounds[1::2]):
        members = sorted(
            (m for m in group.members if start <= m.a_first and m.a_last <= end), key=lambda m: m.a_first
        )
        if members:
            parts.append(Group(bounding(members), members))
    return parts


def _source_words_between(group: Group, start: int, end: int) -> int:
    """Words ``b`` has between the group's evidence on either side of ``[start, end)``
    of ``a``: where the source runs on, as a shared phrase on one side of the run at
    least shows it. Sentence seeds on both sides span their whole sentences of b, which
    may hold the counterpart of a rewritten sentence of the run: the run's own length."""
    left = max((m for m in group.members if m.a_last <= start), key=lambda m: m.a_last, default=None)
    right = min((m for m in group.members if m.a_first >= end), key=lambda m: m.a_first, default=None)
    if left is None or right is None or (left.sentence and right.sentence):
        return end - start
    return right.b_first - left.b_last


def _without_sparse_sentences(evidence_a: np.ndarray, ta: Tokens, group: Group) -> np.ndarray:
    """``evidence_a`` with some whole sentences inside the group marked as without
    evidence: those it covers less than ``MIN_DENSITY`` of, that none of the group's
    phrases found once on each side touches, and where the source has less than half
    as many words. A student who echoes the pasted prompt's "Stalin's death" and "the
    Cold War" in a sentence of their own shares those phrases, which pair with the
    prompt beside it or with other places of b, not the sentence."""
    sentence_firsts, sentence_lasts = ta.sentence_bounds
    first, last = group.rect.a_first, group.rect.a_last
    placed = [(m.a_first, m.a_last) for m in group.members if not m.repeated]
    cover = evidence_a
    at = first if sentence_firsts[first] == first else int(sentence_lasts[first])
    while at < last:
        end = int(sentence_lasts[at])
        if end > last:
            break
        if (
            float(evidence_a[at:end].mean()) < MIN_DENSITY
            and not any(a_first < end and a_last > at for a_first, a_last in placed)
            and added_where_source_runs_on(end - at, _source_words_between(group, at, end))
        ):
            if cover is evidence_a:
                cover = evidence_a.copy()
            cover[at:end] = False
        at = end
    return cover


def _empty_runs(evidence_a: np.ndarray, first: int, last: int) -> list[tuple[int, int]]:
    """The maximal runs ``[start, end)`` of words in ``[first, last)`` with no evidence."""
    empty = np.concatenate([[0], ~evidence_a[first:last].astype(bool), [0]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(empty))
    return [(first + int(s), first + int(e)) for s, e in zip(edges[::2], edges[1::2])]
