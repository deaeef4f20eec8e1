"""``allpairs``: every submission against every other student's and a corpus, as
``batch`` compares them, in Spark DataFrame steps that call simcheck's own code.

Stages, each written under ``OUTPUT/stages`` (see :mod:`.stages`)::

    1-load           files read in executors (batch's loader); unreadable ones listed
    2-prepare        tokens once per text: shingles, fingerprints, words, windows' words
    3-frequencies    document frequency of every word, per store (a Spark aggregate)
    4-signatures     window signature words, weighed by those frequencies (broadcast)
    5-common-keys    fingerprints, window words and their pairs set aside as too common
    6-candidates     pairs by joins on those keys, each kept once, own files left out
    7-align          each submission aligned with its candidates and settled, as batch does
    8-mirror         submissions aligned again with the classmates whose checks found them
                     when theirs did not (pipeline.with_mirrored), as batch does

then ``batch``'s reports (report.html, report.json, the CSV tables) and ``documents``,
``pairs`` and ``matches`` as Parquet (:mod:`.output`).
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..common_text import held_by_more_students
from ..config import CheckConfig
from ..errors import JobError
from ..index import masked_url
from ..load import MAX_FILE_BYTES
from ..models import Document
from ..pipeline import describe_inputs, mirrored_pairs
from ..review import SetAside
from .candidates import either, outside_own, shared_fingerprints, shared_windows
from .output import Written, class_inputs, write_outputs
from .session import quiet_pyspark_warnings, start, translated
from .sources import export_index, is_index, is_local, local_path, read_source
from .stages import STAGE_NAMES, Say, Stages, Stopped
from .work import (
    ALIGNED,
    PREPARED,
    SIGNED,
    ClassStats,
    Frequencies,
    align_group,
    prepare,
    sign_windows,
    unsigned,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Columns a prepared row carries from loading and naming to the later stages.
CARRIED = (
    "store string, student string, filed_as string, named_by array<string>, "
    "path string, realpath string, text string"
)


@dataclass(frozen=True)
class Job:
    """One allpairs job: where its inputs are, where it writes, and its settings."""

    source: str
    output: Path
    corpus: str | None = None
    config: CheckConfig = CheckConfig()
    max_bytes: int = MAX_FILE_BYTES
    templates: tuple[str, ...] = ()
    class_list: tuple[tuple[str, str], ...] = ()
    set_aside: SetAside = SetAside()

    def record(self) -> dict[str, Any]:
        """What the job's stages depend on (see :class:`~.stages.Stages`)."""
        corpus = local_path(self.corpus) if self.corpus is not None else None
        return {
            "source": local_path(self.source),
            "corpus": corpus,
            # The prompt's text, not its file name: a changed prompt is another job.
            "templates": [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in self.templates],
            "class_list": [list(entry) for entry in self.class_list],
            "set_aside": self.set_aside.to_dict(),
            "settings": self.config.to_dict(),
            "max_bytes": self.max_bytes,
            "version": __version__,
            # The version stays the same from one commit to the next: a stage made by
            # other code is another job's, even with the same inputs and settings.
            "code": own_code_digest(),
        }

    def provenance(self, corpus_documents: int) -> dict[str, Any]:
        """What the reports say of the inputs (:func:`~simcheck.pipeline.describe_inputs`):
        the corpus as given, its password masked, and each template's sha256 (of its
        text: a job is given the prompts' texts, not their files)."""
        corpus = None
        if self.corpus is not None:
            count = f"{corpus_documents} document{'' if corpus_documents == 1 else 's'}"
            corpus = f"{masked_url(self.corpus)} ({count})"
        templates = [Document(f"template {number}", text) for number, text in enumerate(self.templates, 1)]
        return describe_inputs(corpus, templates)


#: simcheck's own package folder.
_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def own_code_digest() -> str:
    """The :func:`code_digest` of this simcheck, found once per process."""
    return code_digest(_PACKAGE)


def code_digest(package: Path) -> str:
    """A digest of the source files and templates under ``package`` (what the stages'
    answers depend on besides the inputs and settings)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".html", ".css", ".js")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def allpairs(
    source: str,
    output: str | Path,
    *,
    master: str = "local[*]",
    corpus: str | None = None,
    config: CheckConfig | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    templates: Sequence[str] = (),
    class_list: Mapping[str, str] | None = None,
    set_aside: SetAside | None = None,
    partitions: int = 64,
    driver_memory: str = "4g",
    say: Say | None = None,
    spark: SparkSession | None = None,
    stop_after: str | None = None,
) -> Written:
    """Compare every submission under ``source`` with every other student's (and with
    ``corpus``) on Spark, writing stages and reports under ``output``; a rerun resumes
    after the last finished stage. ``spark``: a running session to use (else one is
    started on ``master`` and stopped at the end). ``templates``: the texts of the
    assignment prompt and other given text, not counted where a submission repeats them
    (as ``batch --template``); ``class_list`` and ``set_aside`` as ``compare_batch``
    takes them. ``stop_after``: the name of a stage (see :data:`~.stages.STAGE_NAMES`)
    after which the job stops, its reports unwritten (``Written.stopped_after``): how
    many candidate pairs the align stage faces is known after ``6-candidates``."""
    job = Job(
        source,
        Path(output).absolute(),
        corpus,
        config or CheckConfig(),
        max_bytes,
        tuple(templates),
        tuple(sorted((class_list or {}).items())),
        set_aside or SetAside(),
    )
    if stop_after is not None and stop_after not in STAGE_NAMES:
        raise JobError(f"no stage {stop_after!r} to stop after; give one of {', '.join(STAGE_NAMES)}")
    kinds = {source: "a folder, a zip or Parquet files"}
    if corpus is not None:
        kinds[corpus] = "a folder, a zip, Parquet files or an index"
    for given, kind in kinds.items():
        # A local path that is not there is said before Spark takes seconds to start.
        if is_local(given) and not Path(given.removeprefix("file://")).exists() and "*" not in given:
            raise JobError(f"{given}: no such folder or file; give {kind}")
    session = (
        spark if spark is not None else start(master, partitions=partitions, driver_memory=driver_memory)
    )
    try:
        with translated(), warnings.catch_warnings():
            quiet_pyspark_warnings()
            return _run(session, job, say or (lambda line: None), stop_after)
    finally:
        if spark is None:
            session.stop()


def _run(spark: SparkSession, job: Job, say: Say, stop_after: str | None) -> Written:
    stages = Stages(spark, job.output, job.record(), say, stop_after)
    try:
        return _stages(spark, job, stages, say)
    except Stopped as stopped:
        return Written([], None, dict(stages.seconds), stopped_after=stopped.stage)


def _stages(spark: SparkSession, job: Job, stages: Stages, say: Say) -> Written:
    loaded = stages.run("1-load", lambda: _loaded(spark, job), "files")
    inputs = class_inputs(spark, loaded, job.config, dict(job.class_list))
    config = job.config.replace(common_threshold=inputs.common_threshold)
    prepared = stages.run("2-prepare", lambda: _prepared(spark, loaded, inputs.names, config), "documents")
    counted = stages.run("3-frequencies", lambda: _frequencies(prepared), "words")
    frequencies = _collected(counted, prepared)
    signed_rows = stages.run(
        "4-signatures", lambda: _signatures(spark, prepared, frequencies), "signature words"
    )
    stores = ["class"] + (["corpus"] if "corpus" in frequencies else [])
    parts = {store: _candidate_parts(prepared, signed_rows, store, frequencies, config) for store in stores}
    common = stages.run("5-common-keys", lambda: _common_keys(parts), "keys")
    resubmitted = inputs.resubmitted(spark, loaded)
    candidates = stages.run("6-candidates", lambda: _candidates(prepared, parts, resubmitted), "pairs")
    stats = ClassStats(
        config,
        frequencies["class"],
        frequencies.get("corpus"),
        inputs.common_threshold,
        job.templates,
        job.set_aside,
        _widely_held(common, prepared, inputs.students, inputs.common_threshold),
    )
    aligned = stages.run("7-align", lambda: _aligned(spark, prepared, candidates, stats), "records")
    again = stages.run("8-mirror", lambda: _mirrored(spark, prepared, candidates, aligned, stats), "records")
    redone = again.select("submission").distinct()
    settled = aligned.join(redone, "submission", "left_anti").unionByName(again)
    provenance = job.provenance(len(inputs.corpus_ids))
    return write_outputs(job.output, settled, loaded, inputs, config, job.set_aside, provenance, stages, say)


def _loaded(spark: SparkSession, job: Job) -> DataFrame:
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    skip = [str(job.output)]
    rows = read_source(spark, job.source, class_inputs=True, skip=skip, max_bytes=job.max_bytes)
    rows = rows.withColumn("store", F.lit("class"))
    if job.corpus is not None:
        given = job.corpus
        if is_index(given):
            # The texts an index stores, under its names, as batch --corpus INDEX reads them.
            exported = job.output / "stages" / "corpus-index.parquet"
            export_index(given, exported)
            given = str(exported)
        # As batch reads a corpus folder: its own size limit, no list of unsupported files.
        corpus = read_source(spark, given, class_inputs=False, skip=skip)
        rows = rows.unionByName(corpus.withColumn("store", F.lit("corpus")))
    return rows


def _prepared(spark: SparkSession, loaded: DataFrame, names: DataFrame, config: CheckConfig) -> DataFrame:
    """Every readable document, named (student, and the students its name may name) and
    prepared once in an executor."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    readable = loaded.filter(F.col("error").isNull() & F.col("text").isNotNull())
    named = readable.join(names, ["store", "doc_id"], "left")
    carried = [column.split(" ")[0] for column in CARRIED.split(", ")]
    columns = named.select("store", "student", "filed_as", "named_by", "path", "text", "doc_id")
    parts = max(1, spark.sparkContext.defaultParallelism * 4)
    return columns.repartition(parts).mapInPandas(
        lambda frames: prepare(frames, config, carried), f"{CARRIED}, {PREPARED}"
    )


def _frequencies(prepared: DataFrame) -> DataFrame:
    """How many documents of each store hold each content word."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    words = prepared.select("store", F.explode("terms").alias("term"))
    return words.groupBy("store", "term").agg(F.count("*").alias("df"))


def _collected(counted: DataFrame, prepared: DataFrame) -> dict[str, Frequencies]:
    """The word frequencies of each store, gathered to be sent to every executor."""
    documents = {row["store"]: row["count"] for row in prepared.groupBy("store").count().collect()}
    found = {}
    for store, total in documents.items():
        # Rows, not toPandas: pyspark's Arrow conversion trips on pandas 3's deprecations.
        rows = counted.filter(counted["store"] == store).select("term", "df").collect()
        terms = unsigned([row["term"] for row in rows])
        df = np.array([row["df"] for row in rows], dtype=np.int64)
        order = np.argsort(terms, kind="stable")
        found[store] = Frequencies(terms[order], df[order], int(total))
    return found


def _signatures(spark: SparkSession, prepared: DataFrame, frequencies: dict[str, Frequencies]) -> DataFrame:
    """Window signature rows of each store's documents (``role`` source), weighed by the
    store's own frequencies; against a corpus, the class's windows again as queries, by
    the corpus's frequencies (a word the corpus lacks weighs nothing), as ``batch`` does."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    shared = spark.sparkContext.broadcast(frequencies)

    def signed(store: str, role: str, weigh: Callable[[], Callable[[np.ndarray], np.ndarray]]) -> DataFrame:
        rows = prepared.filter(F.col("store") == ("class" if role == "query" else store))
        rows = rows.select("doc_id", "wwin", "wterm", "wcount")
        made = rows.mapInPandas(lambda frames: sign_windows(frames, weigh), SIGNED)
        return made.withColumn("store", F.lit(store)).withColumn("role", F.lit(role))

    rows = signed("class", "source", lambda: shared.value["class"].idf)
    if "corpus" in frequencies:
        rows = rows.unionByName(signed("corpus", "source", lambda: shared.value["corpus"].idf))
        rows = rows.unionByName(signed("corpus", "query", lambda: shared.value["corpus"].known_idf))
    return rows


@dataclass
class _Parts:
    """One store's candidate evidence, as DataFrames not yet computed."""

    fingerprints: DataFrame
    windows: DataFrame
    common: DataFrame


def _candidate_parts(
    prepared: DataFrame,
    signed: DataFrame,
    store: str,
    frequencies: dict[str, Frequencies],
    config: CheckConfig,
) -> _Parts:
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    queries = prepared.filter((F.col("store") == "class") & (F.col("words") > 0))
    sources = prepared.filter(F.col("store") == store)
    prints, common_prints = shared_fingerprints(queries, sources, frequencies[store].documents, config)
    held = signed.filter((F.col("store") == store) & (F.col("role") == "source")).select(
        "doc_id", "win", "term"
    )
    # A class asks with its own windows: the same rows, which shared_windows pairs once.
    asked = (
        held
        if store == "class"
        else signed.filter((F.col("store") == store) & (F.col("role") == "query")).select(
            "doc_id", "win", "term"
        )
    )
    windows, common_words, _ = shared_windows(asked, held, pairs=store == "class")
    common = common_prints.withColumn("kind", F.lit("fingerprint")).unionByName(common_words)
    return _Parts(prints, windows, common.withColumn("store", F.lit(store)))


def _widely_held(
    common: DataFrame, prepared: DataFrame, students: dict[str, str], threshold: int
) -> np.ndarray:
    """The class's fingerprints set aside as held by too many of its documents that more
    than ``threshold`` students hold, sorted: few (the prompt, stock phrases), gathered
    to settle every submission as batch does."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    capped = common.filter((F.col("store") == "class") & (F.col("kind") == "fingerprint")).select("key")
    held = prepared.filter(F.col("store") == "class").select("doc_id", F.explode("prints").alias("key"))
    rows = held.join(capped, "key").collect()
    keys = unsigned([row["key"] for row in rows])
    return held_by_more_students(keys, (students[row["doc_id"]] for row in rows), threshold)


def _common_keys(parts: dict[str, _Parts]) -> DataFrame:
    rows = [part.common for part in parts.values()]
    found = rows[0]
    for more in rows[1:]:
        found = found.unionByName(more)
    return found


def _candidates(prepared: DataFrame, parts: dict[str, _Parts], resubmitted: list[str]) -> DataFrame:
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    found = None
    for store, part in parts.items():
        queries = prepared.filter(F.col("store") == "class")
        sources = prepared.filter(F.col("store") == store)
        pairs = outside_own(
            either(part.fingerprints, part.windows),
            queries,
            sources,
            classmates=store == "class",
            resubmitted=resubmitted,
        ).withColumn("store", F.lit(store))
        found = pairs if found is None else found.unionByName(pairs)
    assert found is not None
    return found


def _mirrored(
    spark: SparkSession, prepared: DataFrame, candidates: DataFrame, aligned: DataFrame, stats: ClassStats
) -> DataFrame:
    """The submissions whose classmates' checks found passages of them when their own
    did not find those classmates, aligned and settled again with those classmates
    besides their candidates (:func:`~simcheck.pipeline.with_mirrored`)."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    classmates = prepared.filter(F.col("store") == "class").select(F.col("doc_id").alias("source"))
    found = (
        aligned.filter(F.col("record") == "source")
        .select("submission", F.get_json_object("payload", "$.source").alias("source"))
        .join(classmates, "source", "left_semi")
    )
    # A pair per flagged pair of classmates, at most: few enough for the driver.
    again = mirrored_pairs((row.submission, row.source) for row in found.toLocalIterator())
    rows = [(submission, "class", other) for submission, others in again.items() for other in others]
    pairs = spark.createDataFrame(rows, "a string, store string, b string")
    mirror = pairs.withColumn("mirrored", F.lit(True))
    theirs = candidates.join(mirror.select("a"), "a", "left_semi")
    marked = theirs.join(mirror, ["a", "store", "b"], "full_outer").fillna(0, ["shared", "windows"])
    redone = mirror.select(F.col("a").alias("submission"))
    return _aligned(spark, prepared, marked.fillna(False, ["mirrored"]), stats, redone)


def _aligned(
    spark: SparkSession,
    prepared: DataFrame,
    candidates: DataFrame,
    stats: ClassStats,
    submissions: DataFrame | None = None,
) -> DataFrame:
    """Each submission (of ``submissions``, or all) with its candidates' texts, grouped,
    aligned and settled in an executor (:func:`~.work.align_group`). ``candidates`` may
    mark some ``mirrored``."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    if "mirrored" not in candidates.columns:
        candidates = candidates.withColumn("mirrored", F.lit(False))
    documents = prepared.select("store", "doc_id", "text", "path", "student")
    sources = candidates.join(documents.withColumnRenamed("doc_id", "b"), ["store", "b"]).select(
        F.col("a").alias("submission"),
        F.col("store").alias("role"),
        F.col("b").alias("doc_id"),
        "text",
        "path",
        "student",
        "shared",
        "windows",
        "mirrored",
    )
    own = documents.filter(F.col("store") == "class").select(
        F.col("doc_id").alias("submission"),
        F.lit("self").alias("role"),
        "doc_id",
        "text",
        "path",
        "student",
        F.lit(0).cast("bigint").alias("shared"),
        F.lit(0).cast("bigint").alias("windows"),
        F.lit(False).alias("mirrored"),
    )
    if submissions is not None:
        own = own.join(submissions, "submission", "left_semi")
    shared = spark.sparkContext.broadcast(stats)
    grouped = own.unionByName(sources).groupBy("submission")
    return grouped.applyInPandas(lambda frame: align_group(frame, shared.value), ALIGNED)
