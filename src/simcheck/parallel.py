"""One way to spread work over processes, for every command that has ``--jobs``.

A job is ``function(context, task)`` for each of many tasks, results in task order. The
``context`` (a corpus, the settings) is what every task needs: a worker process receives
it once, when it starts, instead of with every task. With one job, or too few tasks to
be worth starting processes, the tasks run here, in order, and nothing is kept between
calls: two jobs can run in one process at once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

Context = TypeVar("Context")
Task = TypeVar("Task")
Result = TypeVar("Result")

# A worker process serves one pool, so it holds one context: set when it starts.
_worker_context: Any = None


def _receive(context: Any, parent: int) -> None:
    global _worker_context
    _worker_context = context
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when the process that started it is gone. A parent killed with
    SIGKILL (a user's kill, the out-of-memory killer) cannot stop its workers, and they
    would wait for tasks for ever, each holding its share of memory."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)


#: How often a worker looks whether its parent is still there.
_PARENT_CHECK_SECONDS = 1.0


def _call_chunk(function: Callable[[Any, Any], Any], chunk: Sequence[Any]) -> list[Any]:
    return [function(_worker_context, task) for task in chunk]


#: Chunks a pool works on ahead of the caller, per worker: enough to keep every worker
#: busy, few enough that results do not pile up in memory when the caller is slower
#: (an index's writer, storing what the workers scanned).
_CHUNKS_AHEAD = 2


def _in_order(
    pool: ProcessPoolExecutor,
    function: Callable[[Any, Any], Any],
    chunks: Iterator[Sequence[Any]],
    ahead: int,
) -> Iterator[Any]:
    pending: deque[Future[list[Any]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_call_chunk, function, chunk))
            if len(pending) >= ahead:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for future in pending:  # the caller stopped early
            future.cancel()


class Workers(Generic[Context]):
    """Runs ``function(context, task)`` over tasks, in worker processes or here."""

    def __init__(self, context: Context, pool: ProcessPoolExecutor | None, jobs: int) -> None:
        self.context = context
        self._pool = pool
        self._jobs = jobs

    @property
    def parallel(self) -> bool:
        """Whether the tasks run in worker processes."""
        return self._pool is not None

    def map(
        self,
        function: Callable[[Context, Task], Result],
        tasks: Sequence[Task],
        *,
        chunksize: int | None = None,
    ) -> Iterator[Result]:
        """``function(context, task)`` for each of ``tasks``, in order.

        ``function`` must be a module-level function, so worker processes can find it.
        ``chunksize`` tasks go to a worker at a time; by default about eight chunks per
        worker, at most 256 tasks each.
        """
        if self._pool is None:
            return (function(self.context, task) for task in tasks)
        size = chunksize or max(1, min(256, len(tasks) // (8 * self._jobs)))
        chunks = (tasks[start : start + size] for start in range(0, len(tasks), size))
        return _in_order(self._pool, function, chunks, _CHUNKS_AHEAD * self._jobs + 1)


@contextmanager
def workers(context: Context, *, jobs: int, tasks: int) -> Iterator[Workers[Context]]:
    """Workers for about ``tasks`` tasks: ``jobs`` processes, or this one when ``jobs``
    is 1 or there are fewer than two tasks a process.

    >>> with workers({"offset": 10}, jobs=1, tasks=3) as run:
    ...     list(run.map(lambda context, task: context["offset"] + task, [1, 2, 3]))
    [11, 12, 13]
    """
    if jobs <= 1 or tasks < 2 * jobs:
        yield Workers(context, None, jobs)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_receive, initargs=(context, os.getpid())) as pool:
        yield Workers(context, pool, jobs)


def available_cores() -> int:
    """The processors this process may run on (its CPU affinity, where the system says).

    >>> available_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)
