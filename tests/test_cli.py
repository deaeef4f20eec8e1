from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.workloads.hostile import GOOD
from conftest import CORPUS
from simcheck.cli import main

AIRLIFT = (CORPUS / "berlin-airlift.txt").read_text(encoding="utf-8")
MARSHALL = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)


@pytest.fixture
def essay(tmp_path: Path) -> Path:
    path = tmp_path / "essay.txt"
    copied = AIRLIFT[AIRLIFT.index("In June 1948") : AIRLIFT.index("\n\nAt its peak")]
    path.write_text("My own opening sentence about Germany after the war. " + copied, encoding="utf-8")
    return path


def test_check_text_report(runner: CliRunner, essay: Path) -> None:
    result = runner.invoke(main, ["check", str(essay), "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "similarity" in result.output
    assert "berlin-airlift.txt" in result.output
    assert "verbatim" in result.output


def test_check_json_to_file(runner: CliRunner, essay: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "r.json"
    result = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["documents"][0]["path"] == str(essay)
    assert report["matches"][0]["source"] == "berlin-airlift.txt"
    again = tmp_path / "again.json"
    runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "-f", "json", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_check_csv_to_stdout(runner: CliRunner, essay: Path) -> None:
    result = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "submission,source,submission_start,submission_end,source_start,source_end,"
        "submission_text,source_text,words,identical_words,score,kind,excluded"
    )


def test_fail_above_exits_3_only_when_exceeded(runner: CliRunner, essay: Path) -> None:
    high = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--fail-above", "20"])
    assert high.exit_code == 3
    low = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--fail-above", "99.9"])
    assert low.exit_code == 0


def test_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "-", "-c", str(CORPUS), "-f", "json"], input=AIRLIFT)
    assert json.loads(result.output)["documents"][0]["similarity"] == 100.0


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "is empty (0 bytes); submit the file with its text"),
        (
            "binary.txt",
            bytes(range(256)) * 4,
            "looks like a binary file, not text (it is full of control bytes); "
            "convert it to .txt, .docx or .pdf",
        ),
        (
            "broken.docx",
            b"this is not a zip archive",
            "is not a readable .docx file (damaged, or not a Word document); "
            "re-save it from the word processor as .docx",
        ),
    ],
)
def test_bad_input_one_line_error_exit_1(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(main, ["check", str(path), "-c", str(CORPUS)])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {reason}\n"


def test_missing_corpus_is_an_error(runner: CliRunner, essay: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(essay), "-c", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {tmp_path / 'nope'}: corpus folder does not exist; give a folder of essays\n"
    )


def test_usage_errors_exit_2(runner: CliRunner, essay: Path) -> None:
    assert runner.invoke(main, ["check", str(essay)]).exit_code == 2  # --corpus missing
    bad = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--min-words", "0"])
    assert bad.exit_code == 2
    assert "min_words must be an integer >= 1, got 0" in bad.output
    assert runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--fail-above", "120"]).exit_code == 2
    assert runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "-f", "xml"]).exit_code == 2


def test_every_command_has_help(runner: CliRunner) -> None:
    assert runner.invoke(main, ["--help"]).exit_code == 0
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert command.help, f"{name} has no help text"


def test_every_config_field_is_an_option(runner: CliRunner) -> None:
    import dataclasses

    from simcheck import CheckConfig

    batch = runner.invoke(main, ["batch", "--help"], terminal_width=200).output
    check = runner.invoke(main, ["check", "--help"], terminal_width=200).output
    for field in dataclasses.fields(CheckConfig):
        option = f"--{field.name.replace('_', '-')}"
        assert option in batch
        assert (option in check) == (field.name not in CheckConfig.BATCH_SETTINGS)


def test_readme_documents_every_command() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"simcheck {name}" in readme


def test_readme_install_covers_windows_pipx_and_the_python_version() -> None:
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    # The two quick-start commands stay first, as they were.
    commands = start.split("```", 2)[1].strip().splitlines()
    assert commands[0].startswith("python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && ")
    assert commands[1] == ".venv/bin/python -m pytest"
    needed = re.search(r'requires-python = ">=(\d+\.\d+)"', (root / "pyproject.toml").read_text()).group(1)
    assert f"Python {needed} or newer" in start
    for windows in ("py -m venv .venv", ".venv\\Scripts\\pip install", ".venv\\Scripts\\simcheck batch"):
        assert windows in start, windows
    assert "pipx install" in start


def test_installed_console_script(essay: Path) -> None:
    # The script installed beside this interpreter (the venv's), not whichever simcheck
    # comes first on PATH, which may belong to another checkout.
    beside = Path(sys.executable).parent / "simcheck"
    exe = str(beside) if beside.is_file() else shutil.which("simcheck")
    command = [exe] if exe else [sys.executable, "-m", "simcheck"]
    done = subprocess.run(
        [*command, "check", str(essay), "--corpus", str(CORPUS), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matches"]
    module = subprocess.run([sys.executable, "-m", "simcheck", "--version"], capture_output=True, text=True)
    assert module.stdout.startswith("simcheck, version")


@pytest.mark.parametrize(("setting", "huge_pages"), [(None, "False"), ("1", "True")])
def test_the_command_leaves_numpy_huge_pages_off_unless_the_user_asks(
    setting: str | None, huge_pages: str
) -> None:
    # Asked for on every large array, huge pages stall each new one where the kernel
    # compacts memory to find them; a user's own setting is kept.
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if setting is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = setting
    probe = (
        "import sys, simcheck.cli\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported with the command'\n"
        "from numpy._core import multiarray\n"
        "print(getattr(multiarray, '_get_madvise_hugepage', lambda: 'unknown')())"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    if done.stdout.strip() == "unknown":
        pytest.skip("this numpy does not say whether it asks for huge pages")
    assert done.stdout.strip() == huge_pages


def test_a_check_shows_its_progress_on_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD, encoding="utf-8")
    shown = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS)], env={"TTY_COMPATIBLE": "1"})
    assert shown.exit_code == 0, shown.output
    assert "checking" in shown.stderr
    # Not on a pipe: the report alone.
    piped = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS)], env={"TTY_COMPATIBLE": "0"})
    assert "checking" not in piped.stderr


def test_too_large_names_the_file_size_not_the_bytes_read(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 524, encoding="utf-8")  # 2,620 bytes
    result = runner.invoke(main, ["check", str(path), "-c", str(CORPUS), "--max-bytes", "1000"])
    assert result.exit_code == 1
    assert "is too large (2,620 bytes, over the --max-bytes limit of 1,000)" in result.output


@pytest.mark.parametrize(
    "name, given, first",
    [
        ("out.json", [], "{"),
        ("out.CSV", [], "submission,source,"),
        ("out.htm", [], "<!DOCTYPE html>"),
        ("out.txt", [], "ESSAY"),
        ("out.html", ["-f", "json"], "{"),  # --format wins over the extension
    ],
)
def test_output_format_follows_the_extension_unless_given(
    runner: CliRunner, essay: Path, tmp_path: Path, name: str, given: list[str], first: str
) -> None:
    out = tmp_path / name
    result = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "-o", str(out), *given])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(first.replace("ESSAY", str(essay)))


@pytest.mark.parametrize("limit", ["20", "20%", " 20 %"])
def test_fail_above_names_the_submission_on_stderr(runner: CliRunner, essay: Path, limit: str) -> None:
    result = runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--fail-above", limit])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"simcheck: 1 submission above 20%: {essay} ")
    assert (
        runner.invoke(main, ["check", str(essay), "-c", str(CORPUS), "--fail-above", "101%"]).exit_code == 2
    )


def test_batch_only_settings_are_not_offered_by_check(runner: CliRunner) -> None:
    assert "--common-threshold" not in runner.invoke(main, ["check", "--help"]).output
    assert "--common-threshold" in runner.invoke(main, ["batch", "--help"]).output


def test_a_folder_given_to_check_points_to_batch(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(tmp_path), "-c", str(CORPUS)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path}: is a folder")
    assert result.output.endswith("; to check a whole class, use simcheck batch\n")


def test_batch_table_fits_80_columns_with_reasons_below(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    shared = AIRLIFT[AIRLIFT.index("In June 1948") : AIRLIFT.index("\n\nAt its peak")]
    files = {
        "Ada Lovelace_111_assignsubmission_file_/essay2.txt": "My own words on Berlin. " + shared,
        "Bob Smith_222_assignsubmission_file_/essay2.txt": "Korea came first for me. " + shared,
        "Hana Ito_555_assignsubmission_file_/essay2.docx": "not a word document",
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    result = runner.invoke(
        main,
        ["batch", str(folder), "-o", str(tmp_path / "out"), "--fail-above", "50%"],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 3, result.output
    table, _, below = result.stdout.partition("could not be read:")
    assert all(len(line) <= 80 for line in table.splitlines())
    hana = next(line for line in table.splitlines() if line.startswith("Hana Ito"))
    assert "│essay2.docx " in hana and hana.rstrip().endswith("unreadable")
    assert "/essay2" not in table
    # No cell runs over several lines: a long top source's name is cut short. (Header,
    # rule, a line per file, and the start of the line that introduces the reasons.)
    assert len(table.splitlines()) == 2 + len(files) + 1
    assert below.strip() == (
        "Hana Ito_555_assignsubmission_file_/essay2.docx: is not a readable .docx file (damaged, "
        "or not a Word document); re-save it from the word processor as .docx"
    )
    assert "\nsimcheck: 2 submissions above 50%: Ada Lovelace (essay2.txt) 91.4%, Bob Smith" in result.stderr
    # A narrower terminal narrows the text columns; no column and no status is lost.
    narrow = runner.invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")], env={"COLUMNS": "60"})
    table = narrow.stdout.partition("could not be read:")[0]
    assert all(len(line) <= 60 for line in table.splitlines())
    assert all(name in table for name in ("status", "group", "words", "unreadable", "91.4%"))


def test_file_names_in_the_terminal_summary_are_not_markup(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a.txt").write_text(MARSHALL * 2, encoding="utf-8")
    (folder / "z.[bold]").write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "[bold]" in result.output.replace("\n", "").replace(" ", "").replace("│", "")


def test_unexpected_failure_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simcheck.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(simcheck.pipeline, "check", broken)
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(essay), "-c", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: unexpected RuntimeError: something nobody foresaw; "
        "rerun with SIMCHECK_DEBUG=1 and report it\n"
    )


def test_reports_that_cannot_be_written_are_one_line(tmp_path: Path) -> None:
    cases = tmp_path / "class"
    cases.mkdir()
    for name in ("a.txt", "b.txt"):
        (cases / name).write_text(GOOD, encoding="utf-8")
    blocked = tmp_path / "taken"
    blocked.write_text("a file where the report folder should go", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(cases), "-o", str(blocked / "out")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {blocked / 'out'}: cannot write the reports (")


LONG_NAMES = (
    "Alexandra Konstantinopoulou-Featherstonehaugh_111_assignsubmission_file_final essay, cold war.txt",
    "Alexandra Konstantinopoulou-Fairweather_222_assignsubmission_file_essay.txt",
    "Bo Li_333_assignsubmission_file_e.txt",
)
LONG_STUDENTS = [name.split("_")[0] for name in LONG_NAMES]


def _long_named_class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in LONG_NAMES:
        (folder / name).write_text("Own words on Berlin and Korea. " + MARSHALL * 2, encoding="utf-8")
    return folder


def _assert_no_name_wraps(listing: str, width: int, whole: bool = True) -> None:
    """Each student's name whole on one line (when it fits), and every line beginning
    with a whole name, a label or spaces: no line starts with the rest of a name, to be
    read as a student."""
    lines = [line for line in listing.splitlines() if line.strip()]
    assert lines and all(len(line) <= width for line in lines), listing
    for student in LONG_STUDENTS:
        assert any((student if whole else student.split()[0]) in line for line in lines), (student, listing)
    labels = ("student", "file", "words", "similarity", "top source", "group", "status", "━", " ")
    for line in lines:
        assert line.startswith(labels) or any(line.startswith(s) for s in LONG_STUDENTS), (line, listing)


@pytest.mark.parametrize(("columns", "whole"), [(80, True), (60, True), (40, False)])
def test_a_long_name_never_wraps_into_what_reads_as_another_row(
    runner: CliRunner, tmp_path: Path, columns: int, whole: bool
) -> None:
    folder = _long_named_class(tmp_path)
    result = runner.invoke(
        main, ["batch", str(folder), "-o", str(tmp_path / "out")], env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    # At 40 columns a 45-character name cannot be whole: it goes on, indented, below.
    _assert_no_name_wraps(result.stdout, columns, whole)


def test_a_long_name_never_wraps_when_piped(tmp_path: Path) -> None:
    folder = _long_named_class(tmp_path)
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, "-m", "simcheck", "batch", str(folder), "-o", str(tmp_path / "out")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    _assert_no_name_wraps(done.stdout, 80)
