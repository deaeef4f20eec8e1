"""Candidate pairs by joins, by ``batch``'s own rule (see
:meth:`simcheck.retrieve.Corpus.candidates`), with its statistics made by Spark:

- **shared fingerprints**: a submission's every shingle joined with a store's winnowed
  fingerprints; a fingerprint held by more documents of the store than
  :func:`~simcheck.fingerprint.df_cap` allows is set aside (a stock phrase);
- **sentence windows**: a submission's window signature words joined with the store's;
  a word in more of the store's windows than :func:`~simcheck.windows.window_limit`
  allows is set aside (the topic); a pair of windows sharing
  :data:`~simcheck.windows.MIN_SHARED_SIGNATURE` words makes a candidate, and
  among classmates so does one sharing :data:`~simcheck.windows.MIN_SHARED_PAIRS`
  pairs of words that few windows hold, or :data:`~simcheck.windows.MIN_RARE_PAIRS`
  that very few hold.

Each (submission, source) pair is kept once, with the evidence ``batch`` ranks it by;
a student's own files, and a file's own copy in the corpus, are left out as ``batch``
leaves them out. The keys set aside are listed, with how many documents hold them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..config import CheckConfig
from ..fingerprint import df_cap
from ..windows import (
    MIN_RARE_PAIRS,
    MIN_SHARED_PAIRS,
    MIN_SHARED_SIGNATURE,
    PAIR_LIMIT,
    pairs_needed,
    rare_pair_limit,
    window_limit,
)

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


def shared_windows(
    queries: DataFrame, sources: DataFrame, *, pairs: bool = False
) -> tuple[DataFrame, DataFrame, int]:
    """Pairs (``a``, ``b``, ``windows``: the most signature words one window of ``a``
    shares with one of ``b``), the words set aside (``key``, ``documents``: the windows
    holding them, ``kind``), and the limit. ``queries`` and ``sources`` are signature rows
    (``doc_id``, ``win``, ``term``). With ``pairs`` (a class), when the sources are many
    enough (:func:`~simcheck.windows.pairs_needed`), windows that share
    :data:`~simcheck.windows.MIN_SHARED_PAIRS` pairs of words held by few windows
    (or :data:`~simcheck.windows.MIN_RARE_PAIRS` held by very few) count too, as
    ``batch`` counts them among classmates (:func:`~simcheck.windows.passage_windows`);
    the pairs set aside are listed with the words."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    postings = sources.count()
    limit = window_limit(postings)
    windows, common = _windows_sharing(queries, sources, limit, MIN_SHARED_SIGNATURE)
    common = common.withColumn("kind", F.lit("window word"))
    if pairs and pairs_needed(postings):
        if queries is not sources:
            raise ValueError("pairs of window words are searched among the windows of one store")
        rare = (rare_pair_limit(postings), MIN_RARE_PAIRS)
        by_pairs, common_pairs = _pairs_sharing(sources, (PAIR_LIMIT, MIN_SHARED_PAIRS), rare)
        # As many words as the shared pairs imply: k words make k (k - 1) / 2 pairs.
        implied = F.floor((1 + F.sqrt(1 + 8 * F.col("windows"))) / 2).cast("long")
        windows = (
            windows.unionByName(by_pairs.withColumn("windows", implied))
            .groupBy("a", "b")
            .agg(F.max("windows").alias("windows"))
        )
        common = common.unionByName(common_pairs.withColumn("kind", F.lit("window word pair")))
    return windows, common.withColumnRenamed("term", "key"), limit


#: A window's number within its document, in the low bits of a long beside the
#: document's: pairs of windows are counted on two longs, not on names and numbers.
_WINDOW_BITS = 32


def _pairs_sharing(
    signed: DataFrame, counted: tuple[int, int], rare: tuple[int, int]
) -> tuple[DataFrame, DataFrame]:
    """Pairs of documents (``a``, ``b``, ``windows``: the most pairs of signature words
    one window of ``a`` shares with one of ``b``) among the documents of ``signed``
    (rows ``doc_id``, ``win``, ``term``), where a pair of windows shares at least
    ``least`` pairs of words held by no more than ``limit`` windows, for either
    (``limit``, ``least``) of ``counted`` and ``rare``; and the pairs set aside
    (``term``, ``documents``: held by more than ``counted``'s limit).

    Windows of one store share as many pairs of words either way round, so each pair of
    windows is counted once, from each key's sorted list of holders, and its documents
    are named both ways round after: the (key, holder, holder) rows are what grows
    fastest with the class, and here they are two longs."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    names = sorted(row.doc_id for row in signed.select("doc_id").distinct().toLocalIterator())
    numbers = signed.sparkSession.createDataFrame(list(enumerate(names)), "number long, doc_id string")
    window = F.shiftleft(F.col("number"), _WINDOW_BITS) + F.col("win")
    words = (
        signed.join(F.broadcast(numbers), "doc_id")
        .groupBy(window.alias("window"))
        .agg(F.array_sort(F.collect_list("term")).alias("words"))
    )
    # Each pair of a window's signature words, the smaller first, as one key.
    pairs = words.select("window", F.explode(_each_pair("words", F.xxhash64)).alias("term"))
    spread = pairs.groupBy("term").agg(
        F.count("*").alias("documents"), F.array_sort(F.collect_list("window")).alias("holders")
    )
    (limit, least), (rare_limit, rare_least) = counted, rare
    # The rare pairs are counted among those under the first limit: rare_pair_limit
    # never passes PAIR_LIMIT.
    common = spread.filter(F.col("documents") > limit).select("term", "documents")
    met = (
        spread.filter(F.col("documents").between(2, limit))
        .select("documents", F.explode(_each_pair("holders", F.struct)).alias("met"))
        .groupBy(F.col("met.x").alias("x"), F.col("met.y").alias("y"))
        .agg(
            F.count("*").alias("shared"),
            F.count_if(F.col("documents") <= rare_limit).alias("rare"),
        )
        # Whichever count is enough; the larger when both are (nulls are skipped).
        .select(
            "x",
            "y",
            F.greatest(
                F.when(F.col("shared") >= least, F.col("shared")),
                F.when(F.col("rare") >= rare_least, F.col("rare")),
            ).alias("shared"),
        )
        .filter(F.col("shared").isNotNull())
    )
    # Windows numbered in order of their documents: x < y puts a's number at most b's.
    found = (
        met.groupBy(F.shiftright("x", _WINDOW_BITS).alias("na"), F.shiftright("y", _WINDOW_BITS).alias("nb"))
        .agg(F.max("shared").alias("windows"))
        .filter(F.col("na") != F.col("nb"))
    )
    both = found.unionByName(found.select(F.col("nb").alias("na"), F.col("na").alias("nb"), "windows"))
    named = F.broadcast(numbers)
    return (
        both.join(named.select(F.col("number").alias("na"), F.col("doc_id").alias("a")), "na")
        .join(named.select(F.col("number").alias("nb"), F.col("doc_id").alias("b")), "nb")
        .select("a", "b", "windows"),
        common,
    )


def _each_pair(column: str, make: Callable[..., Column]) -> Column:
    """``make(x, y)`` for every two elements ``x`` before ``y`` of the sorted array
    ``column``, in one array."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    items = F.col(column)
    return F.flatten(
        F.transform(
            items,
            lambda x, at: F.transform(
                F.slice(items, at + 2, F.size(items) - at - 1),
                lambda y: make(x.alias("x"), y.alias("y")),
            ),
        )
    )


def _windows_sharing(
    queries: DataFrame, sources: DataFrame, limit: int, least: int
) -> tuple[DataFrame, DataFrame]:
    """Pairs (``a``, ``b``, ``windows``: the most keys one window of ``a`` shares with
    one of ``b``, at least ``least``) by keys held by no more than ``limit`` windows,
    and the keys set aside (``term``, ``documents``)."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    spread = sources.groupBy("term").agg(F.count("*").alias("documents"))
    common = spread.filter(F.col("documents") > limit)
    usable = sources.join(common.select("term"), "term", "left_anti")
    asked = queries.select(F.col("doc_id").alias("a"), F.col("win").alias("qwin"), "term")
    held = usable.select(F.col("doc_id").alias("b"), "win", "term")
    windows = (
        asked.join(held, "term")
        .groupBy("a", "qwin", "b", "win")
        .agg(F.count("*").alias("words"))
        .filter(F.col("words") >= least)
        .groupBy("a", "b")
        .agg(F.max("words").alias("windows"))
    )
    return windows, common


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
