"""Folders walked: the supported files under one, sorted, and an error for each file or
folder under it that is not read (unsupported types, links to folders, unlistable folders),
or a note for each report simcheck wrote there (see :mod:`.own`), which is passed over.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from ..errors import InputError, OwnReport
from ..models import Document
from .files import MAX_FILE_BYTES, load_document
from .formats import is_supported, unsupported_reason
from .names import display_name
from .own import FILE_REASON, FOLDER_REASON, own_file, own_folder

#: Folders passed over: paths as given (made absolute and real when compared).
Skip = Collection[str | os.PathLike[str]]
#: Why a folder the caller asked to skip (``batch``'s --output) is not read.
SKIPPED_REASON = "is the folder this run writes its reports to; not read"


def _walk(
    root: Path,
    skip: Skip = (),
    onerror: Callable[[OSError], None] | None = None,
    passed_over: Callable[[Path, str], None] | None = None,
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` of ``root`` without hidden folders, simcheck's report folders and
    the folders in ``skip`` (nothing at all when ``root`` is one of those); each of the
    latter two is told to ``passed_over(path, reason)``."""
    real = _real(skip)

    def walked(folder: Path) -> bool:
        reason = _passed_over(folder, real)
        if reason and passed_over is not None:
            passed_over(folder, reason)
        return not reason

    if not walked(root):
        return
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and walked(Path(dirpath) / d)]
        yield dirpath, dirnames, filenames


def _real(skip: Skip) -> set[str]:
    return {os.path.realpath(path) for path in skip}


def _passed_over(folder: Path, skip: set[str]) -> str:
    """Why ``folder`` is not walked, or an empty string (a link is never followed, so
    never looked into; :func:`folder_problems` lists it)."""
    if os.path.islink(folder):
        return ""
    if skip and os.path.realpath(folder) in skip:
        return SKIPPED_REASON
    return FOLDER_REASON if own_folder(folder) else ""


def iter_files(folder: str | os.PathLike[str], *, supported: bool = True, skip: Skip = ()) -> Iterator[Path]:
    """Supported files under ``folder`` (or, with ``supported=False``, the others),
    recursively, sorted by relative path; hidden files and folders skipped, links to
    folders not followed (see :func:`folder_problems`), and neither simcheck's own
    reports nor the folders in ``skip`` read (see :func:`own_reports`)."""
    root = Path(folder)
    found = []
    for dirpath, _, filenames in _walk(root, skip):
        for filename in filenames:
            path = Path(dirpath) / filename
            if not filename.startswith(".") and is_supported(filename) == supported and not own_file(path):
                found.append(path)
    yield from sorted(found, key=lambda path: path.relative_to(root).as_posix())


def own_reports(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None, *, skip: Skip = ()
) -> list[InputError]:
    """A note (:class:`~simcheck.errors.OwnReport`) for each report simcheck wrote under
    ``folder`` and each folder of ``skip`` found there: what :func:`iter_files` passes
    over, named as :func:`folder_problems` names."""
    naming = name_of or _relative_to(Path(folder))
    notes: list[InputError] = []

    def note(path: Path, reason: str) -> None:
        notes.append(OwnReport(naming(path), reason))

    for dirpath, _, filenames in _walk(Path(folder), skip, passed_over=note):
        for filename in filenames:
            if not filename.startswith(".") and own_file(Path(dirpath) / filename):
                note(Path(dirpath) / filename, FILE_REASON)
    return sorted(notes, key=lambda e: e.path)


def _relative_to(root: Path) -> Callable[[Path], str]:
    """Names paths under ``root`` by their relative path, ready to display."""

    def name_of(path: Path) -> str:
        where = path.relative_to(root).as_posix()
        return display_name(str(root) if where == "." else where)

    return name_of


def unsupported_files(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None, *, skip: Skip = ()
) -> list[InputError]:
    """An error for each file under ``folder`` of a type simcheck does not read, so that
    a student's .doc is listed, not passed over; named as :func:`folder_problems` names."""
    name_of = name_of or _relative_to(Path(folder))
    return [
        InputError(name_of(path), unsupported_reason(path.name))
        for path in iter_files(folder, supported=False, skip=skip)
    ]


def folder_problems(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None, *, skip: Skip = ()
) -> list[InputError]:
    """Folders under ``folder`` whose files are not read: links to folders (never
    followed, so a link cannot lead out of the input) and folders that cannot be listed.

    Each is named by ``name_of(path)``, a name ready to display (see
    :func:`display_name`), by default its path relative to ``folder``.
    """
    root = Path(folder)
    problems = []
    name_of = name_of or _relative_to(root)

    def unlistable(error: OSError) -> None:
        name = name_of(Path(error.filename or root))
        problems.append(
            InputError(name, f"is a folder that cannot be read ({error.strerror}); its files are not checked")
        )

    for dirpath, dirnames, _ in _walk(root, skip, onerror=unlistable):
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                name = name_of(Path(dirpath) / dirname)
                problems.append(InputError(name, "is a symbolic link to a folder; not followed"))
    return sorted(problems, key=lambda e: e.path)


def folder_listing(
    folder: str | os.PathLike[str], *, skip: Skip = ()
) -> tuple[list[tuple[Path, str]], list[InputError]]:
    """What :func:`load_folder` reads, without reading it: each supported file with its
    ``doc_id``, and the errors and notes of the folder itself (links to folders,
    unlistable folders, simcheck's own reports). A bulk job lists a folder so and reads
    the files where its work runs (:func:`load_listed`)."""
    root = Path(folder)
    errors = folder_problems(root, skip=skip) + own_reports(root, skip=skip)
    files = [(path, display_name(path.relative_to(root).as_posix())) for path in iter_files(root, skip=skip)]
    return files, errors


def load_listed(
    path: str | os.PathLike[str],
    doc_id: str,
    root: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
) -> Document | InputError:
    """One file :func:`folder_listing` found under ``root``: its document, or the error
    naming it by ``doc_id``."""
    try:
        return load_document(path, doc_id=doc_id, max_bytes=max_bytes, root=root)
    except InputError as exc:
        return InputError(doc_id, exc.reason)


def load_folder(
    folder: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES, skip: Skip = ()
) -> tuple[list[Document], list[InputError]]:
    """Load every supported file under ``folder``, except the folders in ``skip``.

    Returns the documents (``doc_id`` is the path relative to ``folder``, with ``/``)
    and an error for each file that could not be read; one bad file never stops the rest.
    A symbolic link is read only when it leads to a file inside ``folder``. Reports
    simcheck wrote are not read: each has a :class:`~simcheck.errors.OwnReport` among
    the errors (see :func:`own_reports`).
    """
    files, errors = folder_listing(folder, skip=skip)
    documents: list[Document] = []
    for path, doc_id in files:
        loaded = load_listed(path, doc_id, folder, max_bytes=max_bytes)
        if isinstance(loaded, InputError):
            errors.append(loaded)
        else:
            documents.append(loaded)
    return documents, sorted(errors, key=lambda e: e.path)
