"""Accuracy on Clough & Stevenson (2011), read from ../shared/data (skipped when absent)."""

from __future__ import annotations

from conftest import shared_path
from simcheck.evaluation.clough import best_threshold, clough_similarities, score_threshold


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
