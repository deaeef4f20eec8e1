"""Byte-identical reports across runs, --jobs values and PYTHONHASHSEED values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.workloads.hostile import GOOD
from test_batch import COLDWAR, write_class

REPORTS = ("report.json", "documents.csv", "students.csv", "pairs.csv", "matches.csv", "common.csv")


def _simcheck(args: list[str], hash_seed: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-m", "simcheck", *args], capture_output=True, env=env, cwd=cwd, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done


def test_batch_reports_identical_across_jobs_and_hash_seeds(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    for extra in range(6):
        (folder / f"Extra Student{extra}_9{extra}9_assignsubmission_file_e.txt").write_text(
            GOOD + f"My own closing thought number {extra}. " * 3, encoding="utf-8"
        )
    (folder / "Broken Student_999_assignsubmission_file_e.docx").write_bytes(b"not a docx")
    runs = [("0", 1), ("1", 2), ("random", 2)]
    outputs = []
    for seed, jobs in runs:
        out = tmp_path / f"out-{seed}-{jobs}"
        _simcheck(
            ["batch", str(folder), "-c", str(COLDWAR), "-o", str(out), "--jobs", str(jobs)], seed, tmp_path
        )
        outputs.append({name: (out / name).read_bytes() for name in REPORTS})
    assert b"unreadable: " in outputs[0]["documents.csv"] and b"Bob Smith" in outputs[0]["pairs.csv"]
    for (seed, jobs), output in zip(runs[1:], outputs[1:]):
        for name in REPORTS:
            assert output[name] == outputs[0][name], (
                f"{name} differs with PYTHONHASHSEED={seed} --jobs {jobs}"
            )


def test_check_json_and_csv_identical_across_hash_seeds(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    thaw = (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")
    essay.write_text("An opening of my own. " + thaw[300:1500], encoding="utf-8")
    for fmt in ("json", "csv"):
        first, second = (
            _simcheck(["check", str(essay), "-c", str(COLDWAR), "-f", fmt], seed, tmp_path).stdout
            for seed in ("0", "987")
        )
        assert first == second and b"khrushchev-and-the-thaw.txt" in first
