"""A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a
temporary folder, password authentication only, listening on 127.0.0.1 and a free port.

    with PostgresServer() as server:
        server.create_database("archive")
        url = server.url(server.superuser, server.password, "archive")

The binaries come from PATH or Debian's /usr/lib/postgresql/<version>/bin; when they
are missing, ``unavailable_reason()`` says so and tests skip. psycopg is imported only
when SQL is run, so this module loads without it.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

HOST = "127.0.0.1"
SUPERUSER = "simcheck_owner"
# initdb refuses to run as root; the distribution's server account runs it instead.
SERVER_ACCOUNT = "postgres"
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """No server can be run here; the message says why (e.g. no initdb installed)."""


def _version_key(folder: Path) -> tuple[int, ...]:
    # "15" and "9.6" alike, newest first when sorted in reverse.
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)


def find_bindir() -> Path:
    """The folder holding both initdb and pg_ctl: the one of initdb on PATH, else the
    highest version under /usr/lib/postgresql/*/bin. Raises PostgresUnavailable."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        # Debian links /usr/local/bin/initdb and the like to the versioned folder; pg_ctl
        # may be linked elsewhere or not at all, so look beside the real file too.
        candidates += [Path(on_path).parent, Path(on_path).resolve().parent]
    candidates += sorted(DEBIAN_BINARIES.glob("*/bin"), key=_version_key, reverse=True)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return folder
    raise PostgresUnavailable(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under {DEBIAN_BINARIES}/*/bin "
        "(apt-get install postgresql)"
    )


def _server_account() -> pwd.struct_passwd | None:
    """The account to run the server as: None for the current one, the postgres account
    when running as root. Raises PostgresUnavailable when root has no account to use."""
    if os.geteuid() != 0:
        return None
    try:
        account = pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no {SERVER_ACCOUNT!r} user to run initdb as"
        ) from None
    if shutil.which("runuser") is None:
        raise PostgresUnavailable(f"running as root and runuser is missing to run initdb as {SERVER_ACCOUNT}")
    return account


def unavailable_reason() -> str | None:
    """Why no server can be started here, or None when it can (psycopg aside)."""
    try:
        find_bindir()
        _server_account()
    except PostgresUnavailable as missing:
        return str(missing)
    return None


def _free_port() -> int:
    # The kernel's pick for a port nobody holds; another process may take it before the
    # server binds, which _start_on_free_port meets by trying again.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _conf_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresServer:
    """One cluster, started by start() (or ``with``) and removed by stop()."""

    def __init__(self, superuser: str = SUPERUSER, *, durable: bool = False) -> None:
        self.bindir = find_bindir()
        # Tests skip what only a crash would need; a benchmark measures a server as it
        # would be run (fsync, full page writes).
        self.durable = durable
        self.account = _server_account()
        self.superuser = superuser
        # A fresh one per cluster; url() quotes it, so any alphabet would do.
        self.password = secrets.token_urlsafe(24)
        self.host = HOST
        self.port = 0
        self.folder: Path | None = None

    # --- paths -----------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        if self.folder is None:
            raise RuntimeError("the server is not started")
        return self.folder / name

    @property
    def datadir(self) -> Path:
        return self._path("data")

    @property
    def socket_dir(self) -> Path:
        return self._path("socket")

    @property
    def logfile(self) -> Path:
        return self._path("server.log")

    # --- running the binaries --------------------------------------------------------

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / program), *args]
        if self.account is not None:
            command = ["runuser", "-u", self.account.pw_name, "--", *command]
        # The folder as working directory: the server account may not be allowed into
        # the caller's. No PG* variables, so none of the caller's settings leak in.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        done = subprocess.run(
            command,
            cwd=self.folder,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                f"{self._log_tail()}"
            )
        return done

    def _own(self, path: Path) -> None:
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def _log_tail(self) -> str:
        try:
            lines = self.logfile.read_text(errors="replace").splitlines()
        except (OSError, RuntimeError):
            return ""
        return "\nserver log:\n" + "\n".join(lines[-20:])

    # --- life cycle ------------------------------------------------------------------

    def start(self) -> PostgresServer:
        if self.folder is not None:
            raise RuntimeError("the server is already started")
        self.folder = Path(tempfile.mkdtemp(prefix="simcheck-pg-"))
        atexit.register(self.stop)
        try:
            self._own(self.folder)
            self._initdb()
            self._configure()
            self._start_on_free_port()
            self.admin_sql("SELECT 1")
        except BaseException:
            self.stop()
            raise
        return self

    def _initdb(self) -> None:
        pwfile = self._path("pwfile")
        pwfile.touch(mode=0o600)
        self._own(pwfile)
        pwfile.write_text(self.password + "\n")
        try:
            self._run(
                "initdb",
                f"--pgdata={self.datadir}",
                f"--username={self.superuser}",
                f"--pwfile={pwfile}",
                # No trust anywhere, not even while the cluster is new.
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                # A test cluster need not survive a crash; skipping fsync saves seconds.
                "--no-sync",
            )
        finally:
            pwfile.unlink()

    def _configure(self) -> None:
        self.socket_dir.mkdir(mode=0o700)
        self._own(self.socket_dir)
        # Exactly two ways in, both by password: replication and ::1 lines of initdb's
        # file go too.
        (self.datadir / "pg_hba.conf").write_text(
            "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
            "local   all       all                 scram-sha-256\n"
            f"host    all       all   {HOST}/32  scram-sha-256\n"
        )
        settings = {
            "listen_addresses": _conf_string(HOST),
            "unix_socket_directories": _conf_string(str(self.socket_dir)),
            "password_encryption": "'scram-sha-256'",
        }
        if not self.durable:
            # Durability is of no use to a cluster deleted after the tests.
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n# benchmarks/workloads/pgserver.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def _start_on_free_port(self) -> None:
        for attempt in range(3):
            self.port = _free_port()
            started = self._run(
                "pg_ctl",
                "start",
                f"--pgdata={self.datadir}",
                f"--log={self.logfile}",
                "--wait",
                f"--timeout={START_TIMEOUT_S}",
                # The port alone goes on the command line: pg_ctl passes it through a shell.
                f"--options=-p {self.port}",
                check=False,
            )
            if started.returncode == 0:
                return
            if "already in use" not in self._log_tail() or attempt == 2:
                raise RuntimeError(
                    f"pg_ctl start failed ({started.returncode}):\n{started.stdout}{started.stderr}"
                    f"{self._log_tail()}"
                )

    def postmaster_pid(self) -> int | None:
        """The server process, read from its pid file; None when not running."""
        try:
            return int(self._path("data/postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stops the server and deletes its folder; does nothing when already stopped."""
        if self.folder is None:
            return
        atexit.unregister(self.stop)
        try:
            pid = self.postmaster_pid()
            if pid is not None:
                stopped = self._run("pg_ctl", "stop", f"--pgdata={self.datadir}", "--mode=fast", check=False)
                if stopped.returncode != 0 and self.postmaster_pid() == pid:
                    # pg_ctl gave up: the postmaster we started goes down without a
                    # shutdown checkpoint, which a deleted cluster does not need.
                    os.kill(pid, signal.SIGQUIT)
                    time.sleep(1)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            self.port = 0

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- clients ---------------------------------------------------------------------

    def url(self, user: str, password: str, dbname: str = "postgres") -> str:
        """postgresql://user:password@127.0.0.1:PORT/dbname, each part URL-quoted."""
        if not self.port:
            raise RuntimeError("the server is not started")
        return (
            f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}"
            f"@{self.host}:{self.port}/{quote(dbname, safe='')}"
        )

    def admin_url(self, dbname: str = "postgres") -> str:
        return self.url(self.superuser, self.password, dbname)

    def admin_sql(self, statements: str | Sequence[Any], dbname: str = "postgres") -> list[tuple[Any, ...]]:
        """Runs statements (SQL strings or psycopg.sql compositions) one by one as the
        superuser, each committed on its own (CREATE DATABASE cannot run in a
        transaction); returns the rows of the last one, if it gives any."""
        import psycopg

        if isinstance(statements, str):
            statements = [statements]
        rows: list[tuple[Any, ...]] = []
        with psycopg.connect(self.admin_url(dbname), autocommit=True) as connection:
            for statement in statements:
                cursor = connection.execute(statement)
                rows = cursor.fetchall() if cursor.description is not None else []
        return rows

    def create_database(self, name: str, owner: str | None = None) -> str:
        """Creates database ``name`` (owned by ``owner`` if given) and returns its name."""
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner is not None:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self.admin_sql([statement])
        return name
