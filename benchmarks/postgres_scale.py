"""A shared archive on PostgreSQL beside the SQLite index, on the same files.

Uses the 100,000 synthetic essays of ``benchmarks.index_scale`` (generated there if
missing) and prints, for both stores:

- ``index build`` of the whole corpus, whole process: time and size on disk (SQLite:
  the file; PostgreSQL: every table, index and TOAST table of the archive's schema);
- ``check`` of query essays against the archive, in-process, past start-up: median and
  p95, and planted sources found;
- ``simcheck batch`` of 600 essays against the archive: time per essay;
- with ``--clients N``: N processes checking essays at once while one writer adds
  ``--writer-essays`` new essays: checks per second, p50 and p95 latency, failures;
- with ``--million``, instead of all that: the candidate lookups in the fingerprint and
  band tables of 1,000,000 documents, and their size (``benchmarks.workloads.million``;
  ``python -m benchmarks.index_scale --million`` gives the SQLite index's).

The server is a fresh local cluster (benchmarks/workloads/pgserver.py) with fsync and
full page writes on, as a server is run; ``--url`` points the benchmark at another one
instead (a managed PostgreSQL: the archive is made in the schema ``--schema``).

Usage:
    python -m benchmarks.postgres_scale [--essays 100000] [--queries 200] [--batch 600]
                                        [--clients 8 --writer-essays 10000] [--url URL]
    python -m benchmarks.postgres_scale --million
Needs: pip install -e '.[postgres,bench]' and the PostgreSQL server binaries (or --url).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .index_scale import WORKDIR, class_folder, make_queries, write_corpus
from .workloads.synthetic import EssayWriter


def timed_run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def simcheck(*args: str) -> list[str]:
    return [sys.executable, "-m", "simcheck", *args]


def corpus_folders(essays: int) -> list[str]:
    return [str(WORKDIR / "corpus" / f"{i:04d}") for i in range((essays + 999) // 1000)]


def schema_bytes(url: str, schema: str) -> int:
    import psycopg

    with psycopg.connect(url.split("?")[0]) as connection:
        row = connection.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            (schema,),
        ).fetchone()
    return int(row[0]) if row else 0


def check_latencies(store: str, queries: list[tuple[Path, set[str]]]) -> tuple[list[float], int, int]:
    """Latency of each check, in-process past start-up; planted sources found and planted."""
    from simcheck import check
    from simcheck.index import Index

    index = Index(store)
    check(queries[0][0], index)  # warm: imports, first connection
    latencies, found, planted = [], 0, 0
    for path, sources in queries:
        started = time.perf_counter()
        result = check(path, index)
        latencies.append(time.perf_counter() - started)
        planted += len(sources)
        found += len(sources & {s.source for s in result.sources})
    index.close()
    return latencies, found, planted


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _client(store: str, paths: list[str], stop: Any, out: Any, seed: int) -> None:
    """Check essays against ``store`` until ``stop`` is set; send latencies and failures."""
    from simcheck import check
    from simcheck.index import Index

    rng = random.Random(seed)
    latencies: list[float] = []
    failures = 0
    index = Index(store)
    while not stop.is_set():
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            check(path, index)
        except Exception:  # counted, not raised: the figure is how many checks failed
            failures += 1
        latencies.append(time.perf_counter() - started)
    index.close()
    out.put((latencies, failures))


def concurrent(url: str, clients: int, writer_essays: int, queries: list[tuple[Path, set[str]]]) -> None:
    more = WORKDIR / f"more-{writer_essays}"
    if not more.exists():
        writer = EssayWriter(seed=23)
        more.mkdir()
        for i in range(writer_essays):
            (more / f"new-{i:06d}.txt").write_text(writer.essay(1000), encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    paths = [str(path) for path, _ in queries]
    workers = [context.Process(target=_client, args=(url, paths, stop, out, seed)) for seed in range(clients)]
    for worker in workers:
        worker.start()
    time.sleep(5)  # the clients connect and warm up before the writer starts
    started = time.perf_counter()
    subprocess.run(simcheck("index", "add", url, str(more)), check=True, stdout=subprocess.DEVNULL)
    writing = time.perf_counter() - started
    stop.set()
    results = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    latencies = [t for part, _ in results for t in part]
    failures = sum(f for _, f in results)
    print(
        f"{clients} clients checking while a writer added {writer_essays:,} essays in {writing:.1f} s: "
        f"{len(latencies)} checks, {len(latencies) / writing:.1f} checks/s, "
        f"p50 {1000 * statistics.median(latencies):.1f} ms, p95 {1000 * percentile(latencies, 0.95):.1f} ms, "
        f"{failures} failed"
    )


def million(url: str, base: str, schema_name: str) -> None:
    """The candidate lookups among 1,000,000 documents' fingerprints and bands."""
    from simcheck import CheckConfig
    from simcheck.index import schema

    from .workloads import million as workload

    db = schema.open_database(url)
    started = time.perf_counter()
    db.begin_write(schema.BUSY_SECONDS)
    schema.create_tables(db, CheckConfig())
    db.commit()
    stored = workload.fill(db)
    print(f"1,000,000 documents: fingerprints and bands filled in {time.perf_counter() - started:.0f} s")
    size = schema_bytes(base, schema_name)
    print(f"size: {size / 1e9:.2f} GB, {size / 1_000_000:.0f} bytes per document")
    print(workload.time_lookups(db, stored))
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=600)
    parser.add_argument("--clients", type=int, default=0)
    parser.add_argument("--writer-essays", type=int, default=10_000)
    parser.add_argument("--url", help="an existing server's database; default: a fresh local cluster")
    parser.add_argument("--schema", default="simcheck_bench")
    parser.add_argument("--skip-sqlite", action="store_true", help="time PostgreSQL only")
    parser.add_argument("--million", action="store_true", help="lookups among 1,000,000 documents")
    args = parser.parse_args()

    if not args.million:
        WORKDIR.mkdir(parents=True, exist_ok=True)
        write_corpus(WORKDIR / "corpus", args.essays)
        queries = make_queries(WORKDIR, args.queries, args.essays)
    server = None
    if args.url is None:
        from .workloads.pgserver import PostgresServer

        server = PostgresServer(durable=True).start()
        server.create_database("archive")
        base = server.admin_url("archive")
    else:
        base = args.url
    url = f"{base}{'&' if '?' in base else '?'}schema={args.schema}"
    try:
        if args.million:
            million(url, base, args.schema)
            return
        rows: dict[str, dict[str, str]] = {}
        if not args.skip_sqlite:
            sqlite_file = WORKDIR / f"pg-compare-{args.essays}.simcheck"
            sqlite_file.unlink(missing_ok=True)
            seconds = timed_run(simcheck("index", "build", str(sqlite_file), *corpus_folders(args.essays)))
            size = sqlite_file.stat().st_size
            rows["SQLite"] = {
                "build": f"{seconds:.1f} s",
                "size": f"{size / 1e6:.0f} MB ({size / args.essays:.0f} B/essay)",
            }
            stores = [("SQLite", str(sqlite_file))]
        else:
            stores = []
        seconds = timed_run(simcheck("index", "build", url, *corpus_folders(args.essays)))
        size = schema_bytes(base, args.schema)
        rows["PostgreSQL"] = {
            "build": f"{seconds:.1f} s",
            "size": f"{size / 1e6:.0f} MB ({size / args.essays:.0f} B/essay)",
        }
        stores.append(("PostgreSQL", url))
        for name, store in stores:
            latencies, found, planted = check_latencies(store, queries)
            median, p95 = statistics.median(latencies), percentile(latencies, 0.95)
            rows[name]["check"] = f"median {1000 * median:.1f} ms, p95 {1000 * p95:.1f} ms"
            rows[name]["recall"] = f"{found}/{planted}"
            folder = class_folder(args.batch, args.essays)
            seconds = timed_run(
                simcheck("batch", str(folder), "--corpus", store, "-o", str(WORKDIR / "pg-batch-out"))
            )
            rows[name]["batch"] = f"{seconds:.1f} s, {1000 * seconds / args.batch:.1f} ms per essay"
        for name, figures in rows.items():
            print(f"{name}: " + "; ".join(f"{key} {value}" for key, value in figures.items()))
        if args.clients:
            concurrent(url, args.clients, args.writer_essays, queries)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
