"""Start-up: `simcheck --version` and a `check` of the sample essay, whole process.

Prints the median wall time of several runs of each. With ``--baseline SRC`` (the
``src`` folder of another checkout, e.g. a ``git worktree`` of an older commit) the
two are run in turn, A B A B ..., so a machine that drifts slows both alike, and the
median ratio is printed too.

Usage: python -m benchmarks.startup [--runs 15] [--baseline /tmp/before/src]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "simcheck --version": ["--version"],
    "simcheck check (sample essay, corpus folder)": [
        "check",
        str(ROOT / "corpora" / "demo" / "sample-essay.txt"),
        "--corpus",
        str(ROOT / "corpora" / "coldwar"),
        "--format",
        "json",
    ],
}


def timed(arguments: list[str], source: Path | None) -> float:
    environment = dict(os.environ)
    if source is not None:
        environment["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "simcheck", *arguments], env=environment, capture_output=True, check=True
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="src folder of the code to compare with")
    args = parser.parse_args()
    for label, arguments in COMMANDS.items():
        timed(arguments, None)  # warm the file cache
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(timed(arguments, None))
            if args.baseline is not None:
                theirs.append(timed(arguments, args.baseline))
        line = f"{label}: median {statistics.median(ours):.3f} s"
        if theirs:
            ratios = [a / b for a, b in zip(ours, theirs)]
            line += f", baseline {statistics.median(theirs):.3f} s, ratio {statistics.median(ratios):.3f}"
        print(line)


if __name__ == "__main__":
    main()
