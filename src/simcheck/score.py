"""All counting: percentages of a submission and of each source, the words left word
for word, and, for a class, the exclusions settled (text common to many is judged in
:mod:`simcheck.common_text`), pairs of students and their groups.

A passage counts unless it is excluded (a cited quotation, a reference list, the
prompt, text common to the class); words matched in two sources count once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .common_text import CommonText, clipped_length
from .config import CheckConfig
from .models import Document, DocumentSummary, Excluded, Kind, Match, SourceResult, reported
from .review import SetAside
from .tables import Table
from .tokens import Tokens

#: Columns of pairs.csv, one row per pair of students sharing passages.
PAIR_COLUMNS = ("student_a", "student_b", "similarity_a", "similarity_b", "words", "passages")
# Share of a passage shared with a classmate that passages from corpus sources must
# cover, and of its identical words they must match, for the corpus to explain it: a
# passage's ends vary by a word or two with the other side's text.
_IN_CORPUS_SHARE = 0.8
_IN_CORPUS_IDENTICAL = 0.9


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
        words = tokens.normal_between(first, last)
        self._places: dict[tuple[str, ...], list[int]] = {}
        for i in range(last - first - run + 1):
            self._places.setdefault(tuple(words[i : i + run]), []).append(first + i)

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
    words_a = submission.normal_between(a_first, a_last)
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


def percentages(tokens: Tokens, counted: Sequence[Match]) -> tuple[float, float]:
    """Similarity and identical share of ``tokens`` in the ``counted`` passages."""
    return (
        similarity_percent(tokens, [(m.submission_start, m.submission_end) for m in counted]),
        similarity_percent(tokens, [span for m in counted for span in m.identical_spans]),
    )


def is_flagged(similarity: float, counted: Sequence[Match], config: CheckConfig) -> bool:
    """Whether a submission is flagged, worth reading for copying: its similarity, as
    reported, above ``flag_above``, or one of its ``counted`` passages of
    ``flag_passage_words`` words or more (a copied paragraph flags a long essay too).

    >>> settings = CheckConfig(flag_above=15, flag_passage_words=25)
    >>> is_flagged(15.001, [], settings), is_flagged(15.006, [], settings)
    (False, True)
    """
    if reported(similarity) > config.flag_above:
        return True
    longest = max((m.words for m in counted), default=0)
    return config.flag_passage_words > 0 and longest >= config.flag_passage_words


def summarise(
    document: Document, tokens: Tokens, matches: Iterable[Match], config: CheckConfig
) -> DocumentSummary:
    """A submission's percentages from the passages that count (the union over sources:
    words matched in two sources count once), and whether they flag it."""
    counted = [m for m in matches if not m.excluded]
    similarity, identical = percentages(tokens, counted)
    flagged = is_flagged(similarity, counted, config)
    return DocumentSummary(document.doc_id, len(tokens), similarity, identical, flagged)


def explained(match: Match, matches: Sequence[Match]) -> bool:
    """Whether a loose match (a paraphrase or summary) lies wholly inside a copy of the
    same words from another source: the copy explains that text, and the loose match
    would only list a second, weaker source for it."""
    if match.kind not in (Kind.PARAPHRASE, Kind.SUMMARY):
        return False
    return any(
        other.source != match.source
        and other.submission == match.submission
        and other.kind in (Kind.VERBATIM, Kind.EDITED)
        and other.excluded == match.excluded
        and other.submission_start <= match.submission_start
        and match.submission_end <= other.submission_end
        for other in matches
    )


class Copies:
    """The copies (verbatim and edited matches) among ``matches``, to ask of many loose
    matches at once whether one of them explains it (see :func:`explained`): sorted by
    where they start, each submission and exclusion apart, with the furthest end reached
    so far by any source and by a second one. A text that repeats a paraphrased paragraph
    thousands of times is settled in ``n log n`` steps, not ``n**2``.

    >>> def match(source, start, end, kind):
    ...     return Match("essay", source, start, end, 0, end - start, "", "", 10, 0.5, kind)
    >>> copies = Copies([match("a.txt", 0, 500, Kind.VERBATIM)])
    >>> [copies.explain(match(source, 100, 200, Kind.PARAPHRASE)) for source in ("b.txt", "a.txt")]
    [True, False]
    """

    def __init__(self, matches: Iterable[Match]) -> None:
        by_place: dict[tuple[str, Excluded], list[Match]] = {}
        for match in matches:
            if match.kind in (Kind.VERBATIM, Kind.EDITED):
                by_place.setdefault((match.submission, match.excluded), []).append(match)
        # For each place, the copies' starts in order, and after each the furthest end
        # of the copies so far, its source, and the furthest end of any other source.
        self._reach: dict[tuple[str, Excluded], tuple[list[int], list[tuple[int, str, int]]]] = {}
        for place, copies in by_place.items():
            copies.sort(key=lambda m: m.submission_start)
            starts, reach = [], []
            best_end, best_source, other_end = -1, "", -1
            for copy in copies:
                end, source = copy.submission_end, copy.source
                if source == best_source:
                    best_end = max(best_end, end)
                elif end > best_end:
                    best_end, best_source, other_end = end, source, best_end
                else:
                    other_end = max(other_end, end)
                starts.append(copy.submission_start)
                reach.append((best_end, best_source, other_end))
            self._reach[place] = (starts, reach)

    def explain(self, match: Match) -> bool:
        """Whether ``match`` is loose and lies wholly inside a copy from another source
        (the same as :func:`explained` against the matches given)."""
        if match.kind not in (Kind.PARAPHRASE, Kind.SUMMARY):
            return False
        found = self._reach.get((match.submission, match.excluded))
        if found is None:
            return False
        starts, reach = found
        at = bisect_right(starts, match.submission_start)
        if at == 0:
            return False
        best_end, best_source, other_end = reach[at - 1]
        end = best_end if best_source != match.source else other_end
        return end >= match.submission_end


def recounted(
    sources: Iterable[SourceResult], tokens: Tokens, matches: Sequence[Match]
) -> list[SourceResult]:
    """The ``sources`` that still have one of ``matches``, each with its percentages,
    words and passages from its matches that count (recounted once explained matches
    are dropped and a batch has marked common text)."""
    found = []
    for source in sources:
        own = [m for m in matches if m.source == source.source]
        if not own:
            continue
        counted = [m for m in own if not m.excluded]
        similarity, identical = percentages(tokens, counted)
        found.append(
            replace(
                source,
                similarity=similarity,
                identical=identical,
                words=round(similarity * len(tokens) / 100),
                passages=len(counted),
            )
        )
    return found


#: What one check of a submission against one corpus found: its passages and sources.
Found = tuple[list[Match], list[SourceResult]]


def settle(
    document: Document,
    tokens: Tokens,
    found: Sequence[Found],
    mark: Callable[[list[Match]], list[Match]] | None = None,
    *,
    config: CheckConfig | None = None,
) -> tuple[DocumentSummary, list[Match], list[SourceResult]]:
    """A submission's result from what its checks against one or more corpora found.

    Matches another corpus's copy explains are dropped; ``mark`` may exclude more (a
    class's common text) and keeps the order; each check's sources are recounted from
    that check's own matches (a classmate and a corpus file may share a name); the flag
    settings of ``config`` (the defaults if None) say whether the submission is flagged.
    """
    copies = Copies(m for matches, _ in found for m in matches)
    kept = [[m for m in matches if not copies.explain(m)] for matches, _ in found]
    flat = [m for matches in kept for m in matches]
    marked = mark(flat) if mark is not None else flat
    sources: list[SourceResult] = []
    start = 0
    for matches, (_, check_sources) in zip(kept, found):
        sources.extend(recounted(check_sources, tokens, marked[start : start + len(matches)]))
        start += len(matches)
    return summarise(document, tokens, marked, config or CheckConfig()), marked, sources


def mark_set_aside(matches: list[Match], set_aside: SetAside, students: Mapping[str, str]) -> list[Match]:
    """Exclude the counted passages a teacher set aside, each with its reason (a passage
    already excluded keeps its own); the order is kept."""
    marked = []
    for match in matches:
        if not match.excluded:
            reason = set_aside.reason(match.submission, match.source, students)
            if reason:
                match = replace(match, excluded=reason)
        marked.append(match)
    return marked


# --- a class --------------------------------------------------------------------------


def mark_class(matches: list[Match], common: CommonText) -> list[Match]:
    """A submission's matches with a class's exclusions marked: text common to the
    class (:meth:`CommonText.mark`; a handout in the corpus too counts against no
    source), then text shared with a classmate that a corpus source holds as well
    (:func:`mark_in_corpus`)."""
    return mark_in_corpus(common.mark(matches), common.students)


def mark_in_corpus(matches: list[Match], students: Mapping[str, str]) -> list[Match]:
    """Exclude passages shared with a classmate that lie within the submission's
    passages from corpus sources, with no more of their words identical.

    Two students who copied one published source share its text; that is no evidence
    that they worked together, and it is already counted against the source. A
    classmate's copy keeps counting where it explains more: words outside the source's
    passages, or the same edits on both sides (more identical words than the source).
    """
    external = [m for m in matches if m.source not in students and not m.excluded]
    marked = []
    for match in matches:
        if match.source in students and not match.excluded and _within_corpus_copies(match, external):
            match = replace(match, excluded=Excluded.IN_CORPUS)
        marked.append(match)
    return marked


def _within_corpus_copies(match: Match, external: Sequence[Match]) -> bool:
    start, end = match.submission_start, match.submission_end
    covering = [m for m in external if m.submission == match.submission]
    covered = clipped_length([(m.submission_start, m.submission_end) for m in covering], start, end)
    if covered < _IN_CORPUS_SHARE * (end - start):
        return False
    identical = clipped_length(list(match.identical_spans), start, end)
    from_corpus = clipped_length([span for m in covering for span in m.identical_spans], start, end)
    return from_corpus >= _IN_CORPUS_IDENTICAL * identical


def student_pairs(sources: Iterable[SourceResult], students: Mapping[str, str]) -> Table:
    """Pairs of students sharing passages, both directions combined, most shared first
    (the rows of pairs.csv)."""
    by_pair: dict[tuple[str, str], dict[str, Any]] = {}
    for source in sources:
        if source.source not in students or source.passages == 0:
            continue  # an external source, or only text that does not count
        a, b = sorted((students[source.submission], students[source.source]))
        row = by_pair.setdefault(
            (a, b), {"similarity_a": 0.0, "similarity_b": 0.0, "words": 0, "passages": 0}
        )
        side = "similarity_a" if students[source.submission] == a else "similarity_b"
        row[side] = max(row[side], reported(source.similarity))
        row["words"] = max(row["words"], source.words)
        row["passages"] = max(row["passages"], source.passages)
    rows = [{"student_a": a, "student_b": b, **values} for (a, b), values in by_pair.items()]
    # Most similar first (the larger of the two sides), then by name.
    rows.sort(key=lambda r: (-max(r["similarity_a"], r["similarity_b"]), r["student_a"], r["student_b"]))
    return Table(PAIR_COLUMNS, rows)


def groups(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Students linked by shared passages, numbered 1, 2, ... by their first member.

    >>> groups([("b", "c"), ("a", "d"), ("c", "e")])
    {'a': 1, 'd': 1, 'b': 2, 'c': 2, 'e': 2}
    """
    parent: dict[str, str] = {}

    def root(student: str) -> str:
        while parent.setdefault(student, student) != student:
            parent[student] = parent[parent[student]]
            student = parent[student]
        return student

    for a, b in pairs:
        parent[root(a)] = root(b)
    members: dict[str, list[str]] = {}
    for student in parent:
        members.setdefault(root(student), []).append(student)
    ordered = sorted(sorted(group) for group in members.values())
    return {student: number for number, group in enumerate(ordered, 1) for student in group}
