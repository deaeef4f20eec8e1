"""A whole class at once: every submission against the others and against a corpus.

Submissions come from a folder or a zip as learning platforms export them. A student's
files form one submission and are never compared with each other; students linked by
shared passages form groups.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from . import __version__
from .archive import load_zip
from .config import CheckConfig
from .errors import CorpusError, InputError
from .load import MAX_FILE_BYTES, load_folder, unsupported_files
from .models import CheckResult, Document, DocumentSummary, Match, SourceResult
from .pipeline import check_document, describe_inputs, explained, recounted, source_texts, summarise
from .retrieve import Corpus, ProgressCallback, open_corpus
from .tokens import Tokens

#: Why a passage shared by many submissions does not count.
COMMON_TEXT = "common text"

_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:[a-z]+_)?")
_CANVAS = re.compile(r"^(?:late_)?(?P<name>[a-z]+)(?:_late)?_(?P<id>\d+)_\d+_")

#: Columns of documents.csv, one row per submission.
DOCUMENT_COLUMNS = ("student", "files", "words", "similarity", "identical", "top_source", "group", "status")
#: Columns of pairs.csv, one row per pair of submissions sharing passages.
PAIR_COLUMNS = ("student_a", "student_b", "similarity_a", "similarity_b", "words", "passages")


def student_of(doc_id: str) -> str:
    """The student a submitted file belongs to, from the names platforms give files.

    >>> student_of("Ada Lovelace_123456_assignsubmission_file_essay.docx")
    'Ada Lovelace'
    >>> student_of("late_lovelaceada_12345_67890_essay.docx")
    'lovelaceada'
    >>> student_of("Ada Lovelace/draft.txt"), student_of("essay-ada.txt")
    ('Ada Lovelace', 'essay-ada')
    """
    path = PurePosixPath(doc_id)
    # A platform's name for a student's file also names their folder ("Download
    # submissions in folders") and a zip they handed in ("..._file_work.zip/essay.txt").
    first = path.parts[0] if path.parts else doc_id
    for pattern in (_MOODLE, _CANVAS):
        found = pattern.match(first)
        if found:
            return found.group("name")
    return first if len(path.parts) > 1 else path.stem


def unreadable_status(reason: str) -> str:
    """The status documents.csv gives a file that could not be read."""
    return f"unreadable: {reason}"


def status_parts(status: str) -> tuple[str, str]:
    """A documents.csv status as its short label and the reason an unreadable file
    gives, for tables that show the reason apart.

    >>> status_parts(unreadable_status("not a zip")), status_parts("flagged")
    (('unreadable', 'not a zip'), ('flagged', ''))
    """
    state, _, reason = status.partition(": ")
    return state, reason


def short_name(path: str) -> str:
    """A submitted file as a class table shows it beside its student: without the
    student's folder or the prefix a learning platform adds to the name.

    >>> short_name("Ada Lovelace_111_assignsubmission_file_/essay2.docx")
    'essay2.docx'
    >>> short_name("Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt")
    'work.zip/essay.txt'
    >>> short_name("lovelaceada_late_7000_90000_essay2.docx"), short_name("Ada/draft.txt")
    ('essay2.docx', 'draft.txt')
    >>> short_name("essay-ada.txt")
    'essay-ada.txt'
    """
    parts = PurePosixPath(path).parts
    if not parts:
        return path
    first = parts[0]
    for pattern in (_MOODLE, _CANVAS):
        first = pattern.sub("", first, count=1)
        if first != parts[0]:
            rest = [first, *parts[1:]] if first else list(parts[1:])
            return "/".join(rest) or path
    return "/".join(parts[1:]) or parts[0]


def load_submissions(
    source: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Document], list[InputError]]:
    """Every readable submission in a folder or a zip, and an error for each other file.

    See :mod:`simcheck.archive` for what is refused in a zip, and
    :func:`~simcheck.load.load_folder` for a folder.
    """
    path = Path(source)
    if path.is_dir():
        documents, errors = load_folder(path, max_bytes=max_bytes)
        return documents, sorted(errors + unsupported_files(path), key=lambda e: e.path)
    # A pipe or device would block is_zipfile's read: only a regular file is tried.
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise CorpusError(f"{source}: neither a folder nor a zip archive; give the class's folder or export")
    return load_zip(path, max_bytes=max_bytes)


@dataclass(frozen=True)
class BatchResult:
    """The class compared: every submission's result, the pairs and the groups, and an
    :class:`~simcheck.errors.InputError` for each file that could not be read."""

    result: CheckResult
    students: dict[str, str]
    pairs: pd.DataFrame
    groups: dict[str, int]
    errors: tuple[InputError, ...] = field(default_factory=tuple)

    @property
    def corpus_skipped(self) -> tuple[str, ...]:
        """The corpus files that could not be read: ``result.skipped`` lists them first,
        then the class's own unreadable files (``errors``)."""
        return self.result.skipped[: len(self.result.skipped) - len(self.errors)]

    def documents_frame(self) -> pd.DataFrame:
        """One row per submitted file: student, words, similarity %, top source, group."""
        rows = []
        for summary in self.result.documents:
            student = self.students[summary.path]
            sources = [s for s in self.result.sources if s.submission == summary.path and s.passages]
            rows.append(
                {
                    "student": student,
                    "files": summary.path,
                    "words": summary.words,
                    "similarity": round(summary.similarity, 2),
                    "identical": round(summary.identical, 2),
                    "top_source": sources[0].source if sources else "",
                    "group": self.groups.get(student, 0),
                    "status": "flagged" if summary.similarity > 0 else "clean",
                }
            )
        for error in self.errors:
            # A file that could not be read is listed with its student and the reason,
            # so nobody's submission silently disappears from the table.
            rows.append(
                {
                    "student": student_of(error.path),
                    "files": error.path,
                    "words": 0,
                    "similarity": 0.0,
                    "identical": 0.0,
                    "top_source": "",
                    "group": 0,
                    "status": unreadable_status(error.reason),
                }
            )
        return pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))

    def to_json(self) -> str:
        """The JSON report: ``check``'s contract for every submission, and the class
        tables beside it (``submissions`` as in documents.csv, ``pairs``, ``common``),
        so a script needs no CSV. Byte-identical for the same inputs."""
        report = self.result.to_dict()
        for key, frame in (
            ("submissions", self.documents_frame()),
            ("pairs", self.pairs),
            ("common", _common_table(self.result, self.students)),
        ):
            report[key] = json.loads(frame.to_json(orient="records", force_ascii=False))
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"

    def write(self, folder: str | os.PathLike[str]) -> list[Path]:
        """report.json, documents.csv, pairs.csv, matches.csv, common.csv and report.html in ``folder``."""
        from .report.html import render_batch_html

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "report.json": self.to_json(),
            "documents.csv": self.documents_frame().to_csv(index=False, lineterminator="\n"),
            "pairs.csv": self.pairs.to_csv(index=False, lineterminator="\n"),
            "matches.csv": self.result.to_frame().to_csv(index=False, lineterminator="\n"),
            "common.csv": _common_table(self.result, self.students).to_csv(index=False, lineterminator="\n"),
            "report.html": render_batch_html(self),
        }
        # Everything is encoded before anything is written, and each file is renamed into
        # place whole: a failure leaves the previous reports, never a mix or a torn file.
        encoded = {name: content.encode("utf-8") for name, content in files.items()}
        written = []
        for name, data in encoded.items():
            target = out / name
            partial = out / f".{name}.partial"
            partial.write_bytes(data)
            os.replace(partial, target)
            written.append(target)
        return written


def compare_batch(
    submissions: str | os.PathLike[str] | Sequence[Document],
    corpus: Any = None,
    *,
    config: CheckConfig | None = None,
    templates: Sequence[Document] = (),
    jobs: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Compare every submission with every other student's and with ``corpus``.

    Parameters
    ----------
    submissions : folder, zip or list of Document
        The class. Student identity comes from the file names (Moodle, Canvas) or a
        folder per student.
    corpus : folder, index file, Corpus or None
        Known sources to check against as well.
    templates : sequence of Document
        The assignment prompt or other given text, not counted where students repeat it.
    jobs : int, default=1
        Worker processes; the result is the same whatever their number.
    max_bytes : int, default=MAX_FILE_BYTES
        Largest submission file read; larger ones are listed as unreadable.
    """
    from .index import Index

    config = config or CheckConfig()
    errors: list[InputError] = []
    if isinstance(submissions, (str, os.PathLike)):
        documents, errors = load_submissions(submissions, max_bytes=max_bytes)
    else:
        documents = list(submissions)
    if not documents:
        detail = f" ({len(errors)} unreadable; the first: {errors[0]})" if errors else ""
        raise CorpusError(f"{submissions}: no readable submissions{detail}")
    students = {d.doc_id: student_of(d.doc_id) for d in documents}
    classmates = Corpus(documents, config)
    external = open_corpus(corpus, config) if corpus is not None else None
    # An index is a database connection: workers open their own from its path.
    external_spec = ("index", str(external.path)) if isinstance(external, Index) else ("corpus", external)
    state = _State(documents, students, classmates, external_spec, config, list(templates))
    summaries: list[DocumentSummary] = []
    matches: list[Match] = []
    sources: list[SourceResult] = []
    if jobs > 1 and len(documents) >= 2 * jobs:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(state,)) as pool:
            outcomes = pool.map(_check_submission, range(len(documents)), chunksize=8)
            for done, (summary, found_matches, found_sources) in enumerate(outcomes, 1):
                summaries.append(summary)
                matches.extend(found_matches)
                sources.extend(found_sources)
                if progress is not None:
                    progress(done, len(documents))
    else:
        _start_worker(state, external)
        for done in range(1, len(documents) + 1):
            summary, found_matches, found_sources = _check_submission(done - 1)
            summaries.append(summary)
            matches.extend(found_matches)
            sources.extend(found_sources)
            if progress is not None:
                progress(done, len(documents))
    matches.sort(key=lambda m: (m.submission, m.submission_start, m.submission_end, m.source, m.source_start))
    sources.sort(key=lambda s: (s.submission, -s.similarity, s.source))
    texts = {d.doc_id: d.text for d in documents}
    if external is not None:
        texts.update(source_texts(external, (m.source for m in matches if m.source not in students)))
    result = CheckResult(
        documents=tuple(summaries),
        matches=tuple(matches),
        sources=tuple(sources),
        settings=config.to_dict(),
        version=__version__,
        # Every file that could not be read: the corpus's, then the class's (which
        # documents.csv also lists, each with its student).
        skipped=tuple(getattr(external, "skipped", ())) + tuple(str(e) for e in errors),
        stats={"submissions": len(documents), "passages": len(matches)},
        texts=texts,
        inputs=describe_inputs(corpus, external, templates),
    )
    pairs = _pairs(result, students)
    return BatchResult(result, students, pairs, _groups(pairs), tuple(errors))


@dataclass
class _State:
    """What every worker needs to check submissions (sent once per worker)."""

    documents: list[Document]
    students: dict[str, str]
    classmates: Corpus
    external: tuple[str, Any]
    config: CheckConfig
    templates: list[Document]


_WORKER: dict[str, Any] = {}


def _start_worker(state: _State, external: Any = None) -> None:
    from .index import Index

    kind, value = state.external
    if external is None and value is not None:
        external = Index(value, state.config) if kind == "index" else value
    files_of: dict[str, list[int]] = {}
    for position, document in enumerate(state.documents):
        files_of.setdefault(state.students[document.doc_id], []).append(position)
    _WORKER.update(
        state=state,
        files_of=files_of,
        external=external,
        templates=[Tokens(t.text, state.config.language) for t in state.templates],
    )


def _check_submission(position: int) -> tuple[DocumentSummary, list[Match], list[SourceResult]]:
    """One submission against the other students' work and the corpus."""
    state: _State = _WORKER["state"]
    document = state.documents[position]
    tokens = state.classmates.tokens(position)
    students, config, templates = state.students, state.config, _WORKER["templates"]
    own = _WORKER["files_of"][students[document.doc_id]]
    found = [check_document(document, tokens, state.classmates, config, exclude=own, templates=templates)]
    external = _WORKER["external"]
    if external is not None:
        # A class already added to the archive is not matched with its own files there.
        copy = external.own_copy(document)
        outside = [] if copy is None else [copy]
        found.append(check_document(document, tokens, external, config, exclude=outside, templates=templates))
    everything = [m for f in found for m in f[0]]
    found = [([m for m in ms if not explained(m, everything)], ss) for ms, ss in found]
    found_matches = _mark_common([m for f in found for m in f[0]], students, config.common_threshold)
    # Text that many classmates share no longer counts towards any source either. Each
    # source is recounted from its own check's matches (classmates' and the corpus's
    # documents may share a name); _mark_common keeps their order.
    found_sources: list[SourceResult] = []
    start = 0
    for check_matches, check_sources in found:
        marked = found_matches[start : start + len(check_matches)]
        start += len(check_matches)
        found_sources.extend(recounted(check_sources, tokens, marked))
    return summarise(document, tokens, found_matches), found_matches, found_sources


def _mark_common(matches: list[Match], students: dict[str, str], threshold: int) -> list[Match]:
    """Exclude passages of one submission that at least ``threshold`` other students'
    submissions share (so the text is in more than ``threshold`` submissions)."""
    class_matches = [m for m in matches if m.source in students and not m.excluded]
    marked = []
    for match in matches:
        if not match.excluded and len(_sharers(match, class_matches, students)) >= threshold:
            match = replace(match, excluded=COMMON_TEXT)
        marked.append(match)
    return marked


def _sharers(match: Match, class_matches: Sequence[Match], students: dict[str, str]) -> set[str]:
    """The other students whose submissions share ``match``'s text: those with a passage
    of the same submission covering at least half of it."""
    return {
        students[other.source]
        for other in class_matches
        if other.submission == match.submission
        and 2
        * (
            min(match.submission_end, other.submission_end)
            - max(match.submission_start, other.submission_start)
        )
        >= match.submission_end - match.submission_start
    }


def _common_table(result: CheckResult, students: dict[str, str]) -> pd.DataFrame:
    """Each common passage once (by its opening words, with its longest wording), and how
    many students' submissions hold it, counted as when it was marked."""
    class_matches = [m for m in result.matches if m.source in students and m.excluded in ("", COMMON_TEXT)]
    holders: dict[str, set[str]] = {}
    wording: dict[str, str] = {}
    for match in result.matches:
        if match.excluded == COMMON_TEXT:
            key = " ".join(match.submission_text.split()[:12])
            sharing = _sharers(match, class_matches, students) | {students[match.submission]}
            holders.setdefault(key, set()).update(sharing)
            if len(match.submission_text) > len(wording.get(key, "")):
                wording[key] = match.submission_text
    rows = sorted(((len(who), key) for key, who in holders.items()), key=lambda r: (-r[0], r[1]))
    return pd.DataFrame(
        [{"text": wording[key], "submissions": count} for count, key in rows], columns=["text", "submissions"]
    )


def _pairs(result: CheckResult, students: dict[str, str]) -> pd.DataFrame:
    """Pairs of students sharing passages, both directions combined, most shared first."""
    by_pair: dict[tuple[str, str], dict[str, Any]] = {}
    for source in result.sources:
        if source.source not in students or source.passages == 0:
            continue  # an external source, or only text that does not count
        a, b = sorted((students[source.submission], students[source.source]))
        row = by_pair.setdefault(
            (a, b), {"similarity_a": 0.0, "similarity_b": 0.0, "words": 0, "passages": 0}
        )
        side = "similarity_a" if students[source.submission] == a else "similarity_b"
        row[side] = max(row[side], round(source.similarity, 2))
        row["words"] = max(row["words"], source.words)
        row["passages"] = max(row["passages"], source.passages)
    rows = [{"student_a": a, "student_b": b, **values} for (a, b), values in by_pair.items()]
    frame = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    if not frame.empty:
        frame["_rank"] = frame[["similarity_a", "similarity_b"]].max(axis=1)
        frame = frame.sort_values(["_rank", "student_a", "student_b"], ascending=[False, True, True])
        frame = frame.drop(columns="_rank").reset_index(drop=True)
    return frame


def _groups(pairs: pd.DataFrame) -> dict[str, int]:
    """Students linked by shared passages, numbered 1, 2, ... by their first member."""
    parent: dict[str, str] = {}

    def root(student: str) -> str:
        while parent.setdefault(student, student) != student:
            parent[student] = parent[parent[student]]
            student = parent[student]
        return student

    for a, b in zip(pairs["student_a"], pairs["student_b"]):
        parent[root(a)] = root(b)
    members: dict[str, list[str]] = {}
    for student in parent:
        members.setdefault(root(student), []).append(student)
    ordered = sorted(sorted(group) for group in members.values())
    return {student: number for number, group in enumerate(ordered, 1) for student in group}
