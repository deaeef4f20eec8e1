"""``simcheck spark``: bulk jobs on Apache Spark (the optional extra ``simcheck[spark]``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..load import load_document
from ..review import read_class_list
from ..spark.stages import STAGE_NAMES
from .common import (
    class_list_option,
    config_from,
    config_options,
    echo_listed,
    max_bytes_option,
    open_corpus,
    passed_over_heading,
    running,
    set_aside_from,
    set_aside_options,
    template_option,
    unreadable_heading,
    warn_unused,
)


@click.group()
def spark() -> None:
    """Bulk jobs on Apache Spark, for classes too big for one machine.

    Needs the optional extra (pip install 'simcheck[spark]') and a Java 17+ runtime.
    """


@spark.command()
@click.argument("source")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the stages (kept, so a rerun resumes) and for batch's reports (report.html, "
    "report.json, the CSV tables), with documents, pairs and matches also as Parquet.",
)
@click.option(
    "--master",
    default="local[*]",
    show_default=True,
    help="Spark master URL: local[*], local[N], spark://HOST:PORT, yarn or k8s://URL.",
)
@click.option(
    "--corpus",
    "-c",
    help="Known sources as well: a folder, a zip, Parquet files (doc_id, text), an index "
    "file or a postgresql:// archive, compared with every submission as batch --corpus does.",
)
@click.option(
    "--partitions",
    type=click.IntRange(1),
    default=64,
    show_default=True,
    help="Spark's shuffle partitions: more for millions of essays or little executor memory.",
)
@click.option(
    "--driver-memory",
    default="4g",
    show_default=True,
    help="Heap of Spark's driver JVM (in local mode, where the executors run too).",
)
@click.option(
    "--stop-after",
    type=click.Choice(STAGE_NAMES),
    help="Stop once this stage is written, without reports (6-candidates tells how many pairs "
    "the align stage faces); the same command without it goes on from there.",
)
@template_option
@set_aside_options
@class_list_option
@max_bytes_option("submission or template file")
@config_options(batch=True)
def allpairs(
    source: str,
    output: Path,
    master: str,
    corpus: str | None,
    partitions: int,
    driver_memory: str,
    stop_after: str | None,
    templates: tuple[Path, ...],
    exclude_sources: tuple[str, ...],
    allow_list: Path | None,
    class_list: Path | None,
    max_bytes: int,
    **options: Any,
) -> None:
    """Compare every submission with every other student's (and with --corpus) on Spark,
    with the same answers as batch.

    SOURCE is a folder, a zip, or Parquet or other files on any path Spark reads
    (hdfs://, s3a://). Each stage writes under --output and prints one line; a rerun
    after a crash skips the finished stages.

    \b
    Example:
      simcheck spark allpairs exam-essays/ --output reports/exam --master local[4]
    """
    config = config_from(options)
    set_aside = set_aside_from(exclude_sources, allow_list)
    started = time.perf_counter()
    with running():
        if corpus is not None:
            store = open_corpus(corpus, options)
            if not isinstance(store, str):
                # An index brings its own settings, with the user's on top, as in batch.
                config = store.config
                store.close()
        # pyspark and the job's numpy work: only when a job runs
        from ..spark.session import require_pyspark

        require_pyspark()
        from ..spark import allpairs as run_job  # numpy and the batch code: only when a job runs

        written = run_job(
            source,
            output,
            master=master,
            corpus=corpus,
            config=config,
            max_bytes=max_bytes,
            # Read here, as batch reads them: a prompt is a file on this machine.
            templates=[load_document(t, max_bytes=max_bytes).text for t in templates],
            class_list=read_class_list(class_list) if class_list is not None else None,
            set_aside=set_aside,
            partitions=partitions,
            driver_memory=driver_memory,
            say=lambda line: click.echo(line, err=True),
            stop_after=stop_after,
        )
    result = written.result
    if result is None:
        click.echo(
            f"Stopped after {written.stopped_after}, as asked: its rows are in {output / 'stages'}; "
            "the same command without --stop-after goes on from there",
            err=True,
        )
        return
    echo_listed(unreadable_heading(len(result.errors)), [str(error) for error in result.errors])
    echo_listed(passed_over_heading(len(result.passed_over)), [str(note) for note in result.passed_over])
    warn_unused(set_aside, result.result.matches, result.students)
    click.echo(f"Wrote {', '.join(str(path) for path in written.files)}", err=True)
    click.echo(f"Done in {time.perf_counter() - started:.1f} s", err=True)
