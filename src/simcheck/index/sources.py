"""What an add reads: the files and folders given to it, each document named as it will
be stored, and what it does not read (unreadable files, simcheck's own reports).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, OwnReport
from ..load import (
    FILE_REASON,
    display_name,
    folder_problems,
    iter_files,
    own_file,
    own_reports,
    unsupported_files,
)
from . import schema

#: A file to read in a worker: (path, stored name, folder it was found in).
Task = tuple[str, str, str | None]


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
    """Every document of the files and folders ``items``, in the order given."""
    found = Gathered()
    for item in items:
        path = Path(item)
        if path.is_dir():
            _folder(path, found)
        elif own_file(path):
            found.passed_over.append(OwnReport(schema.stored_name(path, path.parent), FILE_REASON))
        else:
            found.tasks.append((str(path), schema.stored_name(path, path.parent), None))
    return found


def _folder(path: Path, found: Gathered) -> None:
    # Files of a type simcheck does not read (a student's .doc) and links or folders it
    # does not follow are listed, not passed over in silence.
    named = functools.partial(schema.stored_name, root=path)
    found.note(folder_problems(path, name_of=named))
    found.note(unsupported_files(path, name_of=lambda file: display_name(str(file))))
    found.note(own_reports(path, name_of=named))
    found.tasks.extend((str(file), named(file), str(path)) for file in iter_files(path))
