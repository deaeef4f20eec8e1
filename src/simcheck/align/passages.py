"""Step 3, passages: claimed passages that follow each other join, runs that condense
a much longer stretch of ``b`` join into summaries, and each becomes a
:class:`~simcheck.models.Passage` with character offsets and a kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import groupby

import numpy as np

from ..config import CheckConfig
from ..models import Kind, Passage
from ..tokens import Tokens
from .rects import BLOCK_WORDS, EDITED_DENSITY, Rect, bounding, own_words

# A run of passages side by side in a is a summary when their source stretch in b is at
# least this many times longer (a summary condenses).
_SUMMARY_RATIO = 2.0
# Summary pieces may lie this many max_gaps apart in a (about two sentences).
_SUMMARY_GAPS = 3


def make_passages(
    rects: list[Rect],
    ta: Tokens,
    tb: Tokens,
    word_evidence_a: np.ndarray,
    config: CheckConfig,
    *,
    topic: bool = False,
) -> list[Passage]:
    """The passages reported for the claimed ``rects``: neighbours and summaries joined,
    those shorter than ``min_words`` on either side dropped, ordered by position in
    ``a`` (then ``b``). ``word_evidence_a``: the words of ``a`` in shared n-grams.

    On a ``topic`` (a corpus large enough to have one), a paraphrase within one
    sentence of ``a`` is dropped too: a lone reworded sentence is the topic speaking,
    as two students who sum up one speech each write one like the other's. One
    sentence counts when its words are the source's (verbatim or edited).
    """
    passages = []
    for rect, summary in _join_summaries(
        join_neighbours(rects, ta, config.max_gap), ta, tb, _SUMMARY_GAPS * config.max_gap
    ):
        if min(rect.a_last - rect.a_first, rect.b_last - rect.b_first) < config.min_words:
            continue
        passage = _make_passage(ta, tb, rect, word_evidence_a, summary)
        if topic and passage.kind == Kind.PARAPHRASE and _within_one_sentence(ta, rect):
            continue
        passages.append(passage)
    passages.sort(key=lambda p: (p.a_start, p.b_start))
    return passages


def _within_one_sentence(ta: Tokens, rect: Rect) -> bool:
    sentence_of = ta.sentence_of
    return bool(sentence_of[rect.a_first] == sentence_of[rect.a_last - 1])


def _is_verbatim(ta: Tokens, tb: Tokens, rect: Rect) -> bool:
    return ta.normal_between(rect.a_first, rect.a_last) == tb.normal_between(rect.b_first, rect.b_last)


def join_neighbours(rects: list[Rect], ta: Tokens, gap: int) -> list[Rect]:
    """Join passages that, once extended, follow each other in ``a`` and lie within
    ``gap`` words of each other on both sides: merging joins such evidence, and
    extension can bring two passages that merging kept apart that close. Their ``b``
    sides may overlap or come in the other order: shuffled copying moves phrases
    across the point where two pieces of one copied passage meet. Passages with the
    writer's own words between them (:func:`own_words`) stay apart."""
    joined: list[Rect] = []
    for rect in sorted(rects, key=lambda r: (r.a_first, r.b_first)):
        before = joined[-1] if joined else None
        if (
            before is not None
            and rect.a_first >= before.a_last
            and before.distance(rect) <= gap
            and own_words(ta, before.a_last, rect.a_first, rect.b_first - before.b_last, gap) is None
        ):
            joined[-1] = replace(before)
            joined[-1].absorb(rect)
        else:
            joined.append(rect)
    return joined


def _join_summaries(rects: list[Rect], ta: Tokens, tb: Tokens, gap: int) -> list[tuple[Rect, bool]]:
    """Join consecutive rewritten passages that condense a much longer stretch of b.

    A summary takes its sentences from all over the source: in ``a`` the passages sit
    side by side, in ``b`` they are scattered over a stretch several times longer.
    Such a run is one summarised passage, not several copies; summaries lift whole
    sentences too, so verbatim pieces join the run like rewritten ones. A verbatim
    block of ``BLOCK_WORDS`` or more (a pasted paragraph) stays a passage of its own
    and parts the summary around it.
    """
    rects = sorted(rects, key=lambda r: r.a_first)
    joined: list[tuple[Rect, bool]] = []

    def block(rect: Rect) -> bool:
        return rect.size >= BLOCK_WORDS and _is_verbatim(ta, tb, rect)

    def flush(run: list[Rect]) -> None:
        whole = bounding(run)
        if len(run) < 2 or whole.b_last - whole.b_first < _SUMMARY_RATIO * whole.size:
            joined.extend((r, False) for r in run)
            return
        for is_block, grouped in groupby(run, key=block):
            part = list(grouped)
            if not is_block and len(part) >= 2:
                joined.append((_whole_paragraphs(bounding(part), tb), True))
            else:
                joined.extend((r, False) for r in part)

    run: list[Rect] = []
    for rect in rects:
        if run and rect.a_first - run[-1].a_last > gap:
            flush(run)
            run = []
        run.append(rect)
    if run:
        flush(run)
    return joined


def _whole_paragraphs(rect: Rect, tb: Tokens) -> Rect:
    """A summary condenses whole paragraphs: its source stretch runs from the start of
    the paragraph (line) where its first piece lies to the end of its last one."""
    text, starts = tb.text, tb.starts
    line_start = text.rfind("\n", 0, int(starts[rect.b_first])) + 1
    line_end = text.find("\n", int(starts[rect.b_last - 1]))
    first = int(np.searchsorted(starts, line_start, side="left"))
    last = int(np.searchsorted(starts, line_end if line_end >= 0 else len(text), side="left"))
    return Rect(rect.a_first, rect.a_last, min(first, rect.b_first), max(last, rect.b_last))


def _make_passage(
    ta: Tokens, tb: Tokens, rect: Rect, word_evidence_a: np.ndarray, summary: bool = False
) -> Passage:
    a_start = int(ta.starts[rect.a_first])
    b_start = int(tb.starts[rect.b_first])
    if summary:
        kind = Kind.SUMMARY
    elif _is_verbatim(ta, tb, rect):
        kind = Kind.VERBATIM
    elif word_evidence_a[rect.a_first : rect.a_last].mean() >= EDITED_DENSITY:
        kind = Kind.EDITED
    else:
        kind = Kind.PARAPHRASE
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
