"""A shared archive on PostgreSQL: the same reports as an index file, writers in one
transaction each, roles and their privileges, one-line errors that never show the
password. Runs a real server (benchmarks/workloads/pgserver.py; skipped where none is installed)."""

from __future__ import annotations

import json
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

import simcheck.index.schema
from benchmarks.workloads.crash import write_essays
from benchmarks.workloads.pgserver import PostgresServer
from simcheck import CorpusError, Document, check
from simcheck.batch import compare_batch
from simcheck.cli import main
from simcheck.errors import NotChecked
from simcheck.index import FORMAT_VERSION, Index
from simcheck.index.postgres import advisory_key
from simcheck.report.table import class_table

psycopg = pytest.importorskip("psycopg", reason="psycopg not installed (pip install -e '.[test]')")
from psycopg import sql  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
ESSAY = ROOT / "corpora" / "demo" / "sample-essay.txt"
CLASS = ROOT / "corpora" / "demo-class" / "submissions"
PROMPT = ROOT / "corpora" / "demo-class" / "prompt.txt"


@pytest.fixture(scope="module")
def database(postgres: PostgresServer) -> str:
    """A database of this module's own on the session's server."""
    return postgres.create_database("archive_" + secrets.token_hex(4))


@pytest.fixture(scope="module")
def coldwar(
    postgres: PostgresServer, database: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """corpora/coldwar in an archive (default schema) and in an index file."""
    url = postgres.admin_url(database)
    Index.build(url, [COLDWAR])[0].close()
    path = tmp_path_factory.mktemp("file") / "coldwar.simcheck"
    Index.build(path, [COLDWAR])[0].close()
    return url, path


def fresh_schema(postgres: PostgresServer, database: str) -> str:
    """The URL of a schema no archive is in yet."""
    return f"{postgres.admin_url(database)}?schema=s_{secrets.token_hex(4)}"


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def one_line_error(result: Result, *, secret: str) -> str:
    """The error of a failed command: exit 1, one line, no traceback, no ``secret``."""
    assert result.exit_code == 1, result.output
    assert secret not in result.output and secret not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


def reader_role(postgres: PostgresServer, database: str, schema: str = "simcheck") -> tuple[str, str]:
    """A role that may read the archive in ``schema`` and nothing more: its URL and password."""
    role, password = "reader_" + secrets.token_hex(4), secrets.token_urlsafe(16)
    postgres.admin_sql(
        [
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role)),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
                sql.Identifier(schema), sql.Identifier(role)
            ),
        ],
        dbname=database,
    )
    return postgres.url(role, password, database), password


# --- the same answers as an index file ---------------------------------------------------


def test_check_gives_the_same_report_as_an_index_file(coldwar: tuple[str, Path], tmp_path: Path) -> None:
    url, path = coldwar
    reports = []
    for corpus in (url, path):
        result = run("check", ESSAY, "--corpus", corpus, "-f", "json")
        assert result.exit_code == 0, result.output
        reports.append(json.loads(result.stdout))
    assert reports[0] == reports[1]
    assert reports[0]["documents"][0]["similarity"] > 0 and reports[0]["matches"]


def test_batch_gives_the_same_reports_as_an_index_file(coldwar: tuple[str, Path], tmp_path: Path) -> None:
    url, path = coldwar
    outputs = []
    # Two worker processes against the archive: each opens a connection of its own.
    for name, corpus, jobs in (("pg", url, 2), ("file", path, 1)):
        out = tmp_path / name
        result = run("batch", CLASS, "--corpus", corpus, "--template", PROMPT, "-o", out, "-j", jobs)
        assert result.exit_code == 0, result.output
        outputs.append(out)
    shown = {out: described(corpus) for out, corpus in zip(outputs, (url, path))}
    files = sorted(p.name for p in outputs[0].iterdir() if p.suffix in (".csv", ".json"))
    assert "matches.csv" in files and "report.json" in files
    for name in files:
        # The corpus is named in the reports; everything else is the same.
        first, second = (
            (out / name).read_text(encoding="utf-8").replace(shown[out], "CORPUS") for out in outputs
        )
        assert first == second, name
    assert postgres_password(url) not in (outputs[0] / "report.html").read_text(encoding="utf-8")


def described(location: str | Path) -> str:
    with Index(location) as index:
        return index.describe()


def postgres_password(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_related_and_the_api_take_a_url(coldwar: tuple[str, Path]) -> None:
    url, path = coldwar
    by_url = run("related", ESSAY, "--corpus", url, "-k", "3", "-f", "json")
    by_file = run("related", ESSAY, "--corpus", path, "-k", "3", "-f", "json")
    assert by_url.exit_code == 0, by_url.output
    assert json.loads(by_url.stdout) == json.loads(by_file.stdout)
    assert (
        check(ESSAY.read_text(encoding="utf-8"), url).similarity
        == check(ESSAY.read_text(encoding="utf-8"), str(path)).similarity
    )


# --- writing ---------------------------------------------------------------------------------


def table_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    with Index(url) as index:
        db = index._db
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("meta", "terms", "window_postings", "fingerprints", "bands", "topics")
        }


def test_add_and_remove_round_trip(postgres: PostgresServer, database: str, tmp_path: Path) -> None:
    url = fresh_schema(postgres, database)
    index, built = Index.build(url, [COLDWAR])
    index.close()
    before = table_rows(url)
    essays = tmp_path / "essays"
    write_essays(essays, 3, random.Random(7))
    with Index(url) as index:
        added = index.add([CLASS, essays])
        assert len(added.added) == len(index) - len(built.added) > 3
        assert index.verify() == []
        assert index.add([CLASS]).unchanged == added.added[:-3]  # nothing twice
        (essays / "e001.txt").write_text(
            "A new version of the essay on the Berlin airlift.\n", encoding="utf-8"
        )
        assert index.add([essays / "e001.txt"]).replaced == ["essays/e001.txt"]
        assert index.verify() == []
        removed = index.remove([str(CLASS), str(essays)])
        assert sorted(removed) == sorted(added.added)
        assert len(index) == len(built.added) and index.verify() == []
    assert table_rows(url) == before


def test_an_empty_archive_is_created_once(postgres: PostgresServer, database: str) -> None:
    url = fresh_schema(postgres, database)
    with Index.create(url) as index:
        assert len(index) == 0 and index.info()["documents"] == 0
    with pytest.raises(CorpusError, match="an archive already exists in schema"):
        Index.create(url)


def test_cli_commands_take_a_url(postgres: PostgresServer, database: str) -> None:
    url = fresh_schema(postgres, database)
    password = postgres.password
    outputs = [
        run("index", "build", url, COLDWAR),
        run("index", "add", url, CLASS),
        run("index", "info", url, "--list"),
        run("index", "verify", url),
        run("index", "remove", url, CLASS),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert password not in result.output
    assert outputs[0].stdout.startswith(f"added {len(list(COLDWAR.glob('*.txt')))}, ")
    info = outputs[2].stdout
    masked = url.replace(password, "***")
    assert f"path: {masked}\n" in info and f"format: {FORMAT_VERSION}\n" in info
    assert "coldwar/the-berlin-wall.txt" in info
    assert outputs[3].stdout.startswith("ok: ")
    assert outputs[4].stdout == f"removed {len(list(CLASS.iterdir()))}\n"
    again = one_line_error(run("index", "build", url, COLDWAR), secret=password)
    assert "an archive already exists in schema" in again and masked in again


def test_of_two_builds_at_once_one_makes_the_archive(postgres: PostgresServer, database: str) -> None:
    url = fresh_schema(postgres, database)
    outcomes: list[str] = []

    def build() -> None:
        try:
            Index.build(url, [COLDWAR])[0].close()
            outcomes.append("built")
        except CorpusError as exc:
            outcomes.append(str(exc))

    builders = [threading.Thread(target=build) for _ in range(2)]
    for builder in builders:
        builder.start()
    for builder in builders:
        builder.join(60)
    assert sorted(outcomes)[0] == "built" and "an archive already exists in schema" in sorted(outcomes)[1]
    with Index(url) as index:
        assert len(index) == len(list(COLDWAR.glob("*.txt"))) and index.verify() == []


def test_a_build_that_reads_nothing_leaves_no_archive(
    postgres: PostgresServer, database: str, tmp_path: Path
) -> None:
    url = fresh_schema(postgres, database)
    (tmp_path / "empty").mkdir()
    error = one_line_error(run("index", "build", url, tmp_path / "empty"), secret=postgres.password)
    assert "nothing indexed" in error
    assert "no simcheck archive in schema" in one_line_error(
        run("index", "info", url), secret=postgres.password
    )


def test_a_second_writer_waits_for_the_first_then_skips_its_documents(
    postgres: PostgresServer, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_schema(postgres, database)
    schema = url.rsplit("=", 1)[1]
    Index.build(url, [COLDWAR])[0].close()
    write_essays(tmp_path / "new", 5, random.Random(1))

    def add(folder: Path, into: list[object]) -> None:
        with Index(url) as index:
            into.append(index.add([folder]))

    waited: list[object] = []
    with psycopg.connect(postgres.admin_url(database)) as first:  # a writer in mid-change
        first.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(schema)])
        second = threading.Thread(target=add, args=(tmp_path / "new", waited))
        second.start()
        time.sleep(1.0)
        assert second.is_alive() and not waited  # waiting for the lock
    second.join(30)  # the first committed: the second goes on
    assert len(waited) == 1 and len(waited[0].added) == 5  # type: ignore[attr-defined]
    # Two real writers of the same files: the second skips what the first added.
    write_essays(tmp_path / "more", 20, random.Random(2))
    both: list[object] = []
    writers = [threading.Thread(target=add, args=(tmp_path / "more", both)) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert sorted((len(r.added), len(r.unchanged)) for r in both) == [(0, 20), (20, 0)]  # type: ignore[attr-defined]
    # A writer that waits too long gives up with one line.
    monkeypatch.setattr(simcheck.index.schema, "BUSY_SECONDS", 0.3)
    with psycopg.connect(postgres.admin_url(database)) as first:
        first.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(schema)])
        (tmp_path / "late.txt").write_text("A late essay about the Berlin airlift and the blockade.\n")
        with Index(url) as index, pytest.raises(CorpusError, match="another process has been changing"):
            index.add([tmp_path / "late.txt"])


# --- roles, passwords and one-line errors ----------------------------------------------------


def test_a_read_only_role_checks_but_cannot_add(
    postgres: PostgresServer, database: str, coldwar: tuple[str, Path]
) -> None:
    url, password = reader_role(postgres, database)
    checked = run("check", ESSAY, "--corpus", url, "-f", "json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["matches"]
    for command in (["index", "add", url, CLASS], ["index", "remove", url, "1"]):
        error = one_line_error(run(*command), secret=password)
        assert "this role lacks the privilege to write to the archive" in error
        assert url.replace(password, "***") in error
    with Index(coldwar[0]) as index:
        assert len(index) == len(list(COLDWAR.glob("*.txt")))


def test_a_wrong_password_is_one_line_without_it(postgres: PostgresServer, database: str) -> None:
    wrong = "not-" + secrets.token_hex(8)
    url = postgres.url(postgres.superuser, wrong, database)
    for command in (["index", "info", url], ["check", ESSAY, "--corpus", url]):
        error = one_line_error(run(*command), secret=wrong)
        assert "refused the password" in error and "***@" in error


def test_unreachable_server_and_missing_database_are_one_line(postgres: PostgresServer) -> None:
    password = postgres.password
    gone = postgres.admin_url("postgres").replace(f":{postgres.port}/", ":1/")
    assert "cannot reach the PostgreSQL server" in one_line_error(run("index", "info", gone), secret=password)
    missing = postgres.admin_url("no_such_database")
    error = one_line_error(run("index", "info", missing), secret=password)
    assert "database no_such_database does not exist" in error


def test_a_url_without_a_password_uses_pgpassword(
    postgres: PostgresServer, coldwar: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = coldwar[0].replace(f":{postgres.password}@", "@")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    assert "asks for a password" in one_line_error(run("index", "info", bare), secret=postgres.password)
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    result = run("index", "info", bare)
    assert result.exit_code == 0 and postgres.password not in result.output


def test_a_batch_whose_connection_is_cut_reconnects_and_checks_every_essay(
    postgres: PostgresServer, database: str
) -> None:
    url = fresh_schema(postgres, database)
    Index.build(url, [COLDWAR])[0].close()

    def cut(done: int, total: int) -> None:
        if done in (2, 5):  # as a restarted server, or a proxy ending idle sessions, would
            postgres.admin_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
            )

    result = compare_batch(CLASS, url, jobs=1, progress=cut)
    assert result.errors == () and len(result.result.documents) == len(list(CLASS.iterdir()))


def test_a_batch_lists_the_essays_it_could_not_check_when_the_server_goes_away(
    postgres: PostgresServer, database: str
) -> None:
    url = fresh_schema(postgres, database)
    Index.build(url, [COLDWAR])[0].close()
    password = postgres_password(url)

    def cut_off(done: int, total: int) -> None:
        # After three essays, the archive's database refuses connections and loses its own.
        if done == 3:
            postgres.admin_sql(
                [
                    f"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
                ]
            )

    try:
        result = compare_batch(CLASS, url, jobs=1, progress=cut_off)
    finally:
        postgres.admin_sql(f"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true")
    unchecked = [e for e in result.errors if isinstance(e, NotChecked)]
    assert len(result.result.documents) == 3
    assert len(unchecked) == len(result.file_rows()) - 3 > 0
    for error in unchecked:
        assert error.reason.startswith(
            f"not checked: postgresql://simcheck_owner:***@127.0.0.1:{postgres.port}/"
        )
        assert "\n" not in error.reason and password not in error.reason
    assert {row.status for row in result.file_rows()[3:]} == {"unchecked"}
    shown = class_table(result, show=0)
    assert len(shown.unchecked) == len(unchecked) and shown.unreadable == []


def test_verify_checks_the_archives_indexes_where_amcheck_is_installed(
    postgres: PostgresServer, database: str
) -> None:
    url = fresh_schema(postgres, database)
    Index.build(url, [COLDWAR])[0].close()
    schema = url.rsplit("=", 1)[1]
    postgres.admin_sql("CREATE EXTENSION IF NOT EXISTS amcheck", dbname=database)
    with Index(url) as index:
        assert index.verify() == []
    # A row the topics table's key does not know: written while the index was not
    # ready for inserts, as a torn write or a bug in the server would leave it.
    unready = f"UPDATE pg_index SET indisready = {{}} WHERE indexrelid = '{schema}.topics_pkey'::regclass"
    postgres.admin_sql(
        [unready.format("false"), f"INSERT INTO {schema}.topics VALUES (42, 1, 0.5)", unready.format("true")],
        dbname=database,
    )
    with Index(url) as index:
        problems = index.verify()
    assert len(problems) == 1
    assert re.fullmatch(
        r'index topics_pkey: heap tuple \(\d+,\d+\) from table "topics" lacks matching .*', problems[0]
    )
    assert postgres.password not in problems[0]


def test_another_format_version_is_refused_with_one_line(postgres: PostgresServer, database: str) -> None:
    url = fresh_schema(postgres, database)
    Index.build(url, [COLDWAR])[0].close()
    schema = url.rsplit("=", 1)[1]
    postgres.admin_sql(f"UPDATE {schema}.meta SET value = '2' WHERE key = 'format'", dbname=database)
    with pytest.raises(
        CorpusError, match=f"index format 2 but this simcheck reads format {FORMAT_VERSION}"
    ) as refused:
        Index(url)
    assert "\n" not in str(refused.value) and postgres.password not in str(refused.value)
    assert "simcheck index build" in str(refused.value)


def test_psycopg_is_imported_only_to_open_an_archive() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, simcheck.cli, simcheck.index, simcheck.pipeline; print('psycopg' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
    missing = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['psycopg'] = None; from simcheck.cli import main; "
            "main(['index', 'info', 'postgresql://ann:SECRET@127.0.0.1:1/x'])",
        ],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "SECRET" not in missing.stderr
    assert missing.stderr.strip().endswith("install it with pip install 'simcheck[postgres]'")


# --- crashes and readers ----------------------------------------------------------------------


def start_adding(url: str, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "simcheck", "index", "add", url, str(folder), "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def writing(postgres: PostgresServer, database: str) -> bool:
    """Whether some writer holds an archive's lock (is inside its transaction)."""
    rows = postgres.admin_sql(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted", dbname=database
    )
    return bool(rows[0][0])


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def consistent(url: str) -> int:
    """The number of documents, after checking that every stored row belongs to one and
    every document has its rows (one statement: one snapshot)."""
    with Index(url) as index:
        documents, prints, with_bands = index._db.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT string_agg(prints, ''::bytea) "
            "FROM fingerprints), (SELECT count(DISTINCT doc) FROM bands)"
        ).fetchone()
        # Each entry of the buckets is its low key bits and its document, 32 bits each.
        with_prints = len(set(np.frombuffer(prints or b"", dtype="<u4")[1::2].tolist()))
        assert documents == with_prints == with_bands
        return int(documents)


def test_a_writer_killed_mid_add_leaves_the_archive_as_it_was(
    postgres: PostgresServer, database: str, tmp_path: Path
) -> None:
    url = fresh_schema(postgres, database)
    write_essays(tmp_path / "base", 10, random.Random(3))
    Index.build(url, [tmp_path / "base"])[0].close()
    # Enough essays that the add is still running 0.4 s into its transaction, even on
    # a fast machine (120 were sometimes committed before the kill).
    write_essays(tmp_path / "big", 400, random.Random(4))
    for delay in (0.0, 0.4):
        writer = start_adding(url, tmp_path / "big")
        wait_for(lambda: writing(postgres, database) or writer.poll() is not None)  # noqa: B023
        time.sleep(delay)
        assert writer.poll() is None, "the add finished before it could be killed"
        writer.kill()
        writer.wait()
        # The server rolls the transaction back when the connection drops.
        wait_for(lambda: not writing(postgres, database))
        assert consistent(url) == 10
        with Index(url) as index:
            assert index.verify() == []
    with Index(url) as index:
        assert len(index.add([tmp_path / "big"]).added) == 400 and index.verify() == []


def test_a_reader_sees_each_document_whole_or_not_at_all(
    postgres: PostgresServer, database: str, tmp_path: Path
) -> None:
    url = fresh_schema(postgres, database)
    write_essays(tmp_path / "base", 10, random.Random(5))
    Index.build(url, [tmp_path / "base"])[0].close()
    added = write_essays(tmp_path / "new", 60, random.Random(6))
    copy = Document("copy.txt", added[-1].read_text(encoding="utf-8"))
    stored = f"new/{added[-1].name}"

    def copied_from(index: Index | str) -> bool:
        """Whether the check of the copy finds its stored document, and all of it."""
        found = [s for s in check(copy, index).sources if s.source == stored]
        assert not found or found[0].similarity == 100
        return bool(found)

    writer = start_adding(url, tmp_path / "new")
    during = 0
    while writer.poll() is None:
        inside = writing(postgres, database)
        before = consistent(url)
        with Index(url) as index:
            present = copied_from(index)
        after = consistent(url)
        # Before the commit, none of the new documents; after it, all of them, the copy whole.
        assert {before, after} <= {10, 70}
        assert after == 70 if present else before == 10
        during += inside and writer.poll() is None
    assert writer.returncode == 0
    assert consistent(url) == 70 and copied_from(url)
    assert during > 0, "no read landed while the writer was inside its transaction"


def test_the_readmes_least_privilege_roles(postgres: PostgresServer) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A shared archive on PostgreSQL", 1)[1]
    block = section.split("```sql\n", 1)[1].split("```", 1)[0]
    passwords = {role: secrets.token_urlsafe(12) for role in ("owner", "writer", "reader")}
    # Roles are the whole server's, and the test server's superuser is simcheck_owner:
    # the README's roles get names of this test's own.
    names = {role: f"{role}_{secrets.token_hex(4)}" for role in passwords}
    for role, password in passwords.items():
        block = block.replace(f"'{role}-password'", f"'{password}'").replace(f"simcheck_{role}", names[role])
    database = postgres.create_database("roles_" + secrets.token_hex(4))
    statements = [s for s in block.split(";") if s.strip()]
    postgres.admin_sql(statements, dbname=database)
    url = {role: postgres.url(names[role], password, database) for role, password in passwords.items()}
    built = run("index", "build", url["owner"], COLDWAR)
    assert built.exit_code == 0, built.output
    added = run("index", "add", url["writer"], CLASS)
    assert added.exit_code == 0, added.output
    checked = run("check", ESSAY, "--corpus", url["reader"], "-f", "json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["matches"]
    refused = one_line_error(run("index", "add", url["reader"], CLASS), secret=passwords["reader"])
    assert "this role lacks the privilege to write to the archive" in refused
    elsewhere = one_line_error(
        run("index", "build", url["writer"] + "?schema=mine", COLDWAR), secret=passwords["writer"]
    )
    assert "lacks the privilege to create schema mine" in elsewhere
