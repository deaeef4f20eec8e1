"""How far a held-out PAN corpus of the same make may land from the training figures.

Usage: python -m benchmarks.pan_bootstrap DETECTIONS [CORPUS] [--samples N]

DETECTIONS is the folder `simcheck eval pan ... -o DETECTIONS` wrote. The pairs of each
case-type folder are drawn with replacement, as many as the folder holds, and plagdet is
scored on each draw: the 5th to 95th percentiles are where a held-out set of that size,
drawn from the same population, would land nine times in ten.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from pathlib import Path

import numpy as np

from simcheck.evaluation.pan import read_pairs, read_spans
from simcheck.evaluation.plagdet import Span, plagdet_scores

HERE = Path(__file__).resolve().parent
GOALS = {
    "02-no-obfuscation": 0.95,
    "03-random-obfuscation": 0.90,
    "04-translation-obfuscation": 0.90,
    "05-summary-obfuscation": 0.60,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("detections", type=Path)
    parser.add_argument(
        "corpus",
        type=Path,
        nargs="?",
        default=HERE.parent.parent / "shared/data/pan13-text-alignment-training",
    )
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    by_folder: dict[str, list[tuple[list[Span], list[Span]]]] = {}
    for pair in read_pairs(args.corpus):
        detected = args.detections / pair.folder / pair.xml_name
        by_folder.setdefault(pair.folder, []).append(
            (
                read_spans(args.corpus / pair.folder / pair.xml_name),
                read_spans(detected, "detected-plagiarism") if detected.exists() else [],
            )
        )
    rng = random.Random(2026)
    print(f"{'folder':28s} {'plagdet':>8s}   5%     50%    95%    share of draws >= goal")
    for folder, goal in GOALS.items():
        pairs = by_folder[folder]
        scores = []
        for _ in range(args.samples):
            cases: list[Span] = []
            detections: list[Span] = []
            for draw in range(len(pairs)):
                gold, found = pairs[rng.randrange(len(pairs))]
                # A pair drawn twice counts twice: each draw is its own document.
                cases += [dataclasses.replace(s, susp=f"{draw}/{s.susp}") for s in gold]
                detections += [dataclasses.replace(s, susp=f"{draw}/{s.susp}") for s in found]
            scores.append(plagdet_scores(cases, detections).plagdet)
        whole = plagdet_scores([s for g, _ in pairs for s in g], [s for _, f in pairs for s in f]).plagdet
        low, mid, high = np.percentile(scores, [5, 50, 95])
        share = float(np.mean(np.array(scores) >= goal))
        print(f"{folder:28s} {whole:8.4f}  {low:.4f} {mid:.4f} {high:.4f}  {share:.2f} (goal {goal})")


if __name__ == "__main__":
    main()
