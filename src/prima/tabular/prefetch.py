"""Running a generator of chunks ahead of its consumer in threads of their own.

Splitting a CSV chunk (finding separators, quotes and line breaks) and adding up its answers
are both NumPy work that releases the GIL, so on a machine with a second core the next chunks
are split while the current one is counted: :func:`prefetched` runs a generator ahead in one
thread, :func:`ordered_map` runs the work on several items at once (the CSV reader: two
threads split while the caller counts). The consumer sees exactly the items and the
exception of the generator, in order; memory holds a bounded number of items more.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
J = TypeVar("J")

_DONE = object()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def spare_cores() -> float:
    """Cores not taken by running work (the cores less the last minute's load average): the
    split threads pay off only when one is free; on a busy machine their hand-offs of
    Python's lock cost more than they save (measured: 10-30% more CPU time)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return float(_cores())
    return _cores() - load


def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced in a background thread up to ``depth`` ahead (as is on one core)."""
    if _cores() < 2:
        yield from items
        return
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put((item,), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as exc:  # handed to the consumer, raised where it belongs
            ready.put(exc)
        else:
            ready.put(_DONE)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="prima-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            got = ready.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            assert isinstance(got, tuple)
            yield got[0]
    finally:
        stop.set()
        while worker.is_alive():  # let a blocked producer finish its put and stop
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        worker.join()


def ordered_map(
    jobs: Iterator[J], work: Callable[[J], T], workers: int = 2, ahead: int = 1
) -> Iterator[T]:
    """``work(job)`` for every job, by ``workers`` threads at once, yielded in job order.

    ``jobs`` is advanced by one thread at a time (under a lock), so it may read a file. At most
    ``workers + ahead`` results are held or being made at a time (bounded memory). An exception
    of ``jobs`` or of ``work`` reaches the consumer at its job's place, after the results before
    it; when the consumer stops early the threads stop and ``jobs`` is closed. On one core (or
    with ``workers`` < 2) everything runs in the caller's thread, in order.
    """
    if workers < 2 or _cores() < 2:
        try:
            for job in jobs:
                yield work(job)
        finally:
            _close(jobs)
        return
    lock = threading.Lock()
    ready = threading.Condition(lock)
    slots = threading.Semaphore(workers + ahead)
    stop = threading.Event()
    results: dict[int, tuple[bool, Any]] = {}
    taken = [0]
    finished: list[int] = []  # the number of jobs, once known

    def run() -> None:
        while not stop.is_set():
            slots.acquire()
            if stop.is_set():
                return
            with lock:
                if finished:
                    slots.release()
                    return
                index = taken[0]
                try:
                    job = next(jobs)
                except StopIteration:
                    finished.append(index)
                    slots.release()
                    ready.notify_all()
                    return
                except BaseException as exc:
                    finished.append(index + 1)
                    results[index] = (False, exc)
                    ready.notify_all()
                    return
                taken[0] += 1
            try:
                outcome: tuple[bool, Any] = (True, work(job))
            except BaseException as exc:
                outcome = (False, exc)
            with lock:
                results[index] = outcome
                ready.notify_all()

    threads = [
        threading.Thread(target=run, name=f"prima-split-{i}", daemon=True) for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    try:
        index = 0
        while True:
            with lock:
                while index not in results and not (finished and index >= finished[0]):
                    ready.wait()
                if index not in results:
                    return
                ok, value = results.pop(index)
            slots.release()
            if not ok:
                raise value
            yield value
            index += 1
    finally:
        stop.set()
        for _ in threads:
            slots.release()
        for thread in threads:
            thread.join()
        with lock:
            _close(jobs)


def _close(items: Iterator[Any]) -> None:
    close = getattr(items, "close", None)
    if close is not None:
        close()
