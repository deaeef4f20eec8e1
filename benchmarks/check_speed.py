"""`simcheck check` of one 1,000-word essay against a folder of 1,000 essays, whole process.

Prints the median wall time of several runs, the peak memory, and whether the planted
passages were found. Usage: python -m benchmarks.check_speed [--essays 1000] [--runs 5]
Needs: pip install wordfreq
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .workloads.synthetic import EssayWriter, passage, write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "simcheck-bench")
    args = parser.parse_args()
    corpus = args.workdir / f"corpus-{args.essays}"
    paths = write_corpus(corpus, args.essays)
    writer = EssayWriter(seed=11)
    planted = {
        paths[3].name: passage(paths[3].read_text(encoding="utf-8"), 80, writer.rng),
        paths[500 % len(paths)].name: writer.edit(
            passage(paths[500 % len(paths)].read_text(encoding="utf-8"), 100, writer.rng), 0.1
        ),
    }
    body = writer.essay(820).split("\n\n")
    query = "\n\n".join(
        [body[0], planted[paths[3].name], *body[1:3], planted[paths[500 % len(paths)].name], *body[3:]]
    )
    query_path = args.workdir / "query.txt"
    query_path.write_text(query, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "simcheck",
        "check",
        str(query_path),
        "--corpus",
        str(corpus),
        "--format",
        "json",
    ]
    times = []
    output = ""
    for _ in range(args.runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        output = done.stdout
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(output)
    found = {s["source"] for s in report["sources"]}
    print(f"corpus: {args.essays} essays, query: {len(query.split())} words")
    print(
        f"simcheck check, whole process: median {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
    )
    print(f"peak memory: {peak_mb:.0f} MB")
    similarity = report["documents"][0]["similarity"]
    print(
        f"planted sources found: {len(found & set(planted))}/{len(planted)}; "
        f"other sources reported: {len(found - set(planted))}; similarity {similarity}%"
    )


if __name__ == "__main__":
    main()
