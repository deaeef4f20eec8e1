"""Text common to a class: what more of its submissions share than the common
threshold (the prompt, a handout, a stock phrase), which counts against no source and
links no one, as MOSS's ``-m`` sets such text aside. Judged from one submission's
passages: the classmates whose passages cover the same text, and the phrases the class
holds too widely to look up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .models import Excluded, Match


def clipped_length(spans: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """Characters of ``[start, end)`` inside the union of ``spans``."""
    clipped = sorted((max(s, start), min(e, end)) for s, e in spans if s < end and e > start)
    total, reached = 0, start
    for s, e in clipped:
        if e > reached:
            total += e - max(s, reached)
            reached = e
    return total


@dataclass(frozen=True)
class CommonText:
    """What judging a class's common text needs: the student of each submission
    (``students``: a source not in it is a corpus file), how many other students must
    share a passage (``threshold``), the characters of each submission's text
    (``lengths``), and whether the class holds a passage more widely than its pairs can
    show (``held_widely``: retrieval passes over the phrases too many documents hold, so
    the students who all paste the prompt are not all aligned with each other)."""

    students: Mapping[str, str]
    threshold: int
    lengths: Mapping[str, int]
    held_widely: Callable[[Match], bool] | None = None

    def mark(self, matches: list[Match]) -> list[Match]:
        """Exclude passages of one submission that at least ``threshold`` other
        students' submissions share (so the text is in more than ``threshold``
        submissions) or that the class holds widely, unless the text is most of the
        essays holding it (:func:`_their_essays`, :func:`_halves`)."""
        students, lengths, held_widely = self.students, self.lengths, self.held_widely
        # Classmates are the class's readable documents: an unreadable file's name may
        # also be a corpus document's.
        class_matches = [m for m in matches if m.source in lengths and not m.excluded]
        marked = []
        for match in matches:
            if not match.excluded:
                sharing = _sharing(match, class_matches)
                shared = len({students[m.source] for m in sharing}) >= self.threshold and not _their_essays(
                    match, sharing, class_matches, students, lengths
                )
                if shared or (
                    held_widely is not None
                    and not all(_halves(match.submission, match.source, matches, lengths))
                    and held_widely(match)
                ):
                    match = replace(match, excluded=Excluded.COMMON_TEXT)
            marked.append(match)
        return marked


def held_by_more_students(keys: np.ndarray, holders: Iterable[str], threshold: int) -> np.ndarray:
    """Of ``keys`` (fingerprints, one entry for each document holding one, its student in
    ``holders``), those more than ``threshold`` students hold, sorted: a student's
    several files of one text count once, as they do among a passage's sharers.

    >>> keys = np.array([7, 7, 7, 9, 9], dtype=np.uint64)
    >>> held_by_more_students(keys, ["ann", "bob", "cy", "ann", "ann"], 2).tolist()
    [7]
    """
    students: dict[int, set[str]] = {}
    for key, student in zip(keys.tolist(), holders):
        students.setdefault(key, set()).add(student)
    held = sorted(key for key, who in students.items() if len(who) > threshold)
    return np.array(held, dtype=np.uint64)


def _halves(
    submission: str, source: str, matches: Sequence[Match], lengths: Mapping[str, int]
) -> tuple[bool, bool]:
    """Whether the passages of ``submission`` from ``source`` among ``matches``, taken
    together, are at least half of the submission's text and of the source's (when it is
    a classmate's; a corpus text's length is not known, and counts as half): one essay
    handed in twice is found in pieces where a student rewrote a paragraph."""
    pair = [m for m in matches if m.submission == submission and m.source == source and not m.excluded]
    mine = clipped_length([(m.submission_start, m.submission_end) for m in pair], 0, lengths[submission])
    if source not in lengths:
        return 2 * mine >= lengths[submission], True
    theirs = clipped_length([(m.source_start, m.source_end) for m in pair], 0, lengths[source])
    return 2 * mine >= lengths[submission], 2 * theirs >= lengths[source]


def _sharing(match: Match, class_matches: Sequence[Match]) -> list[Match]:
    """The submission's passages from other students' submissions that cover at least
    half of ``match``: they share its text."""
    return [
        other
        for other in class_matches
        if other.submission == match.submission
        and 2
        * (
            min(match.submission_end, other.submission_end)
            - max(match.submission_start, other.submission_start)
        )
        >= match.submission_end - match.submission_start
    ]


def _sharers(match: Match, class_matches: Sequence[Match], students: Mapping[str, str]) -> set[str]:
    """The other students whose submissions share ``match``'s text."""
    return {students[other.source] for other in _sharing(match, class_matches)}


def _their_essays(
    match: Match,
    sharing: Sequence[Match],
    class_matches: Sequence[Match],
    students: Mapping[str, str],
    lengths: Mapping[str, int],
) -> bool:
    """Whether what the holders of ``match``'s text share is at least half of the
    submissions of more than half of them.

    A prompt or a handout is a part of an essay: the students who paste it share little
    else, and one who hands in only the prompt does not make it theirs. Students who
    hand in one essay share the whole of each, and have copied it however many they are.
    """
    mostly: dict[str, bool] = {}
    mine_mostly = False
    for other in sharing:
        mine, theirs = _halves(match.submission, other.source, class_matches, lengths)
        mine_mostly = mine_mostly or mine
        student = students[other.source]
        mostly[student] = mostly.get(student, False) or theirs
    holders = len(mostly) + 1
    return 2 * (sum(mostly.values()) + mine_mostly) > holders


def common_passages(matches: Sequence[Match], students: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each common passage once (by its opening words, with its longest wording), and how
    many students' submissions hold it, counted as when it was marked; most held first."""
    class_matches = [
        m for m in matches if m.source in students and m.excluded in (Excluded.COUNTED, Excluded.COMMON_TEXT)
    ]
    holders: dict[str, set[str]] = {}
    wording: dict[str, str] = {}
    for match in matches:
        if match.excluded == Excluded.COMMON_TEXT:
            key = " ".join(match.submission_text.split()[:12])
            sharing = _sharers(match, class_matches, students) | {students[match.submission]}
            holders.setdefault(key, set()).update(sharing)
            if len(match.submission_text) > len(wording.get(key, "")):
                wording[key] = match.submission_text
    rows = sorted(((len(who), key) for key, who in holders.items()), key=lambda r: (-r[0], r[1]))
    return [{"text": wording[key], "submissions": count} for count, key in rows]
