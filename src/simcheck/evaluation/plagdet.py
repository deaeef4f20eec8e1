"""PAN's measures of text alignment: precision, recall, granularity and plagdet.

The measures follow their definition in Potthast, Stein, Barrón-Cedeño and Rosso, "An
Evaluation Framework for Plagiarism Detection" (COLING 2010). A case ``s`` and a
detection ``r`` are each a pair of character ranges, one in the suspicious document and
one in the source. ``r`` detects ``s`` when the two overlap in both documents. Then:

- ``precision = mean over r of |chars of r inside cases it detects| / |r|``
- ``recall = mean over s of |chars of s inside detections that detect it| / |s|``
- ``granularity = mean over detected s of the number of detections that detect it``
- ``plagdet = F1 / log2(1 + granularity)``

Characters are counted on both sides: ``|s|`` is the length of its suspicious range
plus the length of its source range.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A plagiarism case or a detection: character ranges in a document pair.

    Offsets are ``[start, start + length)`` of the decoded text of each document.
    """

    susp: str
    src: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int

    @property
    def size(self) -> int:
        return self.this_length + self.source_length


@dataclass(frozen=True)
class Scores:
    """PAN measures over a set of cases and detections."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _overlap(a_start: int, a_length: int, b_start: int, b_length: int) -> tuple[int, int]:
    start = max(a_start, b_start)
    end = min(a_start + a_length, b_start + b_length)
    return (start, end) if end > start else (0, 0)


def _detects(case: Span, detection: Span) -> bool:
    if case.susp != detection.susp or case.src != detection.src:
        return False
    this = _overlap(case.this_offset, case.this_length, detection.this_offset, detection.this_length)
    source = _overlap(
        case.source_offset, case.source_length, detection.source_offset, detection.source_length
    )
    return this[1] > this[0] and source[1] > source[0]


def _union_length(ranges: Iterable[tuple[int, int]]) -> int:
    """Characters covered by a set of ``(start, end)`` ranges.

    >>> _union_length([(0, 10), (5, 15), (20, 25)])
    20
    """
    total, reach = 0, None
    for start, end in sorted(ranges):
        if reach is None or start >= reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def _covered(target: Span, others: Sequence[Span]) -> int:
    """Characters of ``target`` (both sides) inside the ``others`` that overlap it."""
    this = [_overlap(target.this_offset, target.this_length, o.this_offset, o.this_length) for o in others]
    source = [
        _overlap(target.source_offset, target.source_length, o.source_offset, o.source_length) for o in others
    ]
    return _union_length(r for r in this if r[1] > r[0]) + _union_length(r for r in source if r[1] > r[0])


def plagdet_scores(cases: Sequence[Span], detections: Sequence[Span]) -> Scores:
    """PAN precision, recall, granularity and plagdet.

    With no detections precision is taken as 1 when there are no cases either and 0
    otherwise; with no cases recall is 1 (nothing was missed).

    Examples
    --------
    One case of 100 + 100 characters, found by two detections covering halves:

    >>> case = Span("s", "r", 0, 100, 0, 100)
    >>> halves = [Span("s", "r", 0, 50, 0, 50), Span("s", "r", 50, 50, 50, 50)]
    >>> s = plagdet_scores([case], halves)
    >>> s.precision, s.recall, s.granularity, round(s.plagdet, 4)
    (1.0, 1.0, 2.0, 0.6309)
    """
    by_pair: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for detection in detections:
        by_pair[(detection.susp, detection.src)].append(detection)
    cases_by_pair: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for case in cases:
        cases_by_pair[(case.susp, case.src)].append(case)

    recall_sum, detected_cases, detections_per_detected = 0.0, 0, 0
    for case in cases:
        hits = [d for d in by_pair[(case.susp, case.src)] if _detects(case, d)]
        if hits:
            recall_sum += _covered(case, hits) / case.size
            detected_cases += 1
            detections_per_detected += len(hits)
    precision_sum = 0.0
    for detection in detections:
        hits = [c for c in cases_by_pair[(detection.susp, detection.src)] if _detects(c, detection)]
        if hits:
            precision_sum += _covered(detection, hits) / detection.size
    recall = recall_sum / len(cases) if cases else 1.0
    if detections:
        precision = precision_sum / len(detections)
    else:
        precision = 1.0 if not cases else 0.0
    granularity = detections_per_detected / detected_cases if detected_cases else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision, recall, granularity, f1 / math.log2(1 + granularity), len(cases), len(detections)
    )
