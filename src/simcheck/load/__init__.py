"""Files and folders to :class:`~simcheck.models.Document`.

Plain-text formats are read as bytes and decoded here (BOM, then UTF-8, then cp1252) so
that newlines are never translated: ``\\r\\n`` stays two characters and offsets into the
loaded text match the file. Rich formats (docx, pdf, odt, rtf, html) are reduced to
their text with a well-kept parser each.

Its modules, in the order they import each other (each imports only modules above it):

- ``decode``: a text file's bytes to ``str`` (BOM, UTF-16, UTF-8, cp1252; binary refused).
- ``names``: file names made safe to show on one line (:func:`display_name`).
- ``formats``: the reader of each suffix, zip-bomb limits on docx and odt, supported types.
- ``files``: one file or its bytes to a Document, under the size and read-time limits.
- ``own``: simcheck's own reports, known by their content, never read as essays.
- ``folders``: walking a folder: the files it loads, those it cannot read, and the reports
  simcheck wrote there, which it passes over.

Everything other modules use is imported from here (``from .load import load_document``).
"""

from __future__ import annotations

from .decode import decode_bytes
from .files import MAX_FILE_BYTES, MAX_READ_SECONDS, load_bytes, load_document, load_text
from .folders import (
    SKIPPED_REASON,
    Survey,
    folder_listing,
    load_folder,
    load_listed,
    survey,
    unsupported_errors,
)
from .formats import (
    MAX_RATIO,
    RATIO_FLOOR,
    SUPPORTED_SUFFIXES,
    bomb_ratio,
    is_supported,
    read_member,
    unsupported_reason,
)
from .names import display_name, relative_posix
from .own import FILE_REASON, FOLDER_REASON, HEAD_BYTES, is_own_report, is_report_folder, own_file

__all__ = [
    "FILE_REASON",
    "FOLDER_REASON",
    "HEAD_BYTES",
    "MAX_FILE_BYTES",
    "MAX_RATIO",
    "MAX_READ_SECONDS",
    "RATIO_FLOOR",
    "SKIPPED_REASON",
    "SUPPORTED_SUFFIXES",
    "Survey",
    "bomb_ratio",
    "decode_bytes",
    "display_name",
    "folder_listing",
    "is_own_report",
    "is_report_folder",
    "is_supported",
    "load_bytes",
    "load_document",
    "load_folder",
    "load_listed",
    "load_text",
    "own_file",
    "read_member",
    "relative_posix",
    "survey",
    "unsupported_errors",
    "unsupported_reason",
]
