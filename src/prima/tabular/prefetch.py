"""Running a generator of chunks one or two steps ahead in a thread of its own.

Splitting a CSV chunk (finding separators, quotes and line breaks) and adding up its answers
are both NumPy work that releases the GIL, so on a machine with a second core the next chunk
is split while the current one is counted. The consumer sees exactly the items and the
exception of the generator, in order; memory holds at most ``depth`` items more.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
