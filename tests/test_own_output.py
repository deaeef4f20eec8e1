"""simcheck never reads its own reports back as essays: not in a class folder, a zip or
an index, and not from its own --output folder; what it passes over is listed."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import OWN, SHARED
from simcheck import check
from simcheck.archive import load_zip
from simcheck.batch import compare_batch
from simcheck.cli import main
from simcheck.index import Index
from simcheck.load import load_folder
from simcheck.report.files import write_reports
from simcheck.report.html import render_check_html

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
STUDENTS = {
    "Ada Lovelace_111_assignsubmission_file_essay.txt": OWN + SHARED,
    "Bob Smith_222_assignsubmission_file_essay.txt": "Korea in 1950 is where my essay starts. " + SHARED,
    "Cy Young_333_assignsubmission_file_essay.txt": "Compost, watering and soil for a vegetable garden.",
}


def write_class(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, text in STUDENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def students_in(report: Path) -> list[str]:
    return sorted(pd.read_csv(report / "documents.csv")["student"])


def test_batch_run_twice_into_the_class_folder_reads_no_report(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    output = folder / "simcheck-report"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(folder), "--output", str(output)])
    assert first.exit_code == 0, first.output
    before = (output / "documents.csv").read_text(encoding="utf-8")
    second = runner.invoke(main, ["batch", str(folder), "--output", str(output)])
    assert second.exit_code == 0, second.output
    # The same class, not a fourth "student" made of the report folder.
    assert (output / "documents.csv").read_text(encoding="utf-8") == before
    assert students_in(output) == ["Ada Lovelace", "Bob Smith", "Cy Young"]
    assert "simcheck-report: " in second.stdout and "report.html" not in second.stdout.split("Wrote")[0]


def test_an_old_report_folder_in_the_class_is_known_by_its_content(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    write_reports(compare_batch(folder), tmp_path / "out")
    shutil.copytree(tmp_path / "out", folder / "last week")
    batch = compare_batch(folder)
    assert sorted(batch.students.values()) == ["Ada Lovelace", "Bob Smith", "Cy Young"]
    assert batch.errors == ()
    assert [(e.path, "simcheck" in e.reason) for e in batch.passed_over] == [("last week", True)]


@pytest.mark.parametrize("name", ["ada-check.txt", "ada-check.md"])
def test_a_text_report_saved_in_the_class_folder_is_passed_over(tmp_path: Path, name: str) -> None:
    # `check -o ada-check.txt` beside the essays: read back, it held both sides of every
    # passage and matched the essays it quoted.
    folder = write_class(tmp_path / "class")
    essay = folder / next(iter(STUDENTS))
    runner = CliRunner()
    written = runner.invoke(main, ["check", str(essay), "--corpus", str(COLDWAR), "-o", str(folder / name)])
    assert written.exit_code in (0, 1), written.output
    documents, errors = load_folder(folder)
    assert sorted(d.doc_id for d in documents) == sorted(STUDENTS)
    assert [(e.path, "report simcheck wrote" in e.reason) for e in errors] == [(name, True)]
    refused = runner.invoke(main, ["check", str(folder / name), "--corpus", str(COLDWAR)])
    assert refused.exit_code != 0 and "is a report simcheck wrote" in refused.output


def test_an_essay_that_quotes_figures_is_still_read(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text(
        "My essay. The tool said 960 words  similarity 20.5%  identical 12.7%  flagged, and then\n"
        "it listed the sources, which I explain below.\n",
        encoding="utf-8",
    )
    documents, errors = load_folder(tmp_path)
    assert [d.doc_id for d in documents] == ["essay.txt"] and errors == []


def test_a_report_page_or_json_in_a_folder_is_passed_over_and_listed(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    result = check(str(folder / next(iter(STUDENTS))), COLDWAR)
    (folder / "ada-check.html").write_text(render_check_html(result), encoding="utf-8")
    (folder / "ada-check.json").write_text(result.to_json(), encoding="utf-8")
    documents, errors = load_folder(folder)
    assert sorted(d.doc_id for d in documents) == sorted(STUDENTS)
    assert sorted(e.path for e in errors) == ["ada-check.html", "ada-check.json"]
    assert all("report simcheck wrote" in e.reason for e in errors)
    batch = compare_batch(folder)
    assert batch.errors == () and len(batch.passed_over) == 2


def test_an_essay_in_html_is_still_read(tmp_path: Path) -> None:
    from simcheck.load import is_own_report

    page = "<html><head><meta name='generator' content='LibreOffice'></head><body>simcheck</body></html>"
    assert not is_own_report("essay.html", page.encode())
    assert not is_own_report("notes.json", b'{"version": 2, "title": "x"}')


def test_a_zip_holding_a_report_folder_and_page_reads_the_essays_only(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    write_reports(compare_batch(folder), tmp_path / "out")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in STUDENTS.items():
            archive.writestr(f"export/{name}", text)
        for report in sorted((tmp_path / "out").iterdir()):
            archive.writestr(f"export/reports/{report.name}", report.read_bytes())
        archive.writestr("export/copy.html", (tmp_path / "out" / "report.html").read_bytes())
    (tmp_path / "export.zip").write_bytes(buffer.getvalue())
    documents, errors = load_zip(tmp_path / "export.zip")
    assert sorted(d.doc_id for d in documents) == sorted(f"export/{name}" for name in STUDENTS)
    assert [e.path for e in errors] == ["export/copy.html", "export/reports"]
    assert all("simcheck" in e.reason for e in errors)


def test_index_add_stores_no_report_and_says_so(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    write_reports(compare_batch(folder), folder / "reports")
    index = tmp_path / "archive.simcheck"
    Index.create(index).close()
    runner = CliRunner()
    added = runner.invoke(main, ["index", "add", str(index), str(folder)])
    assert added.exit_code == 0, added.output
    with Index(index) as opened:
        assert sorted(opened.doc_ids()) == sorted(f"class/{name}" for name in STUDENTS)
    assert "reports: " in added.output and "simcheck" in added.output
    # A report page given by name is not stored either; nothing else given: an error.
    page = runner.invoke(main, ["index", "add", str(index), str(folder / "reports" / "report.html")])
    assert page.exit_code == 1
    assert "report.html: is a report simcheck wrote" in page.output


@pytest.mark.parametrize("command", ["add", "build"])
def test_the_same_text_under_a_new_name_is_named_with_its_stored_copy(tmp_path: Path, command: str) -> None:
    folder = write_class(tmp_path / "class")
    index = tmp_path / "archive.simcheck"
    runner = CliRunner()
    if command == "add":
        assert runner.invoke(main, ["index", "build", str(index), str(folder)]).exit_code == 0
    renamed = tmp_path / "late" / "ada-resubmitted.txt"
    renamed.parent.mkdir()
    renamed.write_text(STUDENTS["Ada Lovelace_111_assignsubmission_file_essay.txt"], encoding="utf-8")
    sources = [str(renamed)] if command == "add" else [str(folder), str(renamed)]
    result = runner.invoke(main, ["index", command, str(index), *sources])
    assert result.exit_code == 0, result.output
    assert (
        "late/ada-resubmitted.txt: same text as class/Ada Lovelace_111_assignsubmission_file_essay.txt "
        "already in the index; not stored under this name"
    ) in result.output


def test_check_refuses_a_report_page_given_as_the_essay(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    page = tmp_path / "report.html"
    page.write_text(render_check_html(check(str(folder / next(iter(STUDENTS))), COLDWAR)), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(page), "--corpus", str(COLDWAR)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {page}: is a report simcheck wrote; not read as an essay; check the essay itself\n"
    )
