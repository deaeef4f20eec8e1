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

The peers are installed from PyPI into their own virtual environment.
Usage: python -m benchmarks.batch_peers [--essays 1000] [--plain] [--jobs N] [--runs 3]
Needs: pip install wordfreq
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .workloads.synthetic import cached_class, cached_topic_class

WORKDIR = Path(tempfile.gettempdir()) / "simcheck-peers-bench"
VENV = Path(tempfile.gettempdir()) / "simcheck-peers"


def ensure_peers() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "compare50", "copydetect"], check=True)
    return python


def timed(command: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started, done


def median_timed(
    command: list[str], runs: int, before: Callable[[], object] = lambda: None, **kwargs: object
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The median time of ``runs`` runs of ``command`` (the last run's output); ``before``
    runs untimed ahead of each."""
    times, done = [], None
    for _ in range(runs):
        before()
        seconds, done = timed(command, **kwargs)
        times.append(seconds)
    assert done is not None
    return statistics.median(times), done


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


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
    seconds, _ = median_timed(
        [sys.executable, "-m", "simcheck", "batch", str(folder), *jobs, "-o", str(out)], args.runs
    )
    lines = (out / "pairs.csv").read_text(encoding="utf-8").splitlines()[1:]
    found = {tuple(sorted(line.split(",")[:2])) for line in lines}
    rows.append((f"simcheck batch {' '.join(jobs)}".strip(), seconds, peak_mb(), found))

    out50 = WORKDIR / "compare50-out"
    seconds, _ = median_timed(
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
        args.runs,
        before=lambda: shutil.rmtree(out50, ignore_errors=True),  # compare50 refuses to overwrite
        env={"PATH": f"{VENV / 'bin'}:/usr/bin:/bin"},
    )
    index = (out50 / "index.html").read_text(encoding="utf-8", errors="replace")
    graph = json.loads(re.search(r"var GRAPH = (\{.*?\});\s*\n", index, re.S).group(1))  # type: ignore[union-attr]
    found50 = {tuple(sorted((Path(k["source"]).name, Path(k["target"]).name))) for k in graph["links"]}
    rows.append(("compare50 -p text", seconds, peak_mb(), found50))

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
    seconds, done = timed([str(python), "-c", script])
    reported = json.loads(done.stdout.strip().splitlines()[-1])
    for label, key in (
        ("copydetect -f (default threshold)", "shown"),
        ("copydetect -f (top-K ranking)", "top"),
    ):
        hits = {tuple(sorted((Path(a).parent.name, Path(b).parent.name))) for a, b in reported[key]}
        rows.append((label, seconds, peak_mb(), hits))

    kind = (
        "topic-free essays of about 1,000 words" if args.plain else "essays of 700-1,400 words on one topic"
    )
    print(f"class: {args.essays} {kind}, {len(planted)} planted classmate pairs")
    for name, seconds, memory, hits in rows:
        recall = len(planted & hits) / len(planted)
        print(
            f"{name:28s} {seconds:7.1f} s  recall {recall:.3f}  pairs reported {len(hits):5d}  "
            f"(peak child memory so far {memory:.0f} MB)"
        )
    ours = rows[0][1]
    print(f"simcheck is {rows[1][1] / ours:.1f}x as fast as compare50, {rows[2][1] / ours:.1f}x copydetect")
    # What any run pays before reading a file: the interpreter and the modules a batch
    # imports (numpy, jinja2 for the page, rich and click for the terminal).
    floor, _ = median_timed(
        [sys.executable, "-c", "import simcheck.cli.batch, simcheck.batch, simcheck.report.files"],
        max(args.runs, 5),
    )
    print(
        f"starting Python and importing simcheck's libraries: {floor:.2f} s; the whole run "
        f"would have to take {rows[1][1] / 10:.2f} s to be 10x compare50, {rows[2][1] / 50:.2f} s "
        "to be 50x copydetect"
    )


if __name__ == "__main__":
    main()
