"""Folders walked: the supported files under one, sorted, and an error for each file or
folder under it that is not read (unsupported types, links to folders, unlistable folders),
or a note for each report simcheck wrote there (see :mod:`.own`), which is passed over.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, OwnReport
from ..models import Document
from .files import MAX_FILE_BYTES, load_document
from .formats import is_supported, unsupported_reason
from .names import display_name, relative_posix
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
    never looked into; :func:`survey` lists it)."""
    if os.path.islink(folder):
        return ""
    if skip and os.path.realpath(folder) in skip:
        return SKIPPED_REASON
    return FOLDER_REASON if own_folder(folder) else ""


@dataclass(frozen=True)
class Survey:
    """What one walk of a folder finds (see :func:`survey`)."""

    #: Supported files and the others, each sorted by relative path.
    supported: list[Path]
    unsupported: list[Path]
    #: Folders whose files are not read: links to folders, folders that cannot be listed.
    problems: list[InputError]
    #: A note for each report simcheck wrote and each folder of ``skip`` found.
    own: list[InputError]


def survey(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None, *, skip: Skip = ()
) -> Survey:
    """Walk ``folder`` once: its files by kind, the folders not walked into, and
    simcheck's own reports, named by ``name_of(path)`` (a name ready to display, see
    :func:`display_name`; by default the path relative to ``folder``). A class of
    thousands of files is listed in one pass over the disk, not one per question."""
    root = Path(folder)
    naming = name_of or _relative_to(root)
    supported: list[Path] = []
    unsupported: list[Path] = []
    problems: list[InputError] = []
    own: list[InputError] = []

    def unlistable(error: OSError) -> None:
        name = naming(Path(error.filename or root))
        problems.append(
            InputError(name, f"is a folder that cannot be read ({error.strerror}); its files are not checked")
        )

    def passed_over(path: Path, reason: str) -> None:
        own.append(OwnReport(naming(path), reason))

    for dirpath, dirnames, filenames in _walk(root, skip, onerror=unlistable, passed_over=passed_over):
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                problems.append(
                    InputError(
                        naming(Path(dirpath) / dirname), "is a symbolic link to a folder; not followed"
                    )
                )
        for filename in filenames:
            if filename.startswith("."):
                continue
            path = Path(dirpath, filename)
            if own_file(path):
                own.append(OwnReport(naming(path), FILE_REASON))
            else:
                (supported if is_supported(filename) else unsupported).append(path)

    def by_place(path: Path) -> str:
        return relative_posix(path, root)

    return Survey(
        sorted(supported, key=by_place),
        sorted(unsupported, key=by_place),
        sorted(problems, key=lambda e: e.path),
        sorted(own, key=lambda e: e.path),
    )


def _relative_to(root: Path) -> Callable[[Path], str]:
    """Names paths under ``root`` by their relative path, ready to display."""

    def name_of(path: Path) -> str:
        where = relative_posix(path, root)
        return display_name(str(root) if where == "." else where)

    return name_of


def unsupported_errors(found: Survey, name_of: Callable[[Path], str]) -> list[InputError]:
    """An error for each file of a type simcheck does not read that ``found`` holds."""
    return [InputError(name_of(path), unsupported_reason(path.name)) for path in found.unsupported]


def folder_listing(
    folder: str | os.PathLike[str], *, skip: Skip = (), unsupported: bool = False
) -> tuple[list[tuple[Path, str]], list[InputError]]:
    """What :func:`load_folder` reads, without reading it: each supported file with its
    ``doc_id``, and the errors and notes of the folder itself (links to folders,
    unlistable folders, simcheck's own reports; with ``unsupported``, the files of
    types simcheck does not read too). A bulk job lists a folder so and reads the files
    where its work runs (:func:`load_listed`)."""
    root = Path(folder)
    found = survey(root, skip=skip)
    errors = found.problems + found.own
    if unsupported:
        errors += unsupported_errors(found, _relative_to(root))
    files = [(path, display_name(path.relative_to(root).as_posix())) for path in found.supported]
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
    folder: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    skip: Skip = (),
    unsupported: bool = False,
) -> tuple[list[Document], list[InputError]]:
    """Load every supported file under ``folder``, except the folders in ``skip``.

    Returns the documents (``doc_id`` is the path relative to ``folder``, with ``/``)
    and an error for each file that could not be read; one bad file never stops the rest.
    A symbolic link is read only when it leads to a file inside ``folder``. Reports
    simcheck wrote are not read: each has a :class:`~simcheck.errors.OwnReport` among
    the errors (see :func:`survey`). With ``unsupported``, a file of a type simcheck
    does not read has an error too (a class's files: a student's .doc is listed).
    """
    files, errors = folder_listing(folder, skip=skip, unsupported=unsupported)
    documents: list[Document] = []
    for path, doc_id in files:
        loaded = load_listed(path, doc_id, folder, max_bytes=max_bytes)
        if isinstance(loaded, InputError):
            errors.append(loaded)
        else:
            documents.append(loaded)
    return documents, sorted(errors, key=lambda e: e.path)
