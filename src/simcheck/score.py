"""Percentages: the share of a submission's words inside flagged passages."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from .tokens import Tokens


def covered_mask(tokens: Tokens, spans: Iterable[tuple[int, int]]) -> np.ndarray:
    """Boolean mask of the tokens whose start lies inside any ``(start, end)`` span.

    >>> t = Tokens("one two three four five")
    >>> covered_mask(t, [(4, 13)]).tolist()
    [False, True, True, False, False]
    """
    mask = np.zeros(len(tokens), dtype=bool)
    for start, end in spans:
        first = int(np.searchsorted(tokens.starts, start, side="left"))
        last = int(np.searchsorted(tokens.starts, end, side="left"))
        mask[first:last] = True
    return mask


def similarity_percent(tokens: Tokens, spans: Iterable[tuple[int, int]]) -> float:
    """Percentage of the words of ``tokens`` inside the union of ``spans``.

    Overlapping spans (the same words matched in two sources) count once.

    >>> t = Tokens("one two three four")
    >>> similarity_percent(t, [(0, 7), (4, 13)])
    75.0
    """
    if len(tokens) == 0:
        return 0.0
    return 100.0 * float(covered_mask(tokens, spans).sum()) / len(tokens)


class WordRuns:
    """Where each run of ``run`` consecutive words (case and accents aside) occurs in a
    text, or in its characters ``within`` (the stretch a source's passages cover): built
    once per source, asked about each of its passages.

    >>> runs = WordRuns(Tokens("The Wall fell. The Wall stood."), 2)
    >>> runs.occurs(("the", "wall"), 0, 6), runs.occurs(("wall", "fell"), 3, 6)
    (True, False)
    """

    def __init__(self, tokens: Tokens, run: int, within: tuple[int, int] | None = None) -> None:
        self.tokens = tokens
        self.run = run
        first, last = (0, len(tokens)) if within is None else np.searchsorted(tokens.starts, within).tolist()
        words = tokens.normal
        self._places: dict[tuple[str, ...], list[int]] = {}
        for i in range(first, last - run + 1):
            self._places.setdefault(tuple(words[i : i + run]), []).append(i)

    def occurs(self, gram: tuple[str, ...], first: int, last: int) -> bool:
        """Whether ``gram`` lies wholly inside tokens ``[first, last)``."""
        places = self._places.get(gram)
        if not places:
            return False
        i = bisect_left(places, first)
        return i < len(places) and places[i] + self.run <= last


def identical_runs(
    submission: Tokens, a_span: tuple[int, int], source: WordRuns, b_span: tuple[int, int]
) -> tuple[tuple[tuple[int, int], ...], int]:
    """Where a passage is word for word: the character spans of ``submission`` inside
    ``a_span`` covered by a run of ``source.run`` or more words that also occurs, in the
    same order, inside ``b_span`` of the source (case and accents aside), and their
    word count.

    Similarity says how much of a text came from elsewhere; this says how much of it was
    left unchanged, which is what separates a pasted copy from a rewritten one.

    >>> a = Tokens("So the Berlin Wall fell in November 1989, to general surprise.")
    >>> b = Tokens("The Berlin Wall fell in November 1989 after weeks of protest.")
    >>> spans, words = identical_runs(a, (0, len(a.text)), WordRuns(b, 5), (0, len(b.text)))
    >>> [a.text[s:e] for s, e in spans], words
    (['the Berlin Wall fell in November 1989'], 7)
    """
    run = source.run
    a_first, a_last = np.searchsorted(submission.starts, a_span, side="left").tolist()
    b_first, b_last = np.searchsorted(source.tokens.starts, b_span, side="left").tolist()
    words_a = submission.normal[a_first:a_last]
    covered = np.zeros(len(words_a) + 1, dtype=np.int64)
    for i in range(len(words_a) - run + 1):
        if source.occurs(tuple(words_a[i : i + run]), b_first, b_last):
            covered[i] += 1
            covered[i + run] -= 1
    inside = np.cumsum(covered[:-1]) > 0
    # Runs of covered words, as [first, last) token ranges.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inside.astype(np.int8), [0]))))
    spans = tuple(
        (int(submission.starts[a_first + first]), int(submission.ends[a_first + last - 1]))
        for first, last in zip(edges[::2].tolist(), edges[1::2].tolist())
    )
    return spans, int(inside.sum())
