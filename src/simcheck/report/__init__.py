"""Reports: a check as text, JSON, CSV or HTML, and a class's report files.

JSON and CSV are byte-identical for the same inputs and settings: stable ordering, fixed
float rounding, and the CSV written from the rows ``to_frame()`` is made of
(:class:`~simcheck.tables.Table`), as pandas writes it.

The modules: :mod:`~simcheck.report.text` (a check on the terminal),
:mod:`~simcheck.report.table` (a class on the terminal), :mod:`~simcheck.report.views`
(what the HTML shows of each submission), :mod:`~simcheck.report.html` (the page),
:mod:`~simcheck.report.files` (a class's report files).
"""

from __future__ import annotations

from ..models import CheckResult
from .text import render_text

FORMATS = ("text", "json", "csv", "html")


def to_csv(result: CheckResult) -> str:
    """The matches as CSV, one row per passage (columns as in the JSON contract)."""
    return result.matches_table().to_csv()


def render(result: CheckResult, fmt: str, *, width: int = 100) -> str:
    """The report in ``fmt`` (``text``, ``json``, ``csv`` or ``html``) as a string."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(result)
    if fmt == "html":
        from .html import render_check_html  # jinja2 and the page assets: only for HTML

        return render_check_html(result)
    if fmt == "text":
        return render_text(result, width=width, color=False)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


__all__ = ["FORMATS", "render", "render_text", "to_csv"]
