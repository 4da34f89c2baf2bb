"""An ordered map over forked worker processes (framework-free): ``work(job)`` for every job,
computed by a small process pool, handed back in job order with a bounded number of jobs out.

Used by the CSV export of a SQLite database (:mod:`prima.transfers.export_parallel`), whose
module holds Python's lock while it steps through rows: forked workers inherit the loaded code,
so one costs a few milliseconds to start.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_TASK: list[Callable[[Any], Any]] = []  # the work of the processes being forked


def _run_task(job: Any) -> Any:
    return _TASK[0](job)


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _worker_signals() -> None:
    """A forked worker starts with the default handling of SIGTERM and SIGINT.

    It inherits the parent's Python handlers otherwise: a task worker (``db_worker``) or a
    server that shuts down gracefully on SIGTERM would make the worker ignore the
    :meth:`~multiprocessing.pool.Pool.terminate` that ends it, and the caller would wait for it
    forever. SIGINT is ignored: a Ctrl+C reaches the parent, which ends the workers.

    The worker is forked with both signals blocked (:class:`ProcessOrdered`), so a SIGTERM
    that comes before this runs (a loaded machine can take longer to start a worker than the
    caller takes to close the pool) waits, and ends the worker once they are unblocked here."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


class ProcessOrdered(Iterator[T]):
    """``work(job)`` for every job, computed by ``processes`` forked processes, in job order
    (``work`` itself is inherited, each job and result travel by pickle).

    The pool is started at once, before the caller starts any thread of its own (a fork copies
    only the thread that forks), after ``before_fork()`` (e.g. closing the database
    connections, which a worker must not share). At most
    ``processes + 1`` jobs are out at a time. An error of ``work`` is raised here at its job's
    place; :meth:`close` (or the end, or an error) ends the workers.
    """

    def __init__(
        self,
        jobs: Iterator[Any],
        work: Callable[[Any], T],
        processes: int,
        before_fork: Callable[[], None] | None = None,
    ) -> None:
        if before_fork is not None:
            before_fork()
        _TASK[:] = [work]
        # Forked (and the pool's threads started) with SIGTERM and SIGINT blocked: see
        # _worker_signals. This thread's mask is put back at once.
        masked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            self._pool = multiprocessing.get_context("fork").Pool(processes, _worker_signals)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, masked)
            _TASK.clear()
        self._jobs = jobs
        self._window = processes + 1
        self._out: deque[Any] = deque()
        self._done = False

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            while len(self._out) < self._window:
                job = next(self._jobs, _END)
                if job is _END:
                    break
                self._out.append(self._pool.apply_async(_run_task, (job,)))
            if not self._out:
                self.close()
                raise StopIteration
            result: T = self._out.popleft().get()
            return result
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self._done:
            self._done = True
            self._out.clear()
            self._pool.terminate()
            self._pool.join()


_END = object()
