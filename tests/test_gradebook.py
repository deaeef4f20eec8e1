"""A class's results as a gradebook reads them (issue 19, point 7): one rounding in
every view, a row per student beside the row per file, the student's ID, empty cells
where a value does not exist, and real names from a class list."""

from __future__ import annotations

import re

from simcheck.batch import BatchResult
from simcheck.config import CheckConfig
from simcheck.models import CheckResult, DocumentSummary, SourceResult
from simcheck.report import render_text
from simcheck.report.html import render_batch_html, render_check_html
from simcheck.report.table import class_table
from simcheck.score import student_pairs

ADA = "Ada Lovelace_111_assignsubmission_file_essay.txt"


def _one_submission(similarity: float) -> BatchResult:
    """A class of one whose similarity lies just below a rounding boundary."""
    summary = DocumentSummary(ADA, 1000, similarity, similarity)
    source = SourceResult(ADA, "thaw.txt", similarity, 235, 1, 0.3, 0.1, identical=similarity)
    result = CheckResult((summary,), (), (source,), CheckConfig().to_dict(), "test")
    students = {ADA: "Ada Lovelace"}
    return BatchResult(result, students, student_pairs([], students), {})


def _shown(text: str) -> set[str]:
    return set(re.findall(r"\d+\.\d%", text))


def test_every_view_rounds_a_percentage_alike() -> None:
    # 23.549 is 23.55 in documents.csv and the JSON; every view shows that value to one
    # decimal. The overview showed 23.6% (from 23.55) and the student's page 23.5%.
    batch = _one_submission(23.549)
    assert batch.file_rows()[0].similarity == 23.55
    page = render_batch_html(batch, created="today")
    overview = page[page.index('id="overview"') : page.index('<section id="view"')]
    student = page[page.index('<template id="t-s-1">') :]
    assert _shown(overview) == {"23.6%"}
    assert _shown(student) == {"23.6%"}
    assert _shown(render_check_html(batch.result, created="today")) == {"23.6%"}
    assert _shown(render_text(batch.result)) == {"23.6%"}
    cells = [str(cell) for column in class_table(batch).table.columns for cell in column.cells]
    assert "23.6%" in cells


def test_a_reported_value_ending_in_five_rounds_up_everywhere() -> None:
    # 23.45 (reported as 23.45) is shown 23.5%, not 23.4% from the float just below it.
    batch = _one_submission(23.45)
    page = render_batch_html(batch, created="today")
    assert _shown(page) == {"23.5%"}
    assert _shown(render_text(batch.result)) == {"23.5%"}
