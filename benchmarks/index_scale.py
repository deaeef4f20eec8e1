"""The saved index at scale: build time and size, recall of planted passages, check latency.

Generates a synthetic corpus (real-English word frequencies from ``wordfreq``), builds an
index of it with ``simcheck index build``, then checks query essays with planted passages
(40-150 words, verbatim or with 3-15% of words edited) and clean ones against it.

Usage:
    python -m benchmarks.index_scale --essays 100000 [--queries 200] [--jobs 2]
    python -m benchmarks.index_scale --million      # lookup in 1,000,000 synthetic fingerprint sets
Needs: pip install wordfreq
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simcheck import CheckConfig, check
from simcheck.index import Index

from .workloads.synthetic import EssayWriter

WORKDIR = Path(tempfile.gettempdir()) / "simcheck-index-bench"


def write_corpus(folder: Path, count: int) -> None:
    marker = folder / ".complete"
    if marker.exists() and marker.read_text() == str(count):
        return
    writer = EssayWriter(seed=7)
    for i in range(count):
        sub = folder / f"{i // 1000:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"essay-{i:07d}.txt").write_text(writer.essay(1000), encoding="utf-8")
    marker.write_text(str(count))


def make_queries(folder: Path, count: int, corpus_size: int) -> list[tuple[Path, set[str]]]:
    """Half with one or two planted passages (their sources recorded), half clean."""
    writer = EssayWriter(seed=11)
    picker = random.Random(5)
    queries = []
    out = folder / "queries"
    out.mkdir(parents=True, exist_ok=True)
    for q in range(count):
        body = writer.essay(900).split("\n\n")
        sources: set[str] = set()
        if q % 2 == 0:
            for _ in range(picker.choice([1, 2])):
                index = picker.randrange(corpus_size)
                source = WORKDIR / "corpus" / f"{index // 1000:04d}" / f"essay-{index:07d}.txt"
                words = source.read_text(encoding="utf-8").split()
                length = picker.randint(40, 150)
                start = picker.randrange(0, len(words) - length)
                passage = " ".join(words[start : start + length])
                if picker.random() < 0.5:
                    passage = writer.edit(passage, picker.uniform(0.03, 0.15))
                body.insert(picker.randrange(1, len(body)), passage)
                # Stored under the name of the folder it was added from (index format 2).
                sources.add(f"{source.parent.name}/{source.name}")
        path = out / f"query-{q:04d}.txt"
        path.write_text("\n\n".join(body), encoding="utf-8")
        queries.append((path, sources))
    return queries


def million(args: argparse.Namespace) -> None:
    """Lookups in the fingerprint and band tables of 1,000,000 documents (synthetic
    keys; see :mod:`.workloads.million`), made with the index's own code."""
    from simcheck.index import schema

    from .workloads import million as workload

    path = WORKDIR / "million.simcheck"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    schema.create(path, CheckConfig())
    db = schema.connect(path)
    db.tune_for_build()
    stored = workload.fill(db, per_document=args.prints_per_doc)
    db.tune_for_use()
    seconds = time.perf_counter() - started
    print(f"1,000,000 documents x {args.prints_per_doc} fingerprints and 16 bands: filled in {seconds:.0f} s")
    size = path.stat().st_size
    print(f"file size: {size / 1e9:.2f} GB, {size / 1_000_000:.0f} bytes per document")
    print(workload.time_lookups(db, stored))
    db.close()


def class_folder(count: int, corpus_size: int) -> Path:
    """A class of ``count`` new essays (half with planted passages), made once."""
    folder = WORKDIR / f"class-{count}"
    if not folder.exists():
        folder.mkdir()
        for path, _ in make_queries(WORKDIR / f"class-queries-{count}", count, corpus_size):
            path.rename(folder / path.name)
    return folder


def batch(args: argparse.Namespace) -> None:
    """`simcheck batch` of N essays (half with planted passages) against the index."""
    os.chdir(WORKDIR)
    index_path = WORKDIR / f"corpus-{args.essays}.simcheck"
    if not index_path.exists():
        raise SystemExit(f"{index_path} missing: run with --essays {args.essays} first")
    folder = class_folder(args.batch, args.essays)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "simcheck",
                "batch",
                str(folder),
                "--corpus",
                str(index_path),
                "-o",
                "batch-out",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(
        f"simcheck batch of {args.batch} essays against the {args.essays:,}-essay index, whole process: "
        f"median {median:.1f} s of 3 runs ({1000 * median / args.batch:.1f} ms per essay)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--million", action="store_true")
    parser.add_argument(
        "--batch", type=int, metavar="N", help="time `simcheck batch` of N new essays against the built index"
    )
    parser.add_argument("--prints-per-doc", type=int, default=130)
    parser.add_argument(
        "--settings", default="", help="extra `index build` options, e.g. '--winnow-window 12'"
    )
    args = parser.parse_args()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    if args.million:
        million(args)
        return
    if args.batch:
        batch(args)
        return
    os.chdir(WORKDIR)
    started = time.perf_counter()
    write_corpus(WORKDIR / "corpus", args.essays)
    print(f"corpus of {args.essays} essays ready in {time.perf_counter() - started:.0f} s")
    index_path = WORKDIR / f"corpus-{args.essays}.simcheck"
    if index_path.exists():
        index_path.unlink()
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "simcheck",
            "index",
            "build",
            str(index_path),
            *[f"corpus/{i:04d}" for i in range((args.essays + 999) // 1000)],
            "--jobs",
            str(args.jobs),
            *args.settings.split(),
        ],
        check=True,
    )
    build = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = index_path.stat().st_size
    print(
        f"index build: {build:.1f} s, {size / 1e6:.0f} MB, {size / args.essays:.0f} bytes per essay, "
        f"peak memory {peak:.0f} MB"
    )
    queries = make_queries(WORKDIR, args.queries, args.essays)
    index = Index(index_path)
    found = planted = unrelated = clean = 0
    latencies = []
    for path, sources in queries:
        began = time.perf_counter()
        result = check(path, index)
        latencies.append(time.perf_counter() - began)
        reported = {s.source for s in result.sources}
        if sources:
            planted += len(sources)
            found += len(sources & reported)
            unrelated += len(reported - sources)
        else:
            clean += 1
            unrelated += len(reported)
    latencies.sort()
    print(f"planted sources found: {found}/{planted} = {found / max(1, planted):.3f}")
    print(
        f"unrelated sources reported: {unrelated} over {len(queries)} essays ({clean} clean), "
        f"{unrelated / len(queries):.3f} per essay"
    )
    median, p95 = statistics.median(latencies), latencies[int(0.95 * len(latencies))]
    print(
        f"check against the index, in-process, alignment included: "
        f"median {1000 * median:.1f} ms, p95 {1000 * p95:.1f} ms"
    )
    print(json.dumps(index.info()["settings"]))


if __name__ == "__main__":
    main()
