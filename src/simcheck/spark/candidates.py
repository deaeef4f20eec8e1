"""Candidate pairs by joins, by ``batch``'s own rule (see
:meth:`simcheck.retrieve.Corpus.candidates`), with its statistics made by Spark:

- **shared fingerprints**: a submission's every shingle joined with a store's winnowed
  fingerprints; a fingerprint held by more documents of the store than
  :func:`~simcheck.fingerprint.df_cap` allows is set aside (a stock phrase);
- **sentence windows**: a submission's window signature words joined with the store's;
  a word in more of the store's windows than :func:`~simcheck.fingerprint.window_limit`
  allows is set aside (the topic); a pair of windows sharing
  :data:`~simcheck.fingerprint.MIN_SHARED_SIGNATURE` words makes a candidate.

Each (submission, source) pair is kept once, with the evidence ``batch`` ranks it by;
a student's own files, and a file's own copy in the corpus, are left out as ``batch``
leaves them out. The keys set aside are listed, with how many documents hold them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import CheckConfig
from ..fingerprint import MIN_SHARED_SIGNATURE, df_cap, window_limit

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def shared_fingerprints(
    queries: DataFrame, sources: DataFrame, documents: int, config: CheckConfig
) -> tuple[DataFrame, DataFrame]:
    """Pairs (``a``, ``b``, ``shared``: how many of ``a``'s shingles are fingerprints of
    ``b``), and the fingerprints set aside (``key``, ``documents``)."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    asked = queries.select(F.col("doc_id").alias("a"), F.explode("shingles").alias("key"))
    held = sources.select(F.col("doc_id").alias("b"), F.explode("prints").alias("key"))
    cap = df_cap(documents, config)
    spread = held.groupBy("key").agg(F.count("*").alias("documents"))
    if cap is None:
        common = spread.limit(0)
    else:
        common = spread.filter(F.col("documents") > cap)
        held = held.join(common.select("key"), "key", "left_anti")
    pairs = asked.join(held, "key").groupBy("a", "b").agg(F.count("*").alias("shared"))
    return pairs, common


def shared_windows(queries: DataFrame, sources: DataFrame) -> tuple[DataFrame, DataFrame, int]:
    """Pairs (``a``, ``b``, ``windows``: the most signature words one window of ``a``
    shares with one of ``b``), the words set aside (``key``, ``documents``: the windows
    holding them), and the limit. ``queries`` and ``sources`` are signature rows
    (``doc_id``, ``win``, ``term``)."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    limit = window_limit(sources.count())
    spread = sources.groupBy("term").agg(F.count("*").alias("documents"))
    common = spread.filter(F.col("documents") > limit)
    usable = sources.join(common.select("term"), "term", "left_anti")
    asked = queries.select(F.col("doc_id").alias("a"), F.col("win").alias("qwin"), "term")
    held = usable.select(F.col("doc_id").alias("b"), "win", "term")
    windows = (
        asked.join(held, "term")
        .groupBy("a", "qwin", "b", "win")
        .agg(F.count("*").alias("words"))
        .filter(F.col("words") >= MIN_SHARED_SIGNATURE)
        .groupBy("a", "b")
        .agg(F.max("words").alias("windows"))
    )
    return windows, common.withColumnRenamed("term", "key"), limit


def either(fingerprints: DataFrame, windows: DataFrame) -> DataFrame:
    """Each pair found by either kind of evidence, once, with both counts (0 for none)."""
    return fingerprints.join(windows, ["a", "b"], "full_outer").fillna(0, ["shared", "windows"])


def outside_own(
    pairs: DataFrame, queries: DataFrame, sources: DataFrame, *, classmates: bool, resubmitted: list[str]
) -> DataFrame:
    """``pairs`` without those ``batch`` leaves out: among classmates, a student's own
    files (the file itself among them); against a corpus, the file's own copy, the
    archived files the corpus names as the student's, and the archived copies of what a
    classmate hands in again (``resubmitted``)."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    a = queries.select(
        F.col("doc_id").alias("a"),
        F.col("student").alias("student_a"),
        F.col("filed_as").alias("filed_as_a"),
        F.col("realpath").alias("realpath_a"),
    )
    b = sources.select(
        F.col("doc_id").alias("b"),
        F.col("student").alias("student_b"),
        F.col("named_by").alias("named_by_b"),
        F.col("realpath").alias("realpath_b"),
    )
    joined = pairs.join(a, "a").join(b, "b")
    keep: Column
    if classmates:
        keep = F.col("student_a") != F.col("student_b")
    else:
        own_copy = (F.col("realpath_a") != "") & (F.col("realpath_a") == F.col("realpath_b"))
        archived = F.array_contains(F.col("named_by_b"), F.col("filed_as_a"))
        keep = ~own_copy & ~archived & ~F.col("b").isin(resubmitted)
    return joined.filter(keep).select("a", "b", "shared", "windows")
