"""The test PostgreSQL server of benchmarks/workloads/pgserver.py: password authentication only, on
127.0.0.1, and privileges enforced. Runs a real server (skipped where none is installed)."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

import pytest

from benchmarks.workloads.pgserver import PostgresServer, unavailable_reason

psycopg = pytest.importorskip("psycopg", reason="psycopg not installed (pip install -e '.[test]')")
from psycopg import errors, sql  # noqa: E402


def test_right_password_connects_over_tcp(postgres: PostgresServer) -> None:
    with psycopg.connect(postgres.url(postgres.superuser, postgres.password)) as connection:
        row = connection.execute(
            "SELECT current_user, host(inet_server_addr()), inet_server_port(), "
            "current_setting('listen_addresses')"
        ).fetchone()
    assert row == (postgres.superuser, "127.0.0.1", postgres.port, "127.0.0.1")


def test_wrong_password_is_refused(postgres: PostgresServer) -> None:
    wrong = "not-" + secrets.token_hex(8)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed") as refused:
        psycopg.connect(postgres.url(postgres.superuser, wrong), connect_timeout=5).close()
    # Neither the client's error nor the server's log repeats the password tried.
    assert wrong not in str(refused.value)
    assert wrong not in postgres.logfile.read_text(errors="replace")


def test_no_way_in_without_a_password(postgres: PostgresServer) -> None:
    rules = postgres.admin_sql("SELECT type, auth_method, error FROM pg_hba_file_rules")
    assert sorted(rules) == [("host", "scram-sha-256", None), ("local", "scram-sha-256", None)]
    # Over the unix socket too, the superuser is asked for a password.
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(
            host=str(postgres.socket_dir), port=postgres.port, user=postgres.superuser, dbname="postgres"
        ).close()


def test_select_only_role_cannot_insert(postgres: PostgresServer) -> None:
    database = postgres.create_database("grants_" + secrets.token_hex(4))
    reader, password = "reader_" + secrets.token_hex(4), secrets.token_urlsafe(16)
    postgres.admin_sql(
        [
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(reader), sql.Literal(password)),
            "CREATE TABLE essays (id integer PRIMARY KEY, body text NOT NULL)",
            "INSERT INTO essays VALUES (1, 'The Berlin airlift')",
            sql.SQL("GRANT SELECT ON essays TO {}").format(sql.Identifier(reader)),
        ],
        dbname=database,
    )
    with psycopg.connect(postgres.url(reader, password, database)) as connection:
        assert connection.execute("SELECT body FROM essays").fetchall() == [("The Berlin airlift",)]
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("INSERT INTO essays VALUES (2, 'The Cuban missile crisis')")
    assert postgres.admin_sql("SELECT count(*) FROM essays", dbname=database) == [(1,)]


def test_stop_leaves_nothing_behind() -> None:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    # A cluster of its own: the session's runs until the end.
    server = PostgresServer().start()
    folder, pid, port = server.folder, server.postmaster_pid(), server.port
    assert folder is not None and pid is not None
    server.stop()
    server.stop()  # a second stop is harmless
    assert not folder.exists()
    assert not _alive(pid)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def _alive(pid: int) -> bool:
    # The postmaster is no child of ours; a container's init may leave it a zombie a while.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
