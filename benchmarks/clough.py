"""Clough-Stevenson: plagiarised (cut, light, heavy) vs non, one threshold on similarity %.

Usage: python benchmarks/clough.py [../shared/data/clough-stevenson]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from scipy.stats import spearmanr

from simcheck.evaluate import (
    CLOUGH_LEVELS,
    best_threshold,
    clough_similarities,
    cross_validated,
    score_threshold,
)

HERE = Path(__file__).resolve().parent


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared/data/clough-stevenson"
    started = time.perf_counter()
    frame = clough_similarities(folder)
    elapsed = time.perf_counter() - started
    positive = (frame["category"] != "non").to_numpy()
    similarity = frame["similarity"].to_numpy()
    print(f"answers: {len(frame)}  time: {elapsed:.2f} s")
    print("mean similarity % by category:")
    for level in reversed(CLOUGH_LEVELS):
        values = frame.loc[frame["category"] == level, "similarity"]
        print(f"  {level:6s} mean {values.mean():6.1f}  min {values.min():6.1f}  max {values.max():6.1f}")
    threshold = best_threshold(similarity, positive)
    fitted = score_threshold(similarity, positive, threshold)
    print(
        f"one threshold fitted on all 95: {threshold:.1f}%  accuracy {fitted.accuracy:.3f}  "
        f"precision {fitted.precision:.3f}  recall {fitted.recall:.3f}  F1 {fitted.f1:.3f}"
    )
    held = cross_validated(similarity, positive, frame["task"].to_numpy())
    print(
        f"threshold chosen leaving each task out:  accuracy {held.accuracy:.3f}  "
        f"precision {held.precision:.3f}  recall {held.recall:.3f}  F1 {held.f1:.3f}"
    )
    level = frame["category"].map({name: i for i, name in enumerate(CLOUGH_LEVELS)})
    rho = spearmanr(similarity, level).statistic
    print(f"Spearman rho (similarity vs non<heavy<light<cut): {rho:.3f}")
    wrong = frame[(similarity > threshold) != positive]
    for row in wrong.itertuples():
        print(f"  misclassified: {row.file} {row.category} {row.similarity:.1f}%")


if __name__ == "__main__":
    main()
