"""``simcheck spark allpairs`` on real Spark (local mode, never a mock): the same reports
as ``batch`` on a class of same-topic essays with planted copies, with a corpus, from
Parquet, after a killed run, and one-line errors. Skips where pyspark or Java is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks.workloads.synthetic import COLDWAR, topic_class
from conftest import more_pasting_the_prompt
from simcheck.batch import compare_batch
from simcheck.cli import main
from simcheck.errors import JobError
from simcheck.index import Index
from simcheck.load import load_document
from simcheck.report.files import write_reports
from simcheck.review import SetAside

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e '.[test]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime for Spark (install openjdk-17-jre-headless)", allow_module_level=True)

from simcheck.spark import allpairs  # noqa: E402  (after the skips: it needs pyspark)
from simcheck.spark.stages import STAGE_NAMES  # noqa: E402

#: The job's stages, as each one's line names it.
STAGES = list(STAGE_NAMES)
REPORTS = ("matches.csv", "pairs.csv", "documents.csv", "students.csv", "common.csv", "report.json")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] session for the module's jobs (a JVM costs seconds to start)."""
    from simcheck.spark.session import start

    session = start("local[2]", partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def topic_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 essays on one topic, a tenth with planted copies, and one file that cannot be read."""
    folder = tmp_path_factory.mktemp("spark") / "class"
    topic_class(folder, 300)
    (folder / "s0007" / "notes.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    return folder


@pytest.fixture(scope="module")
def topic_60(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spark60") / "class"
    topic_class(folder, 60, copies=0.2, seed=5)
    return folder


@pytest.fixture(scope="module")
def topic_150(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 essays, three in ten with planted copies: reworded ones that pairs of window
    words find (see test_batch)."""
    folder = tmp_path_factory.mktemp("spark150") / "class"
    topic_class(folder, 150, copies=0.3, seed=1)
    return folder


@pytest.fixture
def pairs_searched(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pairs of window words start with large classes; the point is lowered to any."""
    from simcheck import windows

    monkeypatch.setattr(windows, "PAIRS_FROM_POSTINGS", 0)
    return windows


def batch_reports(folder: Path, out: Path, corpus: Path | None = None) -> Path:
    write_reports(compare_batch(folder, corpus, skip=[out]), out)
    return out


def same_reports(one: Path, other: Path) -> None:
    for name in REPORTS:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_same_as_batch_on_a_class(spark: Any, topic_300: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    written = allpairs(str(topic_300), tmp_path / "spark", spark=spark, say=lines.append)
    expected = batch_reports(topic_300, tmp_path / "batch")
    same_reports(tmp_path / "spark", expected)
    matches = (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")
    assert matches.count("\n") > 20 and len(written.result.pairs) >= 10
    # The unreadable file is listed, as batch lists it, and the job went on.
    assert [e.path for e in written.result.errors] == ["s0007/notes.txt"]
    assert "unreadable" in (tmp_path / "spark" / "documents.csv").read_text(encoding="utf-8")
    assert [line.split(":")[0] for line in lines[: len(STAGES)]] == STAGES
    import pandas as pd

    frame = pd.read_parquet(tmp_path / "spark" / "matches.parquet")
    assert len(frame) == len(written.result.result.matches)


def test_a_pair_of_classmates_is_aligned_both_ways_round_as_batch_does(spark: Any, tmp_path: Path) -> None:
    # s0051 rewords a passage of s0094, and only s0094's candidates hold the other.
    folder = tmp_path / "class"
    topic_class(folder, 100, copies=0.3, seed=1)
    lines: list[str] = []
    allpairs(str(folder), tmp_path / "spark", spark=spark, say=lines.append)
    same_reports(tmp_path / "spark", batch_reports(folder, tmp_path / "batch"))
    assert lines[7].startswith("8-mirror:") and " 0 records" not in lines[7]
    matches = (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")
    assert "\ns0051/essay.txt,s0094/essay.txt," in matches


def test_a_class_searched_by_pairs_of_words_gives_batchs_answers(
    spark: Any, topic_150: Path, tmp_path: Path, pairs_searched: Any
) -> None:
    allpairs(str(topic_150), tmp_path / "spark", spark=spark)
    same_reports(tmp_path / "spark", batch_reports(topic_150, tmp_path / "batch"))
    # Copies that only pairs of words find (test_batch shows it).
    matches = (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")
    assert "\ns0046/essay.txt,s0037/essay.txt," in matches and "\ns0139/essay.txt,s0090/essay.txt," in matches


def test_three_rare_pairs_give_batchs_answers(
    spark: Any, topic_150: Path, tmp_path: Path, pairs_searched: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a class this small the rare pairs' limit is 2 windows (the query's and its
    # source's); their share is raised so that about ten windows may hold each and the
    # answers change, in batch and in the job's own aggregation alike.
    without = batch_reports(topic_150, tmp_path / "without")
    monkeypatch.setattr(pairs_searched, "RARE_PAIR_SHARE", 2.5e-4)
    allpairs(str(topic_150), tmp_path / "spark", spark=spark)
    same_reports(tmp_path / "spark", batch_reports(topic_150, tmp_path / "batch"))
    assert (tmp_path / "spark" / "pairs.csv").read_bytes() != (without / "pairs.csv").read_bytes()


def test_html_shows_flagged_essays_and_their_sources(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    written = allpairs(str(topic_60), tmp_path / "spark", corpus=str(COLDWAR), spark=spark)
    html = (tmp_path / "spark" / "report.html").read_text(encoding="utf-8")
    # The page's words, without its markup (changed words are marked inside passages).
    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    result = written.result.result
    match = next(m for m in result.matches if m.source.endswith(".txt") and "/" not in m.source)
    # The corpus passage is shown in its context, taken from the text as loaded.
    source = (COLDWAR / match.source).read_text(encoding="utf-8")
    passage = source[match.source_start : match.source_end]
    assert " ".join(passage.split()[:6]) in page
    # Only the flagged submissions' texts are gathered: a clean essay's is not in the page.
    flagged = {m.submission for m in result.matches}
    clean = next(d.path for d in result.documents if d.path not in flagged)
    first_words = " ".join((topic_60 / clean).read_text(encoding="utf-8").split()[:12])
    assert first_words not in page
    assert f"{COLDWAR} (" in page and str(len(result.documents)) in page


def test_same_as_batch_with_a_corpus(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    allpairs(str(topic_60), tmp_path / "spark", corpus=str(COLDWAR), spark=spark)
    expected = batch_reports(topic_60, tmp_path / "batch", COLDWAR)
    same_reports(tmp_path / "spark", expected)
    assert "detente-and-arms-control.txt" in (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")


def test_an_index_as_corpus_gives_batchs_answers(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    stored = tmp_path / "coldwar.simcheck"
    Index.build(stored, [COLDWAR])[0].close()
    written = allpairs(str(topic_60), tmp_path / "spark", corpus=str(stored), spark=spark)
    with Index(stored) as opened:
        write_reports(compare_batch(topic_60, opened, skip=[tmp_path]), tmp_path / "batch")
    same_reports(tmp_path / "spark", tmp_path / "batch")
    # Named as the index stores them, below the folder that was added.
    assert any(m.source.startswith("coldwar/") for m in written.result.result.matches)
    page = (tmp_path / "spark" / "report.html").read_text(encoding="utf-8")
    assert f"{stored} (41 documents)" in page


def test_a_postgresql_archive_as_corpus(spark: Any, topic_60: Path, tmp_path: Path, postgres: Any) -> None:
    url = postgres.admin_url(postgres.create_database("spark_corpus"))
    Index.build(url, [COLDWAR])[0].close()
    allpairs(str(topic_60), tmp_path / "spark", corpus=url, spark=spark)
    Index.build(tmp_path / "coldwar.simcheck", [COLDWAR])[0].close()
    allpairs(str(topic_60), tmp_path / "file", corpus=str(tmp_path / "coldwar.simcheck"), spark=spark)
    same_reports(tmp_path / "spark", tmp_path / "file")
    # The archive's password is in neither the job's record nor the report.
    for name in ("job.json", "report.html"):
        assert postgres.password not in (tmp_path / "spark" / name).read_text(encoding="utf-8")


def test_same_as_batch_on_the_demo_class_with_its_prompt(spark: Any, tmp_path: Path) -> None:
    # Moodle names, docx, pdf and md, the corpus, and the prompt students restate.
    demo = ROOT / "corpora" / "demo-class"
    prompt = (demo / "prompt.txt").read_text(encoding="utf-8")
    allpairs(
        str(demo / "submissions"), tmp_path / "spark", corpus=str(COLDWAR), templates=[prompt], spark=spark
    )
    out = tmp_path / "batch"
    batch = compare_batch(demo / "submissions", COLDWAR, templates=[load_document(demo / "prompt.txt")])
    write_reports(batch, out)
    same_reports(tmp_path / "spark", out)
    assert "template" in (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")


def test_same_as_batch_where_more_than_a_fifth_paste_the_prompt(spark: Any, tmp_path: Path) -> None:
    # Without the prompt given, what the class holds too widely to look up is common.
    folder = more_pasting_the_prompt(tmp_path / "class")
    allpairs(str(folder), tmp_path / "spark", corpus=str(COLDWAR), spark=spark)
    same_reports(tmp_path / "spark", batch_reports(folder, tmp_path / "batch", COLDWAR))
    assert "common text" in (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")


def test_same_as_batch_with_a_class_list_and_sources_set_aside(spark: Any, tmp_path: Path) -> None:
    demo = ROOT / "corpora" / "demo-class"
    names = {"418305": "K. Mensah (class list)", "418217": "B. Chaudhry (class list)"}
    aside = SetAside(sources=("the-berlin-wall.txt",), allowed=(("Victor Huang", "Sofia Rossi"),))
    allpairs(
        str(demo / "submissions"),
        tmp_path / "spark",
        corpus=str(COLDWAR),
        class_list=names,
        set_aside=aside,
        spark=spark,
    )
    out = tmp_path / "batch"
    write_reports(compare_batch(demo / "submissions", COLDWAR, class_list=names, set_aside=aside), out)
    same_reports(tmp_path / "spark", out)
    matches = (tmp_path / "spark" / "matches.csv").read_text(encoding="utf-8")
    documents = (tmp_path / "spark" / "documents.csv").read_text(encoding="utf-8")
    assert "K. Mensah (class list)" in documents
    assert "excluded source" in matches and "allow-listed" in matches


def test_parquet_source(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    import pandas as pd

    files = sorted(topic_60.rglob("*.txt"))
    rows = [(p.relative_to(topic_60).as_posix(), p.read_text(encoding="utf-8")) for p in files]
    pd.DataFrame(rows, columns=["doc_id", "text"]).to_parquet(tmp_path / "essays.parquet")
    allpairs(str(tmp_path / "essays.parquet"), tmp_path / "spark", spark=spark)
    expected = batch_reports(topic_60, tmp_path / "batch")
    same_reports(tmp_path / "spark", expected)


def test_files_spark_reads_by_a_glob(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    # Read as Spark reads hdfs:// or s3a:// paths: bytes, decoded by batch's loader.
    allpairs(f"{topic_60}/s00[0-5]*/*.txt", tmp_path / "spark", spark=spark)
    expected = batch_reports(topic_60, tmp_path / "batch")
    same_reports(tmp_path / "spark", expected)


def test_rerun_skips_finished_stages(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    allpairs(str(topic_60), tmp_path / "out", spark=spark)
    first = (tmp_path / "out" / "matches.csv").read_bytes()
    lines: list[str] = []
    allpairs(str(topic_60), tmp_path / "out", spark=spark, say=lines.append)
    assert all("finished by an earlier run" in line for line in lines[: len(STAGES)])
    assert (tmp_path / "out" / "matches.csv").read_bytes() == first


def test_stop_after_a_stage_then_go_on(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    written = allpairs(
        str(topic_60), tmp_path / "out", spark=spark, say=lines.append, stop_after="6-candidates"
    )
    assert written.result is None and written.stopped_after == "6-candidates"
    assert [line.split(":")[0] for line in lines] == STAGES[:6]
    assert not (tmp_path / "out" / "matches.csv").exists()
    lines.clear()
    allpairs(str(topic_60), tmp_path / "out", spark=spark, say=lines.append)
    assert all("finished by an earlier run" in line for line in lines[:6])
    assert "finished by an earlier run" not in lines[6]
    same_reports(tmp_path / "out", batch_reports(topic_60, tmp_path / "batch"))


def test_an_unknown_stage_to_stop_after_is_said_before_spark_starts(topic_60: Path, tmp_path: Path) -> None:
    with pytest.raises(JobError, match="no stage '8-report' to stop after; give one of 1-load, "):
        allpairs(str(topic_60), tmp_path / "out", stop_after="8-report")


def test_stages_made_by_other_code_are_another_jobs(spark: Any, topic_60: Path, tmp_path: Path) -> None:
    import json

    import simcheck
    from simcheck.spark.job import code_digest, own_code_digest

    allpairs(str(topic_60), tmp_path / "out", spark=spark)
    record = tmp_path / "out" / "job.json"
    assert json.loads(record.read_text(encoding="utf-8"))["code"] == own_code_digest()
    # The same inputs and settings, as recorded by simcheck code that is not this one.
    made_before = json.loads(record.read_text(encoding="utf-8")) | {"code": "0" * 64}
    record.write_text(json.dumps(made_before, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    with pytest.raises(JobError, match="other inputs, settings or simcheck code"):
        allpairs(str(topic_60), tmp_path / "out", spark=spark)
    package = tmp_path / "package"
    shutil.copytree(Path(simcheck.__file__).parent, package)
    before = code_digest(package)
    (package / "align" / "worth.py").write_text("# changed\n", encoding="utf-8")
    assert code_digest(package) != before


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "simcheck", "spark", "allpairs", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def test_restart_after_a_killed_run(topic_60: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = (str(topic_60), "--output", str(out), "--master", "local[1]", "--partitions", "2")
    job = _cli(*args)
    assert job.stderr is not None
    for line in job.stderr:
        if line.startswith("3-frequencies"):
            break
    # The whole process group: the driver's JVM and its Python workers die with it.
    os.killpg(job.pid, signal.SIGKILL)
    job.communicate()
    assert (out / "stages" / "2-prepare" / "_SUCCESS").exists()
    assert not (out / "matches.csv").exists()
    rerun = _cli(*args)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert "1-load: 60 files, finished by an earlier run" in err
    assert "2-prepare: 60 documents, finished by an earlier run" in err
    same_reports(out, batch_reports(topic_60, tmp_path / "batch"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--master", "lokal[2]"), "Error: --master lokal[2]: not a Spark master URL"),
        (("--corpus", "/no/such/folder"), "Error: /no/such/folder: no such folder or file"),
    ],
)
def test_one_line_errors(topic_60: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(main, ["spark", "allpairs", str(topic_60), "--output", str(tmp_path), *args])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in result.output


def test_no_java_is_one_line(topic_60: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = os.path.dirname(sys.executable)  # this Python, no java
    job = _cli(str(topic_60), "--output", str(tmp_path / "out"), env=env)
    _, err = job.communicate(timeout=120)
    assert job.returncode == 1
    assert err.strip().splitlines() == [
        "Error: Spark needs a Java 17+ runtime and none was found: install one "
        "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    ]
