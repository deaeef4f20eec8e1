"""Clough-Stevenson: plagiarised (cut, light, heavy) vs non, one threshold on similarity %.

Usage: python -m benchmarks.clough [../shared/data/clough-stevenson]
The same figures as `simcheck eval clough`, plus the misclassified answers and timing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from simcheck.evaluation.clough import evaluate_clough

HERE = Path(__file__).resolve().parent


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared/data/clough-stevenson"
    started = time.perf_counter()
    report = evaluate_clough(folder)
    elapsed = time.perf_counter() - started
    answers = report.answers
    print(f"answers: {len(answers)}  time: {elapsed:.2f} s")
    print("mean similarity % by category:")
    for level, mean in report.means().items():
        values = answers.loc[answers["category"] == level, "similarity"]
        print(f"  {level:6s} mean {mean:6.1f}  min {values.min():6.1f}  max {values.max():6.1f}")
    for name, scores in (
        ("one threshold fitted on all 95", report.fitted),
        ("leave one task out", report.cross_validated),
    ):
        print(
            f"{name}: accuracy {scores.accuracy:.3f}  precision {scores.precision:.3f}  "
            f"recall {scores.recall:.3f}  F1 {scores.f1:.3f}  (threshold {scores.threshold:.1f}%)"
        )
    print(f"Spearman rho (similarity vs non<heavy<light<cut): {report.spearman:.3f}")
    print(f"Spearman rho (identical share vs non<heavy<light<cut): {report.spearman_identical:.3f}")
    positive = (answers["category"] != "non").to_numpy()
    wrong = answers[(answers["similarity"].to_numpy() > report.fitted.threshold) != positive]
    for row in wrong.itertuples():
        print(f"  misclassified at the fitted threshold: {row.file} {row.category} {row.similarity:.1f}%")


if __name__ == "__main__":
    main()
