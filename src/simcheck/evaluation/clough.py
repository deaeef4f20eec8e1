"""Clough & Stevenson (2011): 95 short answers to five questions, each written
independently (``non``) or from the task's Wikipedia source as a near copy (``cut``), a
light or a heavy revision. Every answer is checked against the five sources with the
same code path as ``simcheck check``; one threshold on the similarity percentage
separates plagiarised from not.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import CheckConfig
from ..errors import CorpusError
from ..load import load_document
from ..pipeline import check
from ..retrieve import Corpus

#: Levels of copying, from none to most.
CLOUGH_LEVELS = ("non", "heavy", "light", "cut")


@dataclass(frozen=True)
class ThresholdScores:
    """Plagiarised-vs-not at one similarity threshold."""

    threshold: float
    accuracy: float
    precision: float
    recall: float
    f1: float


def clough_similarities(folder: str | os.PathLike[str], config: CheckConfig | None = None) -> pd.DataFrame:
    """Check every answer of the Clough-Stevenson corpus against the five sources.

    Returns one row per answer: ``file``, ``task``, ``category``, ``similarity`` (%),
    ``identical`` (%), ``top_source``.
    """
    root = Path(folder)
    listing = root / "file_list.csv"
    if not listing.is_file():
        raise CorpusError(f"{listing}: missing; give the clough-stevenson folder")
    sources = [load_document(root / f"orig_task{t}.txt", doc_id=f"orig_task{t}.txt") for t in "abcde"]
    corpus = Corpus(sources, config)
    rows = []
    with listing.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            result = check(root / record["File"], corpus, config=config)
            rows.append(
                {
                    "file": record["File"],
                    "task": record["Task"],
                    "category": record["Category"],
                    "similarity": result.similarity,
                    "identical": result.documents[0].identical,
                    "top_source": result.sources[0].source if result.sources else "",
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CloughReport:
    """Plagiarised-vs-not on Clough & Stevenson, and how similarity follows the level."""

    answers: pd.DataFrame
    fitted: ThresholdScores
    cross_validated: ThresholdScores
    spearman: float
    spearman_identical: float

    def means(self, column: str = "similarity") -> dict[str, float]:
        """Mean similarity % (or another column) per category, from ``cut`` down to ``non``."""
        grouped = self.answers.groupby("category")[column].mean()
        return {level: float(grouped.get(level, float("nan"))) for level in reversed(CLOUGH_LEVELS)}


def evaluate_clough(folder: str | os.PathLike[str], config: CheckConfig | None = None) -> CloughReport:
    """Accuracy, precision, recall and F1 of one threshold on the similarity %.

    ``fitted`` uses the best threshold on all 95 answers; ``cross_validated`` chooses it
    on four tasks and applies it to the fifth, in turn (leave one task out), the honest
    figure for new data. ``spearman`` correlates similarity with the level
    (non < heavy < light < cut), and ``spearman_identical`` the identical share: the
    levels differ in how much was rewritten, which similarity (how much came from the
    source, rewritten or not) does not measure and the identical share does.
    """
    from scipy.stats import spearmanr  # scipy.stats takes half a second to import: only here

    answers = clough_similarities(folder, config)
    positive = (answers["category"] != "non").to_numpy()
    similarity = answers["similarity"].to_numpy()
    fitted = score_threshold(similarity, positive, best_threshold(similarity, positive))
    held_out = cross_validated(similarity, positive, answers["task"].to_numpy())
    levels = answers["category"].map({name: i for i, name in enumerate(CLOUGH_LEVELS)})
    rho = float(spearmanr(similarity, levels).statistic)
    rho_identical = float(spearmanr(answers["identical"].to_numpy(), levels).statistic)
    return CloughReport(answers, fitted, held_out, rho, rho_identical)


def score_threshold(similarity: np.ndarray, positive: np.ndarray, threshold: float) -> ThresholdScores:
    """Accuracy, precision, recall and F1 of ``similarity > threshold`` against labels.

    >>> s = score_threshold(np.array([5., 50., 90.]), np.array([False, True, True]), 20.0)
    >>> s.accuracy, s.f1
    (1.0, 1.0)
    """
    return _scores(similarity > threshold, positive, threshold)


def _scores(predicted: np.ndarray, positive: np.ndarray, threshold: float) -> ThresholdScores:
    tp = int((predicted & positive).sum())
    fp = int((predicted & ~positive).sum())
    fn = int((~predicted & positive).sum())
    accuracy = float((predicted == positive).mean())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ThresholdScores(threshold, accuracy, precision, recall, f1)


def best_threshold(similarity: np.ndarray, positive: np.ndarray) -> float:
    """The threshold (midway between observed values) with the highest accuracy;
    ties go to the middle of the best range, the choice least fitted to the sample.

    >>> best_threshold(np.array([1., 2., 30., 40.]), np.array([False, False, True, True]))
    16.0
    """
    values = np.unique(similarity)
    cuts = np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2, [values[-1] + 1]])
    accuracies = np.array([score_threshold(similarity, positive, c).accuracy for c in cuts])
    best = np.flatnonzero(accuracies == accuracies.max())
    return float(cuts[best[len(best) // 2]])


def cross_validated(similarity: np.ndarray, positive: np.ndarray, groups: np.ndarray) -> ThresholdScores:
    """Scores with the threshold chosen on the other groups (leave one group out).

    Each prediction uses a threshold that never saw its own group, so the figure is
    an honest estimate for new data.
    """
    predicted = np.zeros_like(positive)
    for group in np.unique(groups):
        held_out = groups == group
        threshold = best_threshold(similarity[~held_out], positive[~held_out])
        predicted[held_out] = similarity[held_out] > threshold
    return _scores(predicted, positive, float("nan"))
