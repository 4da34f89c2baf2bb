"""Pages of an export read by several threads (PostgreSQL) or processes (SQLite) at once, each
on its own database connection, and handed on in their order.

A page is a range of ids (:func:`id_ranges`); a reader thread takes the next range, runs the
page's query on its own connection (SQLite steps and PostgreSQL's backend work without the
GIL, so two readers use two cores) and formats it; the caller receives the results in range
order. At most ``readers + 1`` pages are held at a time, so memory stays bounded.

SQLite's module holds Python's lock while it steps through rows, so a second thread does not
help there: :func:`process_ordered` forks worker processes instead (each opens the database
file on a connection of its own, reads whole pages and sends back their CSV text), which
inherit the loaded code, so a worker costs a few milliseconds to start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import connections
from django.db.models import QuerySet

from prima.process_map import ProcessOrdered

T = TypeVar("T")
IdRange = tuple[int, int | None]
"""Ids ``lo < id <= hi`` (``hi`` None: no upper bound)."""


def id_ranges(qs: QuerySet[Any], chunk_size: int, last_id: int | None = None) -> Iterator[IdRange]:
    """Consecutive id ranges of ``qs`` holding ``chunk_size`` rows each (the last one fewer):
    the bound of each is the id of its last row, found with one short index query."""
    ids = qs.order_by("pk").values_list("pk", flat=True)
    if last_id is not None:
        ids = ids.filter(pk__lte=last_id)
    after = 0
    while True:
        bound = ids.filter(pk__gt=after)[chunk_size - 1 : chunk_size].first()
        if bound is None:
            yield after, last_id
            return
        yield after, bound
        after = bound


def parallel_ordered(
    jobs: Iterator[Any], work: Callable[[Any], T], readers: int = 2
) -> Iterator[T]:
    """``work(job)`` for every job, computed by ``readers`` threads, yielded in job order.

    ``jobs`` is advanced by the threads one at a time (it may run queries). A thread that
    fails hands its exception to the caller at that job's place; when the caller stops early
    the threads stop too. Each thread closes its own database connections when it ends.
    """
    lock = threading.Lock()
    ready = threading.Condition(lock)
    slots = threading.Semaphore(readers + 1)
    stop = threading.Event()
    results: dict[int, tuple[bool, Any]] = {}
    taken = [0]
    source = iter(jobs)
    finished: list[int] = []  # the number of jobs, once known

    def run() -> None:
        try:
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
                        job = next(source)
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
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=run, name=f"export-reader-{i}", daemon=True) for i in range(readers)
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


def process_ordered(
    jobs: Iterator[Any], work: Callable[[Any], T], processes: int = 2
) -> ProcessOrdered[T]:
    """``work(job)`` for every job, computed by ``processes`` forked processes, yielded in job
    order (:class:`prima.process_map.ProcessOrdered`); this process's database connections are
    closed first, so that no worker shares one with it (each worker opens its own)."""
    return ProcessOrdered(jobs, work, processes, before_fork=connections.close_all)
