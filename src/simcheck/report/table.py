"""The class table a terminal shows after ``simcheck batch``."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from ..batch import BatchResult
from ..models import shown
from ..students import short_name


@dataclass(frozen=True)
class ClassTable:
    """The table, how many submissions it leaves out, and one line per file that could
    not be read (``file: reason``), printed below the table rather than wrapped into it."""

    table: Table
    hidden: int
    unreadable: list[str]


def class_table(batch: BatchResult, show: int = 30) -> ClassTable:
    """The ``show`` most similar submissions (all when 0) and every file that could not
    be read, most similar first.

    At 80 columns every cell stays short: the student has a column of their own, the
    file loses the prefix platforms add, a long top source is cut short (its full name
    is in documents.csv and report.html).
    """
    table = Table(show_edge=False, pad_edge=False, collapse_padding=True)
    for column in ("student", "file", "words", "similarity", "top source", "group", "status"):
        table.add_column(
            column,
            overflow="ellipsis" if column == "top source" else "fold",
            max_width=16 if column == "top source" else None,
            no_wrap=column in ("words", "similarity", "group", "status"),
            justify="right" if column in ("words", "similarity", "group") else "left",
        )
    # An unreadable file has no similarity: it sorts below every file that was read.
    ordered = sorted(
        batch.file_rows(), key=lambda row: (row.similarity is None, -(row.similarity or 0), row.file)
    )
    # A class of hundreds: the top of the ranking, and every file that needs attention.
    listed = [
        row for place, row in enumerate(ordered) if not show or place < show or row.status == "unreadable"
    ]
    unreadable = []
    for row in listed:
        if row.reason:
            unreadable.append(f"{row.file}: {row.reason}")
        table.add_row(
            Text(row.student),  # names are data, never markup
            Text(short_name(row.file)),
            "" if row.words is None else str(row.words),
            "" if row.similarity is None else shown(row.similarity),
            # A classmate is named by student; the file names platforms give are long.
            Text(batch.students.get(row.top_source, row.top_source)),
            str(row.group or ""),
            Text(row.status),
        )
    return ClassTable(table, len(ordered) - len(listed), unreadable)
