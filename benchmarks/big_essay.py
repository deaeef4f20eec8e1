"""`simcheck check` of one very large essay against the Cold War corpus, whole process.

Two kinds of text, each at several sizes to show how the cost grows:

- ``varied``: essays on the corpus's topic (:class:`~.workloads.synthetic.TopicWriter`)
  one after another, with a paragraph of a corpus file pasted in every 50 KB or so;
- ``repeated``: one paragraph of a corpus file, written again and again: every n-gram
  and every sentence of it pairs with the same places of the source thousands of times.

Prints, for each text and size, the wall time and the peak memory (resident set) of the
``simcheck check`` process, its similarity and the passages it reported. The goal for
the 20 MB varied essay is at most 20 s and 1 GB.

Usage: python -m benchmarks.big_essay [--sizes 1,2,5,20] [--kinds varied,repeated]
[--timeout 900]. The essays are written once into ``--workdir`` and reused.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from .workloads.processes import run_measured
from .workloads.synthetic import COLDWAR, TopicWriter

MB = 1_000_000
# A corpus paragraph pasted into the varied essay after this many characters of its own.
_PASTE_EVERY = 50_000


def varied(size: int, seed: int = 5) -> str:
    """About ``size`` characters of essays on the Cold War, with corpus paragraphs pasted in."""
    writer = TopicWriter(seed=seed)
    picker = random.Random(seed)
    paragraphs = [
        p
        for path in sorted(COLDWAR.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if len(p.split()) >= 40
    ]
    parts: list[str] = []
    length = 0
    while length < size:
        essay = writer.essay(8000)
        essay += "\n" + picker.choice(paragraphs) + "\n\n"
        parts.append(essay)
        length += len(essay)
    return "".join(parts)[:size]


def repeated(size: int) -> str:
    """One paragraph of a corpus file, again and again, to about ``size`` characters."""
    source = (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")
    paragraph = max(source.split("\n\n"), key=len).strip() + "\n\n"
    return paragraph * (size // len(paragraph) + 1)


def essay_file(workdir: Path, kind: str, megabytes: float) -> Path:
    path = workdir / f"{kind}-{megabytes:g}mb.txt"
    if not path.exists():
        size = int(megabytes * MB)
        text = varied(size) if kind == "varied" else repeated(size)
        path.write_text(text, encoding="utf-8")
    return path


def run_check(path: Path, timeout: float) -> tuple[float, float, str]:
    """Wall seconds and peak resident megabytes of one `simcheck check` process, and a
    line on what it found (or why it stopped)."""
    command = [
        sys.executable,
        "-m",
        "simcheck",
        "check",
        str(path),
        "--corpus",
        str(COLDWAR),
        "--format",
        "json",
        "--max-bytes",
        str(100 * MB),
    ]
    run = run_measured(command, timeout=timeout)
    if run.returncode is None:
        return run.seconds, run.peak_mb, f"stopped after {timeout:g} s"
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return run.seconds, run.peak_mb, "failed: " + run.stderr.decode("utf-8", "replace").strip()[-200:]
    summary = report["documents"][0]
    return (
        run.seconds,
        run.peak_mb,
        f"{summary['words']:,} words, similarity {summary['similarity']}%, "
        f"{len(report['matches'])} passages from {len(report['sources'])} sources",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,2,5,20", help="megabytes, comma-separated")
    parser.add_argument("--kinds", default="varied,repeated")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a run is stopped")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "simcheck-big-essay")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"{'text':<10} {'size':>6} {'time':>9} {'peak':>9}  found")
    for kind in args.kinds.split(","):
        for megabytes in (float(s) for s in args.sizes.split(",")):
            path = essay_file(args.workdir, kind, megabytes)
            elapsed, peak, found = run_check(path, args.timeout)
            print(f"{kind:<10} {megabytes:>4g}MB {elapsed:>8.1f}s {peak:>7.0f}MB  {found}", flush=True)


if __name__ == "__main__":
    main()
