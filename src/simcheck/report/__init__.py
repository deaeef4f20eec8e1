"""Render a :class:`~simcheck.models.CheckResult` as text, JSON, CSV or HTML.

JSON and CSV are byte-identical for the same inputs and settings: stable ordering, fixed
float rounding, and the CSV built from ``to_frame()`` so it never disagrees with pandas.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..models import CheckResult
from .text import render_text

FORMATS = ("text", "json", "csv", "html")
#: The prefix Moodle (``Full Name_123_assignsubmission_file_``) and Canvas
#: (``lastfirst_12345_67890_``) put before a submitted file's own name.
_PLATFORM_PREFIX = re.compile(r"^(?:.+?_\d+_assignsubmission_[a-z]+_|(?:late_)?[a-z]+(?:_late)?_\d+_\d+_)")


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
    first = _PLATFORM_PREFIX.sub("", parts[0], count=1)
    if first != parts[0]:
        rest = [first, *parts[1:]] if first else list(parts[1:])
    else:
        rest = list(parts[1:]) or [parts[0]]
    return "/".join(rest) or path


def to_csv(result: CheckResult) -> str:
    """The matches as CSV, one row per passage (columns as in the JSON contract)."""
    return str(result.to_frame().to_csv(index=False, lineterminator="\n"))


def render(result: CheckResult, fmt: str, *, width: int = 100) -> str:
    """The report in ``fmt`` (``text``, ``json``, ``csv`` or ``html``) as a string."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(result)
    if fmt == "html":
        from .html import render_check_html

        return render_check_html(result)
    if fmt == "text":
        return render_text(result, width=width, color=False)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


__all__ = ["FORMATS", "render", "render_text", "short_name", "to_csv"]
