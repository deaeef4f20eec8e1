"""Starting Spark, quietly, and turning what goes wrong into one line that says what to
do: no pyspark, no Java, a master URL Spark does not know, an executor out of memory,
an input Spark cannot read."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import JobError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: What to install when pyspark is missing: the optional extra.
INSTALL = "pip install 'simcheck[spark]'"
#: Masters Spark itself accepts; anything else fails late and obscurely, so it is refused first.
_MASTER = re.compile(
    r"local(\[(\*|\d+)(,\s*\d+)?\])?|local-cluster\[.+\]|spark://.+|yarn|k8s://.+|mesos://.+"
)
#: Log4j's level for Spark's own logging (SIMCHECK_SPARK_LOG overrides): its warnings
#: and stack traces are noise next to the one line per stage and the one-line errors.
_LOG_LEVEL = "off"


def require_pyspark() -> None:
    """Raise a one-line error naming the extra to install when pyspark is missing."""
    try:
        import pyspark  # noqa: F401  (only whether it imports)
    except ImportError:
        raise JobError(f"Spark jobs need pyspark; install it with: {INSTALL}") from None


def require_java() -> None:
    """Raise a one-line error when no Java runtime is found (Spark's driver is a JVM)."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return
    if shutil.which("java") is None:
        raise JobError(
            "Spark needs a Java 17+ runtime and none was found: install one "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )


def check_master(master: str) -> None:
    """Refuse a master URL Spark would not accept, naming the forms it does.

    >>> check_master("local[2]")
    >>> check_master("lokal")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simcheck.errors.JobError: --master lokal: not a Spark master URL; give local[*], ...
    """
    if not _MASTER.fullmatch(master):
        raise JobError(
            f"--master {master}: not a Spark master URL; give local[*], local[N], spark://HOST:PORT, yarn or k8s://URL"
        )


def _log_config() -> str:
    """A folder holding a log4j2 configuration that sends Spark's logging to stderr at
    one level (Spark's scripts put ``SPARK_CONF_DIR`` on the JVM's class path, where
    log4j finds it before Spark's chatty defaults)."""
    level = os.environ.get("SIMCHECK_SPARK_LOG", _LOG_LEVEL)
    folder = tempfile.mkdtemp(prefix="simcheck-spark-conf-")
    path = Path(folder, "log4j2.properties")
    path.write_text(
        f"rootLogger.level = {level}\n"
        "rootLogger.appenderRef.stderr.ref = console\n"
        # The shell's logger at the root's level: else Spark tells of "the default log level".
        "logger.repl.name = org.apache.spark.repl.Main\n"
        f"logger.repl.level = {level}\n"
        "appender.console.type = Console\n"
        "appender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\n"
        "appender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n\n",
        encoding="utf-8",
    )
    return folder


def start(master: str, *, partitions: int, driver_memory: str = "4g") -> SparkSession:
    """A Spark session on ``master``, its logging quiet, its progress bar shown only when
    stderr is a terminal, its Python workers running this interpreter (and so this
    simcheck)."""
    require_pyspark()
    check_master(master)
    require_java()
    from pyspark.sql import SparkSession  # the optional extra: only when a job runs

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # A cluster's own configuration folder wins; else ours, which only quiets logging
    # (made once a process, and removed when it ends: it would pile up in the temp folder).
    if "SPARK_CONF_DIR" not in os.environ:
        folder = _log_config()
        atexit.register(shutil.rmtree, folder, True)
        os.environ["SPARK_CONF_DIR"] = folder
    quiet_pyspark_warnings()
    builder = (
        SparkSession.builder.master(master)
        .appName("simcheck spark allpairs")
        .config("spark.ui.showConsoleProgress", str(sys.stderr.isatty()).lower())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        # In local mode the executors live in the driver's JVM, whose default heap (1g)
        # a class of tens of thousands of essays outgrows.
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
        .config("spark.sql.execution.pyspark.udf.faulthandler.enabled", "true")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # pyspark raises plain exceptions from the gateway and the JVM
        raise JobError(f"Spark did not start on --master {master}: {_first_line(exc)}") from None
    session.sparkContext.setLogLevel("OFF" if os.environ.get("SIMCHECK_SPARK_LOG") is None else "WARN")
    return session


def quiet_pyspark_warnings() -> None:
    """pyspark warns on each pandas batch that it has not been tried with pandas 3: said
    once by its authors, not to be said to users on every stage."""
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


#: Signs of an executor or driver out of memory in what Spark reports.
_MEMORY = ("OutOfMemoryError", "MemoryError", "Java heap space", "exit code 137", "Container killed", "OOM")


def explained(exc: BaseException) -> JobError:
    """A Spark failure as one line that says what to do."""
    text = str(exc)
    if any(sign in text for sign in _MEMORY):
        return JobError(
            "a Spark executor ran out of memory; give it more (--driver-memory in local mode; "
            "spark.executor.memory in the cluster's spark-defaults.conf) or more --partitions, then "
            "run the same command again: finished stages are kept"
        )
    if "PATH_NOT_FOUND" in text or "Path does not exist" in text:
        found = re.search(r"Path does not exist: (\S+)", text)
        where = found.group(1).rstrip(".") if found else "an input"
        return JobError(f"{where}: Spark cannot find it; check the path and that Spark can read it")
    return JobError(
        f"the Spark job failed: {_first_line(exc)}; run again to resume from the last finished stage"
    )


@contextmanager
def translated() -> Iterator[None]:
    """Spark's and py4j's exceptions as one-line :class:`JobError` (simcheck's own pass)."""
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]
    from pyspark.errors import PySparkException  # the optional extra: only when a job runs

    try:
        yield
    except (PySparkException, Py4JError) as exc:
        raise explained(exc) from None
    except ConnectionError:
        # py4j lost its JVM: the driver died under the job, almost always of its heap.
        raise JobError(
            "Spark's driver (a JVM) stopped during the job, most likely out of memory; give it more "
            "(--driver-memory 8g) and run the same command again: finished stages are kept"
        ) from None
