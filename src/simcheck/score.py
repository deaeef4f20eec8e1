"""Percentages: the share of a submission's words inside flagged passages."""

from __future__ import annotations

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
