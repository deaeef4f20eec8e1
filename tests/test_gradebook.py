"""A class's results as a gradebook reads them (issue 19, point 7): one rounding in
every view, a row per student beside the row per file, the student's ID, empty cells
where a value does not exist, and real names from a class list."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from simcheck.batch import compare_batch
from simcheck.batch_result import BatchResult
from simcheck.cli import main
from simcheck.config import CheckConfig
from simcheck.errors import InputError
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


COLDWAR = Path(__file__).resolve().parent.parent / "corpora" / "coldwar"
THAW = (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")
ANN = "Ann Lee_101_assignsubmission_file_essay.txt"
ANN_NOTES = "Ann Lee_101_assignsubmission_file_notes.txt"
BO = "leebo_12345_67890_essay.txt"  # Canvas: the login-style name and the user ID
CY = "Cy Doe_103_assignsubmission_file_essay.docx"  # unreadable
DI = "Di Ray/essay.txt"  # a folder per student: no ID


def write_class(folder: Path) -> Path:
    files = {
        ANN: "Volcanoes and tides are my subject before the war. " + SHARED,
        ANN_NOTES: "Notes on compost, watering and soil for a vegetable garden, all summer long here.",
        BO: "My essay begins with Korea in the summer of 1950. " + SHARED,
        DI: "An opening sentence of my own. " + THAW[200:900],
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / CY).write_bytes(b"not a docx")
    return folder


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _batch(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    folder = write_class(tmp_path / "class")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "-c", str(COLDWAR), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_documents_csv_has_the_student_id_and_empty_cells_for_missing_values(tmp_path: Path) -> None:
    out, stdout = _batch(tmp_path)
    rows = {row["files"]: row for row in _csv(out / "documents.csv")}
    assert list(_csv(out / "documents.csv")[0])[:3] == ["student", "student_id", "files"]
    assert {file: row["student_id"] for file, row in rows.items()} == {
        ANN: "101",
        ANN_NOTES: "101",
        BO: "12345",
        CY: "103",
        DI: "",
    }
    # Unreadable: no words, similarity or identical share, rather than 0 and 0.0.
    cy = rows[CY]
    assert (cy["words"], cy["similarity"], cy["identical"], cy["group"]) == ("", "", "", "")
    assert cy["status"].startswith("unreadable: ")
    # In no group: an empty group, not 0; in one: its number.
    assert rows[DI]["group"] == "" and rows[ANN]["group"] == "1" and rows[ANN_NOTES]["similarity"] == "0.0"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cy_json = next(row for row in report["submissions"] if row["files"] == CY)
    assert cy_json["similarity"] is None and cy_json["words"] is None and cy_json["group"] is None
    assert cy_json["student_id"] == "103"
    # The terminal and the page show no group for Di Ray either: an empty cell, no "0".
    di_line = next(line for line in stdout.splitlines() if line.startswith("Di Ray"))
    assert di_line.split("\u2502")[5].strip() == ""
    page = (out / "report.html").read_text(encoding="utf-8")
    di_row = next(row for row in page.split("<tr ") if "Di Ray" in row and 'class="state"' in row)
    assert re.search(r'>([^<]*)</td><td class="state"', di_row).group(1) == ""  # type: ignore[union-attr]
    assert page.count("<dt>Group</dt>") == 3  # Ann Lee's two files and leebo's; not Di Ray's


def test_students_csv_has_one_row_per_student(tmp_path: Path) -> None:
    out, _ = _batch(tmp_path)
    rows = {row["student"]: row for row in _csv(out / "students.csv")}
    assert list(rows) == ["Ann Lee", "Cy Doe", "Di Ray", "leebo"]
    ann = rows["Ann Lee"]
    files = {row["files"]: row for row in _csv(out / "documents.csv")}
    words = int(files[ANN]["words"]) + int(files[ANN_NOTES]["words"])
    # The share of all the student's words: each file weighted by its words.
    share = float(files[ANN]["similarity"]) * int(files[ANN]["words"]) / words
    assert ann["student_id"] == "101" and ann["submitted_files"] == "2" and ann["words"] == str(words)
    assert abs(float(ann["similarity"]) - share) < 0.01 and ann["status"] == "flagged" and ann["group"] == "1"
    assert ann["top_source"] == BO
    cy = rows["Cy Doe"]
    assert (cy["words"], cy["similarity"], cy["group"], cy["status"]) == ("", "", "", "unreadable")
    assert cy["unreadable_files"] == "1"
    assert (
        rows["Di Ray"]["student_id"] == "" and rows["Di Ray"]["top_source"] == "khrushchev-and-the-thaw.txt"
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [row["student"] for row in report["students"]] == list(rows)
    assert report["students"][1]["similarity"] is None


def test_a_class_list_names_students_in_every_report(tmp_path: Path) -> None:
    names = tmp_path / "class-list.csv"
    # Canvas's gradebook export: a header, "Last, First" names, a row with no student.
    names.write_text(
        "Student,ID,SIS User ID,Section\n"
        '"    Points Possible",,,\n"Lee, Bo",12345,s1,A\nAnn Lee-Park,101,s2,A\n',
        encoding="utf-8",
    )
    out, stdout = _batch(tmp_path, "--class-list", str(names))
    students = {row["student_id"]: row["student"] for row in _csv(out / "students.csv")}
    assert students == {"101": "Ann Lee-Park", "103": "Cy Doe", "": "Di Ray", "12345": "Lee, Bo"}
    assert {row["student"] for row in _csv(out / "documents.csv")} == set(students.values())
    assert [(p["student_a"], p["student_b"]) for p in _csv(out / "pairs.csv")] == [
        ("Ann Lee-Park", "Lee, Bo")
    ]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Lee, Bo" in page and "leebo" not in page.replace(BO, "")
    assert "Lee, Bo" in stdout and "leebo " not in stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {row["student"] for row in report["submissions"]} == set(students.values())


def test_a_moodle_worksheet_and_a_plain_list_are_read(tmp_path: Path) -> None:
    from simcheck.review import read_class_list

    worksheet = tmp_path / "worksheet.csv"
    worksheet.write_text("Identifier,Full name,Email address\nParticipant 101,Ann Lee-Park,a@x\n", "utf-8")
    assert read_class_list(worksheet) == {"101": "Ann Lee-Park"}
    plain = tmp_path / "plain.csv"
    plain.write_text("12345,Bo Lee\n101, Ann Lee-Park \n", encoding="utf-8")
    assert read_class_list(plain) == {"12345": "Bo Lee", "101": "Ann Lee-Park"}
    clash = tmp_path / "clash.csv"
    clash.write_text("1,Ann\n1,Bo\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: ID 1 is given two names"):
        read_class_list(clash)


def test_two_students_of_one_name_are_two_students(tmp_path: Path) -> None:
    # Before, both were "Sam Green": one student, so their shared passage was never found.
    folder = tmp_path / "class"
    folder.mkdir()
    for number in ("111", "222"):
        text = f"Opening {number} of my own. " + SHARED
        (folder / f"Sam Green_{number}_assignsubmission_file_essay.txt").write_text(text, encoding="utf-8")
    batch = compare_batch(folder)
    assert sorted(set(batch.students.values())) == ["Sam Green (111)", "Sam Green (222)"]
    assert len(batch.pairs) == 1 and batch.result.matches
