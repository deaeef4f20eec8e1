"""Are the reports byte-identical? Run before and after a change, then compare.

``write OUT`` runs the simcheck that this Python imports on fixed inputs and keeps every
JSON, CSV and HTML report (and the PAN detection XML) in ``OUT``:

- ``demo-class``: the bundled demo class against the bundled corpus, leaving out the
  prompt (the README's quick start), with one process and with two;
- ``demo-check``: the sample essay against the corpus folder, and against an index of
  it (built inside the corpus folder, so its stored names are the files' own names);
- ``topic-class``: 200 synthetic essays on one topic, 10% with planted copies from
  classmates and the corpus, against the corpus, two processes;
- ``pan``: the first 20 pairs of each PAN training folder, ``--min-words 25``
  (skipped when ``../shared/data`` is absent).

``compare A B`` lists the files that differ and exits 1 if any does.

To check a change, run the same script against the code before it::

    git worktree add /tmp/before BASE
    PYTHONPATH=/tmp/before/src python -m benchmarks.same_reports write /tmp/reports-before
    python -m benchmarks.same_reports write /tmp/reports-after
    python -m benchmarks.same_reports compare /tmp/reports-before /tmp/reports-after

The synthetic class is written once into ``--work`` and reused, so both sides read the
same files. Needs: pip install wordfreq (for nothing here but the other benchmarks).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .workloads.synthetic import ROOT, topic_class

SHARED = ROOT.parent / "shared" / "data"
CORPUS = ROOT / "corpora" / "coldwar"
DEMO_CLASS = ROOT / "corpora" / "demo-class"
SAMPLE = ROOT / "corpora" / "demo" / "sample-essay.txt"


def simcheck(*args: str | Path, cwd: Path | None = None) -> None:
    """Run the simcheck this Python imports; reports carry a fixed date."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "simcheck", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"simcheck {' '.join(map(str, args))} failed:\n{done.stderr}")


def write(out: Path, work: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    template = DEMO_CLASS / "prompt.txt"
    for jobs in ("1", "2"):
        simcheck(
            "batch", DEMO_CLASS / "submissions", "--corpus", CORPUS, "--template", template,
            "--jobs", jobs, "--output", out / f"demo-class-jobs{jobs}",
        )  # fmt: skip
    check = out / "demo-check"
    check.mkdir()
    for suffix in ("json", "csv", "html"):
        simcheck("check", SAMPLE, "--corpus", CORPUS, "--output", check / f"folder.{suffix}")
    index = work / "coldwar.simcheck"
    index.unlink(missing_ok=True)
    simcheck("index", "build", index, ".", cwd=CORPUS)
    for suffix in ("json", "csv"):
        simcheck("check", SAMPLE, "--corpus", index, "--output", check / f"index.{suffix}")
    essays = work / "topic-class-200"
    if not essays.is_dir():
        topic_class(essays, 200)
    simcheck("batch", essays, "--corpus", CORPUS, "--jobs", "2", "--output", out / "topic-class")
    pan = SHARED / "pan13-text-alignment-training"
    if pan.is_dir():
        simcheck("eval", "pan", pan, "--sample", "20", "--min-words", "25", "--output", out / "pan")
    else:
        print(f"{pan} is absent: PAN pairs not run")
    print(f"wrote {sum(1 for p in out.rglob('*') if p.is_file())} files to {out}")


def compare(before: Path, after: Path) -> int:
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    different = []
    for name in names:
        a, b = before / name, after / name
        if not (a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)):
            different.append(name)
    for name in different:
        print(f"differs: {name}")
    print(f"{len(names) - len(different)} of {len(names)} files byte-identical")
    return 1 if different else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    writing = verbs.add_parser("write", help="write every report into OUT")
    writing.add_argument("out", type=Path)
    writing.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "simcheck-same-reports")
    comparing = verbs.add_parser("compare", help="compare two folders written by `write`")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.verb == "write":
        args.work.mkdir(parents=True, exist_ok=True)
        write(args.out, args.work)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
