"""The hand-reworded class (corpora/reworded-class) against the Cold War speeches.

Runs `simcheck batch` on the 30 essays with the speeches of ``../shared/data/coldwar-pd``
as the corpus and the assignment prompt as the template, then scores the reports
against ``ground-truth.json``:

- reworded passages found: a counted passage of the essay, from the right speech, over
  at least half of the planted passage;
- passage precision: of the counted passages reported, those that lie on a planted
  passage and name its speech;
- clean essays flagged, and clean essays with a one-sentence paraphrase flag;
- cited quotations counted (they must not be).

With ``--oracle`` it also prints how far words alone can go: the TF-IDF cosine (idf
over the speeches) of each planted passage with its exact source passage, against the
best cosine any four-sentence window of a clean essay reaches with any window of a
speech. When the first is not above the second, no choice of words-only threshold
finds the rewordings without flagging the clean essays.

Usage: python -m benchmarks.reworded_class [--runs 3] [--jobs N] [--held-out] [--oracle]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "corpora" / "reworded-class"
SPEECHES = ROOT.parent / "shared" / "data" / "coldwar-pd"


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(out: Path) -> dict[str, object]:
    truth = json.loads((CLASS / "ground-truth.json").read_text(encoding="utf-8"))
    matches = [m for m in csv.DictReader((out / "matches.csv").open(encoding="utf-8")) if not m["excluded"]]
    planted = [c for c in truth["cases"] if c["kind"] == "reworded"]
    cited = [c for c in truth["cases"] if c["kind"] == "cited-quotation"]

    def on(match: dict[str, str], case: dict[str, object]) -> bool:
        span = (int(match["submission_start"]), int(match["submission_end"]))
        return (
            match["submission"] == case["file"]
            and match["source"] == f"{case['source_folder']}/{case['source']}"
            and overlap(span, (int(case["submission_start"]), int(case["submission_end"])))  # type: ignore[arg-type]
            > 0
        )

    found = []
    for case in planted:
        length = int(case["submission_end"]) - int(case["submission_start"])  # type: ignore[call-overload]
        covered = sum(
            overlap(
                (int(m["submission_start"]), int(m["submission_end"])),
                (int(case["submission_start"]), int(case["submission_end"])),  # type: ignore[call-overload]
            )
            for m in matches
            if on(m, case)
        )
        if covered * 2 >= length:
            found.append(case["file"])
    right = [m for m in matches if any(on(m, case) for case in planted)]
    clean = set(truth["clean"])
    clean_flagged = sorted({m["submission"] for m in matches if m["submission"] in clean})
    one_sentence = sorted(
        {
            m["submission"]
            for m in matches
            if m["submission"] in clean
            and m["kind"] == "paraphrase"
            and m["submission_text"].count(". ") == 0
        }
    )
    cited_counted = [
        c["file"]
        for c in cited
        if any(
            m["submission"] == c["file"]
            and overlap(
                (int(m["submission_start"]), int(m["submission_end"])),
                (int(c["submission_start"]), int(c["submission_end"])),  # type: ignore[call-overload]
            )
            for m in matches
        )
    ]
    return {
        "reworded found": f"{len(found)} of {len(planted)}",
        "passage precision": f"{len(right) / len(matches):.3f} ({len(right)} of {len(matches)})"
        if matches
        else "-",
        "clean essays with a counted passage": f"{len(clean_flagged)} of {len(clean)}",
        "clean essays with a one-sentence paraphrase": len(one_sentence),
        "cited quotations counted": len(cited_counted),
        "missed": sorted(set(c["file"] for c in planted) - set(found)),  # type: ignore[misc]
    }


def oracle() -> None:
    """Words-only separability: each rewording against its own source passage, and each
    clean essay's best window against the speeches' windows."""
    import numpy as np

    from simcheck.frequencies import smooth_idf
    from simcheck.load import load_folder
    from simcheck.retrieve import Corpus
    from simcheck.tokens import Tokens
    from simcheck.windows import windows

    corpus = Corpus(load_folder(SPEECHES)[0])

    def vectors(tokens: Tokens, spans: np.ndarray) -> list[dict[int, float]]:
        rows, terms, counts = tokens.sentence_terms
        found = []
        for first, last in spans.tolist():
            inside = (rows >= first) & (rows < last)
            words, inverse = np.unique(terms[inside], return_inverse=True)
            weights = (1 + np.log(np.bincount(inverse, weights=counts[inside]))) * smooth_idf(
                corpus.document_frequencies(words), len(corpus)
            )
            norm = float(np.sqrt((weights**2).sum())) or 1.0
            found.append(dict(zip(words.tolist(), (weights / norm).tolist())))
        return found

    def cosine(a: dict[int, float], b: dict[int, float]) -> float:
        return sum(weight * b.get(word, 0.0) for word, weight in a.items())

    truth = json.loads((CLASS / "ground-truth.json").read_text(encoding="utf-8"))
    whole = np.array([[0, 10**9]])
    planted = []
    for case in truth["cases"]:
        if case["kind"] != "reworded":
            continue
        essay = (CLASS / "submissions" / case["file"]).read_text(encoding="utf-8")
        speech = (SPEECHES / case["source_folder"] / case["source"]).read_text(encoding="utf-8")
        a = vectors(Tokens(essay[case["submission_start"] : case["submission_end"]]), whole)[0]
        b = vectors(Tokens(speech[case["source_start"] : case["source_end"]]), whole)[0]
        planted.append(cosine(a, b))
    speech_windows = [
        v
        for i in range(len(corpus))
        for v in vectors(corpus.tokens(i), windows(len(corpus.tokens(i).sentences)))
    ]
    clean = []
    for name in truth["clean"]:
        tokens = Tokens((CLASS / "submissions" / name).read_text(encoding="utf-8"))
        mine = vectors(tokens, windows(len(tokens.sentences)))
        clean.append(max(cosine(a, b) for a in mine for b in speech_windows))
    for label, values in (
        ("rewording vs its own source passage", planted),
        ("clean essay's best window vs any speech window", clean),
    ):
        print(f"{label}: median {np.median(values):.2f} (from {min(values):.2f} to {max(values):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "simcheck-reworded")
    parser.add_argument(
        "--held-out", action="store_true", help="the held-out twin, corpora/reworded-class-b, instead"
    )
    parser.add_argument("--oracle", action="store_true", help="print how far words alone can separate them")
    args = parser.parse_args()
    global CLASS
    if args.held_out:
        CLASS = ROOT / "corpora" / "reworded-class-b"
    if not SPEECHES.is_dir():
        raise SystemExit(f"{SPEECHES} is absent: the speeches are read from ../shared/data")
    command = [
        sys.executable, "-m", "simcheck", "batch", str(CLASS / "submissions"), "--corpus", str(SPEECHES),
        "--template", str(CLASS / "prompt.txt"), "--output", str(args.output),
        *([] if args.jobs is None else ["--jobs", str(args.jobs)]),
    ]  # fmt: skip
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    print(
        f"simcheck batch of the reworded class against the speeches: median {statistics.median(times):.2f} s"
    )
    for key, value in score(args.output).items():
        print(f"{key}: {value}")
    if args.oracle:
        oracle()


if __name__ == "__main__":
    main()
