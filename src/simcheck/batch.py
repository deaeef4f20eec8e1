"""A whole class at once: every submission against the others and against a corpus.

Submissions come from a folder or a zip as learning platforms export them. A student's
files form one submission and are never compared with each other (see
:mod:`simcheck.students`); students linked by shared passages form groups.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .archive import load_zip
from .batch_result import BatchResult
from .common_text import CommonText, held_by_more_students
from .config import CheckConfig
from .corpus import CorpusLike, SourceStore, rarity_of, settings_for
from .errors import CorpusError, InputError, NotChecked, OwnReport
from .fingerprint import widely_held_share
from .frequencies import Rarity
from .load import MAX_FILE_BYTES, load_folder
from .models import (
    CheckResult,
    Document,
    DocumentSummary,
    Match,
    ProgressCallback,
    SourceResult,
    match_order,
    source_order,
)
from .parallel import workers
from .pipeline import (
    CorpusSource,
    SubmissionZones,
    check_document,
    describe_inputs,
    mirrored_pairs,
    open_corpus,
    source_texts,
)
from .retrieve import Corpus
from .review import SetAside
from .score import Found, groups, mark_class, mark_set_aside, settle, student_pairs
from .students import named_students, student_ids, students_of
from .tokens import Tokens

if TYPE_CHECKING:  # only named in annotations; retrieval imports numpy when a batch runs
    import numpy as np


def load_submissions(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    skip: Sequence[str | os.PathLike[str]] = (),
) -> tuple[list[Document], list[InputError]]:
    """Every readable submission in a folder or a zip, and an error for each other file.

    See :mod:`simcheck.archive` for what is refused in a zip, and
    :func:`~simcheck.load.load_folder` for a folder; the folders in ``skip`` are not
    read. Reports simcheck wrote are passed over, each with an
    :class:`~simcheck.errors.OwnReport` among the errors.
    """
    path = Path(source)
    if path.is_dir():
        documents, errors = load_folder(path, max_bytes=max_bytes, skip=skip, unsupported=True)
        return documents, sorted(errors, key=lambda e: e.path)
    # A pipe or device would block is_zipfile's read: only a regular file is tried.
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise CorpusError(f"{source}: neither a folder nor a zip archive; give the class's folder or export")
    return load_zip(path, max_bytes=max_bytes)


@dataclass(frozen=True)
class _Class:
    """What checking any one submission needs: sent once to each worker process."""

    documents: list[Document]
    students: dict[str, str]
    files_of: dict[str, list[int]]
    classmates: Corpus
    external: CorpusLike | None
    config: CheckConfig
    templates: list[Document]
    template_tokens: list[Tokens]
    rarity: Rarity
    own_archived: dict[str, list[int]]
    resubmitted: list[int]
    common_threshold: int
    set_aside: SetAside
    #: Characters of each submission's text, by ``doc_id``.
    lengths: dict[str, int]
    #: The fingerprints too many submissions hold to be looked up and more students
    #: than ``common_threshold`` hold (sorted; see :func:`_widely_held`).
    widely_held: np.ndarray


def compare_batch(
    submissions: str | os.PathLike[str] | Sequence[Document],
    corpus: CorpusSource | None = None,
    *,
    config: CheckConfig | None = None,
    templates: Sequence[Document] = (),
    set_aside: SetAside | None = None,
    class_list: Mapping[str, str] | None = None,
    jobs: int = 1,
    max_bytes: int = MAX_FILE_BYTES,
    progress: ProgressCallback | None = None,
    skip: Sequence[str | os.PathLike[str]] = (),
) -> BatchResult:
    """Compare every submission with every other student's and with ``corpus``.

    Parameters
    ----------
    submissions : folder, zip or list of Document
        The class. Student identity comes from the file names (Moodle, Canvas) or a
        folder per student.
    corpus : folder, index file, postgresql:// URL, Corpus, Index or None
        Known sources to check against as well.
    config : CheckConfig, optional
        Settings; by default those of an index given as ``corpus``, else the defaults.
    templates : sequence of Document
        The assignment prompt or other given text, not counted where students repeat it.
    set_aside : SetAside, optional
        Sources (corpus documents or classmates) and pairs the teacher has reviewed:
        their passages are listed with the reason and count towards nothing.
    class_list : mapping, optional
        Student ID to name (see :func:`~simcheck.review.read_class_list`): each student
        is named by it in every report where their file name holds their ID.
    jobs : int, default=1
        Worker processes; the result is the same whatever their number.
    max_bytes : int, default=MAX_FILE_BYTES
        Largest submission file read; larger ones are listed as unreadable.
    skip : sequence of folders
        Folders under ``submissions`` not to read (the reports' own folder).
    """
    errors: list[InputError] = []
    if isinstance(submissions, (str, os.PathLike)):
        documents, errors = load_submissions(submissions, max_bytes=max_bytes, skip=skip)
    else:
        documents = list(submissions)
    # simcheck's own reports are no student's: listed apart, never a row of the class.
    passed_over = [e for e in errors if isinstance(e, OwnReport)]
    errors = [e for e in errors if not isinstance(e, OwnReport)]
    if not documents:
        raise CorpusError(f"{submissions}: no readable submissions{_nothing_read(errors, passed_over)}")
    external = open_corpus(corpus, config) if corpus is not None else None
    config = settings_for(config, external) if external is not None else config or CheckConfig()
    # Unreadable files have students too: they are listed with them.
    students = named_students([d.doc_id for d in documents] + [e.path for e in errors], class_list)
    # Reports say which threshold applied: the one set, or the class's share.
    common_threshold = config.common_threshold_for(len(set(students.values())))
    config = config.replace(common_threshold=common_threshold)
    files_of: dict[str, list[int]] = {}
    for position, document in enumerate(documents):
        files_of.setdefault(students[document.doc_id], []).append(position)
    template_tokens = [Tokens(t.text, config.language) for t in templates]
    classmates = Corpus(documents, config)
    # The topic's common words: those of the class and its corpus together (a word needs
    # MIN_COMMON_DOCUMENTS to be common, so a passage a few students copy keeps its words).
    rarity = rarity_of([classmates] if external is None else [classmates, external])
    # The archive knows students by the names their files give, not by a class list's:
    # each file leaves out the archived files of that name.
    filed_as = students_of([d.doc_id for d in documents] + [e.path for e in errors])
    archived = external.keys_by_student() if external is not None else {}
    own_archived = {d.doc_id: archived.get(filed_as[d.doc_id], []) for d in documents}
    resubmitted = [] if external is None else archived_resubmissions(documents, filed_as, archived, external)
    whole = _Class(
        documents,
        students,
        files_of,
        classmates,
        external,
        config,
        list(templates),
        template_tokens,
        rarity,
        own_archived,
        resubmitted,
        common_threshold,
        set_aside or SetAside(),
        {d.doc_id: len(d.text) for d in documents},
        _widely_held(classmates, config, students, common_threshold),
    )
    result = _run(whole, errors, jobs, progress)
    return replace(result, passed_over=tuple(passed_over))


def _widely_held(
    classmates: Corpus, config: CheckConfig, students: Mapping[str, str], threshold: int
) -> np.ndarray:
    """The fingerprints retrieval passes over in the class that more than ``threshold``
    students hold (see :class:`~simcheck.common_text.CommonText`)."""
    keys, holders = classmates.widely_held(config)
    return held_by_more_students(
        keys, (students[classmates.document(key).doc_id] for key in holders.tolist()), threshold
    )


def _run(
    whole: _Class, errors: list[InputError], jobs: int, progress: ProgressCallback | None
) -> BatchResult:
    """Check every submission of the class; ``errors`` (the files that could not be
    read) gains those whose check failed."""
    count = len(whole.documents)
    # Each document's window signatures are made once, the work shared, before the
    # workers that check the class start with them.
    whole.classmates.sign_windows(jobs, pairs=True)
    if isinstance(whole.external, Corpus):
        whole.external.sign_windows(jobs)
    outcomes: list[_Checked | NotChecked] = []
    with workers(whole, jobs=jobs, tasks=count) as run:
        tasks = [(position, ()) for position in range(count)]
        for done, outcome in enumerate(run.map(_check_submission, tasks, chunksize=8), 1):
            outcomes.append(outcome)
            if progress is not None:
                progress(done, count)
        # Each pair of classmates both ways round (see pipeline.with_mirrored): a
        # submission is checked again with the classmates whose checks found it.
        position = {d.doc_id: i for i, d in enumerate(whole.documents)}
        again = [
            (position[name], tuple(position[other] for other in others))
            for name, others in mirrored_pairs(_classmate_pairs(whole, outcomes)).items()
            if isinstance(outcomes[position[name]], _Checked)
        ]
        for (at, _), outcome in zip(again, run.map(_check_submission, again, chunksize=1)):
            outcomes[at] = outcome
    summaries: list[DocumentSummary] = []
    matches: list[Match] = []
    sources: list[SourceResult] = []
    texts: dict[str, str] = {}
    for outcome in outcomes:
        if isinstance(outcome, NotChecked):
            errors.append(outcome)
        else:
            summaries.append(outcome.summary)
            matches.extend(outcome.matches)
            sources.extend(outcome.sources)
            texts.update(outcome.corpus_texts)
    return _result(whole, summaries, matches, sources, errors, texts)


def _classmate_pairs(whole: _Class, outcomes: Sequence[_Checked | NotChecked]) -> list[tuple[str, str]]:
    """(submission, classmate) for each classmate a checked submission has passages from."""
    return [
        (source.submission, source.source)
        for outcome in outcomes
        if isinstance(outcome, _Checked)
        for source in outcome.sources
        # A readable classmate's: an unreadable file may share a corpus document's name.
        if source.source in whole.lengths
    ]


def archived_resubmissions(
    documents: Sequence[Document],
    students: dict[str, str],
    archived: dict[str, list[int]],
    external: SourceStore,
) -> list[int]:
    """The archived files that a student of the class hands in again, word for word:
    stored under the student's name with the text of one of their files now. Another
    student's identical text stays a source: only the name and the text (spacing aside)
    together say it is the same submission. A file the student revised after it was
    archived is another text: its archived version stays a source for classmates."""
    texts_of: dict[str, set[str]] = {}
    for document in documents:
        texts_of.setdefault(students[document.doc_id], set()).add(_words_of(document.text))
    return sorted(
        key
        for student, keys in archived.items()
        if student in texts_of
        for key in keys
        if _words_of(external.document(key).text) in texts_of[student]
    )


def _words_of(text: str) -> str:
    """A text as a resubmission is compared: line ends, spacing and Unicode forms aside
    (a file saved again on another system is the same submission)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _nothing_read(errors: Sequence[InputError], passed_over: Sequence[InputError]) -> str:
    """What was found instead of a readable submission, for the error that says so."""
    found = []
    if errors:
        found.append(f"{len(errors)} unreadable")
    if passed_over:
        found.append(f"{len(passed_over)} passed over as simcheck's own reports")
    first = (errors or passed_over)[:1]
    return f" ({', '.join(found)}; the first: {first[0]})" if first else ""


def _result(
    whole: _Class,
    summaries: list[DocumentSummary],
    matches: list[Match],
    sources: list[SourceResult],
    errors: list[InputError],
    corpus_texts: dict[str, str],
) -> BatchResult:
    """The class's result; ``corpus_texts`` holds the texts of the corpus documents its
    passages come from, as the checks read them."""
    texts = {d.doc_id: d.text for d in whole.documents}
    texts.update(sorted(corpus_texts.items()))
    external = whole.external
    return class_result(
        summaries,
        matches,
        sources,
        doc_ids=[d.doc_id for d in whole.documents],
        students=whole.students,
        errors=errors,
        corpus_errors=external.skipped if external is not None else (),
        config=whole.config,
        texts=texts,
        inputs=describe_inputs(external.describe() if external is not None else None, whole.templates),
        set_aside=whole.set_aside,
    )


def class_result(
    summaries: list[DocumentSummary],
    matches: list[Match],
    sources: list[SourceResult],
    *,
    doc_ids: list[str],
    students: dict[str, str],
    errors: Sequence[InputError],
    corpus_errors: Sequence[InputError],
    config: CheckConfig,
    texts: dict[str, str],
    inputs: dict[str, Any],
    set_aside: SetAside,
) -> BatchResult:
    """A class's result from each submission's settled result (see
    :func:`settle_submission`): passages and sources in report order, pairs of students
    and their groups. ``matches`` and ``sources`` are sorted in place."""
    matches.sort(key=match_order)
    sources.sort(key=source_order)
    result = CheckResult(
        documents=tuple(summaries),
        matches=tuple(matches),
        sources=tuple(sources),
        settings=config.to_dict(),
        version=__version__,
        # Every file that could not be read: the corpus's, then the class's (which
        # documents.csv also lists, each with its student).
        skipped=tuple(corpus_errors) + tuple(errors),
        stats={"submissions": len(doc_ids), "passages": len(matches)},
        texts=texts,
        inputs=inputs,
        set_aside=set_aside.to_dict(),
    )
    pairs = student_pairs(result.sources, students)
    linked = groups((row["student_a"], row["student_b"]) for row in pairs.rows)
    ids = student_ids(doc_ids + [e.path for e in errors])
    return BatchResult(result, students, pairs, linked, tuple(errors), tuple(corpus_errors), ids=ids)


@dataclass(frozen=True)
class _Checked:
    """One submission's result, and the texts of the corpus documents its passages come
    from (read by the check: a server need not be asked again at the end)."""

    summary: DocumentSummary
    matches: list[Match]
    sources: list[SourceResult]
    corpus_texts: dict[str, str]


def _check_submission(whole: _Class, task: tuple[int, tuple[int, ...]]) -> _Checked | NotChecked:
    """One submission (``task``: its position, and the classmates to align it with
    whatever retrieval says) against the other students' work and the corpus; when the
    corpus fails meanwhile (a server gone away), the reason it was not checked."""
    external = whole.external
    position, mirrored = task
    try:
        summary, matches, sources = _checked(whole, position, mirrored)
        outside = (m.source for m in matches if m.source not in whole.students)
        texts = {} if external is None else source_texts(external, outside)
    except CorpusError as exc:
        return NotChecked(whole.documents[position].doc_id, f"not checked: {exc}")
    return _Checked(summary, matches, sources, texts)


def _checked(
    whole: _Class, position: int, mirrored: tuple[int, ...]
) -> tuple[DocumentSummary, list[Match], list[SourceResult]]:
    document = whole.documents[position]
    config = whole.config
    tokens = whole.classmates.tokens(position)
    zones = SubmissionZones(document, tokens, whole.template_tokens, config)
    own = whole.files_of[whole.students[document.doc_id]]
    rarity = whole.rarity
    against_class = check_document(
        document, tokens, whole.classmates, config, exclude=own, zones=zones, rarity=rarity, mirrored=mirrored
    )
    found = [against_class[0]]
    if whole.external is not None:
        # A class already added to the archive is not matched with its own files there:
        # neither the very file nor any file the archive names as the student's, nor a
        # classmate's archived copy of what they hand in again (they are compared directly).
        copy = whole.external.own_copy(document)
        outside = whole.own_archived[document.doc_id] + whole.resubmitted + ([] if copy is None else [copy])
        found.append(
            check_document(
                document, tokens, whole.external, config, exclude=outside, zones=zones, rarity=rarity
            )[0]
        )

    return settle_submission(
        document,
        tokens,
        found,
        students=whole.students,
        lengths=whole.lengths,
        widely_held=whole.widely_held,
        common_threshold=whole.common_threshold,
        set_aside=whole.set_aside,
        config=config,
    )


def settle_submission(
    document: Document,
    tokens: Tokens,
    found: Sequence[Found],
    *,
    students: Mapping[str, str],
    lengths: Mapping[str, int],
    widely_held: np.ndarray,
    common_threshold: int,
    set_aside: SetAside,
    config: CheckConfig,
) -> tuple[DocumentSummary, list[Match], list[SourceResult]]:
    """A class's submission's result from what its checks against the class and the
    corpus found: what the teacher set aside, then text common to ``common_threshold``
    students and text a corpus source explains (see :func:`~simcheck.score.settle`).
    ``students`` names the student of the submission and of every classmate among its
    sources (a source not in it is a corpus file), ``lengths`` gives the characters of
    their texts, and ``widely_held`` the fingerprints that too many of the class's
    documents hold to be looked up and more students than ``common_threshold`` (see
    :meth:`~simcheck.retrieve.Corpus.widely_held`). A
    bulk job settles each submission with this too, so both give the same passages."""

    def held_widely(match: Match) -> bool:
        # Most of the fingerprints of one side's text are among those the class holds
        # widely: a student's edited copy of the prompt joins the prompt as others paste it.
        return any(
            widely_held_share(Tokens(text, config.language), config, widely_held) >= 0.5
            for text in (match.submission_text, match.source_text)
        )

    def mark(matches: list[Match]) -> list[Match]:
        # What the teacher set aside first: it is then no student's share of common text.
        aside = mark_set_aside(matches, set_aside, students)
        held = held_widely if widely_held.shape[0] else None
        return mark_class(aside, CommonText(students, common_threshold, lengths, held))

    return settle(document, tokens, found, mark, config=config)
