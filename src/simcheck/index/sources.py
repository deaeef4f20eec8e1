"""What an add reads: the files, folders and zips given to it, each document named as it
will be stored, and what it does not read (unreadable files, simcheck's own reports).

A zip is read as ``batch`` reads a class's export (:func:`~simcheck.archive.load_zip`).
Its members are named below the zip as a file given alone is named (its folder's name,
then its own: ``exports/class.zip``), so ``exports/class.zip/Ada/essay.txt``, as a
folder's files are named below the folder's (``class/Ada/essay.txt``); a batch of that
zip against the index then knows each student's own copy.
"""

from __future__ import annotations

import functools
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import load_zip
from ..errors import CorpusError, InputError, OwnReport
from ..load import (
    FILE_REASON,
    display_name,
    own_file,
    survey,
    unsupported_errors,
)
from ..models import Document
from . import schema

#: A file to read in a worker (path, stored name, folder it was found in), or a
#: document already read from a zip, named as stored.
Task = tuple[str, str, str | None] | Document


@dataclass
class Gathered:
    """The documents to scan, the inputs that cannot be read (``errors``), and the
    reports simcheck wrote that are not read (``passed_over``)."""

    tasks: list[Task] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    passed_over: list[InputError] = field(default_factory=list)

    def note(self, problems: Iterable[InputError]) -> None:
        for problem in problems:
            (self.passed_over if isinstance(problem, OwnReport) else self.errors).append(problem)


def gather(items: Iterable[str | os.PathLike[str]], max_bytes: int) -> Gathered:
    """Every document of the files, folders and zips ``items``, in the order given."""
    found = Gathered()
    for item in items:
        path = Path(item)
        if path.is_dir():
            _folder(path, found)
        elif is_zip(path):
            _zip(path, max_bytes, found)
        elif own_file(path):
            found.passed_over.append(OwnReport(schema.stored_name(path, path.parent), FILE_REASON))
        else:
            found.tasks.append((str(path), schema.stored_name(path, path.parent), None))
    return found


def is_zip(path: Path) -> bool:
    """A zip given as a source: by its name (a .docx is a zip too) and its content."""
    return path.suffix.lower() == ".zip" and path.is_file() and zipfile.is_zipfile(path)


def _folder(path: Path, found: Gathered) -> None:
    # Files of a type simcheck does not read (a student's .doc) and links or folders it
    # does not follow are listed, not passed over in silence.
    named = functools.partial(schema.stored_name, root=path)
    walked = survey(path, name_of=named)
    found.note(walked.problems)
    found.note(unsupported_errors(walked, lambda file: display_name(str(file))))
    found.note(walked.own)
    found.tasks.extend((str(file), named(file), str(path)) for file in walked.supported)


def _zip(path: Path, max_bytes: int, found: Gathered) -> None:
    top = schema.stored_name(path, path.parent)
    try:
        documents, problems = load_zip(path, max_bytes=max_bytes)
    except CorpusError:
        found.errors.append(InputError(top, "is not a readable zip archive (damaged or truncated)"))
        return
    # A note on the whole zip (it is a report folder) is named by the zip itself.
    found.note(type(p)(top if p.path == path.name else f"{top}/{p.path}", p.reason) for p in problems)
    found.tasks.extend(Document(f"{top}/{d.doc_id}", d.text, d.path, d.meta) for d in documents)
