"""Whose submission a file is, from the names learning platforms give files.

Moodle names a submitted file ``Full Name_123456_assignsubmission_file_essay.docx``;
Canvas names it ``lastnamefirstname_12345_67890_essay.docx`` (``late_`` before or after
the name when it came in late); a folder per student (``Ada Lovelace/draft.txt``) is the
third common layout. A student's files are one submission and are never compared with
each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:[a-z]+_)?")
# Canvas writes the login-style name in lower case, of any letters ("martínezjosé"), and
# marks a late submission with "late" (any case) before or after it.
_CANVAS = re.compile(r"^(?:(?i:late)_)?(?P<name>[^\W\d_]+)(?:_(?i:late))?_(?P<id>\d+)_\d+_")


def _platform_name(first: str) -> re.Match[str] | None:
    """The Moodle or Canvas pattern ``first`` (a file or folder name) matches, if any."""
    for pattern in (_MOODLE, _CANVAS):
        found = pattern.match(first)
        if found and (pattern is _MOODLE or found.group("name").islower()):
            return found
    return None


def student_of(doc_id: str) -> str:
    """The student a submitted file belongs to, from the names platforms give files.

    >>> student_of("Ada Lovelace_123456_assignsubmission_file_essay.docx")
    'Ada Lovelace'
    >>> student_of("late_lovelaceada_12345_67890_essay.docx")
    'lovelaceada'
    >>> student_of("martínezjosé_LATE_12503_88891_Mi ensayo final.docx")
    'martínezjosé'
    >>> student_of("Ada Lovelace/draft.txt"), student_of("essay-ada.txt")
    ('Ada Lovelace', 'essay-ada')
    """
    path = PurePosixPath(doc_id)
    # A platform's name for a student's file also names their folder ("Download
    # submissions in folders") and a zip they handed in ("..._file_work.zip/essay.txt").
    first = unicodedata.normalize("NFC", path.parts[0] if path.parts else doc_id)
    found = _platform_name(first)
    if found:
        return found.group("name")
    return first if len(path.parts) > 1 else unicodedata.normalize("NFC", path.stem)


def students_named_by(path: str) -> set[str]:
    """Every student that a stored file's path may name, whatever folders hold the class
    in an archive: the student of each trailing part of the path (a folder per term, a
    class's zip, a student's folder or a platform's file name).

    >>> sorted(students_named_by("past-years/2023/Ada/essay.txt"))
    ['2023', 'Ada', 'essay', 'past-years']
    >>> sorted(students_named_by("exports/essay3.zip/Uma Krishnan_418407_assignsubmission_file_notes.txt"))
    ['Uma Krishnan', 'essay3.zip', 'exports']
    """
    parts = PurePosixPath(path).parts
    return {student_of("/".join(parts[i:])) for i in range(len(parts))}


def keys_by_student(stored: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """The keys of ``stored`` (a store's key and name of each document) under every
    student the name may name (:func:`students_named_by`), in the order given."""
    keys: dict[str, list[int]] = {}
    for key, name in stored:
        for student in students_named_by(name):
            keys.setdefault(student, []).append(key)
    return keys


def student_id(doc_id: str) -> str:
    """The number a learning platform gives the student of a file (Moodle's participant
    number, Canvas's user ID), or ``""`` when the name holds none.

    >>> student_id("Ada Lovelace_123456_assignsubmission_file_essay.docx")
    '123456'
    >>> student_id("lovelaceada_LATE_12345_67890_essay.docx"), student_id("Ada/draft.txt")
    ('12345', '')
    """
    parts = PurePosixPath(doc_id).parts
    found = _platform_name(unicodedata.normalize("NFC", parts[0] if parts else doc_id))
    return found.group("id") if found else ""


def students_of(doc_ids: list[str]) -> dict[str, str]:
    """The student of each submitted file of a class.

    A class zipped as one folder (``zip -r class.zip class``) holds every file under it:
    that folder names the class, not a student, and is passed over (unless a learning
    platform's pattern says it is a student's).

    >>> students_of(["class/Ada/a.txt", "class/Bob/b.txt", "class/Bob/c.txt"])
    {'class/Ada/a.txt': 'Ada', 'class/Bob/b.txt': 'Bob', 'class/Bob/c.txt': 'Bob'}
    >>> students_of(["class/ada.txt", "class/bob.txt"])
    {'class/ada.txt': 'ada', 'class/bob.txt': 'bob'}
    >>> students_of(["Ada/a.txt", "bob.txt"])
    {'Ada/a.txt': 'Ada', 'bob.txt': 'bob'}
    """
    return {doc_id: student_of(own) for doc_id, own in _below_the_class(doc_ids).items()}


def student_ids(doc_ids: list[str]) -> dict[str, str]:
    """The student ID of each submitted file of a class (``""`` where its name has none),
    a folder holding the whole class passed over as by :func:`students_of`.

    >>> student_ids(["class/Ada_7_assignsubmission_file_a.txt", "class/Bob/b.txt"])
    {'class/Ada_7_assignsubmission_file_a.txt': '7', 'class/Bob/b.txt': ''}
    """
    return {doc_id: student_id(own) for doc_id, own in _below_the_class(doc_ids).items()}


def named_students(doc_ids: list[str], class_list: Mapping[str, str] | None = None) -> dict[str, str]:
    """The student of each submitted file, as every report names them: from
    ``class_list`` (student ID to name) where it holds the file's student ID, else from
    the file name (:func:`students_of`). Students of one name with different IDs stay
    apart, each named with their ID, so they are compared with each other.

    >>> named_students(["Sam Green_1_assignsubmission_file_a.txt", "greensam_2_9_b.txt"], {"2": "Sam Green"})
    {'Sam Green_1_assignsubmission_file_a.txt': 'Sam Green (1)', 'greensam_2_9_b.txt': 'Sam Green (2)'}
    """
    students, ids = students_of(doc_ids), student_ids(doc_ids)
    names = class_list or {}
    named = {doc: names.get(ids[doc], student) if ids[doc] else student for doc, student in students.items()}
    holders: dict[str, set[str]] = {}
    for doc, name in named.items():
        if ids[doc]:
            holders.setdefault(name, set()).add(ids[doc])
    return {
        doc: f"{name} ({ids[doc]})" if ids[doc] and len(holders[name]) > 1 else name
        for doc, name in named.items()
    }


def _below_the_class(doc_ids: list[str]) -> dict[str, str]:
    """Each file's path without the folder holding the whole class, if there is one."""
    parts = [PurePosixPath(doc_id).parts for doc_id in doc_ids]
    tops = {p[0] for p in parts}
    skip = len(tops) == 1 and all(len(p) > 1 for p in parts) and _platform_name(next(iter(tops))) is None
    return {doc_id: "/".join(p[1:]) if skip else doc_id for doc_id, p in zip(doc_ids, parts)}


def source_label(path: str) -> str:
    """A source as a class table names it: an archived file that a learning platform
    named by its student is shown by that student, the rest by their stored name.

    >>> source_label("2025/submissions/Rhys Morgan_418392_assignsubmission_file_essay3.txt")
    'Rhys Morgan (archive)'
    >>> source_label("coldwar/the-space-race.txt")
    'coldwar/the-space-race.txt'
    """
    for part in reversed(PurePosixPath(path).parts):
        found = _platform_name(unicodedata.normalize("NFC", part))
        if found:
            return f"{found.group('name')} (archive)"
    return path


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
    found = _platform_name(parts[0])
    if found:
        first = parts[0][found.end() :]
        rest = [first, *parts[1:]] if first else list(parts[1:])
        return "/".join(rest) or path
    return "/".join(parts[1:]) or parts[0]


def submission_label(student: str, path: str) -> str:
    """A submission named for a person: its student and its short file name.

    >>> submission_label("Ada Lovelace", "Ada Lovelace_1_assignsubmission_file_essay.txt")
    'Ada Lovelace (essay.txt)'
    >>> submission_label("", "essay.txt")
    'essay.txt'
    """
    name = short_name(path)
    return f"{student} ({name})" if student and student != name else name
