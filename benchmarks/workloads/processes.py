"""One run of a command, measured as the benchmarks that time whole processes need it:
wall time, the peak memory of its process tree, and what it wrote."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finished:
    """A command's run: ``returncode`` None when it was stopped at its time limit."""

    seconds: float
    peak_mb: float
    returncode: int | None
    stdout: bytes
    stderr: bytes


def run_measured(command: list[str], *, timeout: float | None = None, **popen: Any) -> Finished:
    """Run ``command`` (``popen``: more arguments of :class:`subprocess.Popen`), killed
    after ``timeout`` seconds if one is given. The peak memory is the largest resident
    set of one process of its tree: Linux's ``wait4`` gives this child's use, with the
    children it waited for, not that of every child of this process so far."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, **popen)
        stopped = False
        if timeout is None:
            _, status, usage = os.wait4(process.pid, 0)
        else:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - started > timeout:
                    process.kill()
                    _, status, usage = os.wait4(process.pid, 0)
                    stopped = True
                    break
                time.sleep(0.05)
        seconds = time.perf_counter() - started
        # Reaped here, so Popen must not wait for it again.
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            seconds,
            usage.ru_maxrss / 1024,
            None if stopped else process.returncode,
            out.read(),
            err.read(),
        )
