"""What the HTML report shows of each submission: its text cut at every passage, its
sources, and each passage beside its source, the words that differ marked.

Passages are highlighted by slicing the text on their offsets, never by searching for
strings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..models import CheckResult, Match, SourceResult, match_order

#: Characters of source text shown before and after a passage.
CONTEXT_CHARS = 320
_WORD = re.compile(r"\S+")
_NORMAL = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Piece:
    """A run of text; ``changed`` when its words differ from the other side of a passage."""

    text: str
    changed: bool = False


@dataclass(frozen=True)
class Segment:
    """A stretch of an essay between two passage boundaries.

    ``passage`` is the number of the passage shown there (0 for unflagged text), chosen
    among overlapping passages as the counted one covering most words; ``starts`` lists
    the passages that begin here, each drawn as a numbered button.
    """

    pieces: tuple[Piece, ...]
    passage: int = 0
    source: int = 0
    excluded: str = ""
    starts: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class PassageView:
    """One passage with both sides, the differing words marked."""

    number: int
    source: int
    source_label: str
    match: Match
    submission: tuple[Piece, ...]
    source_before: str
    source_passage: tuple[Piece, ...]
    source_after: str


@dataclass(frozen=True)
class SourceView:
    number: int
    doc_id: str
    label: str
    similarity: float
    identical: float
    words: int
    passages: int
    excluded: int
    near_duplicate: bool


@dataclass
class SubmissionView:
    """Everything the page shows about one submitted file."""

    number: int
    path: str
    name: str
    student: str
    words: int
    similarity: float
    identical: float
    group: int
    status: str = "clean"
    segments: list[Segment] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    passages: list[PassageView] = field(default_factory=list)
    has_text: bool = True


def _normal(word: str) -> str:
    return _NORMAL.sub("", word.casefold())


def diff_pieces(a: str, b: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """Both texts cut into runs, the words absent from the other side marked changed.

    Words compare case- and punctuation-blind, so "War," and "war" are the same word.

    >>> a, b = diff_pieces("the long war ended", "the cold war ended")
    >>> [(p.text, p.changed) for p in a]
    [('the ', False), ('long', True), (' war ended', False)]
    """
    a_words = [(m.start(), m.end()) for m in _WORD.finditer(a)]
    b_words = [(m.start(), m.end()) for m in _WORD.finditer(b)]
    matcher = difflib.SequenceMatcher(
        None, [_normal(a[s:e]) for s, e in a_words], [_normal(b[s:e]) for s, e in b_words], autojunk=False
    )
    a_changed: list[tuple[int, int]] = []
    b_changed: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            a_changed.append((a_words[i1][0], a_words[i2 - 1][1]))
        if j2 > j1:
            b_changed.append((b_words[j1][0], b_words[j2 - 1][1]))
    return _cut(a, a_changed), _cut(b, b_changed)


def _cut(text: str, changed: Sequence[tuple[int, int]], offset: int = 0) -> tuple[Piece, ...]:
    """``text`` (which starts at ``offset``) as pieces, the ``changed`` spans marked."""
    pieces: list[Piece] = []
    at = 0
    for start, end in changed:
        start, end = max(start - offset, at), min(end - offset, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], True))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return tuple(pieces)


def _changed_spans(match: Match, pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """Absolute spans of the submission's words that differ from the source passage
    (``pieces``: the submission's side of :func:`diff_pieces`)."""
    spans, at = [], match.submission_start
    for piece in pieces:
        if piece.changed:
            spans.append((at, at + len(piece.text)))
        at += len(piece.text)
    return spans


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of ``text`` either side of a passage, cut at whitespace."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    if start > CONTEXT_CHARS and " " in before:
        before = "… " + before[before.index(" ") + 1 :]
    after = text[end : end + CONTEXT_CHARS]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[: after.rindex(" ")] + " …"
    return before, after


def _segments(
    text: str, matches: Sequence[Match], numbers: Mapping[str, int], changed: Sequence[list[tuple[int, int]]]
) -> list[Segment]:
    """The essay cut at every passage boundary, each stretch with the passage it shows
    (``changed``: each passage's changed words, :func:`_changed_spans`)."""
    bounds = {0, len(text)}
    for m in matches:
        bounds.update((m.submission_start, m.submission_end))
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    segments = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [
            i for i, m in enumerate(matches) if m.submission_start <= start and m.submission_end >= end
        ]
        starts = tuple(
            (i + 1, numbers[m.source], m.excluded)
            for i, m in enumerate(matches)
            if m.submission_start == start
        )
        if not covering:
            segments.append(Segment((Piece(text[start:end]),), starts=starts))
            continue
        # Counted text shows over excluded text; then the longer passage, then the first.
        top = min(covering, key=lambda i: (bool(matches[i].excluded), -matches[i].words, i))
        match = matches[top]
        segments.append(
            Segment(
                _cut(text[start:end], changed[top], start),
                passage=top + 1,
                source=numbers[match.source],
                excluded=match.excluded,
                starts=starts,
            )
        )
    return segments


def _label(doc_id: str, students: Mapping[str, str]) -> str:
    """A classmate by name (their file names are long); a corpus source by its path."""
    if doc_id in students:
        return f"{students[doc_id]} (classmate)"
    return doc_id


def submission_views(
    result: CheckResult, students: Mapping[str, str] | None = None, groups: Mapping[str, int] | None = None
) -> list[SubmissionView]:
    """One view per submitted file, in the result's order."""
    students = students or {}
    groups = groups or {}
    by_submission: dict[str, list[Match]] = {}
    for match in result.matches:
        by_submission.setdefault(match.submission, []).append(match)
    # Grouped once: scanning every source for each file is quadratic in a large class.
    sources_of: dict[str, list[SourceResult]] = {}
    for source in result.sources:
        sources_of.setdefault(source.submission, []).append(source)
    views = []
    for number, summary in enumerate(result.documents, 1):
        matches = sorted(by_submission.get(summary.path, []), key=match_order)
        ranked = sources_of.get(summary.path, [])
        order = [s.source for s in ranked]
        order += sorted({m.source for m in matches} - set(order))
        numbers = {source: i for i, source in enumerate(order, 1)}
        student = students.get(summary.path, "")
        view = SubmissionView(
            number=number,
            path=summary.path,
            name=PurePosixPath(summary.path).name,
            student=student,
            words=summary.words,
            similarity=summary.similarity,
            identical=summary.identical,
            group=groups.get(student, 0),
            status=summary.status,
        )
        by_source = {s.source: s for s in ranked}
        view.sources = [
            _source_view(source, numbers, by_source.get(source), matches, students) for source in order
        ]
        # Each passage's words compared with its source's once, for the essay and the
        # passage beside its source: the word diff is most of the page's making.
        pieces = [diff_pieces(m.submission_text, m.source_text) for m in matches]
        text = result.texts.get(summary.path)
        if text is None:
            view.has_text = False
        else:
            changed = [_changed_spans(m, sides[0]) for m, sides in zip(matches, pieces)]
            view.segments = _segments(text, matches, numbers, changed)
        view.passages = [
            _passage_view(i, match, sides, numbers, result.texts.get(match.source), students)
            for i, (match, sides) in enumerate(zip(matches, pieces), 1)
        ]
        views.append(view)
    return views


def _source_view(
    source: str,
    numbers: Mapping[str, int],
    found: SourceResult | None,
    matches: Sequence[Match],
    students: Mapping[str, str],
) -> SourceView:
    """One source of a submission, numbered as its passages are."""
    return SourceView(
        number=numbers[source],
        doc_id=source,
        label=_label(source, students),
        similarity=found.similarity if found else 0.0,
        identical=found.identical if found else 0.0,
        words=found.words if found else 0,
        passages=found.passages if found else 0,
        excluded=sum(1 for m in matches if m.source == source and m.excluded),
        near_duplicate=bool(found and found.near_duplicate),
    )


def _passage_view(
    number: int,
    match: Match,
    pieces: tuple[tuple[Piece, ...], tuple[Piece, ...]],
    numbers: Mapping[str, int],
    source_text: str | None,
    students: Mapping[str, str],
) -> PassageView:
    """One passage beside its source in context, the differing words marked
    (``pieces``: :func:`diff_pieces` of the two)."""
    sub_pieces, src_pieces = pieces
    before, after = _context(source_text, match.source_start, match.source_end) if source_text else ("", "")
    return PassageView(
        number=number,
        source=numbers[match.source],
        source_label=_label(match.source, students),
        match=match,
        submission=sub_pieces,
        source_before=before,
        source_passage=src_pieces,
        source_after=after,
    )
