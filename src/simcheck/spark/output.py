"""What a job knows of the class as a whole, made on the driver from names alone (never
texts): each file's student, the common-text threshold, the unreadable files; and the
job's reports, written by ``batch``'s own writer (report.html, report.json and the CSV
tables, the same columns, order and bytes), with ``documents``, ``pairs`` and
``matches`` as Parquet beside them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch import archived_resubmissions, class_result
from ..batch_result import BatchResult
from ..config import CheckConfig
from ..errors import InputError, JobError, OwnReport
from ..models import Document, DocumentSummary, Match
from ..report.files import write_reports
from ..review import SetAside
from ..students import keys_by_student, named_students, students_named_by, students_of
from ..tables import Table
from .stages import Say, Stages
from .work import Candidates, Frequencies, match_of, source_of

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: The reports also written as NAME.parquet, for the data tools a bulk job feeds.
PARQUET_REPORTS = ("documents", "pairs", "matches")


@dataclass
class ClassInputs:
    """The class's and the corpus's files by name: who wrote each, what was unreadable."""

    doc_ids: list[str]
    students: dict[str, str]
    filed_as: dict[str, str]
    corpus_ids: list[str]
    errors: list[InputError]
    passed_over: list[InputError]
    corpus_errors: list[InputError]
    common_threshold: int
    names: DataFrame = field(repr=False)

    def resubmitted(self, spark: SparkSession, loaded: DataFrame) -> list[str]:
        """The corpus files a student of the class hands in again word for word (see
        :func:`~simcheck.batch.archived_resubmissions`): only the few the corpus names
        as a student of the class are read."""
        archived = keys_by_student(enumerate(self.corpus_ids))
        named = {key for student in set(self.filed_as.values()) for key in archived.get(student, [])}
        if not named:
            return []
        wanted = [self.corpus_ids[key] for key in sorted(named)] + list(self.filed_as)
        texts = texts_named(loaded, wanted)
        stored = [Document(doc_id, texts.get(("corpus", doc_id), "")) for doc_id in self.corpus_ids]
        mine = [Document(d, texts[("class", d)]) for d in self.doc_ids if ("class", d) in texts]
        store = Candidates(stored, Frequencies.empty(), "english", member=False)
        return [self.corpus_ids[key] for key in archived_resubmissions(mine, self.filed_as, archived, store)]


def class_inputs(
    spark: SparkSession, loaded: DataFrame, config: CheckConfig, class_list: Mapping[str, str] | None = None
) -> ClassInputs:
    """The class's names gathered to the driver (strings only, no texts) and named as
    ``batch`` names them (by ``class_list`` where it knows a student's ID), then sent
    back as a small table to join."""
    rows = loaded.select("store", "doc_id", "error", "own").collect()
    doc_ids = sorted(r["doc_id"] for r in rows if r["store"] == "class" and r["error"] is None)
    corpus_ids = sorted(r["doc_id"] for r in rows if r["store"] == "corpus" and r["error"] is None)
    notes = {
        store: sorted(
            (
                OwnReport(r["doc_id"], r["error"]) if r["own"] else InputError(r["doc_id"], r["error"])
                for r in rows
                if r["store"] == store and r["error"] is not None
            ),
            key=lambda e: e.path,
        )
        for store in ("class", "corpus")
    }
    errors = [e for e in notes["class"] if not isinstance(e, OwnReport)]
    passed_over: list[InputError] = [e for e in notes["class"] if isinstance(e, OwnReport)]
    if not doc_ids:
        raise JobError(
            f"no readable submissions ({len(errors)} unreadable); "
            "give a folder, a zip or Parquet files of essays"
        )
    everyone = doc_ids + [e.path for e in errors]
    students, filed_as = named_students(everyone, class_list), students_of(everyone)
    named: list[tuple[str, str, str | None, str | None, list[str]]] = [
        ("class", d, students[d], filed_as[d], []) for d in doc_ids
    ]
    named += [("corpus", d, None, None, sorted(students_named_by(d))) for d in corpus_ids]
    schema = "store string, doc_id string, student string, filed_as string, named_by array<string>"
    return ClassInputs(
        doc_ids,
        students,
        filed_as,
        corpus_ids,
        errors,
        passed_over,
        notes["corpus"],
        config.common_threshold_for(len(set(students.values()))),
        spark.createDataFrame(named, schema),
    )


@dataclass(frozen=True)
class Written:
    """What a job wrote: its reports, and counts for the last line; or, for a job
    stopped after a stage, no reports and that stage's name."""

    files: list[Path]
    result: BatchResult | None
    seconds: dict[str, float]
    stopped_after: str | None = None


def write_outputs(
    output: Path,
    aligned: DataFrame,
    loaded: DataFrame,
    inputs: ClassInputs,
    config: CheckConfig,
    set_aside: SetAside,
    provenance: dict[str, Any],
    stages: Stages,
    say: Say,
) -> Written:
    """The class's result from the align stage's records (see
    :func:`~simcheck.batch.class_result`), written as ``batch`` writes its reports, and
    the three tables as Parquet. ``provenance`` is what the reports say of the inputs
    (see :func:`~simcheck.pipeline.describe_inputs`)."""
    # Rows, not toPandas: pyspark's Arrow conversion trips on pandas 3's deprecations.
    records = [(row["submission"], row["record"], row["payload"]) for row in aligned.toLocalIterator()]
    summaries = {s: DocumentSummary(**_json(p)) for s, kind, p in records if kind == "summary"}
    matches = [match_of(p) for _, kind, p in records if kind == "match"]
    sources = [source_of(p) for _, kind, p in records if kind == "source"]
    result = class_result(
        [summaries[d] for d in inputs.doc_ids],
        matches,
        sources,
        doc_ids=inputs.doc_ids,
        students=inputs.students,
        errors=inputs.errors,
        corpus_errors=inputs.corpus_errors,
        config=config,
        texts=_passage_texts(loaded, matches),
        inputs=provenance,
        set_aside=set_aside,
    )
    result = replace(result, passed_over=tuple(inputs.passed_over))
    files = write_reports(result, output)
    tables = {
        "documents": result.documents_table(),
        "pairs": result.pair_table,
        "matches": result.result.matches_table(),
    }
    files += [_parquet(output, name, tables[name]) for name in PARQUET_REPORTS]
    say(f"reports: {len(result.pair_table):,} pairs of students, {len(matches):,} passages")
    return Written(files, result, dict(stages.seconds))


def texts_named(loaded: DataFrame, names: Sequence[str]) -> dict[tuple[str, str], str]:
    """The readable texts of the files ``names``, in the class or the corpus, by (store,
    name), gathered to the driver."""
    wanted = loaded.sparkSession.createDataFrame([(name,) for name in names], "doc_id string")
    # A join, not isin: a bulk job's flagged essays can be tens of thousands of names.
    rows = loaded.join(wanted, "doc_id").where(loaded["text"].isNotNull()).select("store", "doc_id", "text")
    return {(row["store"], row["doc_id"]): row["text"] for row in rows.collect()}


def _passage_texts(loaded: DataFrame, matches: Sequence[Match]) -> dict[str, str]:
    """The texts the HTML report shows: each submission with a passage, and each source
    of one. Only those are gathered to the driver; a bulk job's other texts stay out of
    its memory and its report (the report says their text is not in it)."""
    wanted = sorted({m.submission for m in matches} | {m.source for m in matches})
    if not wanted:
        return {}
    found = texts_named(loaded, wanted)
    # Keyed by name as batch keys them: the class's texts, then the corpus's over them.
    texts = {doc_id: text for (store, doc_id), text in sorted(found.items()) if store == "class"}
    texts.update({doc_id: text for (store, doc_id), text in sorted(found.items()) if store == "corpus"})
    return texts


def _json(payload: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(payload)
    return found


def _parquet(output: Path, name: str, table: Table) -> Path:
    """``name``.parquet, written whole or not at all (a killed run never leaves half a report)."""
    path = output / f"{name}.parquet"
    partial = path.with_name(f".{path.name}.partial")
    table.to_frame().to_parquet(partial, index=False)
    os.replace(partial, path)
    return path
