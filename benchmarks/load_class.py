"""`simcheck batch` on a large class: time and peak memory of the whole process tree.

Generates a class of synthetic essays on one topic (one folder per student, with
planted copied passages as in `batch_peers.py`; `--plain` for topic-free ones), runs
`simcheck batch --jobs N` on it in a subprocess, and samples the resident memory of
that process and its worker processes together every 50 ms. The class is cached in the
temp folder, so a second run only times simcheck.

Usage: python -m benchmarks.load_class [--essays 5000] [--pairs 250] [--jobs 2]
Needs: pip install wordfreq psutil
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import psutil

from .workloads.synthetic import cached_class, cached_topic_class

WORKDIR = Path(tempfile.gettempdir()) / "simcheck-load-bench"


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for those already gone)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(command: list[str]) -> tuple[float, int, int]:
    """Seconds, peak resident bytes of the tree, exit code."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=sys.stderr, stderr=sys.stderr)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, tree_rss(process))
        except psutil.Error:
            pass
        time.sleep(0.05)
    return time.perf_counter() - started, peak, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=5000)
    parser.add_argument("--pairs", type=int, default=250, help="planted pairs of the --plain class")
    parser.add_argument("--plain", action="store_true", help="the topic-free class instead of one topic")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.plain:
        folder, planted = cached_class(WORKDIR, args.essays, args.pairs)
    else:
        folder, planted = cached_topic_class(WORKDIR, args.essays)
    out = WORKDIR / "out"
    command = [
        sys.executable,
        "-m",
        "simcheck",
        "batch",
        str(folder),
        "--jobs",
        str(args.jobs),
        "-o",
        str(out),
    ]
    seconds, peak, code = run(command)
    lines = (out / "pairs.csv").read_text(encoding="utf-8").splitlines()[1:] if code == 0 else []
    found = {tuple(sorted(line.split(",")[:2])) for line in lines}
    recall = len(planted & found) / len(planted) if planted else 0.0
    print(f"command: simcheck batch <{args.essays} essays> --jobs {args.jobs}")
    print(f"exit code {code}")
    print(f"time {seconds:.1f} s")
    print(f"peak memory of the process tree {peak / 2**20:,.0f} MB (goal <= 4,096 MB)")
    print(f"planted pairs found {len(planted & found)} of {len(planted)} (recall {recall:.3f})")


if __name__ == "__main__":
    main()
