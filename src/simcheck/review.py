"""What a teacher brings besides the files: sources and pairs already reviewed and set
aside (``--exclude-source``, ``--allow-list``), and the class list naming each student
(``--class-list``).

A passage set aside is never dropped: every report lists it with its reason
(``excluded source`` or ``allow-listed``), and it counts towards no percentage, status,
pair or group.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .errors import InputError
from .load import decode_bytes
from .models import Excluded, Match
from .students import student_id

#: The largest allow-list or class list read, in bytes.
MAX_LIST_BYTES = 5_000_000


def _key(name: str) -> str:
    """A name as entries are compared: case, accents' encoding and spaces aside."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def _names(doc_id: str, students: Mapping[str, str]) -> set[str]:
    """What a document may be called in an entry: a classmate's file by its path, their
    name or their student ID; any other document by its path or any end of it
    (``the-berlin-wall.txt`` for ``coldwar/the-berlin-wall.txt``)."""
    parts = PurePosixPath(doc_id).parts
    if doc_id in students:
        ids = {student_id(doc_id), student_id("/".join(parts[1:]))} - {""}
        return {_key(doc_id), _key(students[doc_id]), *ids}
    return {_key(doc_id), *(_key("/".join(parts[i:])) for i in range(len(parts)))}


def _applies(entry: tuple[str, ...], own: set[str], other: set[str], classmate: bool) -> bool:
    """Whether an entry sets aside a passage of a submission (``own`` names) from a
    source (``other``): one name, the source (a classmate in either direction); two, the
    pair in either order."""
    if len(entry) == 1:
        return entry[0] in other or (classmate and entry[0] in own)
    first, second = entry
    return (first in own and second in other) or (second in own and first in other)


@dataclass(frozen=True)
class SetAside:
    """Sources and pairs a teacher has reviewed: their passages are listed, not counted.

    Attributes
    ----------
    sources : tuple of str
        Set aside for every submission (``--exclude-source``): a corpus document, by its
        name or the end of its path, or a classmate, by their name, student ID or file
        (what they share with any other student, both ways). Reason: ``excluded source``.
    allowed : tuple of tuple of str
        The allow-list's entries: one name, a source as above, or two, a pair (a
        submission or student, and a source or classmate, in either order). Reason:
        ``allow-listed``.

    Names compare without regard to case.

    >>> aside = SetAside(allowed=(("Ada Lovelace", "thaw.txt"),))
    >>> str(aside.reason("Ada Lovelace_1_assignsubmission_file_e.txt", "coldwar/thaw.txt",
    ...                  {"Ada Lovelace_1_assignsubmission_file_e.txt": "Ada Lovelace"}))
    'allow-listed'
    """

    sources: tuple[str, ...] = ()
    allowed: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sources or self.allowed)

    def _entries(self) -> Iterator[tuple[tuple[str, ...], Excluded, str]]:
        """Each entry with names compared as keys, its reason, and how the user wrote it."""
        for name in self.sources:
            yield (_key(name),), Excluded.EXCLUDED_SOURCE, f"--exclude-source {name}"
        for entry in self.allowed:
            yield tuple(_key(n) for n in entry), Excluded.ALLOW_LISTED, f"allow-list entry {', '.join(entry)}"

    def reason(self, submission: str, source: str, students: Mapping[str, str]) -> Excluded:
        """Why a passage of ``submission`` from ``source`` is set aside, or ``COUNTED``."""
        own, other = _names(submission, students), _names(source, students)
        for entry, why, _ in self._entries():
            if _applies(entry, own, other, source in students):
                return why
        return Excluded.COUNTED

    def unused(self, matches: Iterable[Match], students: Mapping[str, str]) -> list[str]:
        """The entries that set no passage aside (a misspelt name, or nothing to set
        aside), as the user wrote them."""
        pairs = {(m.submission, m.source) for m in matches}
        named = [(_names(a, students), _names(b, students), b in students) for a, b in sorted(pairs)]
        return [
            written
            for entry, _, written in self._entries()
            if not any(_applies(entry, own, other, classmate) for own, other, classmate in named)
        ]

    def to_dict(self) -> dict[str, Any]:
        """What was set aside, as a report records it."""
        return {"exclude_source": list(self.sources), "allow_list": [list(entry) for entry in self.allowed]}


def _rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, list[str]]]:
    """The non-empty cells of each line of a small CSV file, with its line number;
    blank lines and lines starting with ``#`` are skipped."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    if len(data) > MAX_LIST_BYTES:
        raise InputError(str(path), f"is over {MAX_LIST_BYTES:,} bytes; is it the right file?")
    text = decode_bytes(data, str(path))[0] if data else ""
    reader = csv.reader(text.splitlines())
    for cells in reader:
        kept = [" ".join(cell.split()) for cell in cells]
        if kept and kept[0].startswith("#"):
            continue
        while kept and not kept[-1]:
            kept.pop()
        if kept:
            yield reader.line_num, kept


def read_allow_list(path: str | os.PathLike[str]) -> tuple[tuple[str, ...], ...]:
    """The entries of an allow-list file: one a line, a source (one name) or a pair (two
    names, comma-separated, as in CSV); blank lines and ``#`` comments are skipped."""
    entries = []
    for number, cells in _rows(path):
        if len(cells) > 2 or not all(cells):
            raise InputError(
                str(path), f"line {number}: give one name (a source) or two (a pair), comma-separated"
            )
        entries.append(tuple(cells))
    return tuple(entries)


#: Column headings that hold a student's ID or name in a class list (Canvas's gradebook
#: export has "Student" and "ID"; Moodle's grading worksheet "Identifier" and "Full name").
_ID_HEADINGS = ("id", "student id", "student_id", "identifier", "user id", "user_id", "participant")
_NAME_HEADINGS = ("name", "student", "full name", "student name", "full_name", "fullname")


def read_class_list(path: str | os.PathLike[str]) -> dict[str, str]:
    """Student ID to name, from a CSV class list.

    Without a heading row, the first column is the ID and the second the name. A heading
    row naming its columns (``ID`` or ``Identifier``; ``Name``, ``Student`` or ``Full
    name``) picks them from a wider table, as the platforms export it. The ID is the one
    number in its cell (``Participant 123456`` is 123456); a row with an empty ID cell
    (Canvas's "Points Possible") is skipped. Names are kept as written.
    """
    rows = list(_rows(path))
    id_column, name_column = 0, 1
    if rows and {_key(cell) for cell in rows[0][1]} & {*_ID_HEADINGS, *_NAME_HEADINGS}:
        headings = [_key(cell) for cell in rows.pop(0)[1]]
        id_column = _column(path, headings, _ID_HEADINGS, "the student ID")
        name_column = _column(path, headings, _NAME_HEADINGS, "the name")
    names: dict[str, str] = {}
    for number, cells in rows:
        cell = cells[id_column] if id_column < len(cells) else ""
        name = unicodedata.normalize("NFC", cells[name_column]) if name_column < len(cells) else ""
        if not cell or not name:
            continue
        numbers = re.findall(r"\d+", cell)
        if len(numbers) != 1:
            raise InputError(str(path), f"line {number}: {cell!r} is not one student ID number")
        if names.setdefault(numbers[0], name) != name:
            raise InputError(str(path), f"line {number}: ID {numbers[0]} is given two names")
    if not names:
        raise InputError(str(path), "holds no student ID and name; give a CSV of ID and name")
    return names


def _column(path: str | os.PathLike[str], headings: list[str], wanted: tuple[str, ...], what: str) -> int:
    """Which column has one of the ``wanted`` headings."""
    for position, heading in enumerate(headings):
        if heading in wanted:
            return position
    raise InputError(str(path), f"no column for {what}; head it with one of: {', '.join(wanted)}")
