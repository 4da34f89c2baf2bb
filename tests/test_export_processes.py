"""A CSV export of a SQLite database file is read by forked worker processes
(:func:`prima.transfers.export_parallel.process_ordered`) and gives exactly the bytes that one
reader gives, with every page read in a worker, in order; and the ordered process map itself:
order, errors at their place, the workers ended when the reading stops."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from prima.transfers.export_parallel import process_ordered

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import ingest_harness as h

SCRIPT = """
import io, os
from prima.surveys.models import Survey
from prima.transfers import export as ex

survey = Survey.objects.get(code={code!r})
ex.CHUNK_SIZE = 7  # many pages: both workers busy
seen = {seen!r}
real = ex._fetch_page

def noted(cells, bounds):
    with open(os.path.join(seen, str(os.getpid())), "a") as f:
        f.write(f"{{bounds}}\\n")
    return real(cells, bounds)

ex._fetch_page = noted
calls = []
out = io.StringIO()
n = ex.write_csv(survey, out, progress=calls.append)
ex.PROCESSES = 1  # one reader, in this process
one = io.StringIO()
assert ex.write_csv(survey, one) == n
cut = io.StringIO()
ex.PROCESSES = 2
last = list(ex.export_queryset(survey).values_list("pk", flat=True)[:21])[-1]
assert ex.write_csv(survey, cut, last_id=last) == 21
print("ROWS", n)
print("SAME", out.getvalue() == one.getvalue())
print("PARENT", os.getpid())
print("CUT", cut.getvalue() == "".join(one.getvalue().splitlines(True)[:22]))
print("PROGRESS", calls[-1])
"""


def test_sqlite_csv_export_in_worker_processes(tmp_path):
    env = h.prima_env(tmp_path / "data")
    code = h.prepare_demo(env)
    h.run_prima(["seed", "--responses", "80", "--survey", code, "--seed", "4"], env)
    seen = tmp_path / "seen"
    seen.mkdir()
    done = h.run_prima(["shell", "-c", SCRIPT.format(code=code, seen=str(seen))], env)
    words = dict(re.findall(r"^([A-Z]+) (\S+)$", done.stdout, re.M))
    rows = int(words["ROWS"])
    assert rows >= 80
    assert words["SAME"] == "True"
    assert words["CUT"] == "True"
    assert words["PROGRESS"] == str(rows)
    parent = words["PARENT"]
    pages = {pid.name: pid.read_text().splitlines() for pid in seen.iterdir()}
    workers = set(pages) - {parent}
    assert len(workers) >= 2  # the first export's two workers (the third export's are others)
    in_workers = sum(len(pages[pid]) for pid in workers)
    pages_of = rows // 7 + 1  # id ranges of 7 rows and the open one after the last bound
    assert in_workers == pages_of + 21 // 7 + 1  # every page of the first and third export
    assert len(pages[parent]) == pages_of  # the one-reader export


def _square(i: int) -> int:
    if i == 13:
        raise ValueError("halaman 13 rusak")
    return i * i


def test_process_ordered_keeps_order_and_raises_at_the_place():
    assert list(process_ordered(iter(range(13)), _square, 2)) == [i * i for i in range(13)]
    stream = process_ordered(iter(range(40)), _square, 2)
    assert [next(stream) for _ in range(13)] == [i * i for i in range(13)]
    with pytest.raises(ValueError, match="halaman 13 rusak"):
        next(stream)
    assert list(stream) == []


def _pid(_job: int) -> int:
    return os.getpid()


def test_process_ordered_closed_early_ends_its_workers():
    taken = []

    def jobs():
        for i in range(10**6):
            taken.append(i)
            yield i

    stream = process_ordered(jobs(), _pid, 2)
    pids = {next(stream), next(stream)}
    assert os.getpid() not in pids
    stream.close()
    assert len(taken) <= 6  # at most processes + 1 out past the ones read
    assert list(stream) == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _slow_pid(_job: int) -> int:
    time.sleep(0.02)
    return os.getpid()


def test_workers_end_although_the_parent_handles_sigterm_gracefully():
    """A task worker (``db_worker``) runs the export job in its own process, with a SIGTERM
    handler that only asks for a graceful stop while a task runs: the forked workers must not
    inherit it, or ``close`` (Pool.terminate) waits forever for workers that ignore their
    termination (a CI run hung on one; without the reset 19 of 20 tries hung here)."""
    asked: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: asked.append(signum))
    try:
        for _ in range(5):
            stream = process_ordered(iter(range(10)), _slow_pid, 2)
            pids = {next(stream)}  # jobs still out in both workers
            closer = threading.Thread(target=stream.close, daemon=True)
            closer.start()
            closer.join(timeout=30)
            assert not closer.is_alive(), "the workers ignored their termination"
            for pid in pids:
                with pytest.raises(ProcessLookupError):
                    os.kill(pid, 0)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert asked == []  # the parent itself was never signalled


SLOW_START = """
import multiprocessing, os, signal, threading, time
from prima.process_map import ProcessOrdered

signal.signal(signal.SIGTERM, lambda signum, frame: None)  # a graceful parent
os.register_at_fork(after_in_child=lambda: time.sleep(0.5))  # workers slow to start
stream = ProcessOrdered(iter(range(10)), os.getpid, 2)
closer = threading.Thread(target=stream.close, daemon=True)
closer.start()  # before either worker has reset its signal handling
closer.join(timeout=20)
print("hung" if closer.is_alive() else "ended", flush=True)
for worker in multiprocessing.active_children():
    worker.kill()  # a hung one holds the output pipe open
os._exit(0)
"""


def test_workers_terminated_before_they_reset_their_signals_still_end():
    """A loaded machine (CI: two cores, a page sweep beside) can start a worker more slowly than
    the caller closes the pool: a SIGTERM that arrives before the worker's own handling is set
    up must still end it (it waits, blocked, until then). Before, the worker ran the parent's
    graceful handler, ignored its termination, and close waited forever."""
    done = subprocess.run(
        [sys.executable, "-c", SLOW_START], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "ended", done.stdout + done.stderr
