"""simcheck's own reports, known by their content so that they are never read back as a
student's work (a report holds every essay it checked: read as one, it would match them all).

- a report page (report.html, or ``check -o x.html``) names simcheck in its
  ``<meta name="generator">``;
- a JSON report opens with ``"version"`` and then ``"settings"``;
- a text report (``check -o report.txt``) gives an essay's figures on one line
  (``960 words  similarity 20.5%  identical 12.7%  flagged``) and its sources' table,
  or that none were found, on the next;
- a class's report folder holds such a report.json with documents.csv beside it.

The name alone proves nothing: a student may hand in ``report.html``.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path

from .names import file_suffix

#: How much of a file's start is read to know it: the marks come in the first lines.
HEAD_BYTES = 8192
# Opened so as never to block (a pipe) nor follow a link out of the folder.
_HEAD_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
#: Why a report page or JSON report is not read.
FILE_REASON = "is a report simcheck wrote; not read as an essay"
#: Why a class's report folder is not read.
FOLDER_REASON = "is a folder of reports simcheck wrote (report.json, documents.csv); not read"

_PAGE = re.compile(rb"""<meta\s+name=["']generator["']\s+content=["']simcheck[ "']""")
_JSON = re.compile(rb'\A\s*\{\s*"version":\s*"[^"\n]*",\s*"settings":\s*\{')
_TEXT = re.compile(
    rb"^(?:.*  )?[\d,]+ words  similarity \S+%  identical \S+%  \w+ *\r?\n"
    rb"(?:source +\xe2\x94\x83 similarity \xe2\x94\x83 identical |No overlapping passages found\.)",
    re.MULTILINE,
)
_TEXT_WORDS = b" words  similarity "
#: The suffixes a report can be written under and read back from as an essay.
_SUFFIXES = (".html", ".htm", ".json", ".txt", ".md")


def is_own_report(name: str, head: bytes) -> bool:
    """Whether a file named ``name`` whose first bytes are ``head`` is a report simcheck
    wrote (an HTML page or a JSON report; see the module's docstring).

    >>> is_own_report("r.html", b'<meta name="generator" content="simcheck 0.9.0">')
    True
    >>> is_own_report("r.json", b'{\\n  "version": "0.9.0",\\n  "settings": {')
    True
    >>> is_own_report("essay.html", b'<meta name="generator" content="LibreOffice">')
    False
    >>> is_own_report("r.txt", b"a.txt  960 words  similarity 0.0%  identical 0.0%  clean\\n"
    ...                b"No overlapping passages found.\\n")
    True
    """
    suffix = file_suffix(name)
    start = head[:HEAD_BYTES]
    if suffix in (".html", ".htm"):
        return _PAGE.search(start) is not None
    if suffix == ".json":
        return _JSON.match(start) is not None
    if suffix in (".txt", ".md"):
        # Every essay is a .txt or .md: a plain search for the line's words first, as
        # the pattern, tried at each line's start, costs a class a tenth of a second.
        return _TEXT_WORDS in start and _TEXT.search(start) is not None
    return False


def is_report_folder(names: set[str], report_json: bytes) -> bool:
    """Whether a folder holding the files ``names`` is a class's report folder, given
    the start of its report.json (empty when it has none)."""
    return "documents.csv" in names and "report.json" in names and is_own_report("report.json", report_json)


def head(path: str | os.PathLike[str]) -> bytes:
    """The first bytes of a regular file; nothing for a link, a pipe or a device (never
    blocks, never follows a link out of the folder) or a file that cannot be read."""
    try:
        descriptor = os.open(path, _HEAD_FLAGS)
    except OSError:
        return b""
    # The descriptor itself, not a file object around it: every file of a folder is
    # looked at, and a buffered reader costs twice the reading.
    try:
        return os.read(descriptor, HEAD_BYTES) if stat.S_ISREG(os.fstat(descriptor).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def own_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is a report simcheck wrote."""
    name = os.fspath(path)
    if file_suffix(name) not in _SUFFIXES:
        return False  # no need to open it
    try:
        status = os.lstat(name)
    except OSError:
        return False
    # A folder is walked twice (the files to read, the reports to list), and every
    # .txt essay would be opened each time.
    return _own_file(name, status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=1 << 16)
def _own_file(name: str, size: int, modified: int) -> bool:
    return is_own_report(name, head(name))


def own_folder(path: str | os.PathLike[str]) -> bool:
    """Whether the folder at ``path`` (not a link) is a class's report folder."""
    folder = Path(path)
    if os.path.islink(folder) or not (folder / "documents.csv").is_file():
        return False
    return is_report_folder({"documents.csv", "report.json"}, head(folder / "report.json"))
