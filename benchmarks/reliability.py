"""Write RELIABILITY.md: broken and hostile input, killed and racing writers, determinism.

Every figure in the file is measured by this script, on the machine it runs on:

- each kind of bad input (made in code by ``benchmarks/workloads/hostile.py``): the one line
  ``simcheck check`` prints for it, and its row in ``simcheck batch``'s documents.csv,
  for a folder and for a zip export;
- writers (index add, remove, build) killed with SIGKILL at random moments, then the
  index opened, verified and queried (``benchmarks/workloads/crash.py``);
- two processes adding to one index at once;
- batch reports hashed across PYTHONHASHSEED values and --jobs values;
- the property tests (hypothesis) and, with --load, the 5,000-essay class of
  ``benchmarks/load_class.py``.

Usage: python -m benchmarks.reliability [--kill-trials 500] [--load] [--output RELIABILITY.md]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

import simcheck
from simcheck.cli import main as cli

from .workloads.crash import kill_trials, race
from .workloads.hostile import MAX_BYTES, Case, write_folder, write_zip

ROOT = Path(__file__).resolve().parent.parent

COLDWAR = ROOT / "corpora" / "coldwar"
DEMO_CLASS = ROOT / "corpora" / "demo-class"
REPORTS = ("report.json", "documents.csv", "students.csv", "pairs.csv", "matches.csv", "common.csv")
#: The property tests (hypothesis, fixed examples), each in the test file of its stage.
PROPERTY_TESTS = (
    "tests/test_tokens.py::test_token_spans_are_exact",
    "tests/test_load.py::test_any_bytes_decode_or_fail_with_one_line",
    "tests/test_fingerprint.py::test_pair_scores_symmetric_and_in_range",
    "tests/test_pipeline.py::test_copied_passage_offsets_are_exact_on_both_sides",
    "tests/test_pipeline.py::test_identical_documents_score_one_both_ways",
)


def cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, code spans kept on one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def simcheck_run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simcheck", *args],
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, **(env or {})},
        timeout=900,
    )


def documents_rows(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "documents.csv", encoding="utf-8", newline="") as handle:
        return {row["files"]: row for row in csv.DictReader(handle)}


def bad_input(work: Path) -> tuple[list[str], int, int]:
    """Markdown lines for the bad-input table; (cases, cases as expected)."""
    folder, archive = work / "class", work / "export.zip"
    folder_cases = write_folder(folder)
    zip_cases = write_zip(archive)
    lines = [
        "| kind of input | file | `simcheck check` prints | `simcheck batch` status | as expected |",
        "|---|---|---|---|---|",
    ]
    good = total = 0
    tracebacks = 0
    for source, cases, single in ((folder, folder_cases, True), (archive, zip_cases, False)):
        out = work / f"out-{source.name}"
        done = simcheck_run(["batch", str(source), "-o", str(out), "--max-bytes", str(MAX_BYTES)])
        tracebacks += "Traceback" in done.stderr
        rows = documents_rows(out) if done.returncode == 0 else {}
        for case in cases:
            printed = check_line(folder, case) if single else "(inside the zip)"
            status = rows.get(case.name, {}).get("status", f"missing (batch exit {done.returncode})")
            # One line naming the file, never an unforeseen error; and the batch row.
            one_line = printed.startswith(("read", "(inside")) or printed.startswith(f"Error: {case.name}: ")
            expected = one_line and _as_expected(case, status)
            good += expected
            total += 1
            lines.append(
                f"| {cell(case.kind)} | `{cell(case.name)}` | {cell(printed)} | {cell(status)} | "
                f"{'yes' if expected else '**no**'} |"
            )
    lines.append("")
    lines.append(f"Tracebacks printed by the two batch runs: {tracebacks}.")
    lines.append(
        "A file named on the command line is the user's choice, so `check` follows a link given to it; "
        "in a folder a link is followed only to a file inside."
    )
    return lines, total, good


def check_line(folder: Path, case: Case) -> str:
    """What `simcheck check FILE` prints for a case: its one error line, or the similarity."""
    path = folder / _on_disk(folder, case)
    result = CliRunner().invoke(
        cli, ["check", str(path), "-c", str(COLDWAR), "-f", "json", "--max-bytes", str(MAX_BYTES)]
    )
    if result.exit_code == 1:
        return result.output.strip().replace(str(folder) + os.sep, "")
    if result.exit_code == 0:
        return "read (exit 0)"
    return f"exit {result.exit_code}: {result.output.strip()[:80]}"


def _on_disk(folder: Path, case: Case) -> str:
    # Cases shown with escapes (names that are not UTF-8, control characters) are found
    # by listing the folder.
    for name in os.listdir(folder):
        if simcheck.load.display_name(name) == case.name:
            return name
    return case.name


def _as_expected(case: Case, status: str) -> bool:
    if case.expect:
        return status.startswith("unreadable: ") and case.expect in status
    return status in ("clean", "flagged")


def kills(work: Path, trials: int) -> list[str]:
    report = kill_trials(work, trials)
    lines = [
        f"{report.trials} writers killed with SIGKILL at a random moment within 1.3 times the "
        f"operation's own duration ({report.seconds:.0f} s in all). After each, the index is opened, "
        "`verify()` run and an indexed essay checked against it (it must score 100%).",
        "",
        "| operation | killed before it committed | finished before the kill |",
        "|---|---|---|",
    ]
    for op in ("add", "remove", "build"):
        lines.append(f"| {op} | {report.outcomes[(op, 'before')]} | {report.outcomes[(op, 'after')]} |")
    lines.append("")
    lines.append(
        f"Index that did not open, verify, answer, or held neither the old nor the new documents: "
        f"**{len(report.failures)}** of {report.trials}."
    )
    lines.extend(f"- {failure}" for failure in report.failures)
    return lines


def races(work: Path) -> list[str]:
    lines = [
        "| two processes add at once | exit codes | documents | expected | verify | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for same in (False, True):
        folder = work / ("same" if same else "different")
        folder.mkdir()
        report = race(folder, same, batch=300)
        lines.append(
            f"| {'the same 300 files' if same else '300 different files each'} | {report.exit_codes} | "
            f"{report.documents} | {report.expected} | {'ok' if not report.problems else report.problems} | "
            f"{report.seconds:.1f} |"
        )
    lines.append("")
    lines.append(
        "A writer waits for the other (SQLite's write lock, up to 60 s); one kept waiting longer "
        "stops with `Error: INDEX: another process has been changing this index for over 60 s; "
        "try again when it has finished` (`tests/test_index_crash.py`). On a PostgreSQL archive "
        "the writers queue on a transaction-level advisory lock of the archive's schema, with "
        "the same wait and message, and the second counts the files the first added as unchanged; "
        "a writer killed mid-add leaves the archive as it was (`tests/test_postgres.py`, run "
        "against a real server)."
    )
    return lines


def determinism(work: Path) -> list[str]:
    runs = [("0", 1), ("1", 1), ("12345", 2), ("random", 2)]
    digests = []
    for seed, jobs in runs:
        out = work / f"det-{seed}-{jobs}"
        done = simcheck_run(
            [
                "batch",
                str(DEMO_CLASS / "submissions"),
                "-c",
                str(COLDWAR),
                "-t",
                str(DEMO_CLASS / "prompt.txt"),
                "-o",
                str(out),
                "--jobs",
                str(jobs),
            ],
            env={"PYTHONHASHSEED": seed},
        )
        if done.returncode:
            raise SystemExit(done.stderr)
        digest = hashlib.sha256()
        for name in REPORTS:
            digest.update((out / name).read_bytes())
        digests.append(digest.hexdigest()[:16])
    lines = [
        "`simcheck batch` on the demo class (26 submissions, the 41-essay corpus, the prompt as a "
        "template); sha256 of its five report files together:",
        "",
        "| PYTHONHASHSEED | --jobs | sha256 (first 16 hex digits) |",
        "|---|---|---|",
    ]
    lines += [f"| {seed} | {jobs} | `{digest}` |" for (seed, jobs), digest in zip(runs, digests)]
    lines.append("")
    lines.append(f"Identical: **{'yes' if len(set(digests)) == 1 else 'no'}**.")
    return lines


def properties() -> list[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *PROPERTY_TESTS,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
    return [
        "The property tests (hypothesis, fixed examples) of `tests/test_tokens.py`, `test_load.py`, "
        "`test_fingerprint.py` and `test_pipeline.py`: token and passage offsets exact on "
        "combining marks, emoji, right-to-left text, CRLF and lone surrogates; any bytes decode or fail "
        "in one line; scores within range; Jaccard estimate and TF-IDF cosine symmetric.",
        "",
        f"Result: `{summary}`.",
    ]


def load() -> list[str]:
    done = subprocess.run(
        # As a module of the benchmarks package, which its relative imports need.
        [sys.executable, "-m", "benchmarks.load_class", "--essays", "5000", "--jobs", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:  # a failed run is a result too, not an empty block
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"load_class.py failed (exit {done.returncode}): {last}")
    return ["```", *done.stdout.strip().splitlines(), "```"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kill-trials", type=int, default=500)
    parser.add_argument("--load", action="store_true", help="Also run the 5,000-essay class (a few minutes).")
    parser.add_argument("--output", type=Path, default=ROOT / "RELIABILITY.md")
    args = parser.parse_args()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for name in ("bad", "kill", "race", "det"):
            (work / name).mkdir()
        bad_lines, total, good = bad_input(work / "bad")
        sections = [
            ("Broken and hostile input", [f"{good} of {total} cases as expected.", "", *bad_lines]),
            ("Writers killed with SIGKILL", kills(work / "kill", args.kill_trials)),
            ("Two writers at once", races(work / "race")),
            ("Determinism", determinism(work / "det")),
            ("Property tests", properties()),
        ]
        if args.load:
            sections.append(("A class of 5,000 submissions", load()))
    text = [
        "# Reliability",
        "",
        "Generated by `python -m benchmarks.reliability"
        + (f" --kill-trials {args.kill_trials}" if args.kill_trials != 500 else "")
        + (" --load" if args.load else "")
        + "`; do not edit by hand.",
        f"simcheck {simcheck.__version__}, Python {platform.python_version()}, {platform.system()}, "
        f"{os.cpu_count()} CPUs (load average {load_before:.1f} when it started, other work included); "
        f"{time.perf_counter() - started:.0f} s to generate.",
        "",
        "The bad inputs are made in code by `benchmarks/workloads/hostile.py` and run through the real "
        "commands "
        f"with `--max-bytes {MAX_BYTES}` (so that a file over the limit is cheap to make); "
        "`tests/test_load_hostile.py` asserts the same outcomes.",
    ]
    for title, lines in sections:
        text += ["", f"## {title}", "", *lines]
    args.output.write_text("\n".join(text) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
