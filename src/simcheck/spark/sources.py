"""Where a bulk job's documents come from, as one DataFrame of loaded rows (``doc_id``,
``path``, ``text`` or ``error``, and ``own`` for simcheck's own reports, passed over):

- a local folder: listed here as ``batch`` lists it (the same files, the same names, the
  same notes on links, unsupported files and simcheck's own reports), each file read in
  an executor by ``batch``'s loader;
- a local zip: read here by ``batch``'s zip reader (one file; its checks of hostile
  members need the whole archive);
- Parquet (a path ending in ``.parquet``, or a folder of it): columns ``doc_id`` and
  ``text`` (``path`` optional), read by Spark wherever it can read;
- any other path Spark can read (``hdfs://``, ``s3a://``, a glob): every file under it
  as bytes, decoded by ``batch``'s loader in an executor, named by its path below the one
  given;
- as a corpus, a simcheck index file or a PostgreSQL archive's URL: its stored texts,
  under the names it stores them by, exported by the driver to Parquet beside the
  job's stages (:func:`export_index`) and read from there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..archive import load_zip
from ..errors import CorpusError, InputError, JobError, OwnReport
from ..index import Index, masked_url, names_an_index
from ..load import MAX_FILE_BYTES, folder_listing
from .work import LOADED, load_blobs, load_files

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Columns of the load stage.
COLUMNS = ["doc_id", "path", "text", "error", "own"]


def is_local(source: str) -> bool:
    """Whether ``source`` names a path on this machine (no URL scheme)."""
    return "://" not in source or source.startswith("file://")


def read_source(
    spark: SparkSession, source: str, *, class_inputs: bool, skip: list[str], max_bytes: int = MAX_FILE_BYTES
) -> DataFrame:
    """The loaded rows of ``source``. ``class_inputs`` lists unsupported files as
    unreadable (``batch``'s submissions do; a corpus folder, as ``batch`` reads it, does
    not); the folders of ``skip`` (the job's output) are never read."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    local = source.removeprefix("file://")
    if is_local(source) and not source.rstrip("/").endswith(".parquet") and not _is_glob(source):
        path = Path(local)
        if path.is_dir():
            return _folder(spark, path, class_inputs=class_inputs, skip=skip, max_bytes=max_bytes)
        if path.is_file() and path.suffix.lower() == ".zip":
            return _zip(spark, path, max_bytes)
        if not path.exists():
            raise JobError(f"{source}: no such folder or file; give a folder, a zip or Parquet files")
    if source.rstrip("/").endswith(".parquet"):
        frame = spark.read.parquet(source)
        missing = {"doc_id", "text"} - set(frame.columns)
        if missing:
            raise JobError(
                f"{source}: Parquet without the column(s) {', '.join(sorted(missing))}; give doc_id and text"
            )
        path_column = F.col("path") if "path" in frame.columns else F.lit("")
        return frame.select(
            F.col("doc_id").cast("string"),
            path_column.cast("string").alias("path"),
            F.col("text").cast("string"),
            F.lit(None).cast("string").alias("error"),
            F.lit(False).alias("own"),
        )
    return _blobs(spark, source, max_bytes)


def _is_glob(source: str) -> bool:
    return any(sign in source for sign in "*?[")


def _rows(spark: SparkSession, rows: list[tuple[str, str, str | None, str | None, bool]]) -> DataFrame:
    return spark.createDataFrame(rows, "doc_id string, path string, text string, error string, own boolean")


def _noted(errors: list[InputError]) -> list[tuple[str, str, str | None, str | None, bool]]:
    """The errors and notes of a listing as rows (a note on simcheck's own report is ``own``)."""
    return [(e.path, "", None, e.reason, isinstance(e, OwnReport)) for e in errors]


def _folder(
    spark: SparkSession, root: Path, *, class_inputs: bool, skip: list[str], max_bytes: int
) -> DataFrame:
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    files, errors = folder_listing(root, skip=skip, unsupported=class_inputs)
    listed = spark.createDataFrame(
        [(str(path), doc_id, str(root)) for path, doc_id in files] or [("", "", "")],
        "path string, doc_id string, root string",
    ).filter(F.col("doc_id") != "")
    # Small rows, much work each: spread over every core, not one partition per listing.
    parts = max(1, min(len(files), spark.sparkContext.defaultParallelism * 4))
    loaded = listed.repartition(parts).mapInPandas(lambda frames: load_files(frames, max_bytes), LOADED)
    return loaded.withColumn("own", F.lit(False)).unionByName(_rows(spark, _noted(errors)))


def _zip(spark: SparkSession, path: Path, max_bytes: int) -> DataFrame:
    documents, errors = load_zip(path, max_bytes=max_bytes)
    rows: list[tuple[str, str, str | None, str | None, bool]] = [
        (d.doc_id, d.path or "", d.text, None, False) for d in documents
    ]
    return _rows(spark, rows + _noted(errors))


def _blobs(spark: SparkSession, source: str, max_bytes: int) -> DataFrame:
    """Every file under a path Spark reads, as bytes, named below the path given."""
    from pyspark.sql import functions as F  # the optional extra: only when a job runs

    found = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(source)
    # Named below the folder given (a glob's folder): what batch names a file by.
    base = source.rstrip("/")
    if _is_glob(base):
        base = base[: min(base.find(sign) for sign in "*?[" if sign in base)].rpartition("/")[0]
    where = base.split("://", 1)[-1] + "/"
    named = found.select(
        F.regexp_replace(F.col("path"), "^.*?" + _escaped(where), "").alias("doc_id"),
        F.col("content"),
    )
    loaded = named.mapInPandas(lambda frames: load_blobs(frames, max_bytes), LOADED)
    return loaded.withColumn("own", F.lit(False))


def _escaped(text: str) -> str:
    """``text`` as a Java regular expression matching it literally."""
    return "\\Q" + text + "\\E"


def local_path(source: str) -> str:
    """``source`` as a local path when it is one, a URL with its password masked (for
    the job's record of its inputs and the reports' provenance)."""
    return os.path.abspath(source.removeprefix("file://")) if is_local(source) else masked_url(source)


def is_index(source: str) -> bool:
    """Whether ``source`` is a simcheck index file or a PostgreSQL archive's URL."""
    return names_an_index(source.removeprefix("file://"))


#: Texts read from an index per Parquet row group while exporting it.
_EXPORT_BATCH = 500


def export_index(source: str, target: Path) -> int:
    """Write every text the index ``source`` stores to the Parquet file ``target``
    (columns ``doc_id`` and ``text``, as :func:`read_source` reads them), a few hundred
    at a time, whole or not at all; the number of documents written."""
    import pyarrow as pa  # the optional extra: only when a job runs
    import pyarrow.parquet as pq

    schema = pa.schema([("doc_id", pa.string()), ("text", pa.string())])
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with Index(source) as index, pq.ParquetWriter(partial, schema) as writer:
            names: list[str] = []
            texts: list[str] = []
            for document in index.stored_documents(_EXPORT_BATCH):
                names.append(document.doc_id)
                texts.append(document.text)
                if len(names) == _EXPORT_BATCH:
                    writer.write_table(pa.table([names, texts], schema=schema))
                    written, names, texts = written + len(names), [], []
            if names or not written:
                writer.write_table(pa.table([names, texts], schema=schema))
                written += len(names)
    except CorpusError as exc:
        partial.unlink(missing_ok=True)
        raise JobError(f"{exc}; give a readable index, a folder or Parquet files as --corpus") from None
    os.replace(partial, target)
    return written
