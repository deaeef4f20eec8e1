"""Folders walked: the supported files under one, sorted, and an error for each file or
folder under it that is not read (unsupported types, links to folders, unlistable folders).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..models import Document
from .files import MAX_FILE_BYTES, load_document
from .formats import is_supported, unsupported_reason
from .names import display_name


def iter_files(folder: str | os.PathLike[str], *, supported: bool = True) -> Iterator[Path]:
    """Supported files under ``folder`` (or, with ``supported=False``, the others),
    recursively, sorted by relative path; hidden files and folders skipped, links to
    folders not followed (see :func:`folder_problems`)."""
    root = Path(folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if not filename.startswith(".") and is_supported(filename) == supported:
                found.append(Path(dirpath) / filename)
    yield from sorted(found, key=lambda path: path.relative_to(root).as_posix())


def _relative_to(root: Path) -> Callable[[Path], str]:
    """Names paths under ``root`` by their relative path, ready to display."""

    def name_of(path: Path) -> str:
        where = path.relative_to(root).as_posix()
        return display_name(str(root) if where == "." else where)

    return name_of


def unsupported_files(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None
) -> list[InputError]:
    """An error for each file under ``folder`` of a type simcheck does not read, so that
    a student's .doc is listed, not passed over; named as :func:`folder_problems` names."""
    name_of = name_of or _relative_to(Path(folder))
    return [
        InputError(name_of(path), unsupported_reason(path.name))
        for path in iter_files(folder, supported=False)
    ]


def folder_problems(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None
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

    for dirpath, dirnames, _ in os.walk(root, onerror=unlistable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                name = name_of(Path(dirpath) / dirname)
                problems.append(InputError(name, "is a symbolic link to a folder; not followed"))
    return sorted(problems, key=lambda e: e.path)


def load_folder(
    folder: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Document], list[InputError]]:
    """Load every supported file under ``folder``.

    Returns the documents (``doc_id`` is the path relative to ``folder``, with ``/``)
    and an error for each file that could not be read; one bad file never stops the rest.
    A symbolic link is read only when it leads to a file inside ``folder``.
    """
    root = Path(folder)
    documents: list[Document] = []
    errors: list[InputError] = folder_problems(root)
    for path in iter_files(root):
        doc_id = display_name(path.relative_to(root).as_posix())
        try:
            document = load_document(path, doc_id=doc_id, max_bytes=max_bytes, root=root)
        except InputError as exc:
            errors.append(InputError(doc_id, exc.reason))
            continue
        documents.append(document)
    return documents, sorted(errors, key=lambda e: e.path)
