"""Accuracy on published data sets, with the same code path as ``simcheck check``.

Clough & Stevenson (2011): 95 short answers to five questions, each either written
independently (``non``) or from the task's Wikipedia source as a near copy (``cut``), a
light or a heavy revision. Every answer is checked against the five sources; one
threshold on the similarity percentage separates plagiarised from not.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import CheckConfig
from .errors import CorpusError
from .load import load_document
from .pipeline import check
from .retrieve import Corpus

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
    ``top_source``.
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
                    "top_source": result.sources[0].source if result.sources else "",
                }
            )
    return pd.DataFrame(rows)


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
