"""What a job knows of the class as a whole, made on the driver from names alone (never
texts): each file's student, the common-text threshold, the unreadable files; and the
job's reports, written as ``batch`` writes them: ``documents``, ``pairs`` and
``matches``, each as CSV (the same columns, order and bytes as ``batch``'s) and Parquet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch import archived_resubmissions, class_result
from ..batch_result import BatchResult
from ..config import CheckConfig
from ..errors import InputError, JobError, OwnReport
from ..models import Document, DocumentSummary
from ..review import SetAside
from ..students import keys_by_student, named_students, students_named_by, students_of
from ..tables import Table
from .stages import Say, Stages
from .work import Candidates, Frequencies, match_of, source_of

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: The reports, each written as NAME.csv and NAME.parquet.
REPORTS = ("documents", "pairs", "matches")


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
        rows = loaded.filter(loaded["doc_id"].isin(wanted) & loaded["text"].isNotNull()).collect()
        texts = {(row["store"], row["doc_id"]): row["text"] for row in rows}
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
    """What a job wrote: its reports, and counts for the last line."""

    files: list[Path]
    result: BatchResult
    seconds: dict[str, float]


def write_outputs(
    output: Path,
    aligned: DataFrame,
    inputs: ClassInputs,
    config: CheckConfig,
    stages: Stages,
    say: Say,
    set_aside: SetAside,
) -> Written:
    """The class's result from the align stage's records (see
    :func:`~simcheck.batch.class_result`), written as each report's CSV and Parquet."""
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
        texts={},
        inputs={},
        set_aside=set_aside,
    )
    result = replace(result, passed_over=tuple(inputs.passed_over))
    tables = {
        "documents": result.documents_table(),
        "pairs": result.pair_table,
        "matches": result.result.matches_table(),
    }
    files = []
    for name in REPORTS:
        files += _written(output, name, tables[name])
    say(f"reports: {len(result.pair_table):,} pairs of students, {len(matches):,} passages")
    return Written(files, result, dict(stages.seconds))


def _json(payload: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(payload)
    return found


def _written(output: Path, name: str, table: Table) -> list[Path]:
    """``name``.csv and ``name``.parquet, each written whole or not at all (a killed run
    never leaves half a report)."""
    written = []
    for suffix in ("csv", "parquet"):
        path = output / f"{name}.{suffix}"
        partial = path.with_name(f".{path.name}.partial")
        if suffix == "csv":
            partial.write_bytes(table.to_csv().encode("utf-8"))
        else:
            table.to_frame().to_parquet(partial, index=False)
        os.replace(partial, path)
        written.append(path)
    return written
