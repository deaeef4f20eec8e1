"""The HTML report: one self-contained page a teacher can read, sort, and print as evidence.

Everything a document holds (text, file names, student names) reaches the page through
Jinja2 with autoescaping on, so it is shown as text and never parsed as markup. The CSS
and the script are inlined and allowed by their sha256 in a Content-Security-Policy that
forbids every other script, style and network load. Passages are highlighted by slicing
the text on their offsets, never by searching for strings.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2

from ..models import CheckResult, Match

if TYPE_CHECKING:
    from ..batch import BatchResult

#: Characters of source text shown before and after a passage.
CONTEXT_CHARS = 320
#: Distinct highlight colours; a number on every passage tells sources apart without them.
PALETTE_SIZE = 8
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


def _changed_spans(match: Match) -> list[tuple[int, int]]:
    """Absolute spans of the submission's words that differ from the source passage."""
    a, _ = diff_pieces(match.submission_text, match.source_text)
    spans, at = [], match.submission_start
    for piece in a:
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


def _segments(text: str, matches: Sequence[Match], numbers: Mapping[str, int]) -> list[Segment]:
    """The essay cut at every passage boundary, each stretch with the passage it shows."""
    bounds = {0, len(text)}
    for m in matches:
        bounds.update((m.submission_start, m.submission_end))
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    changed = [_changed_spans(m) for m in matches]
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
    views = []
    for number, summary in enumerate(result.documents, 1):
        matches = sorted(
            by_submission.get(summary.path, []),
            key=lambda m: (m.submission_start, m.submission_end, m.source, m.source_start),
        )
        ranked = [s for s in result.sources if s.submission == summary.path]
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
        )
        by_source = {s.source: s for s in ranked}
        for source in order:
            found = by_source.get(source)
            view.sources.append(
                SourceView(
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
            )
        text = result.texts.get(summary.path)
        if text is None:
            view.has_text = False
        else:
            view.segments = _segments(text, matches, numbers)
        for i, match in enumerate(matches, 1):
            sub_pieces, src_pieces = diff_pieces(match.submission_text, match.source_text)
            source_text = result.texts.get(match.source)
            before, after = (
                _context(source_text, match.source_start, match.source_end) if source_text else ("", "")
            )
            view.passages.append(
                PassageView(
                    number=i,
                    source=numbers[match.source],
                    source_label=_label(match.source, students),
                    match=match,
                    submission=sub_pieces,
                    source_before=before,
                    source_passage=src_pieces,
                    source_after=after,
                )
            )
        views.append(view)
    return views


def histogram(values: Sequence[float]) -> list[dict[str, Any]]:
    """Counts of similarity in bins: exactly 0, then (0, 10], (10, 20], ... (90, 100].

    >>> [b["count"] for b in histogram([0, 0, 5, 10, 10.5, 100])]
    [2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    """
    labels = ["0%"] + [f"{low}–{low + 10}%" for low in range(0, 100, 10)]
    counts = [0] * len(labels)
    for value in values:
        counts[0 if value <= 0 else min(10, int((value - 1e-9) // 10) + 1)] += 1
    return [{"label": label, "count": count} for label, count in zip(labels, counts)]


def _group_graphs(pairs: Sequence[Mapping[str, Any]], groups: Mapping[str, int]) -> list[dict[str, Any]]:
    """Per group, its students on a circle and the pairs between them as lines (SVG units),
    the group with the most similar pair first."""
    members: dict[int, list[str]] = {}
    for student, number in groups.items():
        members.setdefault(number, []).append(student)
    graphs = []
    for number in sorted(members):
        names = sorted(members[number])
        count = len(names)
        radius = 0.0 if count == 1 else max(28.0, 10.0 * count)
        # Room beside the circle for names written left and right of their node (about
        # 7 units a character at the label's size).
        room = min(150.0, 16 + 7 * max(len(name) for name in names))
        width = max(2 * radius + 2 * room, 120.0)
        height = 46 if count <= 2 else 2 * radius + 46
        cx, cy = width / 2, height / 2
        places = {}
        nodes = []
        for i, name in enumerate(names):
            # A pair lies side by side; larger groups start from the top.
            angle = 2 * math.pi * i / count + (math.pi if count == 2 else -math.pi / 2)
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            places[name] = (round(x, 1), round(y, 1))
            anchor = "middle" if abs(x - cx) < 1 else "start" if x > cx else "end"
            dx = 0 if anchor == "middle" else 9 if anchor == "start" else -9
            dy = -10 if y < cy and anchor == "middle" else 16 if anchor == "middle" else 4
            nodes.append(
                {
                    "name": name,
                    "x": places[name][0],
                    "y": places[name][1],
                    "anchor": anchor,
                    "lx": round(x + dx, 1),
                    "ly": round(y + dy, 1),
                }
            )
        edges = []
        for pair in pairs:
            a, b = pair["student_a"], pair["student_b"]
            if a in places and b in places:
                top = max(float(pair["similarity_a"]), float(pair["similarity_b"]))
                edges.append(
                    {
                        "a": a,
                        "b": b,
                        "x1": places[a][0],
                        "y1": places[a][1],
                        "x2": places[b][0],
                        "y2": places[b][1],
                        "width": round(1.5 + top / 12, 1),
                        "similarity_a": pair["similarity_a"],
                        "similarity_b": pair["similarity_b"],
                    }
                )
        strongest = max((max(float(e["similarity_a"]), float(e["similarity_b"])) for e in edges), default=0.0)
        graphs.append(
            {
                "number": number,
                "width": round(width),
                "height": round(height),
                "nodes": nodes,
                "edges": edges,
                "strongest": strongest,
            }
        )
    # The groups a teacher should look at first: the highest similarity in them.
    return sorted(graphs, key=lambda g: (-g["strongest"], g["number"]))


def _exclusions(result: CheckResult) -> list[dict[str, Any]]:
    """Per reason, how many passages and words were listed but not counted."""
    rows: dict[str, dict[str, Any]] = {}
    for match in result.matches:
        if match.excluded:
            row = rows.setdefault(
                match.excluded, {"reason": match.excluded, "passages": 0, "words": 0, "submissions": set()}
            )
            row["passages"] += 1
            row["words"] += match.words
            row["submissions"].add(match.submission)
    return [{**row, "submissions": len(row["submissions"])} for _, row in sorted(rows.items())]


def created_at() -> str:
    """When the report is made, in UTC; ``SOURCE_DATE_EPOCH`` fixes it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    # autoescape=True for every template whatever its name: select_autoescape() would
    # leave a template unescaped if it were ever renamed to *.j2.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simcheck", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = lambda value: f"{float(value):.1f}%"
    return environment


def _asset(name: str) -> str:
    return (resources.files("simcheck") / "report" / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode() + "'"


def _page(context: dict[str, Any]) -> str:
    css, script = _asset("report.css"), _asset("report.js")
    policy = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(css)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template("report.html")
    return template.render(css=css, script=script, policy=policy, palette=PALETTE_SIZE, **context)


def _provenance(result: CheckResult, created: str | None) -> dict[str, Any]:
    return {
        "version": result.version,
        "created": created or created_at(),
        "corpus": result.inputs.get("corpus", ""),
        "templates": list(result.inputs.get("templates", [])),
        "settings": sorted(result.settings.items()),
        "identical_run": result.settings.get("shingle_size", ""),
        "skipped": list(result.skipped),
    }


def render_check_html(result: CheckResult, *, created: str | None = None) -> str:
    """The report of ``simcheck check``: each essay with its passages and sources.

    Parameters
    ----------
    result : CheckResult
        Its ``texts`` should hold the essay and the sources, for the essay to be shown
        whole and each source passage in context.
    created : str, optional
        The date printed on the report; the current time (or ``SOURCE_DATE_EPOCH``) by default.
    """
    return _page(
        {
            "title": "simcheck report: " + ", ".join(d.path for d in result.documents),
            "batch": False,
            "submissions": submission_views(result),
            "provenance": _provenance(result, created),
        }
    )


def render_batch_html(batch: BatchResult, *, created: str | None = None) -> str:
    """The class report of ``simcheck batch``: an overview, and a view of every submission.

    The overview lists every submitted file (sortable and filterable in the page), a
    histogram of similarity, the groups of students sharing passages, what was not
    counted and why, and the settings. Each submission's view is built when opened.
    """
    from ..batch import COMMON_TEXT, _common_table, short_name, status_parts

    result = batch.result
    views = submission_views(result, batch.students, batch.groups)
    number_of = {v.path: v.number for v in views}
    rows = []
    for row in batch.documents_frame().to_dict("records"):
        top = str(row["top_source"])
        # An unreadable file's status is shown as a short label with the reason beneath it.
        state, reason = status_parts(str(row["status"]))
        rows.append(
            {
                **row,
                "number": number_of.get(str(row["files"]), 0),
                "top_label": batch.students.get(top, top),
                # The names platforms give files are long: the student is in its own column.
                "short": short_name(str(row["files"])),
                "state": state,
                "reason": reason,
            }
        )
    pairs = [{str(k): v for k, v in row.items()} for row in batch.pairs.to_dict("records")]
    student_numbers: dict[str, int] = {}
    for view in views:
        student_numbers.setdefault(view.student, view.number)
    return _page(
        {
            "title": f"simcheck class report: {len(rows)} submitted files",
            "batch": True,
            "rows": rows,
            "submissions": views,
            "histogram": histogram([d.similarity for d in result.documents]),
            "pairs": pairs,
            "graphs": _group_graphs(pairs, batch.groups),
            "exclusions": _exclusions(result),
            "common": _common_table(result, batch.students).to_dict("records"),
            "common_reason": COMMON_TEXT,
            "common_threshold": result.settings.get("common_threshold", ""),
            "student_numbers": student_numbers,
            "max_graphs": 12,
            "errors": list(batch.errors),
            "provenance": {
                **_provenance(result, created),
                # The class's unreadable files are listed in the overview; only corpus files here.
                "skipped": list(batch.corpus_skipped),
            },
        }
    )
