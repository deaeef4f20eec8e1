"""A job's stages on disk: each writes its rows under ``OUTPUT/stages/NAME`` as Parquet,
which Spark commits with a ``_SUCCESS`` marker last; a rerun finds the marker and reads
the rows back instead of computing them again. A job's inputs and settings are recorded
in ``OUTPUT/job.json``, so the stages of another job are never mistaken for this one's.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import JobError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: ``say(line)``: one line per stage, for the terminal.
Say = Callable[[str], None]

#: A job's stages, in the order they run (see :mod:`.job`).
STAGE_NAMES = (
    "1-load",
    "2-prepare",
    "3-frequencies",
    "4-signatures",
    "5-common-keys",
    "6-candidates",
    "7-align",
    "8-mirror",
)


class Stopped(Exception):
    """The job stopped after the stage it was asked to stop after (``stop_after``)."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


class Stages:
    """The stages of one job under ``output``; ``say`` hears one line per stage. With
    ``stop_after``, the stage of that name raises :class:`Stopped` once its rows are
    written (a rerun without it goes on from there)."""

    def __init__(
        self, spark: SparkSession, output: Path, job: dict[str, Any], say: Say, stop_after: str | None = None
    ) -> None:
        self.stop_after = stop_after
        self.spark = spark
        self.folder = output / "stages"
        self.say = say
        self.seconds: dict[str, float] = {}
        record = output / "job.json"
        text = json.dumps(job, indent=1, sort_keys=True) + "\n"
        if record.exists() and record.read_text(encoding="utf-8") != text:
            if self.folder.exists():
                raise JobError(
                    f"{output}: holds the stages of another job (other inputs, settings or "
                    "simcheck code); give another --output or remove that folder"
                )
        output.mkdir(parents=True, exist_ok=True)
        record.write_text(text, encoding="utf-8")

    def done(self, name: str) -> bool:
        return (self.folder / name / "_SUCCESS").exists()

    def run(self, name: str, make: Callable[[], DataFrame], counted: str = "rows") -> DataFrame:
        """Stage ``name``'s rows: read back when a run finished it before, else made by
        ``make()``, written, and read back (so later stages read the Parquet, not the plan
        that made it)."""
        where = self.folder / name
        started = time.perf_counter()
        reused = self.done(name)
        if not reused:
            shutil.rmtree(where, ignore_errors=True)  # what a killed run left half-written
            make().write.mode("overwrite").parquet(str(where))
        rows = self.spark.read.parquet(str(where))
        count = rows.count()
        seconds = time.perf_counter() - started
        self.seconds[name] = seconds
        if reused:
            self.say(f"{name}: {count:,} {counted}, finished by an earlier run")
        else:
            self.say(f"{name}: {count:,} {counted} in {seconds:.1f} s")
        if name == self.stop_after:
            raise Stopped(name)
        return rows
