"""`simcheck batch` side by side with compare50 (`-p text`) and copydetect on one class.

By default the class is the realistic case: essays on one topic (word pairs of the
bundled Cold War corpus, see ``workloads.synthetic.topic_class``), 700 to 1,400 words,
10% of them with a planted 40-150-word passage from a classmate or the corpus, verbatim,
edited or reworded. With ``--plain``, the older topic-free class (real-English word
frequencies, no shared vocabulary). Times each tool's whole process (median of
``--runs``) and measures the recall of the planted classmate pairs:

- simcheck: the pairs in `pairs.csv` (pairs with at least one counted passage);
- compare50: its top-ranked pairs, as many as were planted;
- copydetect: the pairs above its default display threshold (0.33).

The peers are installed from PyPI into their own virtual environment, which compiles
their modules to bytecode; simcheck's are compiled too before it is timed, so no tool
pays for compiling its sources in a run (as an editable install would each time where
``PYTHONDONTWRITEBYTECODE`` is set). simcheck and compare50 run in turn, run by run, so
a change in the machine's speed meets both.
Usage: python -m benchmarks.batch_peers [--essays 1000] [--plain] [--jobs N] [--runs 3]
Needs: pip install wordfreq
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simcheck

from .workloads.processes import run_measured
from .workloads.synthetic import cached_class, cached_topic_class

WORKDIR = Path(tempfile.gettempdir()) / "simcheck-peers-bench"
VENV = Path(tempfile.gettempdir()) / "simcheck-peers"


def ensure_peers() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "compare50", "copydetect"], check=True)
    return python


@dataclass
class Timed:
    """One command's median time over its runs, its largest resident memory (of the
    largest process of its tree, in any run) and its last run's output."""

    seconds: float
    peak_mb: float
    stdout: str


def in_turn(commands: list[tuple[list[str], Callable[[], object], dict[str, Any]]], runs: int) -> list[Timed]:
    """Each ``(command, before, kwargs)`` run ``runs`` times, the commands taking turns so
    that a change in the machine's speed meets each alike. ``before`` runs untimed ahead
    of each run of its command."""
    times: list[list[float]] = [[] for _ in commands]
    peaks = [0.0] * len(commands)
    outputs = [""] * len(commands)
    for _ in range(runs):
        for at, (command, before, kwargs) in enumerate(commands):
            before()
            run = run_measured(command, **kwargs)
            if run.returncode != 0:
                raise SystemExit(f"{command[0]} failed ({run.returncode}): {run.stderr.decode()[-2000:]}")
            times[at].append(run.seconds)
            peaks[at] = max(peaks[at], run.peak_mb)
            outputs[at] = run.stdout.decode()
    return [Timed(statistics.median(t), peak, out) for t, peak, out in zip(times, peaks, outputs)]


def nothing() -> None:
    """Nothing to do before a run."""


def planted_class(args: argparse.Namespace) -> tuple[Path, set[tuple[str, ...]]]:
    """The class to compare (made on first use) and its planted classmate pairs."""
    if args.plain:
        return cached_class(WORKDIR, args.essays, args.pairs)
    return cached_topic_class(WORKDIR, args.essays)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=100, help="planted pairs of the --plain class")
    parser.add_argument("--plain", action="store_true", help="the topic-free class instead of one topic")
    parser.add_argument("--jobs", type=int, help="simcheck's --jobs (default: its own default)")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of simcheck and compare50 (median); copydetect runs once"
    )
    args = parser.parse_args()
    python = ensure_peers()
    folder, planted = planted_class(args)
    students = sorted(p.name for p in folder.iterdir())
    rows = []

    out = WORKDIR / "simcheck-out"
    jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
    compileall.compile_dir(Path(simcheck.__file__).parent, quiet=1)
    out50 = WORKDIR / "compare50-out"
    ours, theirs = in_turn(
        [
            ([sys.executable, "-m", "simcheck", "batch", str(folder), *jobs, "-o", str(out)], nothing, {}),
            (
                [
                    str(VENV / "bin" / "compare50"),
                    *[str(folder / s) for s in students],
                    "-p",
                    "text",
                    "-o",
                    str(out50),
                    "-n",
                    str(len(planted)),
                ],
                lambda: shutil.rmtree(out50, ignore_errors=True),  # compare50 refuses to overwrite
                {"env": {"PATH": f"{VENV / 'bin'}:/usr/bin:/bin"}},
            ),
        ],
        args.runs,
    )
    lines = (out / "pairs.csv").read_text(encoding="utf-8").splitlines()[1:]
    found = {tuple(sorted(line.split(",")[:2])) for line in lines}
    rows.append((f"simcheck batch {' '.join(jobs)}".strip(), ours.seconds, ours.peak_mb, found))

    index = (out50 / "index.html").read_text(encoding="utf-8", errors="replace")
    graph = json.loads(re.search(r"var GRAPH = (\{.*?\});\s*\n", index, re.S).group(1))  # type: ignore[union-attr]
    found50 = {tuple(sorted((Path(k["source"]).name, Path(k["target"]).name))) for k in graph["links"]}
    rows.append(("compare50 -p text", theirs.seconds, theirs.peak_mb, found50))

    # copydetect reports pairs above its display threshold (0.33 by default); its
    # similarity matrix also ranks every pair, so its top-K is measured as well.
    script = (
        "import json\n"
        "import numpy as np\n"
        "from copydetect import CopyDetector\n"
        f"d = CopyDetector(test_dirs=[{str(folder)!r}], extensions=['txt'],\n"
        "                 disable_filtering=True, silent=True, autoopen=False)\n"
        "d.run()\n"
        "shown = [[str(r[2]), str(r[3])] for r in d.get_copied_code_list()]\n"
        "scores = np.asarray(d.similarity_matrix, dtype=float)\n"
        "scores = scores.max(axis=-1) if scores.ndim == 3 else scores\n"
        "best = {}\n"
        "for i, a in enumerate(d.test_files):\n"
        "    for j, b in enumerate(d.ref_files):\n"
        "        if str(a) != str(b):\n"
        "            key = tuple(sorted((str(a), str(b))))\n"
        "            best[key] = max(best.get(key, -1.0), float(scores[i, j]))\n"
        "ranked = sorted(best.items(), key=lambda item: -item[1])\n"
        f"top = [list(pair) for pair, _ in ranked[:{len(planted)}]]\n"
        "print(json.dumps({'shown': shown, 'top': top}))\n"
    )
    (copied,) = in_turn([([str(python), "-c", script], nothing, {})], 1)
    reported = json.loads(copied.stdout.strip().splitlines()[-1])
    for label, key in (
        ("copydetect -f (default threshold)", "shown"),
        ("copydetect -f (top-K ranking)", "top"),
    ):
        hits = {tuple(sorted((Path(a).parent.name, Path(b).parent.name))) for a, b in reported[key]}
        rows.append((label, copied.seconds, copied.peak_mb, hits))

    kind = (
        "topic-free essays of about 1,000 words" if args.plain else "essays of 700-1,400 words on one topic"
    )
    print(f"class: {args.essays} {kind}, {len(planted)} planted classmate pairs")
    for name, seconds, memory, hits in rows:
        recall = len(planted & hits) / len(planted)
        print(
            f"{name:28s} {seconds:7.2f} s  recall {recall:.3f}  pairs reported {len(hits):5d}  "
            f"(peak memory {memory:.0f} MB)"
        )
    simcheck_seconds = rows[0][1]
    print(
        f"simcheck is {rows[1][1] / simcheck_seconds:.1f}x as fast as compare50, "
        f"{rows[2][1] / simcheck_seconds:.1f}x copydetect"
    )
    # What any run pays before reading a file: the interpreter and the modules a batch
    # imports (numpy, jinja2 for the page, rich and click for the terminal).
    imports = "import simcheck.cli.batch, simcheck.batch, simcheck.report.files"
    (start_up,) = in_turn([([sys.executable, "-c", imports], nothing, {})], max(args.runs, 5))
    print(
        f"starting Python and importing simcheck's libraries: {start_up.seconds:.2f} s; the whole run "
        f"would have to take {rows[1][1] / 5:.2f} s to be 5x compare50, {rows[2][1] / 40:.2f} s "
        "to be 40x copydetect"
    )


if __name__ == "__main__":
    main()
