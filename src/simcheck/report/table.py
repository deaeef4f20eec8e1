"""The class table a terminal shows after ``simcheck batch``."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..batch_result import BatchResult, FileRow
from ..models import shown
from ..students import short_name, source_label

#: The columns, in order; in the narrow layout, the name at the start of each line.
COLUMNS = ("student", "file", "words", "similarity", "top source", "group", "status")
#: The fewest characters a cut name (or its column's heading) keeps in the table, its
#: "…" included: enough to tell most apart, so that a table, not a list, fits 80 columns.
MIN_CUT = 6
#: The most characters of a top source's name the table shows.
MAX_SOURCE = 16
_CUT = ("file", "top source")


@dataclass(frozen=True)
class ClassTable:
    """The table, how many submissions it leaves out, and one line per file that could
    not be read and per file read but not checked (``file: reason``), printed below the
    table rather than wrapped into it."""

    table: RenderableType
    hidden: int
    unreadable: list[str]
    unchecked: list[str] = field(default_factory=list)


def class_table(batch: BatchResult, show: int = 30, width: int = 80) -> ClassTable:
    """The ``show`` most similar submissions (all when 0) and every file that could not
    be read, most similar first, for a terminal ``width`` characters wide.

    Nothing is ever wrapped onto a line of its own, where it would read as another
    student. Each file is one row with its student's name whole; the file loses the
    prefix platforms add, and a long file or top source name is cut short (their full
    names are in documents.csv and report.html). When the students' names leave no room
    for that, each file is a block of lines instead, one per field, each line starting
    with the field's name.
    """
    # An unreadable file has no similarity: it sorts below every file that was read.
    ordered = sorted(
        batch.file_rows(), key=lambda row: (row.similarity is None, -(row.similarity or 0), row.file)
    )
    # A class of hundreds: the top of the ranking, and every file that needs attention.
    listed = [
        row
        for place, row in enumerate(ordered)
        if not show or place < show or row.status in ("unreadable", "unchecked")
    ]
    unreadable = [f"{row.file}: {row.reason}" for row in listed if row.reason and row.status == "unreadable"]
    unchecked = [f"{row.file}: {row.reason}" for row in listed if row.status == "unchecked"]
    cells = [_cells(batch, row) for row in listed]
    table = _fitted(cells, width)
    rendered = _records(cells) if table is None else table
    return ClassTable(rendered, len(ordered) - len(listed), unreadable, unchecked)


def _cells(batch: BatchResult, row: FileRow) -> list[Text]:
    """A row's cells, each a Text: names are data, never markup."""
    return [
        Text(row.student),
        Text(short_name(row.file)),
        Text("" if row.words is None else str(row.words)),
        Text("" if row.similarity is None else shown(row.similarity)),
        # A classmate, or an archived student, is named by student; the file names
        # platforms give are long.
        Text(batch.students.get(row.top_source) or source_label(row.top_source)),
        Text(str(row.group or "")),
        Text(row.status),
    ]


def _fitted(cells: list[list[Text]], width: int) -> Table | None:
    """The table at most ``width`` characters wide, each row on one line with the
    student's name whole, or None when even names cut to the least leave no room."""
    natural = {
        column: max([len(column)] + [row[place].cell_len for row in cells])
        for place, column in enumerate(COLUMNS)
    }
    floor = {column: min(natural[column], MIN_CUT) for column in _CUT}
    spare = width - _width(_table(cells, floor))
    if spare < 0:
        return None
    # The room left is shared: up to half to the file, the source what it can use of
    # the rest (up to MAX_SOURCE), and the file anything still left.
    room = {
        "file": natural["file"],
        "top source": max(floor["top source"], min(natural["top source"], MAX_SOURCE)),
    }
    file = min(room["file"] - floor["file"], spare // 2)
    source = min(room["top source"] - floor["top source"], spare - file)
    file = min(room["file"] - floor["file"], spare - source)
    return _table(cells, {"file": floor["file"] + file, "top source": floor["top source"] + source})


def _table(cells: list[list[Text]], widths: dict[str, int]) -> Table:
    """The rows as a table, no cell wrapped, those of ``widths`` cut to that many
    characters."""
    table = Table(show_edge=False, pad_edge=False, collapse_padding=True)
    for column in COLUMNS:
        table.add_column(
            column,
            no_wrap=True,
            overflow="ellipsis",
            max_width=widths.get(column),
            justify="right" if column in ("words", "similarity", "group") else "left",
        )
    for row in cells:
        table.add_row(*row)
    return table


def _width(table: Table) -> int:
    """The width ``table`` takes when nothing limits it."""
    return Console(width=100_000).measure(table).maximum


def _records(cells: list[list[Text]]) -> Group:
    """Each file as lines of ``field  value``, a blank line between files; a value too
    long for the line goes on under itself, never back at the start of a line."""
    blocks: list[RenderableType] = []
    for row in cells:
        if blocks:
            blocks.append(Text())
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for column, cell in zip(COLUMNS, row):
            if cell.plain:
                grid.add_row(column, cell)
        blocks.append(grid)
    return Group(*blocks)
