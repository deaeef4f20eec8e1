"""Accuracy on published data sets, with the same code path as ``simcheck check``.

- Clough & Stevenson (2011): 95 short answers to five questions, each written
  independently (``non``) or from the task's Wikipedia source as a near copy (``cut``),
  a light or a heavy revision. Every answer is checked against the five sources; one
  threshold on the similarity percentage separates plagiarised from not.
- PAN text alignment (PAN at CLEF 2013): document pairs with artificial plagiarism
  cases; every pair is aligned with :func:`~simcheck.align.align_tokens` and scored
  with plagdet (:mod:`simcheck.pan`).
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .align import align_tokens
from .config import CheckConfig
from .errors import CorpusError, InputError
from .load import load_document
from .pan import Scores, Span, detection_xml, plagdet_scores, read_pairs, read_spans
from .pipeline import check
from .retrieve import Corpus
from .tokens import Tokens

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
    from scipy.stats import spearmanr

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


# --- PAN text alignment -----------------------------------------------------------


@dataclass(frozen=True)
class PanReport:
    """Scores per case-type folder and over the whole corpus."""

    folders: dict[str, Scores]
    overall: Scores
    pairs: dict[str, int]
    pairs_with_detections: dict[str, int]
    seconds: float

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for name, scores in [*self.folders.items(), ("entire corpus", self.overall)]:
            total = sum(self.pairs.values()) if name == "entire corpus" else self.pairs[name]
            flagged = (
                sum(self.pairs_with_detections.values())
                if name == "entire corpus"
                else self.pairs_with_detections[name]
            )
            rows.append(
                {
                    "folder": name,
                    "pairs": total,
                    "cases": scores.cases,
                    "detections": scores.detections,
                    "pairs_with_detections": flagged,
                    "precision": round(scores.precision, 4),
                    "recall": round(scores.recall, 4),
                    "granularity": round(scores.granularity, 4),
                    "plagdet": round(scores.plagdet, 4),
                }
            )
        return pd.DataFrame(rows)


def _align_pan_group(task: tuple[str, str, list[str], CheckConfig]) -> list[tuple[str, list[Span]]]:
    """Align one suspicious document with each of its sources (runs in a worker)."""
    corpus, susp, sources, config = task
    root = Path(corpus)
    try:
        susp_tokens = Tokens(load_document(root / "susp" / susp).text, config.language)
    except InputError:  # PAN holds a few binary junk files; they get no detection
        return [(src, []) for src in sources]
    results: list[tuple[str, list[Span]]] = []
    for src in sources:
        try:
            src_tokens = Tokens(load_document(root / "src" / src).text, config.language)
        except InputError:
            results.append((src, []))
            continue
        passages = align_tokens(susp_tokens, src_tokens, config)
        results.append(
            (
                src,
                [
                    Span(susp, src, p.a_start, p.a_end - p.a_start, p.b_start, p.b_end - p.b_start)
                    for p in passages
                ],
            )
        )
    return results


def evaluate_pan(
    corpus: str | os.PathLike[str],
    config: CheckConfig | None = None,
    *,
    jobs: int = 1,
    output: str | os.PathLike[str] | None = None,
    limit_per_folder: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PanReport:
    """Align every pair of a PAN text-alignment corpus and score the detections.

    Parameters
    ----------
    corpus : path
        The corpus root: ``susp/``, ``src/`` and one folder per case type with a
        ``pairs`` file and one gold XML per pair.
    config : CheckConfig, optional
        The same settings ``simcheck check`` uses.
    jobs : int, default=1
        Worker processes.
    output : path, optional
        Folder for one detection XML per pair (one subfolder per case type).
    limit_per_folder : int, optional
        Only the first N pairs of each folder (a quick sample).
    progress : callable, optional
        ``progress(done, total)`` in pairs.
    """
    import time
    from concurrent.futures import ProcessPoolExecutor

    config = config or CheckConfig()
    root = Path(corpus)
    pairs = read_pairs(root)
    if limit_per_folder is not None:
        kept: dict[str, int] = defaultdict(int)
        sample = []
        for pair in pairs:
            if kept[pair.folder] < limit_per_folder:
                kept[pair.folder] += 1
                sample.append(pair)
        pairs = sample
    groups: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        groups[pair.susp].append(pair.src)
    tasks = [(str(root), susp, sources, config) for susp, sources in sorted(groups.items())]
    started = time.perf_counter()
    detections: dict[tuple[str, str], list[Span]] = {}
    done = 0

    def collect(results: list[tuple[str, list[Span]]], susp: str) -> None:
        nonlocal done
        for src, spans in results:
            detections[(susp, src)] = spans
            done += 1
        if progress is not None:
            progress(done, len(pairs))

    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for task, results in zip(tasks, pool.map(_align_pan_group, tasks, chunksize=4)):
                collect(results, task[1])
    else:
        for task in tasks:
            collect(_align_pan_group(task), task[1])
    seconds = time.perf_counter() - started

    cases_by_folder: dict[str, list[Span]] = defaultdict(list)
    found_by_folder: dict[str, list[Span]] = defaultdict(list)
    pair_counts: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    for pair in pairs:
        gold = root / pair.folder / pair.xml_name
        cases = [c for c in read_spans(gold) if c.src == pair.src] if gold.is_file() else []
        spans = detections[(pair.susp, pair.src)]
        cases_by_folder[pair.folder].extend(cases)
        found_by_folder[pair.folder].extend(spans)
        pair_counts[pair.folder] += 1
        flagged[pair.folder] += bool(spans)
        if output is not None:
            target = Path(output) / pair.folder / pair.xml_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(detection_xml(pair.susp, spans), encoding="utf-8")
    folders = {
        name: plagdet_scores(cases_by_folder[name], found_by_folder[name]) for name in sorted(pair_counts)
    }
    overall = plagdet_scores(
        [c for name in pair_counts for c in cases_by_folder[name]],
        [d for name in pair_counts for d in found_by_folder[name]],
    )
    return PanReport(folders, overall, dict(pair_counts), dict(flagged), seconds)
