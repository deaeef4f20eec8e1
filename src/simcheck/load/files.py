"""One file, or a file's bytes, to a :class:`~simcheck.models.Document`: the size limit,
the read time limit, the refusals of what is not a regular file, and text with whole
characters only.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError
from ..models import Document
from .formats import READERS, unsupported_reason
from .names import display_name

#: Default largest file read, in bytes (``--max-bytes``): an essay is a few KB, a long
#: PDF with pictures a few MB. The text extracted from a file is held to the same number
#: of characters, so a small file that unpacks to a huge text is refused as well.
MAX_FILE_BYTES = 20_000_000
#: A .docx or .odt is its text beside its pictures, and only the text is held to
#: ``max_bytes`` (a photo is no reason to refuse an essay): the file itself may be this
#: many times larger. Its parts are unpacked under the zip-bomb limits all the same.
PACKAGE_FACTOR = 10
_PACKAGES = frozenset({".docx", ".odt"})


def file_limit(name: str, max_bytes: int) -> int:
    """The largest file of this name read under ``max_bytes``: ``max_bytes`` itself, or
    :data:`PACKAGE_FACTOR` times it for a .docx or .odt, whose pictures do not count.

    >>> file_limit("essay.txt", 1000), file_limit("essay.DOCX", 1000)
    (1000, 10000)
    """
    return max_bytes * PACKAGE_FACTOR if Path(name).suffix.lower() in _PACKAGES else max_bytes


#: Seconds one file may take to read before it is given up: a long PDF reads in a few
#: seconds, a damaged or hostile one can send a parser into a loop that never ends.
MAX_READ_SECONDS = 60.0


def load_bytes(
    data: bytes, name: str, *, doc_id: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Document:
    """Make a :class:`Document` from a file's bytes; ``name`` gives its format.

    Parameters
    ----------
    max_bytes : int, default=MAX_FILE_BYTES
        Largest file accepted (ten times more for a .docx or .odt, whose pictures do
        not count: see :func:`file_limit`), and the most characters of text taken from it.

    Raises
    ------
    InputError
        Unsupported type, empty, binary, too large, corrupt or undecodable content.
    """
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise InputError(name, unsupported_reason(name))
    if not data:
        raise InputError(name, "is empty (0 bytes); submit the file with its text")
    limit = file_limit(name, max_bytes)
    if len(data) > limit:
        # A caller reads at most limit + 1 bytes: that length says "larger", not the size.
        size = f"more than {limit:,} bytes" if len(data) == limit + 1 else f"{len(data):,} bytes"
        raise InputError(name, _too_large(size, max_bytes, limit))
    try:
        with _time_limit(MAX_READ_SECONDS):
            text, encoding = reader(data, name, max_bytes)
    except _ReadTimeout:
        raise InputError(
            name,
            f"took over {MAX_READ_SECONDS:g} s to read (damaged, or made to hang a reader); "
            "re-save it from the program that made it",
        ) from None
    text = _whole_characters(text)
    if len(text) > max_bytes:
        raise InputError(name, _too_large(f"{len(text):,} characters of text", max_bytes))
    if not text.strip():
        raise InputError(name, "has no text (only spaces and line breaks); check that it is the right file")
    return Document(
        doc_id=doc_id if doc_id is not None else name,
        text=text,
        path=name,
        meta={"format": suffix.lstrip("."), "encoding": encoding},
    )


class _ReadTimeout(BaseException):
    """A reader ran out of time (raised by the alarm signal inside it). Not an
    Exception, so the ``except Exception`` inside parsers cannot swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with :class:`_ReadTimeout`.

    A timer signal reaches pure-Python parsers (pypdf, python-docx's XML walk) wherever
    they loop. Only a POSIX process's main thread receives signals: elsewhere (a thread
    of a host application) the block runs without a limit rather than failing, and so it
    does when the host application has a timer or an alarm handler of its own, which is
    left alone.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _ReadTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _too_large(size: str, max_bytes: int, limit: int | None = None) -> str:
    if limit is not None and limit != max_bytes:
        allowed = f"a .docx or .odt may be {PACKAGE_FACTOR} times the --max-bytes limit of {max_bytes:,}"
        return f"is too large ({size}; {allowed}, for its pictures); split it or raise the limit"
    return f"is too large ({size}, over the --max-bytes limit of {max_bytes:,}); split it or raise the limit"


def load_document(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    root: str | os.PathLike[str] | None = None,
) -> Document:
    """Load one file.

    Parameters
    ----------
    path : str or path-like
        A ``.txt .md .html .docx .pdf .odt .rtf`` file.
    doc_id : str, optional
        Name to use in reports; defaults to ``path`` as given (see :func:`display_name`).
    max_bytes : int, default=MAX_FILE_BYTES
        Largest file read (see :func:`file_limit`), and the most characters of text
        taken from it; a larger one is an error that names the limit.
    root : str or path-like, optional
        The folder the file was found in: a symbolic link leading out of it is refused.

    Raises
    ------
    InputError
        The file is missing, unreadable, not a regular file, too large or not usable text.
    """
    name = os.fspath(path)
    shown = display_name(name)
    if root is not None and os.path.islink(name):
        inside = os.path.realpath(root)
        if os.path.commonpath([inside, os.path.realpath(name)]) != inside:
            raise InputError(shown, "is a symbolic link to a file outside the folder; not followed")
    limit = file_limit(name, max_bytes)
    data = _read_file(name, shown, limit)
    if len(data) > limit and Path(name).suffix.lower() in READERS:
        # Only limit + 1 bytes were read: the file's own size is the one to report.
        try:
            size = f"{os.stat(name).st_size:,} bytes"
        except OSError:
            size = f"more than {limit:,} bytes"
        raise InputError(shown, _too_large(size, max_bytes, limit))
    document = load_bytes(data, shown, doc_id=doc_id if doc_id is not None else shown, max_bytes=max_bytes)
    return Document(document.doc_id, document.text, name, document.meta)


def _read_file(name: str, shown: str, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file; a pipe or device never blocks
    the read, because it is opened without waiting and then refused."""
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        reason = "is a broken symbolic link" if os.path.islink(name) else "does not exist; check the path"
        raise InputError(shown, reason) from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror}); check its permissions") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a pipe, socket or device"
        raise InputError(shown, f"is {kind}, not a regular file; not read")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            # Asked for the file's size, not the limit: a read of max_bytes + 1 allocates
            # that much for every file (20 MB for an essay of 6 KB: a tenth of a
            # millisecond a file in a long index build).
            wanted = min(status.st_size, max_bytes) + 1
            data = handle.read(wanted)
            if len(data) == wanted and wanted <= max_bytes:  # it grew since: read on to the limit
                data += handle.read(max_bytes + 1 - wanted)
            return data
        except OSError as exc:
            raise InputError(shown, f"cannot be read ({exc.strerror}); copy it again") from None


def load_text(text: str, doc_id: str = "<text>") -> Document:
    r"""Wrap a string as a :class:`Document`.

    Lone surrogates (left by decoding bytes with ``surrogateescape``) become U+FFFD, one
    character for one, so offsets are unchanged and reports can be written as UTF-8.

    >>> load_text("Some words.", "note").doc_id
    'note'
    >>> load_text("bad \udcff byte").text
    'bad � byte'
    """
    return Document(doc_id=doc_id, text=_without_surrogates(text), path=None, meta={"format": "text"})


def _whole_characters(text: str) -> str:
    r"""Text a parser returned, with UTF-16 surrogate pairs joined into the characters they
    stand for (RTF writes an emoji as two Unicode escapes) and lone surrogates replaced:
    a document's text must be writable as UTF-8.

    >>> _whole_characters("Smile \ud83d\ude00, lone \ud800.")
    'Smile 😀, lone �.'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _without_surrogates(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text
