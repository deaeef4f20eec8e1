"""Step 3, filtering: which merged groups become passages. Groups too thin in
evidence are dropped, weak sentence seeds only extend what other evidence makes, and
where groups overlap in ``a`` the better supported one claims the shared words; each
passage is extended (``extend``) as it claims them, and kept if both sides are still
pieces of evidence."""

from __future__ import annotations

import numpy as np

from ..frequencies import Rarity
from ..tokens import Tokens
from .extend import extend
from .merge import core, corroborated, merge, split_at_own_text, trim
from .rects import MIN_DENSITY, Group, Rect, Seeds, bounding, coverage, covered_from, packed

# Shortest piece of evidence (words, both sides) kept for joining into a passage.
_PIECE_WORDS = 10


class Evidence:
    """Which words of ``a`` the seeds cover, and the judges of a passage by that cover."""

    def __init__(
        self,
        ta: Tokens,
        word_seeds: Seeds,
        sentence_seeds: list[Rect],
        min_words: int,
        rarity: Rarity | None = None,
    ) -> None:
        self._ta = ta
        # Words of a inside any seed, inside a shared n-gram, and inside a seed that is
        # not weak (a weak sentence seed, or a stock phrase of the topic).
        self.word_evidence_a = covered_from(len(ta), word_seeds.a_first, word_seeds.size)
        self.evidence_a = self.word_evidence_a | coverage(len(ta), sentence_seeds, "a")
        firm = ~word_seeds.weak
        self.firm_a = covered_from(len(ta), word_seeds.a_first[firm], word_seeds.size) | coverage(
            len(ta), [s for s in sentence_seeds if not s.weak], "a"
        )
        # Evidence is judged in pieces of _PIECE_WORDS, whatever the reporting threshold:
        # min_words only filters the passages finally reported, so raising it never hides
        # a long passage that a lower setting reports.
        self.piece_words = min(min_words, _PIECE_WORDS)
        #: The words of a whose sharing corroborates a lone sentence pair (see
        #: :func:`corroborated`): in a check against a corpus (a ``rarity``), content
        #: words that are not names or numbers, which every essay on one event shares
        #: ("the Reykjavik summit", "13 October 1986"); between two texts alone, any
        #: content word.
        self.telling = ~ta.stopword_mask & ~ta.capitalised if rarity is not None else ~ta.stopword_mask
        #: Distinct content words a piece of evidence needs (see :meth:`supported`).
        self.min_content = (self.piece_words + 1) // 2
        #: Whether the corpus has a topic (see :attr:`~simcheck.frequencies.Rarity.has_topic`).
        self.topic = rarity is not None and rarity.has_topic
        # Content words the shared phrases beside a lone sentence pair must hold: on a
        # topic, as many as a piece of evidence (essays on one event share its
        # catchphrase, whoever wrote them); else one.
        self._phrase_words = self.min_content if self.topic else 1

    def supported(self, rect: Rect, weak: bool = True) -> bool:
        """Whether seeds (not weak ones unless ``weak``) make ``rect`` a piece of evidence."""
        evidence = self.evidence_a if weak else self.firm_a
        if float(evidence[rect.a_first : rect.a_last].mean()) < MIN_DENSITY:
            return False
        # Shared function words and one shared noun ("in the north") are chance, not
        # copying: ask for several shared content words.
        # Distinct words: "the Nile Basin Initiative" repeated on both sides is one
        # phrase, however many times it pairs up.
        ta = self._ta
        content = evidence[rect.a_first : rect.a_last] & ~ta.stopword_mask[rect.a_first : rect.a_last]
        offsets = np.flatnonzero(content) + rect.a_first
        stems = ta.stems
        return len({stems[i] for i in offsets.tolist()}) >= self.min_content

    def corroborated(self, group: Group) -> bool:
        """Whether the group is a paraphrase and not the topic speaking (:func:`corroborated`)."""
        return corroborated(group, self._ta, self.telling, self._phrase_words)

    def parts(self, group: Group, weak: bool, gap: int) -> list[Group]:
        """The group cut at the writer's own sentences and paragraphs inside it, judged
        by the cover of every seed when ``weak``, else of the seeds that are not weak."""
        cover = self.evidence_a if weak else self.firm_a
        return split_at_own_text(group, cover, self._ta, gap)

    def packed(self, rect: Rect) -> bool:
        """Whether shared phrases are packed into ``rect`` as into a copy (:func:`~.rects.packed`)."""
        return packed(int(self.word_evidence_a[rect.a_first : rect.a_last].sum()), rect.size)

    def anchored(self, group: Group) -> bool:
        """Whether the group stands without its weak seeds."""
        # Weak seeds (sentence seeds, stock phrases) only extend a piece that the other
        # evidence makes alone, unless the phrases are packed into a copy.
        if not any(m.weak for m in group.members) or self.packed(group.rect):
            return True
        firm = [m for m in group.members if not m.weak]
        if not firm:
            return False
        firm_rect = bounding(firm)
        return (
            self.corroborated(Group(firm_rect, firm))
            and self.supported(firm_rect, weak=False)
            and min(firm_rect.a_last - firm_rect.a_first, firm_rect.b_last - firm_rect.b_first)
            >= self.piece_words
        )


def _passages_of(seeds: list[Rect], weak: bool, evidence: Evidence, gap: int) -> list[Group]:
    """The groups ``seeds`` merge into that are evidence, judged by the cover of every
    seed when ``weak``, else by the cover of the seeds that are not weak."""
    cover = evidence.evidence_a if weak else evidence.firm_a
    return [
        part
        for g in merge(seeds, gap, cover)
        for part in evidence.parts(core(g, gap), weak, gap)
        if evidence.corroborated(part) and evidence.supported(part.rect, weak)
    ]


def choose_groups(seeds: list[Rect], evidence: Evidence, gap: int) -> list[Group]:
    """The groups of evidence that ``seeds`` merge into (within ``gap``) and that may
    make passages: a group that weak sentence seeds hold together gives way to the
    groups its other seeds make."""
    groups = []
    for group in _passages_of(seeds, True, evidence, gap):
        if evidence.anchored(group):
            groups.append(group)
        else:  # the passages its other evidence makes, without the weak seeds
            groups.extend(_passages_of([m for m in group.members if not m.weak], False, evidence, gap))
    return groups


def claim(groups: list[Group], ta: Tokens, tb: Tokens, evidence: Evidence, gap: int) -> list[Rect]:
    """The passages the groups make, best supported first, each extended over words of
    ``a`` that no better passage claimed (``gap``: the gap that merging bridges)."""
    # Where passages overlap in a (one text matching two places of b), the better
    # supported one keeps the shared words and the other keeps the rest.
    evidence_a = evidence.evidence_a
    groups = sorted(
        groups,
        key=lambda g: (
            -int(evidence_a[g.rect.a_first : g.rect.a_last].sum()),
            g.rect.a_first,
            g.rect.b_first,
        ),
    )
    piece_words = evidence.piece_words
    free = np.ones(len(ta), dtype=bool)
    rects: list[Rect] = []
    for group in groups:
        trimmed = trim(group, free)
        if trimmed is not None and not evidence.anchored(trimmed):
            # What is left once a better passage took its share stands on its own
            # evidence, as an untrimmed group does: weak seeds never make a passage.
            firm = [m for m in trimmed.members if not m.weak]
            trimmed = Group(bounding(firm), firm) if firm else None
        if trimmed is None or not evidence.supported(trimmed.rect):
            continue
        rect = trimmed.rect
        # Growth by shared words (extend's _grow) is weaker evidence than seeds: it
        # extends a passage that is a piece without it, and never makes a piece.
        plain = extend(rect, ta, tb, free, 0)
        if min(plain.a_last - plain.a_first, plain.b_last - plain.b_first) >= piece_words:
            rect = extend(rect, ta, tb, free, gap)
        else:
            rect = plain
        # Both sides must be passages: a long sentence matched to a four-word heading
        # is not a copy of it. Judged once the evidence is extended to its sentences,
        # so that a few seeds in a reworded sentence can still make a passage.
        if min(rect.a_last - rect.a_first, rect.b_last - rect.b_first) < piece_words:
            continue
        free[rect.a_first : rect.a_last] = False
        rects.append(rect)
    return rects
