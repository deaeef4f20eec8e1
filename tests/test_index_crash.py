"""Crash safety and concurrency of the index: SIGKILLed writers, racing writers, readers
while a writer adds, damage."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import simcheck.index.schema
from benchmarks.workloads.crash import essay, kill_trials, race, write_essays
from conftest import random_essay
from simcheck import CorpusError, check
from simcheck.cli import main
from simcheck.index import Index
from simcheck.index.postings import PrintBuckets

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
DEMO = ROOT / "corpora" / "demo" / "sample-essay.txt"
ESSAYS = len(list(COLDWAR.glob("*.txt")))

#: Kill trials run by the test; the default 100 took 12 s here (benchmarks/reliability.py runs more).
KILL_TRIALS = int(os.environ.get("SIMCHECK_KILL_TRIALS", "100"))


def test_writers_killed_at_random_moments_leave_an_index_that_answers(tmp_path: Path) -> None:
    report = kill_trials(tmp_path, KILL_TRIALS)
    assert report.trials == KILL_TRIALS >= 50
    assert report.failures == []
    # The test proves something only if many kills landed inside a write.
    assert report.landed_mid_write() >= KILL_TRIALS // 4, report.outcomes


@pytest.mark.parametrize("same_files", [False, True], ids=["different-files", "same-files"])
def test_two_processes_adding_at_once_both_finish(tmp_path: Path, same_files: bool) -> None:
    report = race(tmp_path, same_files)
    assert report.exit_codes == (0, 0)
    assert report.documents == report.expected
    assert report.problems == []


def test_a_writer_that_waits_too_long_gets_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "essays"
    write_essays(folder, 3, random.Random(3))
    path = tmp_path / "w.simcheck"
    Index.build(path, [folder])[0].close()
    monkeypatch.setattr(simcheck.index.schema, "BUSY_SECONDS", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a change
    try:
        (tmp_path / "new.txt").write_text(essay(random.Random(4)), encoding="utf-8")
        with Index(path) as index, pytest.raises(CorpusError, match="another process has been changing"):
            index.add([tmp_path / "new.txt"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Index(path) as index:
        assert len(index) == 3 and index.verify() == []


@pytest.fixture
def built(tmp_path: Path) -> Path:
    write_essays(tmp_path / "essays", 30, random.Random(5))
    path = tmp_path / "d.simcheck"
    Index.build(path, [tmp_path / "essays"])[0].close()
    return path


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.01])
def test_truncated_index_is_a_clear_error(built: Path, keep: float) -> None:
    os.truncate(built, int(built.stat().st_size * keep))
    with pytest.raises(CorpusError, match="truncated"):
        Index(built)
    result = CliRunner().invoke(main, ["index", "verify", str(built)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {built}: truncated") and result.output.count("\n") == 1


def test_overwritten_pages_are_found_by_verify(built: Path) -> None:
    data = bytearray(built.read_bytes())
    page = 65536
    data[3 * page : 3 * page + 4096] = os.urandom(4096)  # one page of a table scrambled
    built.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["index", "verify", str(built)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: ") and ("problem(s) found" in last or "damaged" in last)


def test_other_files_are_not_indexes(tmp_path: Path) -> None:
    for name, data in [("empty.simcheck", b""), ("text.simcheck", b"not a database at all")]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CorpusError, match="not a simcheck index"):
            Index(path)
        assert path.read_bytes() == data  # opening it did not turn it into a database
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t(x)")
    db.close()
    with pytest.raises(CorpusError, match="damaged or not a simcheck index"):
        Index(other)


def test_killed_build_leaves_no_index_and_its_leftovers_are_cleared(tmp_path: Path) -> None:
    write_essays(tmp_path / "essays", 5, random.Random(6))
    target = tmp_path / "b.simcheck"
    stale = tmp_path / ".b.simcheck.999999999.partial"  # no such process
    stale.write_bytes(b"half an index")
    Index.build(target, [tmp_path / "essays"])[0].close()
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.simcheck")] == []
    with pytest.raises(CorpusError, match="already exists"):
        Index.build(target, [tmp_path / "essays"])


def test_verify_names_each_kind_of_damage(built: Path) -> None:
    db = sqlite3.connect(built)
    db.execute("DELETE FROM bands WHERE doc = 3 AND band = 0")
    # A stray fingerprint entry, in a bucket of its own.
    db.execute(
        "INSERT INTO fingerprints(bucket, prints) VALUES (?, ?)",
        PrintBuckets().pack(np.array([12345]), np.array([4]))[0],
    )
    db.execute("INSERT INTO topics(term, doc, weight) VALUES (1, 999, 0.5)")  # an orphan
    db.commit()
    paths = dict(db.execute("SELECT id, path FROM documents"))
    db.close()
    with Index(built) as index:
        problems = index.verify()
    assert problems == [
        "1 rows of topics belong to no document",
        f"{paths[3]}: LSH bands do not match its text",
        "1 fingerprints are not given by any document's text",
    ]


def _write_many(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir()
    for i in range(count):
        (folder / f"e{i:04d}.txt").write_text(random_essay(rng, 200), encoding="utf-8")


def _documents(path: Path) -> int:
    with Index(path) as index:
        assert index.verify() == []
        return len(index)


def test_killed_add_leaves_the_index_before_or_after(tmp_path: Path) -> None:
    path = tmp_path / "k.simcheck"
    Index.build(path, [COLDWAR])[0].close()
    _write_many(tmp_path / "batch", 400, seed=3)
    rng = random.Random(4)
    outcomes = set()
    for _ in range(4):
        before = _documents(path)
        process = subprocess.Popen(
            [sys.executable, "-m", "simcheck", "index", "add", str(path), str(tmp_path / "batch")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # The add takes about a second here, a quarter of it starting Python: kill inside it.
        time.sleep(rng.uniform(0.25, 0.85))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _documents(path)
        assert after in (before, before + 400)
        outcomes.add(after == before)
        if after != before:
            Index(path).remove([f"batch/e{i:04d}.txt" for i in range(400)])
    assert True in outcomes, "no kill landed mid-add; the test proves nothing"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether the process is there and not a zombie (ended, not yet reaped)."""
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_the_workers_of_a_killed_add_end_too(tmp_path: Path) -> None:
    # Killed with SIGKILL, a writer cannot stop its worker processes; they used to wait
    # for tasks for ever.
    path = tmp_path / "w.simcheck"
    Index.build(path, [COLDWAR])[0].close()
    _write_many(tmp_path / "many", 3000, seed=6)
    process = subprocess.Popen(
        [sys.executable, "-m", "simcheck", "index", "add", str(path), str(tmp_path / "many"), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert len(workers) >= 2, "the add started no workers; the test proves nothing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if _running(pid)]
    for pid in alive:  # leave nothing behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def test_readers_keep_working_while_a_writer_adds(tmp_path: Path) -> None:
    path = tmp_path / "r.simcheck"
    Index.build(path, [COLDWAR])[0].close()
    _write_many(tmp_path / "more", 300, seed=5)
    writer = subprocess.Popen(
        [sys.executable, "-m", "simcheck", "index", "add", str(path), str(tmp_path / "more")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    checks = 0
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline:
        with Index(path) as index:
            assert check(DEMO, index).sources
        checks += 1
    _, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors
    assert checks >= 2
    assert _documents(path) == ESSAYS + 300
