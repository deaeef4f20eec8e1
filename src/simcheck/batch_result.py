"""What comparing a class gives: every submission's result with its student, the
pairs and groups of students, and the class's tables (documents.csv, students.csv),
apart from the comparing (:mod:`simcheck.batch`) so reports need only this."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .common_text import common_passages
from .errors import InputError, NotChecked
from .models import CheckResult, DocumentSummary, reported
from .students import student_of
from .tables import Table

if TYPE_CHECKING:  # pandas takes a fifth of a second to import; only the tables need it
    import pandas as pd

# The columns documents.csv and students.csv share, after each one's own.
_FIGURES = ("words", "similarity", "identical", "top_source", "group", "status")
#: Columns of documents.csv, one row per submitted file.
DOCUMENT_COLUMNS = ("student", "student_id", "files", *_FIGURES)
#: Columns of students.csv, one row per student (all their files together).
STUDENT_COLUMNS = ("student", "student_id", "submitted_files", "unreadable_files", *_FIGURES)


@dataclass(frozen=True)
class FileRow:
    """One submitted file as the class tables show it (a row of documents.csv).

    ``status`` is ``flagged``, ``clean``, ``unreadable``, or ``unchecked`` for a file
    read whose check failed (the archive's server went away); ``reason`` says why. A
    value that does not exist is None: the words and percentages of an unreadable file,
    the group of a student in none (an empty cell in the CSV, null in the JSON).
    ``student_id`` is the platform's number for the student (Moodle, Canvas), or empty.
    """

    student: str
    file: str
    words: int | None
    similarity: float | None
    identical: float | None
    top_source: str
    group: int | None
    status: str
    reason: str = ""
    student_id: str = ""


@dataclass(frozen=True)
class StudentRow:
    """One student as a gradebook reads them (a row of students.csv): all their files.

    ``similarity`` and ``identical`` are shares of all the words of the files that were
    read (each file weighted by its words), None when none was. ``status`` is
    ``flagged`` when any file is, else ``unchecked`` when a file's check failed, else
    ``unreadable`` when a file could not be read (``unreadable_files`` counts both),
    else ``clean``. ``top_source`` is that of the
    student's most similar file.
    """

    student: str
    student_id: str
    submitted_files: int
    unreadable_files: int
    words: int | None
    similarity: float | None
    identical: float | None
    top_source: str
    group: int | None
    status: str


@dataclass(frozen=True)
class BatchResult:
    """The class compared: every submission's result, the student (``students``) and
    student ID (``ids``, empty where the file name has none) of each file, the pairs
    and the groups, an :class:`~simcheck.errors.InputError` for each class file that
    could not be read (``errors``) and for each corpus file (``corpus_errors``), and a
    note for each report simcheck wrote that was found among the submissions and not
    read (``passed_over``)."""

    result: CheckResult
    students: dict[str, str]
    pair_table: Table
    groups: dict[str, int]
    errors: tuple[InputError, ...] = field(default_factory=tuple)
    corpus_errors: tuple[InputError, ...] = field(default_factory=tuple)
    passed_over: tuple[InputError, ...] = field(default_factory=tuple)
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def pairs(self) -> pd.DataFrame:
        """The pairs of students sharing passages (pairs.csv) as a DataFrame."""
        return self.pair_table.to_frame()

    def file_rows(self) -> list[FileRow]:
        """Every submitted file, the unreadable ones last."""
        rows = []
        # Each file's first source with a passage: sources come best first.
        top_sources: dict[str, str] = {}
        for source in self.result.sources:
            if source.passages:
                top_sources.setdefault(source.submission, source.source)
        for summary in self.result.documents:
            student = self.students[summary.path]
            rows.append(
                FileRow(
                    student=student,
                    file=summary.path,
                    words=summary.words,
                    similarity=reported(summary.similarity),
                    identical=reported(summary.identical),
                    top_source=top_sources.get(summary.path, ""),
                    group=self.groups.get(student),
                    status=summary.status,
                    student_id=self.ids.get(summary.path, ""),
                )
            )
        # A file that could not be read is listed with its student and the reason,
        # so nobody's submission silently disappears from the table.
        rows.extend(
            FileRow(
                student=self.students.get(error.path) or student_of(error.path),
                file=error.path,
                words=None,
                similarity=None,
                identical=None,
                top_source="",
                group=self.groups.get(self.students.get(error.path, "")),
                status="unchecked" if isinstance(error, NotChecked) else "unreadable",
                reason=error.reason,
                student_id=self.ids.get(error.path, ""),
            )
            for error in self.errors
        )
        return rows

    def documents_frame(self) -> pd.DataFrame:
        """documents.csv as a DataFrame (see :meth:`documents_table`)."""
        return self.documents_table().to_frame()

    def documents_table(self) -> Table:
        """One row per submitted file: student, student ID, words, similarity %, top
        source, group, and the status (``unreadable: reason`` for a file that could not
        be read); a value that does not exist is left empty."""
        records = [
            {
                "student": row.student,
                "student_id": row.student_id,
                "files": row.file,
                "words": row.words,
                "similarity": row.similarity,
                "identical": row.identical,
                "top_source": row.top_source,
                "group": row.group,
                "status": f"{row.status}: {row.reason}" if row.reason else row.status,
            }
            for row in self.file_rows()
        ]
        return _table(records, DOCUMENT_COLUMNS)

    def student_rows(self) -> list[StudentRow]:
        """Every student, by name: their files taken together."""
        files: dict[str, list[FileRow]] = {}
        for row in self.file_rows():
            files.setdefault(row.student, []).append(row)
        summaries = {summary.path: summary for summary in self.result.documents}
        ordered = sorted(files.items(), key=lambda item: (item[0].casefold(), item[0]))
        return [_student_row(student, rows, summaries) for student, rows in ordered]

    def students_frame(self) -> pd.DataFrame:
        """students.csv as a DataFrame (see :meth:`students_table`)."""
        return self.students_table().to_frame()

    def students_table(self) -> Table:
        """One row per student (students.csv): student ID, files, words, similarity %,
        top source, group and status; a value that does not exist is left empty."""
        # Its fields are plain values: no deep copy (dataclasses.asdict) is needed.
        names = [field.name for field in dataclasses.fields(StudentRow)]
        return _table(
            [{name: getattr(row, name) for name in names} for row in self.student_rows()], STUDENT_COLUMNS
        )

    def common_frame(self) -> pd.DataFrame:
        """common.csv as a DataFrame (see :meth:`common_table`)."""
        return self.common_table().to_frame()

    def common_table(self) -> Table:
        """Each passage common to many submissions, with how many hold it (common.csv)."""
        return Table(("text", "submissions"), common_passages(self.result.matches, self.students))

    def to_json(self) -> str:
        """The JSON report: ``check``'s contract for every submission, and the class
        tables beside it (``submissions`` as in documents.csv, ``students`` as in
        students.csv, ``pairs``, ``common``), so a script needs no CSV. Byte-identical
        for the same inputs."""
        report = self.result.to_dict()
        for key, table in (
            ("submissions", self.documents_table()),
            ("students", self.students_table()),
            ("pairs", self.pair_table),
            ("common", self.common_table()),
        ):
            report[key] = table.records()
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _student_row(student: str, rows: list[FileRow], summaries: dict[str, DocumentSummary]) -> StudentRow:
    """A student's files taken together: percentages of all the words that were read."""
    read = [summaries[row.file] for row in rows if row.file in summaries]
    words = sum(summary.words for summary in read)

    def share(values: list[float]) -> float | None:
        if not read:
            return None
        covered = sum(value * summary.words for value, summary in zip(values, read))
        return reported(covered / words) if words else 0.0

    top = max(
        (row for row in rows if row.similarity is not None),
        key=lambda row: (summaries[row.file].similarity, row.file),
        default=None,
    )
    statuses = {row.status for row in rows}
    return StudentRow(
        student=student,
        student_id=next((row.student_id for row in rows if row.student_id), ""),
        submitted_files=len(rows),
        unreadable_files=len(rows) - len(read),
        words=words if read else None,
        similarity=share([summary.similarity for summary in read]),
        identical=share([summary.identical for summary in read]),
        top_source=top.top_source if top is not None else "",
        group=rows[0].group,
        status=next(
            status for status in ("flagged", "unchecked", "unreadable", "clean") if status in statuses
        ),
    )


def _table(records: list[dict[str, Any]], columns: tuple[str, ...]) -> Table:
    """A class table: whole numbers stay whole where some are missing (an empty CSV cell
    and a JSON null, never ``0`` or ``3.0``)."""
    counts = {name: "Int64" for name in ("words", "group", "submitted_files", "unreadable_files")}
    shares = {name: "float64" for name in ("similarity", "identical")}
    dtypes = {name: kind for name, kind in {**counts, **shares}.items() if name in columns}
    return Table(columns, records, dtypes)
