"""Writers killed with SIGKILL at random moments, and writers racing each other.

Used by ``tests/test_index_crash.py`` and ``benchmarks/reliability.py``. Each trial forks a writer
(no interpreter start-up, so a kill can land anywhere in the work), kills it after a
random delay, then opens the index, verifies it and checks an essay against it.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simcheck import check
from simcheck.index import Index

WORDS = (
    "the of and a to in is was that for on as with by at from his her it an were are which this be or "
    "treaty soviet union american war nuclear missile berlin wall cuba congress president stalin "
    "khrushchev kennedy policy europe germany china korea vietnam summit arms race crisis embargo "
    "alliance ideology propaganda economy election revolution reform army navy spy airlift blockade"
).split()


def essay(rng: random.Random, words: int = 200) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + ".")
    return " ".join(sentences) + "\n"


def write_essays(folder: Path, count: int, rng: random.Random) -> list[Path]:
    folder.mkdir(parents=True)
    paths = [folder / f"e{i:03d}.txt" for i in range(count)]
    for path in paths:
        path.write_text(essay(rng), encoding="utf-8")
    return paths


def forked(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child; its pid. The child never returns into the caller."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


@dataclass
class KillReport:
    """What the kill trials found."""

    trials: int = 0
    #: trials by operation and by whether the kill landed before it committed
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: trials after which the index did not open, verify or answer (must stay empty)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def landed_mid_write(self) -> int:
        return sum(n for (_, when), n in self.outcomes.items() if when == "before")


def kill_trials(workdir: Path, trials: int, seed: int = 1, batch: int = 20) -> KillReport:
    """``trials`` writers (add, remove, build) killed with SIGKILL at random moments."""
    started = time.perf_counter()
    rng = random.Random(seed)
    index_path = workdir / "k.simcheck"
    base = write_essays(workdir / "base", 20, rng)
    Index.build(index_path, [workdir / "base"])[0].close()
    probe = base[0].read_text(encoding="utf-8")
    report = KillReport()
    pending: list[str] = []  # documents of the last add that committed, removed next
    durations: dict[str, float] = {}
    for trial in range(trials):
        op = "build" if trial % 5 == 4 else ("remove" if pending else "add")
        folder = workdir / f"t{trial:03d}"
        if op == "add":
            write_essays(folder, batch, rng)
            added = [f"{folder.name}/{p.name}" for p in sorted(folder.iterdir())]
        target = workdir / f"built{trial:03d}.simcheck"
        before = _count(index_path)

        def work(
            op: str = op, folder: Path = folder, target: Path = target, gone: list[str] = pending
        ) -> None:
            os.chdir(workdir)  # document ids are relative to the working folder
            if op == "add":
                with Index(index_path) as index:
                    index.add([folder])
            elif op == "remove":
                with Index(index_path) as index:
                    index.remove(gone)
            else:
                Index.build(target, [workdir / "base"])[0].close()

        # Kill within 1.3 times the operation's own duration (measured on the first
        # trial of each kind, which runs to the end), so kills land all through it.
        delay = rng.uniform(0, 1.3 * durations[op]) if op in durations else None
        began = time.perf_counter()
        pid = forked(work)
        if delay is not None:
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if delay is None:
            durations[op] = time.perf_counter() - began
        report.trials += 1
        problem, finished = _inspect(op, index_path, target, before, pending, probe, batch)
        report.outcomes[(op, "after" if finished else "before")] += 1
        if problem:
            report.failures.append(f"trial {trial} ({op}, killed after {delay or 0:.3f} s): {problem}")
        if op == "add" and finished:
            pending = added
        elif op == "remove" and finished:
            pending = []
    report.seconds = time.perf_counter() - started
    return report


def _count(path: Path) -> int:
    with Index(path) as index:
        return len(index)


def _inspect(
    op: str, index_path: Path, target: Path, before: int, pending: list[str], probe: str, batch: int
) -> tuple[str, bool]:
    """(what is wrong, or "", whether the operation took effect)."""
    if op == "build":
        if not target.exists():
            return "", False
        index_path = target
    try:
        with Index(index_path) as index:
            problems = index.verify()
            count = len(index)
            answers = check(probe, index).similarity
    except Exception as exc:  # anything at all is a failure to report, not to raise
        return f"{type(exc).__name__}: {exc}", False
    if problems:
        return "; ".join(problems), False
    if answers < 99:
        return f"an indexed essay checks at {answers:.1f}%, not 100%", False
    if op == "build":
        return ("" if count == 20 else f"built index holds {count} documents"), True
    after = before + batch if op == "add" else before - len(pending)
    if count not in (before, after):
        return f"{count} documents, neither {before} (before) nor {after} (after)", False
    return "", count == after


@dataclass
class RaceReport:
    """Two writers adding at once."""

    exit_codes: tuple[int, int]
    documents: int
    expected: int
    problems: list[str]
    seconds: float


def race(workdir: Path, same_files: bool, seed: int = 2, batch: int = 60) -> RaceReport:
    """Two processes add to one index at the same moment, different or the same files."""
    rng = random.Random(seed)
    index_path = workdir / "r.simcheck"
    write_essays(workdir / "base", 20, rng)
    Index.build(index_path, [workdir / "base"])[0].close()
    write_essays(workdir / "one", batch, rng)
    if not same_files:
        write_essays(workdir / "two", batch, rng)
    folders = ("one", "one") if same_files else ("one", "two")
    started = time.perf_counter()

    def adder(name: str) -> Callable[[], None]:
        def work() -> None:
            os.chdir(workdir)
            with Index(index_path) as index:
                index.add([workdir / name])

        return work

    pids = [forked(adder(name)) for name in folders]
    codes = tuple(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids)
    seconds = time.perf_counter() - started
    with Index(index_path) as index:
        return RaceReport(
            (codes[0], codes[1]),
            len(index),
            20 + batch * (1 if same_files else 2),
            index.verify(),
            seconds,
        )
