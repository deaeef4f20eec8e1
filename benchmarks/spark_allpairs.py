"""`simcheck spark allpairs` on a large synthetic class, beside `simcheck batch`.

The class is ``workloads.synthetic.topic_class``: essays of 700-1,400 words on one
topic, a tenth of them with a planted 40-150-word passage from a classmate or from the
bundled corpus (verbatim, edited or reworded); the job runs with ``--corpus`` on that
corpus, so both kinds of plant can be found. Prints:

- wall time per stage (the job's own lines) and in all, and the peak resident memory of
  the whole process tree (the driver, its JVM and the Python workers), sampled by psutil;
- candidate pairs (stage 6) and the keys set aside as common (stage 5);
- planted-pair recall: plants whose copier has a passage from the planted source in
  matches.csv;
- unrelated pairs per clean essay: (submission, source) pairs with a counted passage
  that no plant explains, over the essays that neither copied nor were copied;
- with ``--batch``, `simcheck batch` on the same files (``--jobs`` processes), with the
  same measures, stopped after ``--batch-timeout`` seconds if it has not finished.

Usage: python -m benchmarks.spark_allpairs [--essays 100000] [--master local[2]] [--batch]
                                          [--stop-after 6-candidates]
Needs: pip install -e '.[spark,bench]' and a Java 17+ runtime.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from .load_class import tree_rss
from .workloads.synthetic import COLDWAR, topic_class

WORKDIR = Path(tempfile.gettempdir()) / "simcheck-spark-bench"


def run(command: list[str], timeout: float | None = None) -> tuple[float, int, int | None, list[str]]:
    """Seconds, peak resident bytes of the tree, exit code (None when stopped at
    ``timeout``), and the lines it wrote to stderr."""
    started = time.perf_counter()
    log = tempfile.TemporaryFile(mode="w+")
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process))
        if timeout is not None and time.perf_counter() - started > timeout:
            for member in [*process.children(recursive=True), process]:
                member.kill()
            process.wait()
            break
        time.sleep(0.2)
    log.seek(0)
    code = process.returncode if timeout is None or time.perf_counter() - started <= timeout else None
    return time.perf_counter() - started, peak, code, log.read().splitlines()


def class_folder(essays: int) -> tuple[Path, list[dict[str, object]]]:
    """The class of ``essays`` (made on first use) and what was planted in it."""
    folder = WORKDIR / f"topic-{essays}"
    truth = WORKDIR / f"topic-{essays}-planted.json"
    if not truth.exists():
        started = time.perf_counter()
        topic_class(folder, essays)
        print(f"made {essays:,} essays in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder, json.loads(truth.read_text(encoding="utf-8"))


def quality(matches: Path, planted: list[dict[str, object]], essays: int) -> dict[str, float]:
    """Planted-pair recall and unrelated pairs per clean essay, from a matches.csv."""
    found: set[tuple[str, str]] = set()
    with matches.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["excluded"]:
                found.add((row["submission"].split("/")[0], row["source"].split("/")[0]))
    plants = {(str(p["copier"]), str(p["source"])) for p in planted}
    # A copy from a classmate links the two both ways: each is the other's source.
    explained = plants | {(b, a) for a, b in plants}
    hit = sum(1 for pair in plants if pair in found)
    involved = {name for pair in plants for name in pair}
    # Students are the class's folders (s0000, ...); corpus files may start with "s" too.
    corpus = {path.name for path in COLDWAR.glob("*.txt")}
    clean = essays - len(involved - corpus)
    unrelated = len({frozenset(pair) for pair in found - explained})
    return {
        "recall": hit / max(1, len(plants)),
        "planted": len(plants),
        "unrelated": unrelated,
        "unrelated_per_clean": unrelated / max(1, clean),
    }


def spark_job(folder: Path, args: argparse.Namespace) -> None:
    out = WORKDIR / f"spark-{args.essays}"
    command = [sys.executable, "-m", "simcheck", "spark", "allpairs", str(folder), "--output", str(out)]
    command += ["--master", args.master, "--corpus", str(COLDWAR), "--partitions", str(args.partitions)]
    command += ["--driver-memory", args.driver_memory]
    if args.stop_after:
        command += ["--stop-after", args.stop_after]
    seconds, peak, code, lines = run(command)
    print(
        f"spark allpairs, {args.essays:,} essays, {args.master}: exit {code}, {seconds:.0f} s wall, "
        f"peak {peak / 2**30:.2f} GiB (driver + JVM + Python workers)"
    )
    for line in lines:
        if line[:1].isdigit() or line.startswith(("reports", "Error", "Stopped")):
            print(f"  {line}")
    if code == 0 and not args.stop_after:
        report(out / "matches.csv", args)
        stages = out / "stages"
        print(f"  stage output on disk: {_size(stages) / 2**20:,.0f} MiB")


def batch_job(folder: Path, args: argparse.Namespace) -> None:
    out = WORKDIR / f"batch-{args.essays}"
    command = [sys.executable, "-m", "simcheck", "batch", str(folder), "--output", str(out)]
    command += ["--corpus", str(COLDWAR), "--jobs", str(args.jobs)]
    seconds, peak, code, lines = run(command, timeout=args.batch_timeout)
    if code is None:
        print(
            f"batch --jobs {args.jobs}: stopped unfinished after {seconds:.0f} s, peak {peak / 2**30:.2f} GiB"
        )
        return
    print(f"batch --jobs {args.jobs}: exit {code}, {seconds:.0f} s wall, peak {peak / 2**30:.2f} GiB")
    if code == 0:
        report(out / "matches.csv", args)
        theirs = WORKDIR / f"spark-{args.essays}" / "matches.csv"
        if theirs.exists():
            same = (out / "matches.csv").read_bytes() == theirs.read_bytes()
            print(f"  matches.csv identical to spark's: {same}")
    else:
        print("  " + (lines[-1] if lines else ""))


def report(matches: Path, args: argparse.Namespace) -> None:
    _, planted = class_folder(args.essays)
    found = quality(matches, planted, args.essays)
    print(
        f"  planted-pair recall {found['recall']:.3f} ({found['planted']:.0f} plants); "
        f"unrelated pairs {found['unrelated']:.0f} = {found['unrelated_per_clean']:.4f} per clean essay"
    )


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=100_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=64)
    parser.add_argument(
        "--driver-memory", default="4g", help="the driver's heap (in local mode, the executors' too)"
    )
    parser.add_argument("--batch", action="store_true", help="run simcheck batch on the same files too")
    parser.add_argument("--jobs", type=int, default=2, help="batch's worker processes")
    parser.add_argument("--batch-timeout", type=float, default=3600.0)
    parser.add_argument(
        "--stop-after", help="a stage to stop the job after (6-candidates: the pairs it would align)"
    )
    args = parser.parse_args()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    folder, _ = class_folder(args.essays)
    spark_job(folder, args)
    if args.batch:
        batch_job(folder, args)


if __name__ == "__main__":
    main()
