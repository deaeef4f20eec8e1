"""The Spark job's one-line errors, made without starting Spark (so they run, and say
what to do, where pyspark or Java is missing too)."""

from __future__ import annotations

import sys

import pytest

from simcheck.errors import JobError
from simcheck.spark.session import INSTALL, check_master, explained, require_java, require_pyspark


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    with pytest.raises(JobError, match="install it with: " + INSTALL.replace("[", r"\[").replace("]", r"\]")):
        require_pyspark()


def test_missing_java(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(JobError, match="openjdk-17-jre-headless"):
        require_java()


@pytest.mark.parametrize("master", ["local", "local[*]", "local[4]", "local[4,2]", "spark://h:7077", "yarn"])
def test_masters_spark_knows(master: str) -> None:
    check_master(master)


@pytest.mark.parametrize("master", ["lokal[2]", "local[x]", "http://h:7077", ""])
def test_masters_spark_does_not_know(master: str) -> None:
    with pytest.raises(JobError, match="not a Spark master URL"):
        check_master(master)


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (
            "Job aborted ... java.lang.OutOfMemoryError: Java heap space\n\tat org.apache...",
            "ran out of memory",
        ),
        ("PythonException: MemoryError in align_group", "ran out of memory"),
        ("[PATH_NOT_FOUND] Path does not exist: hdfs://nn/essays.", "hdfs://nn/essays: Spark cannot find it"),
        ("something else\nwith a trace", "the Spark job failed: something else; run again"),
    ],
)
def test_spark_failures_are_one_line(failure: str, says: str) -> None:
    message = str(explained(RuntimeError(failure)))
    assert says in message and "\n" not in message
