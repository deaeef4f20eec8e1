"""Accuracy measures (simcheck.evaluation): PAN measures on small hand-computed cases, the
detection XML and a corpus sample; Clough & Stevenson (2011). The corpora are read from
../shared/data (skipped when absent)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared_path
from simcheck import CheckConfig
from simcheck.cli import main
from simcheck.evaluation.clough import best_threshold, clough_similarities, score_threshold
from simcheck.evaluation.pan import detection_xml, evaluate_pan, read_spans
from simcheck.evaluation.plagdet import Span, plagdet_scores


def span(this: tuple[int, int], source: tuple[int, int], pair: tuple[str, str] = ("s", "r")) -> Span:
    return Span(pair[0], pair[1], this[0], this[1] - this[0], source[0], source[1] - source[0])


CASE = span((100, 200), (1000, 1100))


def test_exact_detection_scores_one() -> None:
    scores = plagdet_scores([CASE], [CASE])
    assert (scores.precision, scores.recall, scores.granularity, scores.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_half_detected_case() -> None:
    # Characters 100..150 and 1000..1050: 100 of the case's 200.
    scores = plagdet_scores([CASE], [span((100, 150), (1000, 1050))])
    assert scores.recall == 0.5
    assert scores.precision == 1.0
    assert scores.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_detection_twice_as_long_has_half_precision() -> None:
    scores = plagdet_scores([CASE], [span((50, 250), (950, 1150))])
    assert scores.precision == 0.5 and scores.recall == 1.0


def test_overlap_on_one_side_only_detects_nothing() -> None:
    scores = plagdet_scores([CASE], [span((100, 200), (5000, 5100))])
    assert (scores.precision, scores.recall) == (0.0, 0.0)


def test_other_document_pair_detects_nothing() -> None:
    scores = plagdet_scores([CASE], [span((100, 200), (1000, 1100), pair=("s", "other"))])
    assert (scores.precision, scores.recall) == (0.0, 0.0)


def test_split_detection_has_granularity_two() -> None:
    halves = [span((100, 150), (1000, 1050)), span((150, 200), (1050, 1100))]
    scores = plagdet_scores([CASE], halves)
    assert scores.granularity == 2.0
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_macro_averages_over_cases_and_detections() -> None:
    second = span((400, 500), (3000, 3100))
    # The first case fully found, the second not at all; one false detection.
    scores = plagdet_scores([CASE, second], [CASE, span((700, 800), (7000, 7100))])
    assert scores.recall == 0.5
    assert scores.precision == 0.5


def test_no_cases_and_no_detections() -> None:
    scores = plagdet_scores([], [])
    assert (scores.precision, scores.recall, scores.plagdet) == (1.0, 1.0, 1.0)
    assert plagdet_scores([], [CASE]).precision == 0.0


def test_detection_xml_reads_back(tmp_path: Path) -> None:
    detections = [
        span((3593, 4291), (1300, 1998), pair=("suspicious-document00005.txt", "source-document01090.txt"))
    ]
    path = tmp_path / "d.xml"
    path.write_text(detection_xml("suspicious-document00005.txt", detections), encoding="utf-8")
    assert read_spans(path, feature="detected-plagiarism") == detections


def test_corpus_sample_regression() -> None:
    corpus = shared_path("data", "pan13-text-alignment-training")
    report = evaluate_pan(corpus, CheckConfig(min_words=25), jobs=1, limit_per_folder=4)
    assert report.pairs_with_detections["01-no-plagiarism"] == 0
    # The first pairs hold a sentence of admissions boilerplate that two web pages share
    # and PAN does not annotate, which caps this folder's sample precision near 0.66.
    assert report.folders["02-no-obfuscation"].plagdet >= 0.75
    assert report.folders["03-random-obfuscation"].plagdet >= 0.7
    assert report.folders["04-translation-obfuscation"].plagdet >= 0.7
    assert report.overall.plagdet >= 0.8


def test_eval_pan_cli_writes_detections(tmp_path: Path) -> None:
    corpus = shared_path("data", "pan13-text-alignment-training")
    out = tmp_path / "det"
    result = CliRunner().invoke(
        main, ["eval", "pan", str(corpus), "--sample", "1", "--min-words", "25", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "entire corpus" in result.output
    assert (out / "scores.csv").is_file()
    assert len(list(out.glob("*/*.xml"))) == 5


def test_eval_pan_rejects_other_folders(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "pan", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path}: not a PAN corpus")


# --- Clough & Stevenson (2011) ---------------------------------------------------------


def test_one_threshold_separates_plagiarised_from_independent_answers() -> None:
    frame = clough_similarities(shared_path("data", "clough-stevenson"))
    assert len(frame) == 95
    positive = (frame["category"] != "non").to_numpy()
    similarity = frame["similarity"].to_numpy()
    threshold = best_threshold(similarity, positive)
    assert score_threshold(similarity, positive, threshold).accuracy >= 0.95
    means = frame.groupby("category")["similarity"].mean()
    assert means["light"] > means["heavy"] > means["non"]
    # The identical share orders the levels of rewriting: pasted above lightly revised
    # above heavily revised.
    identical = frame.groupby("category")["identical"].mean()
    assert identical["cut"] > identical["light"] > identical["heavy"] > identical["non"]
    levels = frame["category"].map({"non": 0, "heavy": 1, "light": 2, "cut": 3})
    assert frame["identical"].corr(levels, method="spearman") >= 0.80
