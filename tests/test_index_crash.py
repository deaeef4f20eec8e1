"""Crash safety and concurrency of the index: SIGKILLed writers, racing writers, damage."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import simcheck.index.schema
from benchmarks.workloads.crash import essay, kill_trials, race, write_essays
from simcheck import CorpusError
from simcheck.cli import main
from simcheck.index import Index

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
    import random

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
    import random

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
    import random

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
    db.execute("INSERT INTO fingerprints(hash, doc) VALUES (12345, 4)")  # a stray row
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
